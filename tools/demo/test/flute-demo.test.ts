// `pnpm demo`, lean: fewer and smaller files than the README's run, the same two flute processes over
// loopback multicast through 10% injected loss, every MD5 compared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { accountDatagrams, formatAccount, sampleContent, sampleSizes } from '@proto/demo';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function demo(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@proto/source', 'tools/demo/demo.ts', '--dir', tmp, ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
}

/** The accounting line's numbers: sent, processed, injected, socket, ring, unread, unaccounted. */
function accounting(stdout: string): number[] {
  const m = /^accounting (\d+) sent = (\d+) processed by the receiver \+ (\d+) injected loss \+ (\d+) socket drops \+ (\d+) ring drops \+ (\d+) unread at the end \+ (-?\d+) unaccounted$/m.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return m!.slice(1).map(Number);
}
const tmp = mkdtempSync(join(tmpdir(), 'flute-demo-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pnpm demo (FLUTE)', () => {
  it('sample files: geometric sizes, deterministic text and binary content', () => {
    expect(sampleSizes(20, 1024, 8 << 20)).toHaveLength(20);
    expect(sampleSizes(20, 1024, 8 << 20)[0]).toBe(1024);
    expect(sampleSizes(20, 1024, 8 << 20)[19]).toBe(8 << 20);
    expect(sampleSizes(3, 100, 10_000)).toEqual([100, 1000, 10_000]);
    expect(sampleContent(2, 1000)).toEqual(sampleContent(2, 1000));
    expect(sampleContent(2, 1000)).not.toEqual(sampleContent(4, 1000));
    const text = new TextDecoder().decode(sampleContent(1, 500));
    expect(text).toMatch(/^[A-Za-z \n]{500}$/);
  });

  it('accounts for every datagram sent', () => {
    const a = accountDatagrams({ datagrams: 1000 }, { processed: 880, lost: 100, kernelDrops: 5, overflow: 7, unread: 3 });
    expect(a).toEqual({ sent: 1000, processed: 880, injected: 100, socket: 5, ring: 7, unread: 3, unaccounted: 5 });
    expect(formatAccount(a)).toBe('1000 sent = 880 processed by the receiver + 100 injected loss + 5 socket drops + 7 ring drops + 3 unread at the end + 5 unaccounted');
    // No /proc/net/udp (not Linux): socket drops are not measurable and land in "unaccounted".
    const b = accountDatagrams({ datagrams: 10 }, { processed: 9, lost: 0, overflow: 0, unread: 0 });
    expect(b.socket).toBeUndefined();
    expect(b.unaccounted).toBe(1);
    expect(formatAccount(b)).toContain('? (not measurable here) socket drops');
    // A receiver that printed no summary: everything sent is unaccounted.
    expect(accountDatagrams({ datagrams: 42 }, {}).unaccounted).toBe(42);
  });

  it('delivers every file intact with RaptorQ through 10% loss and prints the summary', () => {
    const r = demo('--files', '8', '--max', '600000', '--bitrate', '50M');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^8 files, 1\.0 KiB to 585\.9 KiB/);
    expect(r.stdout).toContain('files      8/8 intact (MD5 of every received file equals the original\'s)');
    const lost = /datagrams {2}(\d+) sent, (\d+) lost to the injected loss \(([\d.]+)%\), (\d+) dropped by full buffers, (\d+) source symbols recovered by FEC/.exec(r.stdout);
    expect(lost).not.toBeNull();
    expect(Number(lost![2])).toBeGreaterThan(0);
    expect(Number(lost![5])).toBeGreaterThan(0);
    expect(r.stdout.match(/^ {2}received file-0\d\.(bin|txt)/gm)).toHaveLength(8);
    // Every datagram the sender sent is accounted for; nothing is lost where nothing counts.
    const [sent, processed, injected, socket, ring, unread, unaccounted] = accounting(r.stdout);
    expect(processed! + injected! + socket! + ring! + unread! + unaccounted!).toBe(sent);
    expect(unaccounted).toBe(0);
    expect(injected).toBe(Number(lost![2]));
    expect(r.stdout).toMatch(/^carousel {3}\d+ transfers started for 8 files; \d+ file\(s\) completed only on a repeat$/m);
  }, 100_000);

  it('repeats files whose transfers were hit harder than planned until every one arrives', () => {
    // 30% loss against repair planned for 1%: the larger files cannot complete on one transfer.
    const r = demo('--files', '4', '--max', '100000', '--loss', '0.3', '--design-loss', '0.01', '--repair', '5%', '--bitrate', '50M');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('files      4/4 intact');
    expect(Number(/^ {2}received file-04\.txt .*, on the sender's transfer (\d+)$/m.exec(r.stdout)?.[1])).toBeGreaterThanOrEqual(2);
    const repeats = /^carousel {3}(\d+) transfers started for 4 files; (\d+) file\(s\) completed only on a repeat$/m.exec(r.stdout);
    expect(Number(repeats![1])).toBeGreaterThan(4);
    expect(Number(repeats![2])).toBeGreaterThanOrEqual(1);
    const [sent, processed, injected, socket, ring, unread, unaccounted] = accounting(r.stdout);
    expect(processed! + injected! + socket! + ring! + unread! + unaccounted!).toBe(sent);
  }, 100_000);

  it('fails clearly when the deadline passes', () => {
    // 3 MB at 1 Mbit/s needs 24 s: a 6 s deadline cannot be met (and leaves a loaded machine time to start the sender).
    const r = demo('--files', '2', '--min', '1000000', '--max', '2000000', '--bitrate', '1M', '--deadline', '6');
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toMatch(/^deadline: 6 s passed with [01]\/2 files; stopping \(missing: (file-01\.bin, )?file-02\.txt\)$/m);
    expect(r.stdout).toMatch(/^files {6}[01]\/2 intact/m);
    expect(r.stdout).toContain('MISSING or CORRUPT: file-02.txt (not received)');
    expect(r.stdout).toContain('error: deadline: not every file arrived within 6 s');
    const [sent, processed, injected, socket, ring, unread, unaccounted] = accounting(r.stdout);
    expect(processed! + injected! + socket! + ring! + unread! + unaccounted!).toBe(sent);
  }, 100_000);
});

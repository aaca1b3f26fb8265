// `pnpm demo`, lean: fewer and smaller files than the README's run, the same two flute processes over
// loopback multicast through 10% injected loss, every MD5 compared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleContent, sampleSizes } from '@proto/demo';

const root = fileURLToPath(new URL('../../../', import.meta.url));
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

  it('delivers every file intact with RaptorQ through 10% loss and prints the summary', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@proto/source', 'tools/demo/demo.ts', '--files', '8', '--max', '600000', '--bitrate', '50M', '--dir', tmp], { cwd: root, encoding: 'utf8', timeout: 90_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^8 files, 1\.0 KiB to 585\.9 KiB/);
    expect(r.stdout).toContain('files      8/8 intact (MD5 of every received file equals the original\'s)');
    const lost = /datagrams {2}(\d+) sent, (\d+) lost to the injected loss \(([\d.]+)%\), (\d+) dropped by full buffers, (\d+) source symbols recovered by FEC/.exec(r.stdout);
    expect(lost).not.toBeNull();
    expect(Number(lost![2])).toBeGreaterThan(0);
    expect(Number(lost![5])).toBeGreaterThan(0);
    expect(r.stdout.match(/^ {2}received file-0\d\.(bin|txt)/gm)).toHaveLength(8);
  }, 100_000);
});

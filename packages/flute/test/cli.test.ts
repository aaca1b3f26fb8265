// The flute command-line tool as separate processes (the built dist/): `flute send` and
// `flute receive` over loopback multicast (239.255.x.x, interface 127.0.0.1, TTL 1) for FEC 0, 5 and
// 6 and the four content encodings, files compared byte for byte; then the errors and exit codes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLUTE, flute, requireBuild } from './support/cli-process.js';
import { randomBytes } from './support/harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'flute-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(requireBuild);

const ENCODINGS = ['null', 'deflate', 'zlib', 'gzip'] as const;

/** Every file below `dir`, by relative path. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** A folder of files for one sender: names carry the encoding so that four senders share a receiver. */
function sources(enc: string, seed: number): string {
  const dir = join(tmp, `src-${seed}-${enc}`);
  mkdirSync(join(dir, `${enc} dir`), { recursive: true });
  writeFileSync(join(dir, `${enc}-empty.bin`), new Uint8Array(0));
  writeFileSync(join(dir, `${enc}-text.txt`), 'FLUTE carries files over multicast. '.repeat(9000 + seed));
  writeFileSync(join(dir, `${enc} dir`, 'random.bin'), randomBytes(150_000 + seed, seed));
  return dir;
}

const schemes = [0, 5, 6] as const;

describe('flute send → flute receive, separate processes over loopback multicast', () => {
  for (const [i, fec] of schemes.entries()) {
    it(`FEC ${fec}, content encodings ${ENCODINGS.join('/')}: every file byte for byte`, async () => {
      const out = join(tmp, `out-fec${fec}`);
      const coded = fec !== 0;
      // With FEC, 3% of the datagrams are dropped on the way in (FDT and close packets too).
      const rx = flute(['receive', '-g', `239.255.43.${i + 1}:0`, '-i', '127.0.0.1', '-o', out, '--count', String(3 * ENCODINGS.length), '--timeout', '60', '--json', ...(coded ? ['--loss', '0.03', '--loss-seed', String(fec)] : [])], 90_000);
      const listening = await rx.waitFor('listening');
      const group = listening['group'] as string;
      const senders = ENCODINGS.map((enc, k) =>
        flute([
          // Four senders into one receiver: 50 Mbit/s each keeps the bursts within its buffers on a busy machine.
          'send', '-g', group, '-i', '127.0.0.1', '--ttl', '1', '--bitrate', '50M', '--tsi', String(100 + k), '--fec', String(fec), '--encoding', enc,
          '--fdt-carousel', '50', '--start-delay', '300', '--json',
          // With loss, the one-packet empty file needs more than one chance; the transfers are spread
          // out so that a burst (a busy machine overflowing the socket) cannot take all three.
          ...(coded ? ['--repair', '30%', '--transfers', '3', '--carousel-delay', '200'] : []),
          sources(enc, fec * 10 + k),
        ], 90_000),
      );
      const codes = await Promise.all(senders.map((s) => s.exit));
      expect(codes, senders.map((s) => s.stderr).join('')).toEqual(ENCODINGS.map(() => 0));
      const rxCode = await rx.exit;
      const story = rx.events.filter((e) => !['object-started', 'object-completed'].includes(e['event'] as string)).map((e) => JSON.stringify(e));
      expect(rxCode, `${rx.stderr}\n${story.join('\n')}`).toBe(0);
      const got = tree(out);
      const want = new Map<string, Buffer>();
      for (const [k, enc] of ENCODINGS.entries()) for (const [p, b] of tree(join(tmp, `src-${fec * 10 + k}-${enc}`))) want.set(p, b);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [p, b] of want) expect(got.get(p)!.equals(b), p).toBe(true);
      // What the receiver said matches: one session per sender, every object completed once, with its encoding.
      const completed = rx.events.filter((e) => e['event'] === 'object-completed');
      expect(new Set(completed.map((e) => (e['session'] as string).split('|')[1]))).toEqual(new Set(['100', '101', '102', '103']));
      expect(completed.filter((e) => e['bytes'] !== 0).every((e) => (e['contentEncoding'] ?? 'null') === ENCODINGS.find((enc) => (e['contentLocation'] as string).startsWith(enc)))).toBe(true);
      const summary = rx.events.find((e) => e['event'] === 'summary')!;
      expect(summary['files']).toBe(12);
      if (coded) {
        expect(summary['lost']).toBeGreaterThan(0);
        expect(summary['recoveredSymbols']).toBeGreaterThan(0);
      }
      for (const s of senders) expect(s.events.at(-1)).toMatchObject({ event: 'summary', files: 3, failed: 0 });
    }, 120_000);
  }

  it('--once exits when the sender closes the session; the sender reports its FDT instances', async () => {
    const dir = join(tmp, 'once');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.bin'), randomBytes(40_000, 1));
    const rx = flute(['receive', '-g', '239.255.43.9:0', '-i', '127.0.0.1', '-o', join(tmp, 'out-once'), '--once', '--timeout', '30', '--json']);
    const { group } = (await rx.waitFor('listening')) as { group: string };
    const tx = flute(['send', '-g', group, '-i', '127.0.0.1', '--json', '--tsi', '9', dir]);
    expect(await tx.exit, tx.stderr).toBe(0);
    expect(await rx.exit, rx.stderr).toBe(0);
    expect(rx.events.map((e) => e['event'])).toEqual(expect.arrayContaining(['session-opened', 'fdt', 'object-started', 'object-completed', 'session-closed', 'summary']));
    expect(rx.events.find((e) => e['event'] === 'session-closed')).toMatchObject({ reason: 'close-flag' });
    expect(tx.events.find((e) => e['event'] === 'fdt')).toMatchObject({ files: 1 });
    expect(readFileSync(join(tmp, 'out-once', 'a.bin')).equals(Buffer.from(randomBytes(40_000, 1)))).toBe(true);
    // Every datagram sent is accounted for, the repeats of the close-session packet included.
    const sent = tx.events.find((e) => e['event'] === 'summary')!['datagrams'] as number;
    const s = rx.events.find((e) => e['event'] === 'summary') as Record<string, number>;
    expect(s['processed']! + s['lost']! + s['unread']!).toBe(s['datagrams']! + s['unread']!);
    expect(s['processed']! + s['lost']! + s['unread']! + s['overflow']! + (s['kernelDrops'] ?? 0)).toBe(sent);
  }, 60_000);

  it('draws progress bars on a terminal', () => {
    const file = join(tmp, 'tty.bin');
    writeFileSync(file, randomBytes(300_000, 5));
    // `script` gives the command a pseudo-terminal; nothing listens on the group, the sender just sends.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${FLUTE} send -g 239.255.43.10:45999 -i 127.0.0.1 -b 20M ${file}`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tty\.bin\s+\[[█░]+\]/);
    expect(r.stdout).toMatch(/total\s+\[█+\] 100%/);
    expect(r.stdout).toContain('1 file(s) sent, 293.0 KiB');
    expect(r.stdout).not.toContain('{"event"');
  }, 40_000);
});

describe('flute errors: one line on stderr and an exit code', () => {
  const file = join(tmp, 'one.txt');
  const notAFolder = join(tmp, 'plain-file');
  beforeAll(() => {
    writeFileSync(file, 'x');
    writeFileSync(notAFolder, 'x');
  });
  const cases: [string, string[], number, RegExp][] = [
    ['no command', [], 2, /^$/],
    ['an unknown command', ['frobnicate'], 2, /^flute: unknown command "frobnicate" \(expected send or receive\) \(see flute --help\)$/],
    ['an unknown option', ['send', '--frobnicate', file], 2, /^flute: Unknown option '--frobnicate'.*\(see flute --help\)$/],
    ['no files', ['send'], 2, /^flute: send: name at least one file or folder \(see flute --help\)$/],
    ['a missing file', ['send', join(tmp, 'nope.bin')], 2, /^flute: ENOENT: no such file or directory, stat '.*nope\.bin' \(see flute --help\)$/],
    ['an unknown FEC scheme', ['send', '--fec', '99', file], 2, /^flute: FEC Encoding ID 99 is not available \(known: .*\) \(see flute --help\)$/],
    ['a bad repair value', ['send', '--repair', 'lots', file], 2, /^flute: --repair: expected a percentage like 15% or a symbol count like 8, got "lots"/],
    ['a bad --fdt-keep-finished', ['send', '--fdt-keep-finished', 'all', file], 2, /^flute: --fdt-keep-finished: expected an integer 0\.\.\d+, got "all"/],
    ['an option value starting with a dash', ['send', '--fdt-keep-finished', '-1', file], 2, /^flute: Option '--fdt-keep-finished' argument is ambiguous\. Did you forget .* \(see flute --help\)$/],
    ['a bad bitrate', ['send', '-b', 'fast', file], 2, /^flute: --bitrate: expected bits per second/],
    ['a bad group', ['send', '-g', 'example.org:4000', file], 2, /^flute: destination: "example\.org" is not an IPv4 or IPv6 address/],
    ['an interface this host does not have', ['send', '-g', '239.255.43.11:4000', '-i', '192.0.2.1', file], 2, /^flute: interface 192\.0\.2\.1 is not an address of this host/],
    ['an interface name that does not exist', ['receive', '-g', '239.255.43.11:0', '-i', 'nosuch0', '-o', join(tmp, 'o1')], 2, /^flute: interface nosuch0 does not exist/],
    ['no --out', ['receive'], 2, /^flute: receive: --out DIR is required \(see flute --help\)$/],
    ['an unwritable folder', ['receive', '-o', join(notAFolder, 'sub')], 1, /^flute: cannot write to .*plain-file\/sub: ENOTDIR/],
    ['a bad loss value', ['receive', '-o', join(tmp, 'o2'), '--loss', 'lots'], 2, /^flute: --loss: expected a fraction like 0\.1 or 10%/],
    ['a time-out before --once is met', ['receive', '-g', '239.255.43.12:0', '-i', '127.0.0.1', '-o', join(tmp, 'o3'), '--once', '--timeout', '0.3', '-q'], 3, /^flute: timed out after 0\.3 s with 0 file\(s\)$/],
  ];
  it.each(cases)('%s', async (_name, args, code, stderr) => {
    const r = flute(args, 20_000);
    expect(await r.exit).toBe(code);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length, r.stderr).toBeLessThanOrEqual(1);
    expect(lines[0] ?? '').toMatch(stderr);
  });

  it('--help shows every command with examples', async () => {
    for (const args of [['--help'], ['send', '--help'], ['receive', '-h']]) {
      const r = flute(args, 20_000);
      expect(await r.exit).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stderr).toBe('');
    }
    const r = flute(['send', '--help'], 20_000);
    await r.exit;
    for (const option of ['--group', '--interface', '--tsi', '--fec', '--symbol-size', '--block-length', '--repair', '--encoding', '--transfers', '--loop', '--bitrate', '--priority', '--fdt-mode', '--profile']) expect(r.stdout).toContain(option);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lines, runCli, waitForStderr, type Run } from './cli-helpers.js';
import { sha256, xorshiftBytes } from './helpers.js';


async function recvUdp(args: string[]): Promise<{ run: Run; port: number }> {
  const run = runCli(['recv', '--udp', '127.0.0.1:0', ...args]);
  const m = await waitForStderr(run, /listening on udp 127\.0\.0\.1:(\d+)/);
  return { run, port: Number(m[1]) };
}

describe('efp CLI over UDP', () => {
  it('send --generate -> recv: the same frames, one JSON line each', async () => {
    const { run: rx, port } = await recvUdp(['--count', '6', '--idle', '20']);
    const tx = runCli([
      'send', '--udp', `127.0.0.1:${port}`, '--generate', '6', '--sizes', '0,1,1424,1425,70000,300000', '--pattern', 'random', '--seed', '9',
      '--stream', '7', '--content', 'h264', '--code', 'ANXB', '--pts-start', '90000', '--pts-step', '3000', '--dts-delta', '1500',
      '--flags', '0x20', '--sfn-start', '65534', '--rate', '200M',
    ]);
    expect(await tx.exit).toBe(0);
    expect(await rx.exit).toBe(0);
    const sent = lines(tx.stdout());
    const got = lines(rx.stdout());
    expect(got).toEqual(sent);
    expect(got.map((f) => f.sfn)).toEqual([65534, 65535, 0, 1, 2, 3]);
    expect(got[4]).toMatchObject({ size: 70000, stream: 7, pts: '102000', dts: '100500', content: '0x83', code: '0x414e5842', flags: '0x20', broken: false });
    expect(rx.stderr()).toMatch(/"frames":6/);
  });

  it('sends files and stdin split by a delimiter or in chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'efp-cli-'));
    const a = xorshiftBytes(5000, 1);
    const b = xorshiftBytes(10, 2);
    await writeFile(join(dir, 'a.bin'), a);
    await writeFile(join(dir, 'b.bin'), b);
    {
      const { run: rx, port } = await recvUdp(['--count', '2', '--idle', '20']);
      const tx = runCli(['send', '--udp', `127.0.0.1:${port}`, join(dir, 'a.bin'), join(dir, 'b.bin')]);
      expect(await tx.exit).toBe(0);
      expect(await rx.exit).toBe(0);
      expect(lines(rx.stdout()).map((f) => f.sha256)).toEqual([sha256(a), sha256(b)]);
    }
    {
      const input = new TextEncoder().encode('first\u0000\u0000second frame\u0000\u0000third');
      const { run: rx, port } = await recvUdp(['--count', '3', '--idle', '20']);
      const tx = runCli(['send', '--udp', `127.0.0.1:${port}`, '--stdin', '--delimiter', '0000'], input);
      expect(await tx.exit).toBe(0);
      expect(await rx.exit).toBe(0);
      const enc = (s: string): string => sha256(new TextEncoder().encode(s));
      expect(lines(rx.stdout()).map((f) => f.sha256)).toEqual([enc('first'), enc('second frame'), enc('third')]);
    }
    {
      const input = xorshiftBytes(2500, 3);
      const { run: rx, port } = await recvUdp(['--count', '3', '--idle', '20']);
      const tx = runCli(['send', '--udp', `127.0.0.1:${port}`, '--stdin', '--chunk', '1000', '-q'], input);
      expect(await tx.exit).toBe(0);
      expect(tx.stdout()).toBe('');
      expect(await rx.exit).toBe(0);
      expect(lines(rx.stdout()).map((f) => f.size)).toEqual([1000, 1000, 500]);
    }
  });

  it('reports usage errors with exit code 2 and stops on --idle with exit code 1 when frames are missing', async () => {
    const bad = [
      ['send', '--udp', '127.0.0.1:9'],
      ['send', '--udp', '127.0.0.1:9', '--srt', '127.0.0.1:9', '--generate', '1'],
      ['send', '--udp', '127.0.0.1:9', '--generate', '1', '--stream', '0'],
      ['send', '--udp', '127.0.0.1:9', '--generate', '1', '--rate', 'fast'],
      ['recv'],
      ['recv', '--udp', '127.0.0.1:0', '--bogus'],
      ['send', '--udp', '127.0.0.1:9', '--mtu', '-1'],
      ['frobnicate'],
    ];
    for (const args of bad) {
      const r = runCli(args);
      expect(await r.exit, args.join(' ')).toBe(2);
      // The error on its first line, alone; the usage after a blank line.
      expect(r.stderr()).toMatch(/^efp: [^\n]+\n\n/);
    }
    const idle = runCli(['recv', '--udp', '127.0.0.1:0', '--count', '1', '--idle', '0.3']);
    expect(await idle.exit).toBe(1);
    const help = runCli(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toMatch(/efp send/);
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWavHeader, encodeWavHeader, frameSize, SampleType, ToneSource, type Format } from '@proto/syfala';

const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'syfala-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown> & { event: string };
let runs = 0;

/** Spawns the CLI and collects its JSON lines. */
function run(args: string[]): { child: ChildProcess; lines: Line[]; next: (event: string) => Promise<Line>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  const waiters: { event: string; resolve: (l: Line) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    for (const w of waiters.filter((w) => w.event === line.event)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (event: string): Promise<Line> => {
    const seen = lines.find((l) => l.event === event);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ event, resolve });
      void exit.then((code) => reject(new Error(`syfala ${args[0]} exited (${code}) before "${event}": ${stderr}`)));
    });
  };
  return { child, lines, next, exit };
}

function writeToneWav(path: string, format: Format, seconds: number): Uint8Array {
  const tone = new ToneSource({ format, frequency: 997, amplitude: 0.7, frames: seconds * format.sampleRate });
  const pcm = tone.readSync(seconds * format.sampleRate)!;
  const header = encodeWavHeader(format, pcm.length);
  const file = new Uint8Array(header.length + pcm.length);
  file.set(header, 0);
  file.set(pcm, header.length);
  writeFileSync(path, file);
  return pcm;
}

async function stream(
  format: Format,
  seconds: number,
  extraServer: string[],
  extraClient: string[],
  broadcast = false,
): Promise<{ sent: Uint8Array; got: Uint8Array; final: Line; server: Line; dir: string }> {
  const tag = String(runs++);
  const input = join(dir, `tone-${tag}.wav`);
  const output = join(dir, `out-${tag}.wav`);
  const sent = writeToneWav(input, format, seconds);
  // Broadcast discovery goes to 127.255.255.255, which stays on lo; the server must bind 0.0.0.0 to hear it.
  const server = run(['server', '--bind', broadcast ? '0.0.0.0' : '127.0.0.1', '--port', '0', '--source', `wav:${input}`, '--json', ...extraServer]);
  try {
    const listening = await server.next('listening');
    const discovery = broadcast ? ['--discover', `127.255.255.255:${String(listening['port'])}`] : ['--server', `127.0.0.1:${String(listening['port'])}`];
    const client = run(['client', '--bind', '127.0.0.1', '--port', '0', ...discovery, '--record', output, '--json', '--idle-exit', '2500', ...extraClient]);
    const final = await client.next('final');
    expect(await client.exit).toBe(0);
    server.child.kill('SIGTERM');
    const serverFinal = await server.next('final');
    expect(await server.exit).toBe(0);
    const file = new Uint8Array(readFileSync(output));
    const info = decodeWavHeader(file);
    expect(info.format).toEqual({ ...format, bufferSize: 0 });
    return { sent, got: file.subarray(info.dataOffset, info.dataOffset + info.dataLength!), final, server: serverFinal, dir };
  } finally {
    server.child.kill('SIGKILL');
  }
}

/** Samples that differ, each of which must be silence (concealment). */
function differingSamples(sent: Uint8Array, got: Uint8Array, sampleBytes: number): { differ: number; nonSilent: number } {
  let differ = 0;
  let nonSilent = 0;
  for (let i = 0; i < sent.length; i += sampleBytes) {
    let same = true;
    let silent = true;
    for (let k = 0; k < sampleBytes; k++) {
      if (sent[i + k] !== got[i + k]) same = false;
      if (got[i + k] !== 0) silent = false;
    }
    if (!same) {
      differ++;
      if (!silent) nonSilent++;
    }
  }
  return { differ, nonSilent };
}

describe('syfala server and syfala client as separate processes on loopback', () => {
  it('needs the built CLI (pnpm test builds it)', () => {
    expect(existsSync(cli), `${cli} missing: run pnpm build`).toBe(true);
  });

  it('reports bad arguments on one line with exit code 2, never a stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['client', '--bogus'], /^syfala: Unknown option '--bogus'/],
      [['client', '--port', '-1'], /^syfala: Option '--port' argument is ambiguous\. Did you forget/],
      [['server', '--rate', 'fast'], /^syfala: --rate expects a number, got fast$/],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, args.join(' ')).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
  });

  it('delivers a 10-second stereo 48 kHz tone from a WAV file sample-exact apart from reported concealment', async () => {
    const format: Format = { sampleRate: 48_000, channelCount: 2, bufferSize: 0, sampleType: SampleType.F32 };
    const { sent, got, final } = await stream(format, 10, [], []);
    const receiver = final['receiver'] as { concealedSamples: number; receivedSamples: number };
    expect(got.length).toBe(sent.length);
    expect(sent.length).toBe(10 * 48_000 * frameSize(format));
    const { differ, nonSilent } = differingSamples(sent, got, 4);
    expect(nonSilent).toBe(0);
    expect(differ).toBeLessThanOrEqual(receiver.concealedSamples);
    expect(receiver.receivedSamples + receiver.concealedSamples).toBeGreaterThanOrEqual(sent.length / 4);
  }, 60_000);

  it('uses the TCP control plane when both sides offer it, streaming both ways', async () => {
    const format: Format = { sampleRate: 48_000, channelCount: 2, bufferSize: 0, sampleType: SampleType.I24 };
    const upInput = join(dir, 'up.wav');
    const upOutput = join(dir, 'up-recorded.wav');
    const up = writeToneWav(upInput, format, 2);
    const { sent, got, final, server } = await stream(format, 2, ['--tcp', '--record', upOutput], ['--tcp', '--source', `wav:${upInput}`]);
    expect(final['tcpControl']).toBe(true);
    expect((final['driver'] as { tcpFramesOut: number }).tcpFramesOut).toBeGreaterThan(0);
    expect((server['driver'] as { tcpFramesIn: number }).tcpFramesIn).toBeGreaterThan(0);
    const receiver = final['receiver'] as { concealedSamples: number };
    expect(got.length).toBe(sent.length);
    expect(differingSamples(sent, got, 3).differ).toBeLessThanOrEqual(receiver.concealedSamples);
    // client → server, recorded by the server.
    const file = new Uint8Array(readFileSync(upOutput));
    const info = decodeWavHeader(file);
    const upGot = file.subarray(info.dataOffset, info.dataOffset + info.dataLength!);
    const recording = server['recording'] as { concealedSamples: number; receivedSamples: number };
    expect(upGot.length).toBe(up.length);
    const { differ, nonSilent } = differingSamples(up, upGot, 3);
    expect(nonSilent).toBe(0);
    expect(differ).toBeLessThanOrEqual(recording.concealedSamples);
  }, 60_000);

  it('falls back to UDP control with a client that does not offer TCP (found by broadcast discovery)', async () => {
    const format: Format = { sampleRate: 44_100, channelCount: 1, bufferSize: 0, sampleType: SampleType.I16 };
    const { sent, got, final, server } = await stream(format, 1, ['--tcp'], [], true);
    expect(final['tcpControl']).toBe(false);
    expect((server['driver'] as { tcpFramesIn: number }).tcpFramesIn).toBe(0);
    expect(got.length).toBe(sent.length);
    expect(differingSamples(sent, got, 2).differ).toBeLessThanOrEqual((final['receiver'] as { concealedSamples: number }).concealedSamples);
  }, 60_000);

  it('streams raw PCM from stdin to stdout', async () => {
    const format: Format = { sampleRate: 8000, channelCount: 1, bufferSize: 0, sampleType: SampleType.U8 };
    const pcm = new ToneSource({ format, frames: 8000 }).readSync(8000)!;
    const server = spawn(process.execPath, [cli, 'server', '--bind', '127.0.0.1', '--port', '0', '--source', 'raw:-', '--rate', '8000', '--channels', '1', '--type', 'u8', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      server.stdin.end(pcm);
      const port = await new Promise<number>((resolve) => createInterface({ input: server.stdout }).once('line', (l) => resolve((JSON.parse(l) as { port: number }).port)));
      const client = spawn(process.execPath, [cli, 'client', '--bind', '127.0.0.1', '--port', '0', '--server', `127.0.0.1:${port}`, '--record', 'raw:-', '--json', '--idle-exit', '2500'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      client.stdout.on('data', (d: Buffer) => chunks.push(d));
      const lines: string[] = [];
      createInterface({ input: client.stderr }).on('line', (l) => lines.push(l));
      expect(await new Promise((resolve) => client.on('exit', resolve))).toBe(0);
      const final = JSON.parse(lines.find((l) => l.includes('"final"'))!) as { receiver: { concealedSamples: number } };
      const got = new Uint8Array(Buffer.concat(chunks));
      expect(got.length).toBe(pcm.length);
      let differ = 0;
      for (let i = 0; i < pcm.length; i++) if (got[i] !== pcm[i]) differ++;
      expect(differ).toBeLessThanOrEqual(final.receiver.concealedSamples);
    } finally {
      server.kill('SIGKILL');
    }
  }, 60_000);
});

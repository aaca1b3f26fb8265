#!/usr/bin/env node
/// <reference types="node" />
// efp: send and receive Elastic Frame Protocol superframes over UDP or SRT.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EfpContent, EfpSender, fourcc, type EfpFrameOptions, type Superframe } from '../index.js';
import { formatAddress, isMulticast, parseHostPort } from '../node/address.js';
import { EfpSrtReceiver, EfpSrtSender, type SrtParams } from '../node/srt.js';
import { EfpUdpReceiver, EfpUdpSender } from '../node/udp.js';
import { xorshiftFill } from './xorshift.js';

const USAGE = `efp: Elastic Frame Protocol over UDP or SRT (srt-live-transmit)

Usage:
  efp send (--udp HOST:PORT | --srt HOST:PORT) [FRAME SOURCE] [OPTIONS]
  efp recv (--udp HOST:PORT | --srt [HOST]:PORT) [OPTIONS]

Frame sources (send; one of):
  FILE...                    each file is one superframe
  --stdin                    standard input: one frame, or split by --delimiter HEX (removed)
                             or into --chunk N byte frames
  --generate N               N generated frames: --size N | --sizes A,B,... (cycled) |
                             --size-range MIN:MAX (random), --pattern counter|random|zero|repeat:XX,
                             --seed N

Frame options (send):
  --stream N (1)  --content NAME|N (unknown)  --code FOURCC|N (0)  --flags N (0)
  --pts-start N (0)  --pts-step N (1)  --dts-delta N (0: dts = pts)  --sfn-start N (0)
  --mtu N (1456)  --rate BITS/S (k/M/G suffixes; default unpaced)  --fps N (frames per second)
  -q, --quiet                do not print a JSON line per frame sent

Receive options:
  --timeout MS (100)  --hol MS (0: deliver as complete)  --max-frame-size BYTES (16 MiB)
  --count N (exit after N frames)  --duration S  --idle S (exit after S seconds without frames)
  --interface ADDR (multicast interface for a multicast --udp group, default 127.0.0.1)

SRT options (srt-live-transmit from Debian's srt-tools runs as a supervised bridge):
  --latency MS (200)  --passphrase TEXT  --payload-size N (1456)
  --connect-timeout MS (10000)  --linger MS (3 x latency, at least 1000; send only)

recv prints one JSON line per superframe: sfn, size, stream, pts, dts, content, code, flags,
broken and the payload's sha256; send prints the same for each frame it sends.
`;

class UsageError extends Error {}

/** parseArgs declarations of options that take a string. */
function stringOptions<K extends string>(...names: K[]): Record<K, { type: 'string' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])) as Record<K, { type: 'string' }>;
}

/** Options both commands take: the transport and the SRT settings. */
const TRANSPORT_OPTIONS = stringOptions('udp', 'srt', 'latency', 'passphrase', 'payload-size');

function int(name: string, v: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new UsageError(`--${name}: expected an integer 0..${max}, got ${v}`);
  return n;
}

function big(name: string, v: string | undefined, fallback: bigint): bigint {
  if (v === undefined) return fallback;
  try {
    const n = BigInt(v);
    if (n >= 0n) return n;
  } catch {
    // fall through
  }
  throw new UsageError(`--${name}: expected a non-negative integer, got ${v}`);
}

function rate(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(v);
  if (m === null) throw new UsageError(`--rate: expected bits per second like 8M, got ${v}`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

function content(v: string | undefined): number {
  if (v === undefined) return EfpContent.unknown;
  if (v in EfpContent) return EfpContent[v as keyof typeof EfpContent];
  return int('content', v, 0, 0xff);
}

function code(v: string | undefined): number {
  if (v === undefined) return 0;
  if (v.length === 4 && !/^\d+$/.test(v)) return fourcc(v);
  return int('code', v, 0, 0xffff_fffe);
}

const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;

interface FrameLine {
  readonly sfn: number;
  readonly size: number;
  readonly stream: number;
  readonly pts: bigint;
  readonly dts: bigint;
  readonly content: number;
  readonly code: number;
  readonly flags: number;
  readonly broken: boolean;
  readonly data: Uint8Array;
}

function frameJson(f: FrameLine): string {
  return JSON.stringify({
    sfn: f.sfn,
    size: f.size,
    stream: f.stream,
    pts: String(f.pts),
    dts: String(f.dts),
    content: hex(f.content, 2),
    code: hex(f.code, 8),
    flags: hex(f.flags, 2),
    broken: f.broken,
    sha256: createHash('sha256').update(f.data).digest('hex'),
  });
}

function print(line: string): void {
  process.stdout.write(line + '\n');
}

function srtParams(v: Record<string, string | boolean | undefined>): SrtParams {
  const p: { latencyMs?: number; passphrase?: string; payloadSize?: number } = {};
  if (v['latency'] !== undefined) p.latencyMs = int('latency', v['latency'] as string, 200);
  if (v['passphrase'] !== undefined) p.passphrase = v['passphrase'] as string;
  if (v['payload-size'] !== undefined) p.payloadSize = int('payload-size', v['payload-size'] as string, 1456, 1456);
  return p;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function generated(v: Record<string, string | boolean | undefined>, count: number): AsyncIterable<Uint8Array> {
  const seed = int('seed', v['seed'] as string | undefined, 1, 0xffff_ffff);
  const pattern = (v['pattern'] as string | undefined) ?? 'counter';
  let sizeOf: (i: number) => number;
  if (v['sizes'] !== undefined) {
    const list = (v['sizes'] as string).split(',').map((s) => int('sizes', s, 0));
    sizeOf = (i) => list[i % list.length]!;
  } else if (v['size-range'] !== undefined) {
    const [lo, hi] = (v['size-range'] as string).split(':').map((s) => int('size-range', s, 0));
    if (lo === undefined || hi === undefined || hi < lo) throw new UsageError('--size-range: expected MIN:MAX');
    const draw = new Uint8Array(4);
    sizeOf = (i) => {
      xorshiftFill(draw, (seed ^ Math.imul(i + 1, 0x5bd1e995)) >>> 0);
      return lo + (new DataView(draw.buffer).getUint32(0) % (hi - lo + 1));
    };
  } else {
    const size = int('size', v['size'] as string | undefined, 1000);
    sizeOf = () => size;
  }
  const repeat = /^repeat:([0-9a-fA-F]{2})$/.exec(pattern);
  if (!['counter', 'random', 'zero'].includes(pattern) && repeat === null) throw new UsageError(`--pattern: unknown ${pattern}`);
  return (async function* () {
    for (let i = 0; i < count; i++) {
      const b = new Uint8Array(sizeOf(i));
      if (pattern === 'counter') for (let k = 0; k < b.length; k++) b[k] = k & 0xff;
      else if (pattern === 'random') xorshiftFill(b, (seed + Math.imul(i, 0x9e3779b9)) >>> 0);
      else if (repeat !== null) b.fill(parseInt(repeat[1]!, 16));
      yield b;
    }
  })();
}

async function* files(paths: readonly string[]): AsyncIterable<Uint8Array> {
  for (const p of paths) yield new Uint8Array(await readFile(p));
}

/** Frames from stdin: split by a delimiter, into fixed chunks, or all of it as one frame. */
async function* stdinFrames(delimiterHex: string | undefined, chunk: number | undefined, max: number): AsyncIterable<Uint8Array> {
  const delim = delimiterHex === undefined ? undefined : Buffer.from(delimiterHex, 'hex');
  if (delim !== undefined && (delim.length === 0 || delim.length * 2 !== delimiterHex!.length)) {
    throw new UsageError('--delimiter: expected an even number of hex digits');
  }
  let buf: Buffer = Buffer.alloc(0);
  for await (const piece of process.stdin as AsyncIterable<Buffer>) {
    // Only the new bytes (and a delimiter straddling the seam) need searching.
    let from = Math.max(0, buf.length - (delim?.length ?? 1) + 1);
    buf = buf.length === 0 ? piece : Buffer.concat([buf, piece]);
    if (delim !== undefined) {
      for (let at = buf.indexOf(delim, from); at >= 0; at = buf.indexOf(delim, from)) {
        yield new Uint8Array(buf.subarray(0, at));
        buf = buf.subarray(at + delim.length);
        from = 0;
      }
    } else if (chunk !== undefined) {
      while (buf.length >= chunk) {
        yield new Uint8Array(buf.subarray(0, chunk));
        buf = buf.subarray(chunk);
      }
    }
    if (buf.length > max) throw new Error(`a frame from stdin exceeds ${max} bytes`);
  }
  if (buf.length > 0 || (delim === undefined && chunk === undefined)) yield new Uint8Array(buf);
}

async function send(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...TRANSPORT_OPTIONS,
      ...stringOptions('delimiter', 'chunk', 'generate', 'size', 'sizes', 'size-range', 'pattern', 'seed'),
      ...stringOptions('stream', 'content', 'code', 'flags', 'pts-start', 'pts-step', 'dts-delta', 'sfn-start'),
      ...stringOptions('mtu', 'rate', 'fps', 'connect-timeout', 'linger'),
      stdin: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if ((v.udp === undefined) === (v.srt === undefined)) throw new UsageError('send needs exactly one of --udp HOST:PORT or --srt HOST:PORT');
  const sources = [positionals.length > 0, v.stdin === true, v.generate !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('send needs exactly one frame source: FILE..., --stdin or --generate N');

  const mtu = int('mtu', v.mtu, 1456, 65535);
  const streamId = int('stream', v.stream, 1, 255);
  const dataContent = content(v.content);
  const frameCode = code(v.code);
  const flags = int('flags', v.flags, 0, 0xf0);
  const ptsStart = big('pts-start', v['pts-start'], 0n);
  const ptsStep = big('pts-step', v['pts-step'], 1n);
  const dtsDelta = big('dts-delta', v['dts-delta'], 0n);
  const fps = v.fps === undefined ? undefined : Number(v.fps);
  if (fps !== undefined && !(fps > 0)) throw new UsageError('--fps: expected a positive number');
  const common = {
    mtu,
    superFrameNo: int('sfn-start', v['sfn-start'], 0, 0xffff),
    ...(v.rate === undefined ? {} : { rateBitsPerSecond: rate(v.rate)! }),
  };
  // Validate the frame options once, before any socket or process is started.
  let probe: EfpSender;
  try {
    probe = new EfpSender({ mtu });
    probe.pack(new Uint8Array(0), { streamId, dataContent, pts: ptsStart, dts: ptsStart >= dtsDelta ? ptsStart - dtsDelta : 0n, code: frameCode, flags });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const frames: AsyncIterable<Uint8Array> =
    positionals.length > 0
      ? files(positionals)
      : v.stdin === true
        ? stdinFrames(v.delimiter, v.chunk === undefined ? undefined : int('chunk', v.chunk, 1), probe.maxFrameSize)
        : generated(v, int('generate', v.generate, 0));

  let out: { send(p: Uint8Array, f: EfpFrameOptions): Promise<void>; close(): Promise<void>; sfn(): number };
  if (v.udp !== undefined) {
    const to = parseHostPort(v.udp);
    const udp = await EfpUdpSender.open({ ...common, to });
    out = { send: (p, f) => udp.send(p, f), close: () => udp.close(), sfn: () => udp.sender.superFrameNo };
  } else {
    const srt = await EfpSrtSender.open({
      ...common,
      ...srtParams(v),
      srt: parseHostPort(v.srt!),
      connectTimeoutMs: int('connect-timeout', v['connect-timeout'], 10_000),
    });
    const linger = v.linger === undefined ? undefined : int('linger', v.linger, 0);
    out = { send: (p, f) => srt.send(p, f), close: () => srt.close(linger), sfn: () => srt.udp.sender.superFrameNo };
  }
  const start = performance.now();
  let i = 0;
  try {
    for await (const payload of frames) {
      if (fps !== undefined) {
        const due = start + (i * 1000) / fps;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const pts = ptsStart + BigInt(i) * ptsStep;
      const dts = pts - dtsDelta;
      if (dts < 0n) throw new RangeError(`dts would be negative for pts ${pts}`);
      const sfn = out.sfn();
      await out.send(payload, { streamId, dataContent, pts, dts, code: frameCode, flags });
      if (v.quiet !== true) {
        print(frameJson({ sfn, size: payload.length, stream: streamId, pts, dts, content: dataContent, code: frameCode, flags, broken: false, data: payload }));
      }
      i++;
    }
  } finally {
    await out.close();
  }
  return 0;
}

async function recv(args: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: {
      ...TRANSPORT_OPTIONS,
      ...stringOptions('timeout', 'hol', 'max-frame-size', 'count', 'duration', 'idle', 'interface'),
    },
  });
  if ((v.udp === undefined) === (v.srt === undefined)) throw new UsageError('recv needs exactly one of --udp HOST:PORT or --srt [HOST]:PORT');
  const rx = {
    timeoutMs: int('timeout', v.timeout, 100),
    holTimeoutMs: int('hol', v.hol, 0),
    ...(v['max-frame-size'] === undefined ? {} : { maxFrameSize: int('max-frame-size', v['max-frame-size'], 0) }),
  };
  const count = v.count === undefined ? undefined : int('count', v.count, 0);
  const durationMs = v.duration === undefined ? undefined : Number(v.duration) * 1000;
  const idleMs = v.idle === undefined ? undefined : Number(v.idle) * 1000;
  if ((durationMs !== undefined && !(durationMs > 0)) || (idleMs !== undefined && !(idleMs > 0))) {
    throw new UsageError('--duration and --idle take a positive number of seconds');
  }

  let udp: EfpUdpReceiver;
  let close: () => Promise<void>;
  if (v.udp !== undefined) {
    const at = parseHostPort(v.udp, '0.0.0.0');
    const group = isMulticast(at.host) ? at.host : undefined;
    udp = await EfpUdpReceiver.open({
      ...rx,
      bind: group === undefined ? at : { host: at.host.includes(':') ? '::' : '0.0.0.0', port: at.port },
      ...(group === undefined ? {} : { multicastGroup: group, multicastInterface: v.interface ?? '127.0.0.1' }),
    });
    close = () => udp.close();
  } else {
    const srt = await EfpSrtReceiver.open({ ...rx, ...srtParams(v), srt: parseHostPort(v.srt!, '0.0.0.0') });
    udp = srt.udp;
    close = () => srt.close();
  }
  const local = formatAddress(udp.address());
  process.stderr.write(`efp recv: listening on ${v.udp !== undefined ? `udp ${local}` : `srt ${v.srt} (bridge to udp ${local})`}\n`);

  let received = 0;
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (done = resolve));
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (idleMs === undefined) return;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => done(count === undefined || received >= count ? 0 : 1), idleMs);
  };
  udp.on('frame', (f: Superframe) => {
    if (count !== undefined && received >= count) return;
    received++;
    print(
      frameJson({ sfn: f.superFrameNo, size: f.size, stream: f.streamId, pts: f.pts, dts: f.dts, content: f.dataContent, code: f.code, flags: f.flags, broken: f.broken, data: f.data }),
    );
    armIdle();
    if (count !== undefined && received >= count) done(0);
  });
  armIdle();
  const durationTimer = durationMs === undefined ? undefined : setTimeout(() => done(count === undefined ? 0 : 1), durationMs);
  const onSignal = (): void => done(0);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (count === 0) done(0);

  const code = await finished;
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  if (durationTimer !== undefined) clearTimeout(durationTimer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await close();
  process.stderr.write(`efp recv: ${JSON.stringify({ frames: received, ...udp.receiver.stats })}\n`);
  return code;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'send') return await send(rest);
    if (command === 'recv') return await recv(rest);
    if (command === undefined || command === 'help' || command === '-h' || command === '--help') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      // parseArgs writes some messages over several lines: the error stays one line, then the usage.
      const message = (e as Error).message.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
      process.stderr.write(`efp: ${message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`efp: ${(e as Error).message}\n`);
    return 1;
  }
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

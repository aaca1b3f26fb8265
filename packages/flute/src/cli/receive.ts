/// <reference types="node" />
// flute receive: objects of FLUTE sessions on a UDP group/port written into a folder.
import { mkdir, open, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FluteReceiverOptions, ReceiverLimits } from '../receiver/options.js';
import type { ObjectSink, ObjectWriter } from '../writer.js';
import { randomLoss } from '../sim/loss.js';
import { formatEndpoint } from '../node/address.js';
import { FileWriter } from '../node/file-writer.js';
import { FluteUdpReceiver } from '../node/udp-receiver.js';
import { COMMON_OPTIONS, UsageError, big, bytes, choice, formatBytes, formatRate, fraction, int, seconds } from './args.js';
import { Output, RateMeter, outputMode, type Bar } from './output.js';

export const RECEIVE_USAGE = `Usage: flute receive --out DIR [options]

Receives the files of FLUTE sessions on a UDP group (or unicast port) into DIR. Each file is
written to a temporary file and renamed into place only after its size and MD5 check; every path
stays inside DIR whatever the sender names it.

Source:
  -g, --group ADDR:PORT      multicast group or local address, and port (239.255.0.1:4000);
                             IPv6 in brackets: [ff15::1]:4000; :PORT for unicast on any address
  -i, --interface IF         interface to join on: an address of this host or a name
      --source ADDR          source-specific multicast: accept only this sender (RFC 4607)
      --tsi N[,N...]         accept only these Transport Session Identifiers
      --no-reuse             do not share the port with other receivers (SO_REUSEADDR off)
      --rcvbuf SIZE          socket receive buffer (4MiB; the system may cap it)
      --ring SIZE            a thread reads the socket into a ring of SIZE (64MiB), so that
                             decoding and writing never make the socket overflow
      --no-thread            read the socket on the main thread
                             (the thread reads up to 64 datagrams per recvmmsg where
                             @proto/udp-batch is built; PROTO_UDP_BATCH=0 turns that off)
Output:
  -o, --out DIR              folder for the files (created if missing)
      --json                 one JSON event per line on stdout (the default when stderr is
                             not a terminal)
  -q, --quiet                print nothing but errors
When to stop:
      --once                 exit when the session closes (the sender's A flag; its repeats
                             are read for 150 ms more, so that the summary counts them)
      --count N              exit after N files
      --timeout S            give up after S seconds (exit code 3 if --once/--count is unmet)
Limits and checks:
      --max-object-size SIZE largest object accepted (1TiB)
      --max-memory SIZE      memory for objects being received (256MiB)
      --max-objects N        objects received at once per session (256)
      --object-timeout S     an object with no packet for S seconds fails (10)
      --no-md5               do not check Content-MD5
      --rs-matrix M          rfc5510 (default) or backblaze (ypo/flute senders)
Testing:
      --loss P               drop this fraction of datagrams before decoding (0.1 or 10%)
      --loss-seed N          seed of the loss pattern (1)

Exit codes: 0 done, 1 a file failed or an error occurred, 2 bad arguments, 3 timed out.

Examples:
  flute receive -g 239.255.0.1:4000 -i 127.0.0.1 -o inbox --once
  flute receive -g 232.1.1.1:4000 --source 192.0.2.10 -i eth0 -o inbox
  flute receive -g [ff15::1]:4000 -i eth0 -o inbox --count 20 --timeout 60 --json
`;

/** After the close-session packet, how long --once keeps reading (the sender repeats it a few ms apart). */
const ONCE_GRACE_MS = 150;

interface Described {
  readonly name: string;
  readonly size: number;
}

/**
 * A writer whose sinks complete once: the receiver engine calls `complete()` a second time on an
 * asynchronous sink that had no pending write (an empty object), and the FileWriter's second call
 * fails. Every later call gets the first call's result.
 */
function completeOnce(writer: ObjectWriter): ObjectWriter {
  return {
    open(meta) {
      const sink = writer.open(meta);
      let result: ReturnType<ObjectSink['complete']> | undefined;
      return {
        write: (chunk) => sink.write(chunk),
        complete: () => (result ??= sink.complete()),
        abort: (reason) => sink.abort(reason),
      };
    },
  };
}

/** Creates `dir` and proves it writable with a probe file (permissions alone say nothing to root). */
async function writableFolder(dir: string): Promise<string> {
  const path = resolve(dir);
  try {
    await mkdir(path, { recursive: true });
    const probe = join(path, `.flute-probe-${process.pid}`);
    await (await open(probe, 'wx')).close();
    await unlink(probe);
  } catch (e) {
    throw new Error(`cannot write to ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return path;
}

export async function receive(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      ...COMMON_OPTIONS,
      source: { type: 'string' },
      tsi: { type: 'string' },
      reuse: { type: 'boolean', default: true },
      rcvbuf: { type: 'string' },
      ring: { type: 'string' },
      thread: { type: 'boolean', default: true },
      out: { type: 'string', short: 'o' },
      once: { type: 'boolean', default: false },
      count: { type: 'string' },
      timeout: { type: 'string' },
      'max-object-size': { type: 'string' },
      'max-memory': { type: 'string' },
      'max-objects': { type: 'string' },
      'object-timeout': { type: 'string' },
      md5: { type: 'boolean', default: true },
      'rs-matrix': { type: 'string' },
      loss: { type: 'string' },
      'loss-seed': { type: 'string' },
    },
  });
  if (v.help) {
    process.stdout.write(RECEIVE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`receive: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (v.out === undefined) throw new UsageError('receive: --out DIR is required');
  const tsis = v.tsi?.split(',').map((t) => big('tsi', t.trim(), 0n));
  const count = v.count === undefined ? undefined : int('count', v.count, 0, 1);
  const timeoutMs = v.timeout === undefined ? undefined : seconds('timeout', v.timeout, 0);
  const maxObject = bytes('max-object-size', v['max-object-size'], 2 ** 40);
  const maxMemory = bytes('max-memory', v['max-memory'], 256 << 20);
  const limits: Partial<ReceiverLimits> = {
    maxObjectBytes: maxObject,
    maxContentBytes: maxObject,
    maxTotalMemory: maxMemory,
    maxObjectMemory: Math.min(64 << 20, maxMemory),
    maxObjectsPerSession: int('max-objects', v['max-objects'], 256, 1),
  };
  const loss = fraction('loss', v.loss) ?? 0;
  const rcvbuf = bytes('rcvbuf', v.rcvbuf, 4 << 20);
  const lossSeed = int('loss-seed', v['loss-seed'], 1);
  const dir = await writableFolder(v.out);
  const writer = completeOnce(new FileWriter(dir));
  const flute: FluteReceiverOptions = {
    writer,
    limits,
    verifyMd5: v.md5,
    objectTimeoutMs: seconds('object-timeout', v['object-timeout'], 10_000),
    rsMatrix: choice('rs-matrix', v['rs-matrix'], ['rfc5510', 'backblaze'], 'rfc5510'),
    ...(tsis === undefined ? {} : { tsi: tsis }),
  };
  const out = new Output(outputMode(v.json, v.quiet));
  const rx = await FluteUdpReceiver.open({
    address: v.group ?? '239.255.0.1:4000',
    ...(v.interface === undefined ? {} : { interface: v.interface }),
    ...(v.source === undefined ? {} : { source: v.source }),
    reuseAddress: v.reuse,
    receiveBufferSize: rcvbuf,
    thread: v.thread && { bufferBytes: bytes('ring', v.ring, 64 << 20) },
    ...(loss > 0 ? { loss: randomLoss(loss), lossSeed } : {}),
    flute,
  });
  return run(rx, dir, out, { once: v.once, count, timeoutMs });
}

async function run(rx: FluteUdpReceiver, dir: string, out: Output, stop: { once: boolean; count: number | undefined; timeoutMs: number | undefined }): Promise<number> {
  const described = new Map<string, Described>();
  const inFlight = new Map<string, { bar: Bar; bytes: number }>();
  const failed = new Map<string, string>();
  const received = new Set<string>();
  const key = (session: string, toi: bigint): string => `${session}|${toi}`;
  let completed = 0;
  let completedBytes = 0;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  let code: number | undefined;
  let finish!: (c: number) => void;
  const finished = new Promise<number>((r) => (finish = (c) => {
    code ??= c;
    r(code);
  }));
  const { engine } = rx;
  const nameOf = (session: string, toi: bigint): string => described.get(key(session, toi))?.name ?? `TOI ${toi}`;

  out.json('listening', { group: formatEndpoint(rx.address), out: dir, receiveBufferSize: rx.receiveBufferSize });
  out.log(`receiving on ${formatEndpoint(rx.address)} into ${dir}`);
  const total = out.bar('total', 0, '{name} [{bar}] {percentage}% {done}/{size} {rate} ETA {eta_formatted} | {files} files, {repaired} repaired', { rate: '', files: 0, repaired: 0 });
  let totalSize = 0;
  const meter = new RateMeter();

  rx.on('session-opened', (e) => {
    firstAt ??= performance.now();
    out.json('session-opened', { session: e.session, tsi: e.tsi, from: e.from });
  });
  rx.on('fdt', (e) => {
    for (const f of e.instance.files) {
      const k = key(e.session, f.toi);
      if (!described.has(k)) totalSize += f.contentLength ?? f.transferLength ?? 0;
      described.set(k, { name: f.contentLocation, size: f.contentLength ?? f.transferLength ?? 0 });
    }
    total.setTotal(totalSize);
    out.json('fdt', { session: e.session, instanceId: e.instanceId, files: e.instance.files.length, complete: e.instance.complete === true });
  });
  rx.on('object-started', (e) => {
    const k = key(e.session, e.toi);
    if (!inFlight.has(k)) inFlight.set(k, { bar: out.bar(nameOf(e.session, e.toi), e.transferLength), bytes: 0 });
    out.json('object-started', { session: e.session, toi: e.toi, contentLocation: described.get(k)?.name, transferLength: e.transferLength, fecEncodingId: e.fecEncodingId });
  });
  // Progress events cost the engine a walk over the object's blocks: only for bars.
  if (out.mode === 'bars') {
    rx.on('object-progress', (e) => {
      const f = inFlight.get(key(e.session, e.toi));
      if (f === undefined) return;
      f.bytes = e.bytes;
      f.bar.update(e.bytes);
    });
  }
  rx.on('object-completed', (e) => {
    const k = key(e.meta.session, e.meta.toi);
    inFlight.get(k)?.bar.remove();
    inFlight.delete(k);
    failed.delete(k);
    received.add(k);
    const size = e.meta.contentLength ?? e.meta.transferLength;
    completed++;
    completedBytes += size;
    lastAt = performance.now();
    out.json('object-completed', {
      session: e.meta.session,
      toi: e.meta.toi,
      contentLocation: e.meta.contentLocation,
      path: e.path,
      bytes: size,
      contentType: e.meta.contentType,
      contentEncoding: e.meta.contentEncoding,
      md5: e.meta.md5,
      recoveredSymbols: e.recoveredSymbols,
    });
    out.log(`received ${e.meta.contentLocation} (${formatBytes(size)})${e.recoveredSymbols > 0 ? `, ${e.recoveredSymbols} symbols repaired` : ''}`);
    if (stop.count !== undefined && completed >= stop.count) finish(0);
  });
  // Objects still in flight when the receiver stops are aborted by its close(): not failures to report.
  let closing = false;
  rx.on('object-failed', (e) => {
    if (closing) return;
    const k = key(e.session, e.toi);
    inFlight.get(k)?.bar.remove();
    inFlight.delete(k);
    const message = e.error instanceof Error ? e.error.message : e.error === undefined ? e.reason : String(e.error);
    failed.set(k, `${nameOf(e.session, e.toi)}: ${e.reason}`);
    out.json('object-failed', { session: e.session, toi: e.toi, contentLocation: e.meta?.contentLocation ?? described.get(k)?.name, reason: e.reason, message });
    out.log(`failed ${nameOf(e.session, e.toi)}: ${e.reason}${message === e.reason ? '' : ` (${message})`}`);
  });
  rx.on('session-closed', (e) => {
    if (closing) return;
    out.json('session-closed', { session: e.session, tsi: e.tsi, reason: e.reason });
    if (stop.once) setTimeout(() => finish(0), ONCE_GRACE_MS);
  });
  rx.on('error', (e) => {
    out.error(`receive error on ${formatEndpoint(rx.address)}: ${e.error.message}`);
    finish(1);
  });

  const refresh = setInterval(() => {
    let partial = 0;
    for (const f of inFlight.values()) partial += f.bytes;
    total.update(completedBytes + partial, { rate: formatRate(meter.sample(rx.stats.bytes) * 8), files: completed, repaired: engine.stats.recoveredSymbols });
  }, 125);
  const timer = stop.timeoutMs === undefined ? undefined : setTimeout(() => finish(stop.once || stop.count !== undefined ? 3 : 0), stop.timeoutMs);
  const onSignal = (): void => finish(130);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let result = await finished;
  const kernel = rx.kernelDrops;
  clearInterval(refresh);
  if (timer !== undefined) clearTimeout(timer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  closing = true;
  await rx.close();
  for (const f of inFlight.values()) f.bar.remove();
  total.update(completedBytes, { files: completed, repaired: engine.stats.recoveredSymbols });
  out.stop();

  // What the FDTs announced and never arrived, and what failed for good.
  const missing: string[] = [];
  for (const [k, d] of described) if (!failed.has(k) && !received.has(k)) missing.push(d.name);
  const seconds = firstAt === undefined || lastAt === undefined ? 0 : (lastAt - firstAt) / 1000;
  let dropped = 0;
  for (const n of Object.values(engine.stats.dropped)) dropped += n;
  const summary = {
    files: completed,
    bytes: completedBytes,
    failed: failed.size,
    missing: stop.once ? missing.length : undefined,
    seconds: Number(seconds.toFixed(3)),
    goodputMbps: seconds > 0 ? Number(((completedBytes * 8) / seconds / 1e6).toFixed(1)) : 0,
    // Every datagram the socket got: processed by the engine, lost (injected), or unread at close;
    // and what never got that far: overflow (the reader thread's ring) and kernelDrops (the socket buffer).
    datagrams: rx.stats.datagrams,
    processed: engine.stats.datagrams,
    lost: rx.stats.lost,
    unread: rx.stats.unread,
    overflow: rx.stats.overflow,
    kernelDrops: kernel,
    recoveredSymbols: engine.stats.recoveredSymbols,
    dropped,
  };
  out.json('summary', summary);
  if (out.mode === 'bars') {
    process.stderr.write(
      `${completed} file(s), ${formatBytes(completedBytes)} in ${summary.seconds} s (${formatRate(summary.goodputMbps * 1e6)} goodput), ${summary.datagrams} datagrams${summary.lost > 0 ? `, ${summary.lost} lost (injected)` : ''}${(kernel ?? 0) + summary.overflow > 0 ? `, ${(kernel ?? 0) + summary.overflow} dropped (buffers full)` : ''}, ${summary.recoveredSymbols} symbols repaired${failed.size > 0 ? `, ${failed.size} failed` : ''}\n`,
    );
  }
  if (result === 0 && failed.size > 0) {
    process.stderr.write(`flute: ${failed.size} file(s) failed: ${[...failed.values()].slice(0, 5).join('; ')}\n`);
    result = 1;
  }
  if (result === 0 && stop.once && missing.length > 0) {
    process.stderr.write(`flute: ${missing.length} file(s) announced but not received: ${missing.slice(0, 5).join(', ')}\n`);
    result = 1;
  }
  if (result === 3) process.stderr.write(`flute: timed out after ${(stop.timeoutMs ?? 0) / 1000} s with ${completed} file(s)\n`);
  return result;
}

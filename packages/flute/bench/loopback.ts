// Throughput on loopback multicast (239.255.78.x, interface 127.0.0.1, TTL 1): a FluteUdpSender in
// this process sends a 256 MiB file (32 MiB with BENCH_QUICK=1) to a FluteUdpReceiver in a child
// process that writes it with the FileWriter and checks its MD5, its socket read by a thread as in
// `flute receive`. Goodput = file bits over the
// receiver's first datagram to the completed, renamed file. Anchor, measured in the same run: raw
// node:dgram, the same number of datagrams of the same size sent as fast as the socket takes them to
// a bare receiver process; its rate is what that receiver absorbs (bytes received over first to last).
// No-code cannot lose a datagram, so each FLUTE case looks for the fastest pacing that delivers:
// it starts at the raw rate and steps down by 30% after a failed transfer (at most 8 tries).
// Datagrams of 1460 (Ethernet), 8972 (9000-byte MTU) and 32756 bytes. CPU time is split by thread
// (Linux): the receiver's main thread (engine, MD5, FileWriter calls), its reader thread (socket to
// ring), and the rest of its process (libuv's pool doing the file writes, V8's GC helpers); the
// sender's process and main thread.
//
//   pnpm exec tsx --conditions=@proto/source packages/flute/bench/loopback.ts
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, type Measurement, type ResultRow } from '@proto/bench';
import { FluteSender, FecRegistry, xorshiftFill, type FecOptions } from '@proto/flute';
import { FileWriter, FluteUdpReceiver, FluteUdpSender, collectFiles, fileObject, threadCpuMicros } from '@proto/flute/node';

const GROUP = '239.255.78.1';
const QUICK = process.env['BENCH_QUICK'] === '1';
const SIZE = QUICK ? 32 << 20 : 256 << 20;
const self = fileURLToPath(import.meta.url);

// ------------------------------------------------------------------ child processes

interface RawResult {
  readonly datagrams: number;
  readonly bytes: number;
  readonly ms: number;
  /** CPU time of the receiving process (user + system) from its first datagram to its last, µs. */
  readonly cpuUs: number;
}
interface FluteResult {
  readonly ok: boolean;
  readonly reason: string;
  readonly ms: number;
  readonly datagrams: number;
  readonly recovered: number;
  /** CPU of the receiving process, µs: all threads, its main thread, its reader thread (-1: not measurable). */
  readonly cpuUs: number;
  readonly mainUs: number;
  readonly readerUs: number;
  /** Whether the reader thread used recvmmsg (@proto/udp-batch). */
  readonly batching: boolean;
}

/** CPU of the sending process over the transfer, µs: all threads and its main thread. */
interface SenderCpu {
  /** Whether it sent with sendmmsg (@proto/udp-batch). */
  readonly batching: boolean;
  readonly cpuUs: number;
  readonly mainUs: number;
  readonly datagrams: number;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function rawReceiver(): Promise<void> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize: 4 << 20 });
  let datagrams = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  let cpu0 = 0;
  let cpu1 = 0;
  socket.on('message', (m) => {
    last = performance.now();
    if (datagrams++ === 0) {
      first = last;
      cpu0 = cpu();
    }
    bytes += m.length;
    if ((datagrams & 255) === 0) cpu1 = cpu();
  });
  await new Promise<void>((r) => socket.bind(0, GROUP, () => r()));
  socket.addMembership(GROUP, '127.0.0.1');
  process.send!({ port: socket.address().port });
  process.once('message', () => {
    const result: RawResult = { datagrams, bytes, ms: last - first, cpuUs: cpu1 - cpu0 };
    process.send!(result, () => process.exit(0));
  });
}

async function fluteReceiver(out: string): Promise<void> {
  // As `flute receive` does: the socket read by its own thread into a 64 MiB ring.
  const rx = await FluteUdpReceiver.open({ address: `${GROUP}:0`, interface: '127.0.0.1', thread: true, flute: { writer: new FileWriter(out) } });
  let first = 0;
  let cpu0 = 0;
  let main0 = 0;
  let reader0: Promise<number | undefined> = Promise.resolve(undefined);
  rx.on('session-opened', () => {
    if (first !== 0) return;
    first = performance.now();
    cpu0 = cpu();
    main0 = threadCpuMicros() ?? -1;
    reader0 = rx.readerThread!.cpuMicros();
  });
  let finished = false;
  const done = (ok: boolean, reason: string): void => {
    if (finished) return;
    finished = true;
    const ms = performance.now() - first;
    const cpuUs = cpu() - cpu0;
    const main1 = threadCpuMicros();
    void Promise.all([reader0, rx.readerThread!.cpuMicros()]).then(([r0, r1]) => {
      const mainUs = main1 === undefined || main0 < 0 ? -1 : main1 - main0;
      const readerUs = r0 === undefined || r1 === undefined ? -1 : r1 - r0;
      const result: FluteResult = { ok, reason, ms, datagrams: rx.stats.datagrams, recovered: rx.engine.stats.recoveredSymbols, cpuUs, mainUs, readerUs, batching: rx.readerThread!.batching };
      process.send!(result, () => process.exit(0));
    });
  };
  rx.on('object-completed', () => done(true, ''));
  rx.on('object-failed', (e) => done(false, e.reason));
  rx.on('session-closed', () => setTimeout(() => done(false, 'session closed before the object completed'), 500));
  process.send!({ port: rx.address.port });
}

// ------------------------------------------------------------------ main

function child(mode: string, ...args: string[]): { proc: ChildProcess; next: <T>() => Promise<T> } {
  const proc = fork(self, [mode, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  proc.on('message', (m) => {
    const w = waiting.shift();
    if (w !== undefined) w(m);
    else queue.push(m);
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 300_000);
  proc.on('exit', () => clearTimeout(timer));
  return { proc, next: <T>() => (queue.length > 0 ? Promise.resolve(queue.shift() as T) : new Promise<T>((r) => waiting.push(r as (m: unknown) => void))) };
}

/** The size of the object datagrams a FluteSender makes with these FEC options. */
function datagramSize(fec: FecOptions, maxDatagramSize: number): number {
  const s = new FluteSender({ tsi: 1, fec, maxDatagramSize });
  s.addObject({ source: new Uint8Array(1 << 20), contentLocation: 'probe' });
  for (let now = 0; now < 1000; now++) {
    const d = s.poll(now);
    if (d !== undefined && d.length > 1000) return d.length;
  }
  throw new Error('no object datagram');
}

async function raw(size: number, count: number): Promise<RawResult> {
  const rx = child('rx-raw');
  const { port } = await rx.next<{ port: number }>();
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  socket.setMulticastInterface('127.0.0.1');
  socket.setMulticastTTL(1);
  await new Promise<void>((r) => socket.connect(port, GROUP, () => r()));
  const payload = new Uint8Array(size);
  let sent = 0;
  await new Promise<void>((done) => {
    const pump = (): void => {
      for (let i = 0; i < 256 && sent < count; i++, sent++) socket.send(payload);
      if (sent >= count) done();
      else if (socket.getSendQueueCount() > 512) setTimeout(pump, 1);
      else setImmediate(pump);
    };
    pump();
  });
  await new Promise((r) => setTimeout(r, 500));
  socket.close();
  rx.proc.send('stop');
  return rx.next<RawResult>();
}

async function flute(file: string, fec: FecOptions, maxDatagramSize: number, bitrate: number): Promise<FluteResult & { sender: SenderCpu }> {
  const out = mkdtempSync(join(tmpdir(), 'flute-loopback-out-'));
  try {
    const rx = child('rx-flute', out);
    const { port } = await rx.next<{ port: number }>();
    const tx = await FluteUdpSender.open({ destination: `${GROUP}:${port}`, interface: '127.0.0.1', ttl: 1, bitrate, flute: { tsi: 1, fec, maxDatagramSize } });
    const [entry] = await collectFiles([file]);
    // Complete once the object is measured (its MD5 pre-pass), so that the session starts with it.
    tx.engine.once('object-ready', () => {
      tx.engine.setComplete();
      tx.wake();
    });
    let cpu0 = 0;
    let main0 = 0;
    let sent0 = 0;
    tx.engine.once('transfer-start', () => {
      cpu0 = cpu();
      main0 = threadCpuMicros() ?? -1;
      sent0 = tx.stats.datagrams;
    });
    tx.addObject(fileObject(entry!));
    const result = rx.next<FluteResult>();
    await Promise.race([tx.idle(), result]);
    const main1 = threadCpuMicros();
    const sender: SenderCpu = { batching: tx.batching, cpuUs: cpu() - cpu0, mainUs: main1 === undefined || main0 < 0 ? -1 : main1 - main0, datagrams: tx.stats.datagrams - sent0 };
    await tx.close();
    return { ...(await result), sender };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The sender alone, unpaced, to a group nobody joined: how fast the pump gets datagrams out. */
async function senderAlone(data: Uint8Array, fec: FecOptions, maxDatagramSize: number): Promise<{ mbps: number; cpuUs: number }> {
  const tx = await FluteUdpSender.open({ destination: `${GROUP.replace(/\.1$/, '.2')}:45678`, interface: '127.0.0.1', ttl: 1, bitrate: Infinity, flute: { tsi: 1, fec, maxDatagramSize } });
  let started = 0;
  let cpu0 = 0;
  tx.engine.on('transfer-start', () => {
    started = performance.now();
    cpu0 = cpu();
  });
  tx.addObject({ source: data, contentLocation: 'alone', md5: false });
  await tx.idle();
  const ms = performance.now() - started;
  const cpuUs = (cpu() - cpu0) / tx.stats.datagrams;
  await tx.close();
  return { mbps: (data.length * 8) / ms / 1e3, cpuUs };
}

function measurement(name: string, bytes: number, ms: number, datagrams: number): Measurement {
  const seconds = ms / 1000;
  return { name, iterations: 1, seconds, nsPerOp: (ms * 1e6) / datagrams, opsPerSecond: datagrams / seconds, bytesPerSecond: bytes / seconds };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flute-loopback-'));
  try {
    const file = join(dir, 'bench.bin');
    const data = new Uint8Array(SIZE);
    xorshiftFill(data);
    writeFileSync(file, data);
    // Ethernet-sized datagrams (the default: 1472-byte UDP payloads, 1424-byte symbols) and jumbo
    // ones (9000-byte MTU: 8972-byte payloads, 8936-byte symbols), where per-datagram costs weigh less.
    const schemes: { name: string; fec: FecOptions }[] = [{ name: 'no-code', fec: { encodingId: 0 } }];
    if (new FecRegistry().get(6) !== undefined) schemes.push({ name: 'RaptorQ, 10% repair', fec: { encodingId: 6, repair: { percent: 10 } } });
    else console.log('(RaptorQ is not in the FEC registry of this build: its rows are left out)');
    // Symbols of 1424, 8936 and 32720 bytes: 1460-, 8972- and 32756-byte datagrams.
    const symbols = (process.env['BENCH_SYMBOLS'] ?? '1424,8936,32720').split(',').map(Number);
    const cases = symbols.flatMap((symbolLength) => schemes.map((c) => ({ name: c.name, fec: { ...c.fec, symbolLength }, maxDatagramSize: symbolLength + 48 })));
    const rows: ResultRow[] = [];
    const lines: string[] = [];
    for (const c of cases) {
      const size = datagramSize(c.fec, c.maxDatagramSize);
      const count = Math.ceil(SIZE / c.fec.symbolLength);
      const alone = await senderAlone(data, c.fec, c.maxDatagramSize);
      lines.push(`${c.name}, FluteUdpSender alone (unpaced, nobody listening), ${size}-byte datagrams: ${alone.mbps.toFixed(0)} Mbit/s, sender CPU ${alone.cpuUs.toFixed(1)} µs/datagram`);
      const anchor = await raw(size, count);
      const anchorRate = (anchor.bytes * 8) / (anchor.ms / 1000);
      lines.push(`raw node:dgram, ${size}-byte datagrams: ${count} sent, ${anchor.datagrams} received (${((100 * anchor.datagrams) / count).toFixed(1)}%), ${(anchorRate / 1e6).toFixed(0)} Mbit/s, receiver CPU ${(anchor.cpuUs / anchor.datagrams).toFixed(1)} µs/datagram`);
      let bitrate = anchorRate;
      for (let attempt = 0; attempt < 8; attempt++, bitrate *= 0.7) {
        const r = await flute(file, c.fec, c.maxDatagramSize, bitrate);
        const mbps = (SIZE * 8) / (r.ms / 1000) / 1e6;
        const per = (us: number, n: number): string => (us < 0 ? '?' : (us / n).toFixed(1));
        const rxOther = r.mainUs < 0 || r.readerUs < 0 ? -1 : r.cpuUs - r.mainUs - r.readerUs;
        const txOther = r.sender.mainUs < 0 ? -1 : r.sender.cpuUs - r.sender.mainUs;
        lines.push(
          `${c.name} (${size}-byte datagrams) paced at ${(bitrate / 1e6).toFixed(0)} Mbit/s: ${r.ok ? `delivered, ${mbps.toFixed(0)} Mbit/s goodput, ${r.recovered} symbols rebuilt` : `failed (${r.reason})`}; ` +
            `CPU µs/datagram: receiver ${per(r.cpuUs, r.datagrams)} (main ${per(r.mainUs, r.datagrams)}, reader ${per(r.readerUs, r.datagrams)}, other ${per(rxOther, r.datagrams)}), ` +
            `sender ${per(r.sender.cpuUs, r.sender.datagrams)} (main ${per(r.sender.mainUs, r.sender.datagrams)}, other ${per(txOther, r.sender.datagrams)}); ` +
            `receiver ${(r.cpuUs / 1e3 / (r.ms / 1e3) / 10).toFixed(0)}% of a core over ${(r.ms / 1e3).toFixed(2)} s; ` +
            `system calls: ${r.sender.batching ? 'sendmmsg' : 'one send per datagram'}, ${r.batching ? 'recvmmsg' : 'one receive per datagram'}`,
        );
        if (r.ok) {
          rows.push({ name: `${c.name}, ${size} B datagrams, paced ${(bitrate / 1e6).toFixed(0)} Mbit/s`, ours: measurement(c.name, SIZE, r.ms, r.datagrams), anchorName: `raw dgram ${size} B`, anchor: measurement('raw', anchor.bytes, anchor.ms, anchor.datagrams) });
          break;
        }
      }
    }
    for (const l of lines) console.log(l);
    console.log('');
    console.log(formatTable(`@proto/flute over loopback multicast, ${SIZE >> 20} MiB, FluteUdpSender → FluteUdpReceiver (another process, FileWriter, MD5 checked); Mbit/s of file data, ns/op per datagram`, rows, 'Mbit/s'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = process.argv[2];
if (mode === 'rx-raw') await rawReceiver();
else if (mode === 'rx-flute') await fluteReceiver(process.argv[3]!);
else await main();

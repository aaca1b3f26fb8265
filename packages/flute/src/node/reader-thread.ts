/// <reference types="node" />
/**
 * A receiving socket drained by its own thread. The worker does nothing but read datagrams into a
 * ring in shared memory (default 64 MiB); the main thread takes them out and runs the engine. A busy
 * or descheduled main thread (FEC decoding, MD5, GC, a loaded machine) then costs ring space instead
 * of datagrams: the kernel buffer alone (net.core.rmem_max, often 4 MiB) lasts a few tens of
 * milliseconds at a gigabit. Datagrams that find the ring full are counted (`overflow`).
 *
 * Ring records are 4-byte aligned: u16 length (little-endian), u8 type (1 datagram, 2 source label
 * `address:port` for the datagrams after it, 3 wrap to the start), u8 zero, then the bytes. The control
 * words are owned as follows: WRITE (worker), USED (both, atomically), OVERFLOW and PUT (worker: datagrams
 * dropped and datagrams put), SIGNAL and WAITING (the main thread sleeps on SIGNAL after setting WAITING).
 * The read position and the datagrams taken out are the main thread's own.
 */
import { Worker } from 'node:worker_threads';
import type { Endpoint } from './address.js';
import type { Socket } from 'node:dgram';
import { udpBatch } from './batch.js';
import { openReceiveSocket, planReceive, type UdpReceiveOptions } from './udp.js';

const WRITE = 0;
const USED = 2;
const OVERFLOW = 3;
const SIGNAL = 4;
const WAITING = 5;
const CLOSED = 6;
const PUT = 7;
/** Batch mode: datagrams per recvmmsg, and the longest one call waits for the first of them. */
const BATCH = 64;
const BATCH_WAIT_MS = 50;

// The worker's code, plain CommonJS run with `eval` (no module to locate from sources or dist/).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createSocket } = require('node:dgram');
const p = workerData.plan;
const ctl = new Int32Array(workerData.control);
const ring = new Uint8Array(workerData.ring);
const cap = ring.length;
const encoder = new TextEncoder();
let pos = 0;
let lastAddress = '';
let lastPort = -1;
let ready = false;
function put(type, bytes) {
  const need = 4 + ((bytes.length + 3) & ~3);
  if (pos + need > cap) {
    const skip = cap - pos;
    if (cap - Atomics.load(ctl, ${USED}) < skip + need) return false;
    ring[pos] = 0; ring[pos + 1] = 0; ring[pos + 2] = 3; ring[pos + 3] = 0;
    pos = 0;
    Atomics.store(ctl, ${WRITE}, 0);
    Atomics.add(ctl, ${USED}, skip);
  } else if (cap - Atomics.load(ctl, ${USED}) < need) return false;
  ring[pos] = bytes.length & 255; ring[pos + 1] = bytes.length >>> 8; ring[pos + 2] = type; ring[pos + 3] = 0;
  ring.set(bytes, pos + 4);
  pos = (pos + need) % cap;
  Atomics.store(ctl, ${WRITE}, pos);
  Atomics.add(ctl, ${USED}, need);
  return true;
}
// This thread's own CPU time (see thread-cpu.ts, which the main thread uses).
function cpuMicros() {
  const { readFileSync } = require('node:fs');
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    if (ns > 0) return ns / 1000;
  } catch {}
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10000;
  } catch {
    return null;
  }
}
function wake() {
  // After records are in (USED raised): wake the main thread if it announced that it sleeps.
  if (Atomics.compareExchange(ctl, ${WAITING}, 1, 0) === 1) {
    Atomics.add(ctl, ${SIGNAL}, 1);
    Atomics.notify(ctl, ${SIGNAL});
  }
}
if (workerData.fd !== undefined) {
  // Batch mode: the main thread opened the socket and stopped node:dgram reading it; this thread
  // reads its fd with recvmmsg (@proto/udp-batch), up to ${BATCH} datagrams per system call, waiting
  // at most ${BATCH_WAIT_MS} ms per call so that messages (close, cpu) are answered between calls.
  const b = require(workerData.bindingPath);
  const { constants } = require('node:os');
  const fd = workerData.fd;
  const slot = 65536;
  const buf = new Uint8Array(${BATCH} * slot);
  const meta = new Int32Array(${BATCH} * 2);
  const labels = new Uint8Array(${BATCH} * b.labelBytes);
  const state = new Uint8Array(b.stateBytes);
  let stopped = false;
  // The source of the datagrams being read, and whether its label record is in the ring yet (a
  // label that finds the ring full is put before the next datagram instead).
  let label = new Uint8Array(0);
  let labelPut = true;
  const loop = () => {
    let pause = 0;
    for (let k = 0; k < 64 && !stopped; k++) {
      const n = b.recvBatch(fd, buf, slot, ${BATCH}, meta, labels, state, k === 0 ? ${BATCH_WAIT_MS} : 0);
      if (n < 0) {
        const code = Object.keys(constants.errno).find((name) => constants.errno[name] === -n);
        parentPort.postMessage({ type: 'error', message: 'recvmmsg failed: ' + (code ?? 'errno ' + -n), code });
        pause = 100;
        break;
      }
      for (let i = 0; i < n; i++) {
        const l = meta[2 * i + 1];
        if (l > 0) {
          label = labels.slice(i * b.labelBytes, i * b.labelBytes + l);
          labelPut = false;
        }
        const length = meta[2 * i];
        if (length >= 0 && (labelPut || (labelPut = put(2, label))) && put(1, buf.subarray(i * slot, i * slot + length))) Atomics.add(ctl, ${PUT}, 1);
        else Atomics.add(ctl, ${OVERFLOW}, 1);
      }
      if (n === 0) break;
      wake();
    }
    if (stopped) return;
    if (pause > 0) setTimeout(loop, pause);
    else setImmediate(loop);
  };
  parentPort.postMessage({ type: 'ready', port: workerData.port, receiveBufferSize: workerData.receiveBufferSize });
  parentPort.on('message', (m) => {
    if (m === 'close') {
      stopped = true;
      parentPort.postMessage({ type: 'closed' });
    } else if (m === 'cpu') parentPort.postMessage({ type: 'cpu', micros: cpuMicros() });
  });
  loop();
} else {
const socket = createSocket({ type: p.type, reuseAddr: p.reuseAddress, recvBufferSize: p.receiveBufferSize });
socket.on('message', (msg, rinfo) => {
  if (rinfo.port !== lastPort || rinfo.address !== lastAddress) {
    const label = rinfo.address.includes(':') ? '[' + rinfo.address + ']:' + rinfo.port : rinfo.address + ':' + rinfo.port;
    if (!put(2, encoder.encode(label))) { Atomics.add(ctl, ${OVERFLOW}, 1); return; }
    lastAddress = rinfo.address;
    lastPort = rinfo.port;
  }
  if (put(1, msg)) Atomics.add(ctl, ${PUT}, 1);
  else Atomics.add(ctl, ${OVERFLOW}, 1);
  wake();
});
socket.on('error', (e) => {
  if (!ready) { parentPort.postMessage({ type: 'fail', message: p.listenError + ': ' + e.message, code: e.code }); socket.close(); return; }
  parentPort.postMessage({ type: 'error', message: e.message, code: e.code });
});
socket.bind(p.address.port, p.bindHost, () => {
  try {
    if (p.group !== undefined) {
      if (p.source !== undefined) socket.addSourceSpecificMembership(p.source, p.group, p.interface);
      else socket.addMembership(p.group, p.interface);
    }
  } catch (e) {
    parentPort.postMessage({ type: 'fail', message: p.joinError + ': ' + e.message, code: e.code });
    socket.close();
    return;
  }
  ready = true;
  parentPort.postMessage({ type: 'ready', port: socket.address().port, receiveBufferSize: socket.getRecvBufferSize() });
});
parentPort.on('message', (m) => {
  if (m === 'close') socket.close(() => parentPort.postMessage({ type: 'closed' }));
  else if (m === 'cpu') parentPort.postMessage({ type: 'cpu', micros: cpuMicros() });
});
}
`;

type FromWorker =
  | { readonly type: 'ready'; readonly port: number; readonly receiveBufferSize: number }
  | { readonly type: 'fail' | 'error'; readonly message: string; readonly code: string | undefined }
  | { readonly type: 'closed' }
  | { readonly type: 'cpu'; readonly micros: number | null };

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };

function errorOf(m: { readonly message: string; readonly code: string | undefined }): Error {
  const e = new Error(m.message) as NodeJS.ErrnoException;
  if (m.code !== undefined) e.code = m.code;
  return e;
}

/** Callbacks of a {@link SocketReaderThread}. */
export interface ReaderCallbacks {
  /**
   * A datagram and its source `address:port`: a copy the callee owns, or with `borrow` a view into
   * the ring that is valid only until the call returns.
   */
  datagram(datagram: Uint8Array, from: string): void;
  /**
   * Take datagrams as views into the ring (no copy, no allocation per datagram): for a callee that
   * copies what it keeps, like FluteReceiver.push. Default false.
   */
  readonly borrow?: boolean;
  /** A socket error reported by the worker. */
  error(error: Error): void;
}

/** A receiving socket (see {@link planReceive}) read by a worker thread into a shared ring. */
export class SocketReaderThread {
  readonly address: Endpoint;
  /** SO_RCVBUF as the system set it. */
  readonly receiveBufferSize: number;
  readonly #worker: Worker;
  /** Batch mode: the socket the worker reads (node:dgram no longer does), closed after the worker stops. */
  readonly #socket: Socket | undefined;
  readonly #ctl: Int32Array;
  readonly #ring: Uint8Array;
  #cb: ReaderCallbacks | undefined;
  readonly #decoder = new TextDecoder();
  #read = 0;
  #taken = 0;
  #from = '';
  #scheduled = false;
  #closing: Promise<void> | undefined;

  private constructor(worker: Worker, address: Endpoint, receiveBufferSize: number, ctl: Int32Array, ring: Uint8Array, socket: Socket | undefined) {
    this.#socket = socket;
    this.#worker = worker;
    this.address = address;
    this.receiveBufferSize = receiveBufferSize;
    this.#ctl = ctl;
    this.#ring = ring;
  }

  /** Starts handing datagrams (kept in the ring until now) and errors to `cb`. */
  start(cb: ReaderCallbacks): void {
    if (this.#cb !== undefined) throw new Error('the reader is started already');
    this.#cb = cb;
    this.#worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') cb.error(errorOf(m));
    });
    this.#socket?.on('error', (e) => cb.error(e));
    this.#drain();
  }

  /**
   * Binds and joins, and starts the worker; resolves once it receives (into the ring). With `batch`
   * (default true) and @proto/udp-batch available, the socket is opened here and the worker reads it
   * with recvmmsg, many datagrams per system call; otherwise the worker opens a node:dgram socket of
   * its own. @throws like openReceiveSocket.
   */
  static async open(options: UdpReceiveOptions, bufferBytes: number, batch = true): Promise<SocketReaderThread> {
    const plan = planReceive(options);
    if (!(Number.isInteger(bufferBytes) && bufferBytes >= 1 << 16 && bufferBytes <= 2 ** 30)) throw new RangeError(`thread buffer must be 64 KiB..1 GiB, got ${bufferBytes}`);
    const control = new SharedArrayBuffer(8 * 4);
    const ring = new SharedArrayBuffer(bufferBytes & ~3);
    const mod = batch ? await udpBatch() : undefined;
    let socket: Socket | undefined;
    let workerData: Record<string, unknown> = { plan, control, ring };
    if (mod !== undefined) {
      const opened = await openReceiveSocket(options);
      const fd = mod.takeReading(opened.socket);
      if (fd === undefined) opened.socket.close();
      else {
        socket = opened.socket;
        workerData = { control, ring, fd, bindingPath: mod.bindingPath, port: opened.address.port, receiveBufferSize: socket.getRecvBufferSize() };
      }
    }
    const worker = new Worker(WORKER, { eval: true, workerData });
    const ready = await new Promise<FromWorker>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', (e) => resolve({ type: 'fail', message: `socket thread: ${e.message}`, code: undefined }));
    });
    if (ready.type !== 'ready') {
      await worker.terminate();
      socket?.close();
      throw ready.type === 'fail' || ready.type === 'error' ? errorOf(ready) : new Error('socket thread closed before it started');
    }
    return new SocketReaderThread(worker, { ...plan.address, port: ready.port }, ready.receiveBufferSize, new Int32Array(control), new Uint8Array(ring), socket);
  }

  /** Whether the worker reads with recvmmsg (@proto/udp-batch) rather than node:dgram. */
  get batching(): boolean {
    return this.#socket !== undefined;
  }

  /**
   * Microseconds of CPU the reader thread itself has used (Linux: /proc/thread-self; undefined
   * elsewhere or once closed). With `threadCpuMicros()` on the main thread it tells where a
   * receiving process spends its time.
   */
  cpuMicros(): Promise<number | undefined> {
    if (this.#closing !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onExit = (): void => resolve(undefined);
      const onMessage = (m: FromWorker): void => {
        if (m.type !== 'cpu') return;
        this.#worker.off('message', onMessage);
        this.#worker.off('exit', onExit);
        resolve(m.micros ?? undefined);
      };
      this.#worker.on('message', onMessage);
      this.#worker.once('exit', onExit);
      this.#worker.postMessage('cpu');
    });
  }

  /** Datagrams dropped because the ring was full. */
  get overflow(): number {
    return Atomics.load(this.#ctl, OVERFLOW);
  }

  /** Bytes waiting in the ring. */
  get backlog(): number {
    return Atomics.load(this.#ctl, USED);
  }

  /** Datagrams waiting in the ring (after close: those it dropped unread). */
  get pending(): number {
    return Atomics.load(this.#ctl, PUT) - this.#taken;
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    const ctl = this.#ctl;
    const ring = this.#ring;
    const cap = ring.length;
    if (Atomics.load(ctl, CLOSED) === 1) return;
    const cb = this.#cb!;
    const borrow = cb.borrow === true;
    // A bounded batch per turn, so that timers and I/O of the main thread keep running.
    for (let n = 0; n < 1024 && Atomics.load(ctl, USED) > 0; n++) {
      const at = this.#read;
      const type = ring[at + 2];
      if (type === 3) {
        Atomics.sub(ctl, USED, cap - at);
        this.#read = 0;
        continue;
      }
      const length = ring[at]! | (ring[at + 1]! << 8);
      const need = 4 + ((length + 3) & ~3);
      this.#read = (at + need) % cap;
      if (type === 2) {
        this.#from = this.#decoder.decode(ring.slice(at + 4, at + 4 + length));
        Atomics.sub(ctl, USED, need);
      } else if (borrow) {
        // The record stays ours (USED still counts it) until the callee returns.
        this.#taken++;
        try {
          cb.datagram(ring.subarray(at + 4, at + 4 + length), this.#from);
        } finally {
          Atomics.sub(ctl, USED, need);
        }
      } else {
        const bytes = ring.slice(at + 4, at + 4 + length);
        Atomics.sub(ctl, USED, need);
        this.#taken++;
        cb.datagram(bytes, this.#from);
      }
    }
    if (Atomics.load(ctl, USED) > 0) return this.#soon();
    // Sleep until the worker signals. The order matters (all seq-cst): 1. read SIGNAL, 2. announce
    // WAITING, 3. check the ring again, 4. wait while SIGNAL still holds what step 1 read. A datagram
    // put after step 3 finds WAITING set and bumps SIGNAL, so step 4 either sees the new value and
    // returns at once or is woken by the notify. (SIGNAL used to be read at step 4: a signal that
    // came between steps 3 and 4 was then taken as the value to wait on, the worker had cleared
    // WAITING, and the ring was never read again until close.)
    const signal = Atomics.load(ctl, SIGNAL);
    Atomics.store(ctl, WAITING, 1);
    if (Atomics.load(ctl, USED) > 0) {
      Atomics.store(ctl, WAITING, 0);
      return this.#soon();
    }
    const r = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(ctl, SIGNAL, signal);
    if (r.async) void r.value.then(() => this.#soon());
    else this.#soon();
  };

  #soon(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#drain);
  }

  /** Closes the socket and ends the worker; datagrams still in the ring are dropped. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      Atomics.store(this.#ctl, CLOSED, 1);
      // Wake the sleeping drain so that nothing waits on the ring any more.
      Atomics.add(this.#ctl, SIGNAL, 1);
      Atomics.notify(this.#ctl, SIGNAL);
      const closed = new Promise<void>((resolve) => {
        this.#worker.on('message', (m: FromWorker) => {
          if (m.type === 'closed') resolve();
        });
        this.#worker.once('exit', () => resolve());
      });
      this.#worker.postMessage('close');
      await closed;
      await this.#worker.terminate();
      // Only now that nothing reads its fd any more.
      if (this.#socket !== undefined) await new Promise<void>((resolve) => this.#socket!.close(() => resolve()));
    })();
    return this.#closing;
  }
}

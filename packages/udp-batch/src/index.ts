/// <reference types="node" />
/**
 * Many UDP datagrams per system call for node:dgram sockets: Linux sendmmsg(2) and recvmmsg(2)
 * through a small Node-API binding that this package builds on install. node:dgram makes one system
 * call, one libuv request and (on receive) one JavaScript callback per datagram; at loopback rates
 * those cost more than the datagrams themselves.
 *
 * The binding is optional. Where it could not be built (not Linux, no C compiler, or
 * `PROTO_UDP_BATCH=0`), {@link BatchSender.of} and {@link BatchReceiver.of} return undefined and
 * {@link unavailableReason} says why; callers then use the socket as usual.
 *
 * Sockets stay node:dgram's: open, bind, join and set options with node:dgram, then batch on them.
 */
import type { Socket } from 'node:dgram';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The functions of the native binding (see native/udp_batch.c). For worker threads that load it by path. */
export interface UdpBatchBinding {
  sendBatch(fd: number, datagrams: readonly Uint8Array[], start: number, count: number): number;
  recvBatch(fd: number, buffer: Uint8Array, slot: number, count: number, meta: Int32Array, labels: Uint8Array, state: Uint8Array, timeoutMs: number): number;
  /** Most datagrams one call moves. */
  readonly maxBatch: number;
  /** Bytes per source label in `labels`. */
  readonly labelBytes: number;
  /** Bytes of the `state` a receiver keeps between calls. */
  readonly stateBytes: number;
}

/** Where the binding is once built, for a worker thread that `require`s it itself. */
export const bindingPath: string = fileURLToPath(new URL('../build/udp_batch.node', import.meta.url));

let binding: UdpBatchBinding | undefined;
let failure: string | undefined;

/** The native binding, or undefined when it is not built or is disabled (see {@link unavailableReason}). */
export function loadBinding(): UdpBatchBinding | undefined {
  if (process.env['PROTO_UDP_BATCH'] === '0') return undefined;
  if (binding === undefined && failure === undefined) {
    try {
      binding = createRequire(import.meta.url)(bindingPath) as UdpBatchBinding;
    } catch (e) {
      failure = `cannot load ${bindingPath}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (pnpm rebuild @proto/udp-batch builds it)`;
    }
  }
  return binding;
}

/** Why the binding cannot be used, or undefined when it can. */
export function unavailableReason(): string | undefined {
  if (process.env['PROTO_UDP_BATCH'] === '0') return 'disabled by PROTO_UDP_BATCH=0';
  return loadBinding() === undefined ? failure : undefined;
}

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** A system call failed: `code` is the errno name (`ENETUNREACH`, `EPERM`…). */
export class UdpBatchError extends Error {
  override readonly name = 'UdpBatchError';
  readonly errno: number;
  readonly code: string;
  constructor(syscall: 'sendmmsg' | 'recvmmsg', errno: number, detail?: string) {
    const code = errnoNames.get(errno) ?? `errno ${errno}`;
    super(`${syscall} failed: ${code}${detail === undefined ? '' : ` (${detail})`}`);
    this.errno = errno;
    this.code = code;
  }
}

const EAGAIN = constants.errno.EAGAIN;

interface UdpHandle {
  readonly fd?: number;
  recvStop?(): number;
}

/** node:dgram's per-socket state: `handle` is the libuv handle, null once the socket is closed. */
interface SocketState {
  readonly handle?: UdpHandle | null;
}

/**
 * The state inside a node:dgram socket. Node keeps it under a symbol (its public `_handle` getter is
 * deprecated, DEP0112); undefined if a Node version keeps it elsewhere.
 */
function stateOf(socket: Socket): SocketState | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  if (key === undefined) return undefined;
  const state = (socket as unknown as Record<symbol, SocketState | undefined>)[key];
  return typeof state === 'object' && state !== null ? state : undefined;
}

function handleOf(socket: Socket): UdpHandle | undefined {
  return stateOf(socket)?.handle ?? undefined;
}

/**
 * Throws when the socket behind `fd` was closed: its fd number may already belong to something else,
 * so no system call may use it any more.
 */
function checkOpen(state: SocketState, fd: number, syscall: 'sendmmsg' | 'recvmmsg'): void {
  if (state.handle?.fd !== fd) throw new UdpBatchError(syscall, constants.errno.EBADF, 'the socket is closed');
}

/** The file descriptor of a bound node:dgram socket, or undefined (not bound, closed, or not found). */
export function socketFd(socket: Socket): number | undefined {
  const fd = handleOf(socket)?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

/**
 * Stops node:dgram from reading a bound socket (no more 'message' events) and returns its fd for
 * {@link UdpBatchBinding.recvBatch}, e.g. in a worker thread; undefined, leaving the socket alone,
 * when the fd cannot be had. Close the socket only once nothing reads the fd any more.
 */
export function takeReading(socket: Socket): number | undefined {
  const handle = handleOf(socket);
  const fd = socketFd(socket);
  if (fd === undefined || typeof handle?.recvStop !== 'function') return undefined;
  handle.recvStop();
  return fd;
}

/**
 * Sends arrays of datagrams with sendmmsg(2) on a node:dgram socket that is bound and connected
 * (every datagram goes to the connected address). Never blocks.
 */
export class BatchSender {
  readonly #binding: UdpBatchBinding;
  readonly #fd: number;
  readonly #state: SocketState;

  private constructor(binding: UdpBatchBinding, fd: number, state: SocketState) {
    this.#binding = binding;
    this.#fd = fd;
    this.#state = state;
  }

  /** A batch sender for `socket` (bound and connected), or undefined when the binding or the fd is not available. */
  static of(socket: Socket): BatchSender | undefined {
    const b = loadBinding();
    const fd = socketFd(socket);
    const state = stateOf(socket);
    return b === undefined || fd === undefined || state === undefined ? undefined : new BatchSender(b, fd, state);
  }

  /** Most datagrams one system call takes; {@link send} sends longer runs in several calls. */
  get maxBatch(): number {
    return this.#binding.maxBatch;
  }

  /**
   * Sends `datagrams[start .. start + count)` in order and returns how many the kernel took: fewer
   * than `count` when its buffer filled up (try the rest later), 0 when it was full already.
   * @throws UdpBatchError when the first datagram not sent failed for another reason (e.g.
   *   ENETUNREACH, EMSGSIZE); the datagrams before it were sent, and the caller can skip it and go on.
   *   EBADF once the socket is closed.
   */
  send(datagrams: readonly Uint8Array[], start = 0, count = datagrams.length - start): number {
    checkOpen(this.#state, this.#fd, 'sendmmsg');
    let done = 0;
    while (done < count) {
      const r = this.#binding.sendBatch(this.#fd, datagrams, start + done, count - done);
      if (r === -EAGAIN) return done;
      if (r < 0) {
        if (done > 0) return done;
        throw new UdpBatchError('sendmmsg', -r);
      }
      done += r;
      if (r === 0) return done;
    }
    return done;
  }
}

/** Options of a {@link BatchReceiver}. */
export interface BatchReceiverOptions {
  /** Most datagrams one call returns (default 64, at most the binding's maxBatch). */
  readonly batch?: number;
  /** Room for each datagram in bytes (default 65536: no UDP datagram is cut). */
  readonly slot?: number;
}

/**
 * Receives datagrams in batches with recvmmsg(2) from a bound node:dgram socket. Taking over the
 * socket stops node:dgram from reading it: no more 'message' events. Synchronous: for a worker
 * thread, or a main thread that polls with timeout 0.
 */
export class BatchReceiver {
  readonly #binding: UdpBatchBinding;
  readonly #fd: number;
  readonly #socketState: SocketState;
  readonly #batch: number;
  readonly #slot: number;
  readonly #buffer: Uint8Array;
  readonly #meta: Int32Array;
  readonly #labels: Uint8Array;
  readonly #state: Uint8Array;
  readonly #decoder = new TextDecoder();
  #count = 0;
  #sources: string[] = [];
  #from = '';

  private constructor(binding: UdpBatchBinding, fd: number, state: SocketState, batch: number, slot: number) {
    this.#binding = binding;
    this.#fd = fd;
    this.#socketState = state;
    this.#batch = batch;
    this.#slot = slot;
    this.#buffer = new Uint8Array(batch * slot);
    this.#meta = new Int32Array(batch * 2);
    this.#labels = new Uint8Array(batch * binding.labelBytes);
    this.#state = new Uint8Array(binding.stateBytes);
  }

  /**
   * Takes over reading `socket` (bound), or returns undefined, leaving the socket alone, when the
   * binding or the fd is not available.
   * @throws RangeError for a batch or slot out of range.
   */
  static of(socket: Socket, options: BatchReceiverOptions = {}): BatchReceiver | undefined {
    const b = loadBinding();
    const batch = options.batch ?? 64;
    const slot = options.slot ?? 65536;
    if (!(Number.isInteger(batch) && batch >= 1 && batch <= (b?.maxBatch ?? 256))) throw new RangeError(`batch must be 1..${b?.maxBatch ?? 256}, got ${batch}`);
    if (!(Number.isInteger(slot) && slot >= 1 && slot <= 65536)) throw new RangeError(`slot must be 1..65536, got ${slot}`);
    const state = stateOf(socket);
    if (b === undefined || state === undefined) return undefined;
    const fd = takeReading(socket);
    return fd === undefined ? undefined : new BatchReceiver(b, fd, state, batch, slot);
  }

  /**
   * Reads what is waiting, up to the batch size, waiting up to `timeoutMs` for the first datagram
   * (0: not at all; a wait blocks the thread). Returns how many datagrams were read.
   * @throws UdpBatchError when the socket fails (not for "nothing waiting"); EBADF once it is closed.
   */
  receive(timeoutMs = 0): number {
    checkOpen(this.#socketState, this.#fd, 'recvmmsg');
    const n = this.#binding.recvBatch(this.#fd, this.#buffer, this.#slot, this.#batch, this.#meta, this.#labels, this.#state, Math.max(0, Math.floor(timeoutMs)));
    if (n < 0) {
      this.#count = 0;
      throw new UdpBatchError('recvmmsg', -n);
    }
    this.#count = n;
    const sources = this.#sources;
    sources.length = n;
    for (let i = 0; i < n; i++) {
      const l = this.#meta[2 * i + 1]!;
      if (l > 0) {
        const at = i * this.#binding.labelBytes;
        this.#from = this.#decoder.decode(this.#labels.subarray(at, at + l));
      }
      sources[i] = this.#from;
    }
    return n;
  }

  /** Datagrams of the last {@link receive}. */
  get count(): number {
    return this.#count;
  }

  /**
   * Datagram `i` of the last receive: a view that the next receive overwrites. A datagram longer than
   * the slot comes cut to it; see {@link truncated}.
   */
  datagram(i: number): Uint8Array {
    this.#check(i);
    const length = this.#meta[2 * i]!;
    const at = i * this.#slot;
    return this.#buffer.subarray(at, at + (length < 0 ? this.#slot : length));
  }

  /** Whether datagram `i` was longer than the slot. */
  truncated(i: number): boolean {
    this.#check(i);
    return this.#meta[2 * i]! < 0;
  }

  /** Source of datagram `i` as `address:port` (`[address]:port` for IPv6). */
  source(i: number): string {
    this.#check(i);
    return this.#sources[i]!;
  }

  #check(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.#count)) throw new RangeError(`datagram index must be 0..${this.#count - 1}, got ${i}`);
  }
}

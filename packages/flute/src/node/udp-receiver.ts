/// <reference types="node" />
/**
 * FluteUdpReceiver: feeds a FluteReceiver from a UDP socket. Every datagram is pushed with the wall
 * clock and its source `address:port` (sessions are per source and TSI); `cleanup` runs when the
 * engine's `nextDeadline()` comes. Completed objects come out as events or through an async iterator.
 */
import type { Socket } from 'node:dgram';
import { FluteReceiver, type FluteReceiverEvents } from '../receiver/receiver.js';
import type { FluteReceiverOptions } from '../receiver/options.js';
import type { LossModel } from '../sim/loss.js';
import { Random } from '../sim/random.js';
import type { Endpoint } from './address.js';
import { BridgedEmitter } from './bridge.js';
import { nodeMd5 } from './md5.js';
import { SocketReaderThread } from './reader-thread.js';
import { kernelDrops, openReceiveSocket, type UdpReceiveOptions } from './udp.js';

/** Options of a {@link FluteUdpReceiver}. */
export interface FluteUdpReceiverOptions extends UdpReceiveOptions {
  /**
   * The engine, or the options to create one (default: a FluteReceiver with a MemoryWriter). An engine
   * created here checks Content-MD5 with node:crypto ({@link nodeMd5}) unless the options name an `md5`.
   */
  readonly flute?: FluteReceiver | FluteReceiverOptions;
  /** Loss injected between the socket and the engine, to exercise FEC (counted in `stats.lost`). */
  readonly loss?: LossModel;
  /** Seed of the loss model's random numbers (default 1). */
  readonly lossSeed?: number;
  /**
   * Read the socket in a worker thread into a shared ring of `bufferBytes` (default 64 MiB), so that
   * a busy main thread does not lose datagrams (see SocketReaderThread). Default false.
   */
  readonly thread?: boolean | { readonly bufferBytes?: number };
  /**
   * In thread mode, read with recvmmsg(2), up to 64 datagrams per system call, when the optional
   * @proto/udp-batch binding is available (Linux; `PROTO_UDP_BATCH=0` turns it off for the process).
   * Default true. See `readerThread.batching`.
   */
  readonly batchSyscalls?: boolean;
}

/** Counters of a {@link FluteUdpReceiver} (the engine's are in `engine.stats`). */
export interface UdpReceiverStats {
  /** Datagrams read from the socket. */
  datagrams: number;
  /** Their bytes. */
  bytes: number;
  /** Datagrams the injected loss model dropped. */
  lost: number;
  /** Errors the socket reported. */
  errors: number;
  /** Datagrams the reader thread dropped because its ring was full (thread mode). */
  overflow: number;
  /**
   * Datagrams read from the socket but never handed on: left in the reader thread's ring at close,
   * or arriving while the receiver closed. (What the kernel still held is not counted.)
   */
  unread: number;
}

/** A completed object, as the `object-completed` event gives it. */
export type CompletedObject = FluteReceiverEvents['object-completed'];

/** The adapter's own events (the engine's are available too, see {@link FluteReceiverEvents}). */
export interface UdpReceiverEvents {
  error: { readonly error: Error };
  /** The socket is closed and pending writes are done. */
  close: Record<string, never>;
}

/** A FLUTE receiver on a UDP socket. Create with {@link FluteUdpReceiver.open}. */
export class FluteUdpReceiver extends BridgedEmitter<UdpReceiverEvents, FluteReceiverEvents> {
  readonly engine: FluteReceiver;
  /** The group (or address) and the port actually bound (useful with port 0). */
  readonly address: Endpoint;
  readonly stats: UdpReceiverStats = { datagrams: 0, bytes: 0, lost: 0, errors: 0, overflow: 0, unread: 0 };
  /** SO_RCVBUF as the system set it (Linux reports twice what was asked, for its bookkeeping). */
  readonly receiveBufferSize: number;
  readonly #socket: Socket | undefined;
  readonly #reader: SocketReaderThread | undefined;
  readonly #loss: LossModel | undefined;
  readonly #rng: Random;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #closing: Promise<void> | undefined;
  #closed = false;
  readonly #closeListeners: (() => void)[] = [];
  #lastAddress = '';
  #lastPort = -1;
  #lastFrom = '';

  private constructor(input: { socket: Socket } | { reader: SocketReaderThread }, address: Endpoint, engine: FluteReceiver, options: FluteUdpReceiverOptions) {
    super(engine, ['error', 'close']);
    this.address = address;
    this.engine = engine;
    this.#loss = options.loss;
    this.#rng = new Random(options.lossSeed ?? 1);
    if ('socket' in input) {
      const socket = input.socket;
      this.#socket = socket;
      this.#reader = undefined;
      this.receiveBufferSize = socket.getRecvBufferSize();
      socket.on('message', (msg: Buffer, rinfo: { address: string; port: number }) => {
        if (rinfo.port !== this.#lastPort || rinfo.address !== this.#lastAddress) {
          this.#lastAddress = rinfo.address;
          this.#lastPort = rinfo.port;
          this.#lastFrom = rinfo.address.includes(':') ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`;
        }
        // A plain Uint8Array view: the engine may copy with slice(), which on a Buffer would not copy.
        this.#deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), this.#lastFrom);
      });
      socket.on('error', this.#onError);
    } else {
      this.#socket = undefined;
      this.#reader = input.reader;
      this.receiveBufferSize = input.reader.receiveBufferSize;
    }
  }

  readonly #onError = (error: Error): void => {
    this.stats.errors++;
    this.emit('error', { error });
  };

  /** Opens the socket (bound, joined) and starts receiving. */
  static async open(options: FluteUdpReceiverOptions): Promise<FluteUdpReceiver> {
    const engine = options.flute instanceof FluteReceiver ? options.flute : new FluteReceiver({ md5: nodeMd5(), ...options.flute });
    if (options.thread !== undefined && options.thread !== false) {
      const bufferBytes = (options.thread === true ? undefined : options.thread.bufferBytes) ?? 64 << 20;
      const reader = await SocketReaderThread.open(options, bufferBytes, options.batchSyscalls ?? true);
      const rx = new FluteUdpReceiver({ reader }, reader.address, engine, options);
      // The engine copies what it keeps of a datagram: it may be a view into the ring.
      reader.start({ datagram: (d, from) => rx.#deliver(d, from), error: rx.#onError, borrow: true });
      return rx;
    }
    const { socket, address } = await openReceiveSocket(options);
    return new FluteUdpReceiver({ socket }, address, engine, options);
  }

  #deliver(datagram: Uint8Array, from: string): void {
    if (this.#closed) {
      this.stats.unread++;
      return;
    }
    this.stats.datagrams++;
    this.stats.bytes += datagram.length;
    if (this.#reader !== undefined) this.stats.overflow = this.#reader.overflow;
    if (this.#loss?.lose(this.#rng) === true) {
      this.stats.lost++;
      return;
    }
    this.engine.push(datagram, Date.now(), from);
    const deadline = this.engine.nextDeadline();
    if (deadline < this.#timerAt) this.#arm(deadline);
  }

  #arm(deadline: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = deadline;
    if (deadline === Infinity || this.#closed) return;
    this.#timer = setTimeout(this.#onTimer, Math.min(2 ** 31 - 1, Math.max(0, deadline - Date.now())));
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.engine.cleanup(Date.now());
    this.#arm(this.engine.nextDeadline());
  };

  /**
   * Completed objects as they arrive, until the receiver closes (or the loop breaks). Objects that
   * complete while the loop body runs are queued (with a MemoryWriter their content is held until read).
   */
  objects(): AsyncIterableIterator<CompletedObject> {
    const queue: CompletedObject[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const off = this.on('object-completed', (e) => {
      queue.push(e);
      wake?.();
    });
    const finish = (): void => {
      done = true;
      off();
      wake?.();
    };
    if (this.#closed) finish();
    else this.#closeListeners.push(finish);
    const iterator: AsyncIterableIterator<CompletedObject> = {
      next: async (): Promise<IteratorResult<CompletedObject>> => {
        while (queue.length === 0 && !done) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        const value = queue.shift();
        return value === undefined ? { done: true, value: undefined } : { done: false, value };
      },
      return: async (): Promise<IteratorResult<CompletedObject>> => {
        finish();
        queue.length = 0;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Datagrams the kernel dropped because the socket's receive buffer was full (Linux, from
   * /proc/net/udp; undefined elsewhere or once closed). Sockets sharing this address and port count together.
   */
  get kernelDrops(): number | undefined {
    return this.#closed ? undefined : kernelDrops(this.address);
  }

  /** The thread that reads the socket (`thread` option), e.g. for its CPU time; undefined without. */
  get readerThread(): SocketReaderThread | undefined {
    return this.#reader;
  }

  /**
   * Stops receiving, closes the socket and the engine (objects still incomplete fail with
   * 'session-closed'), and waits for pending writes and completions to finish.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#arm(Infinity);
      if (this.#reader !== undefined) {
        await this.#reader.close();
        this.stats.overflow = this.#reader.overflow;
        this.stats.unread += this.#reader.pending;
      }
      const socket = this.#socket;
      if (socket !== undefined) await new Promise<void>((r) => socket.close(() => r()));
      // Objects still being received are aborted (their sinks told), verified ones finish writing.
      this.engine.close();
      await this.engine.whenWritten();
      for (const l of this.#closeListeners.splice(0)) l();
      this.emit('close', {});
    })();
    return this.#closing;
  }
}

/// <reference types="node" />
/**
 * FluteUdpSender: drives a FluteSender onto a UDP socket. The engine is polled whenever its
 * `nextDeadline()` says, datagrams leave through a token bucket at the configured bitrate, and up to
 * `batch` of them go out per event-loop turn (no callback per send, the socket is connected so no
 * address lookup per send) so that loopback rates above 1 Gbit/s are reachable. With the optional
 * @proto/udp-batch binding they go out with sendmmsg(2), a turn's datagrams in one system call;
 * without it, through node:dgram one by one. When the kernel queue backs up, sending pauses until it
 * drains.
 */
import type { Socket } from 'node:dgram';
import type { BatchSender } from '@proto/udp-batch';
import { FluteSender, type FluteSenderEvents } from '../sender/sender.js';
import type { FluteSenderOptions, ObjectOptions } from '../sender/options.js';
import type { Endpoint } from './address.js';
import { udpBatch } from './batch.js';
import { BridgedEmitter } from './bridge.js';
import { TokenBucket } from './pacer.js';
import { openSendSocket, type UdpSendOptions } from './udp.js';

/** Options of a {@link FluteUdpSender}. */
export interface FluteUdpSenderOptions extends UdpSendOptions {
  /** The engine, or the options to create one. */
  readonly flute: FluteSender | FluteSenderOptions;
  /** Pacing in bits per second of UDP payload (default 30 Mbit/s, ypo/flute's CLI default; Infinity: none). */
  readonly bitrate?: number;
  /** Token bucket depth in bytes (default 4 ms of the bitrate, at least 16 KiB). */
  readonly burst?: number;
  /** Most datagrams sent per event-loop turn (default 256). */
  readonly batch?: number;
  /**
   * Send each turn's datagrams with sendmmsg(2) when the optional @proto/udp-batch binding is
   * available (Linux; `PROTO_UDP_BATCH=0` turns it off for the process). Default true. See `batching`.
   */
  readonly batchSyscalls?: boolean;
  /**
   * Sees every datagram before it is sent; returning false drops it (counted in `stats.filtered`).
   * For loss injection and captures.
   */
  readonly filter?: (datagram: Uint8Array) => boolean;
  /**
   * Copies of the close-session packet sent on close (default 3, a few ms apart): a receiver that
   * loses one still sees the session end (RFC 5651 §5.1 lets the A flag ride on the last few packets).
   */
  readonly closePackets?: number;
}

/** Counters of a {@link FluteUdpSender}. */
export interface UdpSenderStats {
  /** Datagrams handed to the socket. */
  datagrams: number;
  /** Their bytes (UDP payload). */
  bytes: number;
  /** Datagrams the filter dropped. */
  filtered: number;
  /** Errors the socket reported. */
  errors: number;
  /** Times sending paused because the kernel queue was full. */
  stalls: number;
}

/** The adapter's own events (the engine's are available too, see {@link FluteSenderEvents}). */
export interface UdpSenderEvents {
  /** A socket error (e.g. the network is unreachable). Sending goes on unless you close. */
  error: { readonly error: Error };
  /** The close-session packet went out and the socket is closed. */
  close: Record<string, never>;
}

const IDLE_RECHECK_MS = 100;
const CLOSE_GAP_MS = 5;
const MAX_QUEUE = 512;

/** A FLUTE sender on a UDP socket. Create with {@link FluteUdpSender.open}. */
export class FluteUdpSender extends BridgedEmitter<UdpSenderEvents, FluteSenderEvents> {
  readonly engine: FluteSender;
  readonly destination: Endpoint;
  readonly bucket: TokenBucket;
  readonly stats: UdpSenderStats = { datagrams: 0, bytes: 0, filtered: 0, errors: 0, stalls: 0 };
  readonly #socket: Socket;
  readonly #batch: number;
  /** sendmmsg, and the datagrams taken from the engine that it has not sent yet. */
  readonly #batcher: BatchSender | undefined;
  #queue: Uint8Array[] = [];
  readonly #filter: ((datagram: Uint8Array) => boolean) | undefined;
  readonly #closePackets: number;
  #closePacket: Uint8Array | undefined;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #idleWaiters: (() => void)[] = [];
  #closed: Promise<void> | undefined;
  #closeDone: (() => void) | undefined;
  #socketClosed = false;

  private constructor(socket: Socket, destination: Endpoint, engine: FluteSender, options: FluteUdpSenderOptions, batcher: BatchSender | undefined) {
    super(engine, ['error', 'close']);
    this.#socket = socket;
    this.#batcher = batcher;
    this.destination = destination;
    this.engine = engine;
    this.bucket = new TokenBucket({ bitrate: options.bitrate ?? 30e6, ...(options.burst === undefined ? {} : { burst: options.burst }) });
    this.#batch = options.batch ?? 256;
    if (!(Number.isInteger(this.#batch) && this.#batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${this.#batch}`);
    this.#filter = options.filter;
    this.#closePackets = options.closePackets ?? 3;
    if (!(Number.isInteger(this.#closePackets) && this.#closePackets >= 1)) throw new RangeError(`closePackets must be a positive integer, got ${this.#closePackets}`);
    socket.on('error', (error) => {
      this.stats.errors++;
      this.emit('error', { error });
    });
    engine.on('readable', () => this.wake());
  }

  /** Opens the socket (bound, multicast options set, connected) and starts sending. */
  static async open(options: FluteUdpSenderOptions): Promise<FluteUdpSender> {
    const engine = options.flute instanceof FluteSender ? options.flute : new FluteSender(options.flute);
    if (options.bitrate !== undefined && !(options.bitrate > 0)) throw new RangeError(`bitrate must be > 0, got ${options.bitrate}`);
    const mod = (options.batchSyscalls ?? true) ? await udpBatch() : undefined;
    const { socket, destination } = await openSendSocket(options);
    let sender: FluteUdpSender;
    try {
      sender = new FluteUdpSender(socket, destination, engine, options, mod?.BatchSender.of(socket));
    } catch (e) {
      socket.close();
      throw e;
    }
    sender.wake();
    return sender;
  }

  /** Queues an object on the engine (see {@link FluteSender.addObject}) and wakes the pump; returns its TOI. */
  addObject(options: ObjectOptions): bigint {
    const toi = this.engine.addObject(options);
    this.wake();
    return toi;
  }

  /** Runs the pump soon. Call after changing the engine directly (addObject, removeObject, setComplete…). */
  wake(): void {
    // Closed, or closing (the close-session packet has gone; its repeats run on their own timer).
    if (this.#socketClosed || this.#closePacket !== undefined) return;
    if (this.#immediate !== undefined) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#immediate = setImmediate(this.#pump);
  }

  #schedule(ms: number): void {
    if (ms <= 0) {
      this.#immediate = setImmediate(this.#pump);
      return;
    }
    this.#timer = setTimeout(this.#pump, Math.min(ms, 2 ** 31 - 1));
  }

  readonly #pump = (): void => {
    this.#immediate = undefined;
    // A pump started by close() or send() while a timer was pending must not leave that timer to
    // start a second, concurrent pump chain.
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#socketClosed) return;
    // Datagrams the kernel would not take last turn go first.
    if (!this.#flush()) return this.#schedule(1);
    this.#run();
    // This turn's datagrams in one system call; if the kernel takes only some, retry soon.
    if (!this.#flush() && this.#closePacket === undefined && this.#immediate === undefined && !this.#socketClosed) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#schedule(1);
    }
  };

  #run(): void {
    const engine = this.engine;
    const socket = this.#socket;
    const batched = this.#batcher !== undefined;
    for (let n = 0; ; n++) {
      const t = performance.now();
      if (!this.bucket.ready(t)) return this.#schedule(this.bucket.delay(t));
      if (n >= this.#batch) return this.#schedule(0);
      if (!batched && (n & 31) === 0 && socket.getSendQueueCount() > MAX_QUEUE) {
        this.stats.stalls++;
        return this.#schedule(1);
      }
      const now = Date.now();
      const datagram = engine.poll(now);
      if (datagram === undefined) {
        if (engine.closed) return this.#finishClose(0);
        if (engine.idle) this.#resolveIdle();
        // Nothing now: sleep until the engine's deadline (at least 1 ms, at most IDLE_RECHECK_MS, so
        // that changes made on the engine directly are picked up without wake()).
        const deadline = engine.nextDeadline();
        return this.#schedule(Math.max(1, Math.min(IDLE_RECHECK_MS, deadline - Date.now())));
      }
      this.bucket.take(datagram.length, t);
      this.#send(datagram);
      if (engine.closed) {
        this.#closePacket = datagram;
        return this.#finishClose(this.#closePackets - 1);
      }
    }
  }

  #send(datagram: Uint8Array): void {
    if (this.#socketClosed) return;
    if (this.#filter !== undefined && !this.#filter(datagram)) {
      this.stats.filtered++;
      return;
    }
    if (this.#batcher !== undefined) {
      this.#queue.push(datagram);
      return;
    }
    try {
      this.#socket.send(datagram);
    } catch (e) {
      // Node throws synchronously for a socket it no longer runs: report, never crash the process.
      this.stats.errors++;
      this.emit('error', { error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    this.stats.datagrams++;
    this.stats.bytes += datagram.length;
  }

  /**
   * Batch mode: hands the queued datagrams to the kernel; false when it would not take them all (its
   * buffer is full; the rest stay queued). A datagram the kernel refuses for another reason is
   * reported and dropped, and the ones after it still go.
   */
  #flush(): boolean {
    const queue = this.#queue;
    if (this.#batcher === undefined || queue.length === 0) return true;
    let at = 0;
    while (at < queue.length) {
      // An error listener may have closed the socket: what is left goes nowhere.
      if (this.#socketClosed) {
        queue.length = 0;
        return true;
      }
      let n: number;
      try {
        n = this.#batcher.send(queue, at);
      } catch (e) {
        this.stats.errors++;
        at++;
        this.emit('error', { error: e instanceof Error ? e : new Error(String(e)) });
        continue;
      }
      for (let i = at; i < at + n; i++) {
        this.stats.bytes += queue[i]!.length;
        // The kernel has copied it: its memory can serve again, unless a filter may have kept it.
        if (this.#filter === undefined && queue[i] !== this.#closePacket) this.engine.release(queue[i]!);
      }
      this.stats.datagrams += n;
      at += n;
      if (at < queue.length) {
        this.stats.stalls++;
        queue.splice(0, at);
        return false;
      }
    }
    queue.length = 0;
    return true;
  }

  /** Whether datagrams go out with sendmmsg (@proto/udp-batch) rather than one node:dgram send each. */
  get batching(): boolean {
    return this.#batcher !== undefined;
  }

  #resolveIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when the engine has nothing left to send but its FDT carousel (every transfer done). */
  idle(): Promise<void> {
    if (this.engine.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Ends the session: the engine's close-session packet (A flag) goes out, queued datagrams are
   * flushed, then the socket closes.
   */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#closed = new Promise((resolve) => (this.#closeDone = resolve));
    if (this.#socketClosed) this.#closeDone!();
    else {
      this.engine.close();
      this.#immediate ??= setImmediate(this.#pump);
    }
    return this.#closed;
  }

  /** Closes the socket at once without the close-session packet (e.g. after a fatal error). */
  destroy(): void {
    if (this.#socketClosed) return;
    this.#socketClosed = true;
    this.#stopTimers();
    this.#socket.close();
    this.#resolveIdle();
    this.#closeDone?.();
    this.emit('close', {});
  }

  #stopTimers(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  #finishClose(repeats: number): void {
    this.#stopTimers();
    if (repeats > 0 && this.#closePacket !== undefined) {
      this.#flush();
      this.#timer = setTimeout(() => {
        this.#send(this.#closePacket!);
        this.#finishClose(repeats - 1);
      }, CLOSE_GAP_MS);
      return;
    }
    // Let the kernel take what is queued, then close.
    const drain = (): void => {
      if (this.#socketClosed) return;
      if (!this.#flush() || this.#socket.getSendQueueCount() > 0) {
        this.#timer = setTimeout(drain, 1);
        return;
      }
      this.destroy();
    };
    drain();
  }

  /** Local address and port the datagrams come from. */
  get localAddress(): Endpoint {
    const a = this.#socket.address();
    return { host: a.address, port: a.port, family: a.family === 'IPv6' ? 6 : 4 };
  }
}

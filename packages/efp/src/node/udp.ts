/// <reference types="node" />
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { EfpReceiver, type EfpReceiverOptions, type Superframe } from '../receiver.js';
import { EfpSender, type EfpFrameOptions, type EfpSenderOptions } from '../sender.js';
import { isMulticast, socketTypeOf, toAddress, type UdpAddress } from './address.js';

export interface EfpUdpSenderOptions extends EfpSenderOptions {
  /** Destination, "HOST:PORT" or an address. */
  readonly to: string | UdpAddress;
  /** Local address to send from. Default: any address of the destination's family, a free port. */
  readonly bind?: string | UdpAddress;
  /** Pacing in bits per second (token bucket over whole packets). Default: unpaced. */
  readonly rateBitsPerSecond?: number;
  /** Bucket depth for pacing, bytes. Default 16 packets of MTU. */
  readonly burstBytes?: number;
  /** Outgoing interface for a multicast destination. Default 127.0.0.1 (IPv4) or ::1 (IPv6). */
  readonly multicastInterface?: string;
  /** TTL / hop limit for a multicast destination. Default 1. */
  readonly multicastTtl?: number;
}

/** Counters of a UDP sender. */
export interface EfpUdpSenderStats {
  frames: number;
  packets: number;
  bytes: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function bindSocket(socket: Socket, address: UdpAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    socket.once('error', onError);
    socket.bind(address.port, address.host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** Sends superframes as EFP over UDP, optionally paced. */
export class EfpUdpSender {
  /** The EFP packer (its superFrameNo is settable). */
  readonly sender: EfpSender;
  readonly to: UdpAddress;
  readonly stats: EfpUdpSenderStats = { frames: 0, packets: 0, bytes: 0 };
  readonly #socket: Socket;
  readonly #rate: number | undefined;
  readonly #burst: number;
  #tokens: number;
  #last = performance.now();

  private constructor(socket: Socket, sender: EfpSender, to: UdpAddress, options: EfpUdpSenderOptions) {
    this.#socket = socket;
    this.sender = sender;
    this.to = to;
    this.#rate = options.rateBitsPerSecond;
    this.#burst = options.burstBytes ?? 16 * sender.mtu;
    this.#tokens = this.#burst;
  }

  /** Opens a socket for sending to `options.to`. */
  static async open(options: EfpUdpSenderOptions): Promise<EfpUdpSender> {
    const to = toAddress(options.to);
    const rate = options.rateBitsPerSecond;
    if (rate !== undefined && !(rate > 0)) throw new RangeError(`rateBitsPerSecond must be > 0, got ${rate}`);
    const sender = new EfpSender(options);
    const type = socketTypeOf(to.host);
    const socket = createSocket({ type });
    await bindSocket(socket, toAddress(options.bind ?? { host: type === 'udp6' ? '::' : '0.0.0.0', port: 0 }));
    if (isMulticast(to.host)) {
      socket.setMulticastInterface(options.multicastInterface ?? (type === 'udp6' ? '::1' : '127.0.0.1'));
      socket.setMulticastTTL(options.multicastTtl ?? 1);
      socket.setMulticastLoopback(true);
    }
    return new EfpUdpSender(socket, sender, to, options);
  }

  /** The local address the packets leave from. */
  address(): UdpAddress {
    const a = this.#socket.address();
    return { host: a.address, port: a.port };
  }

  /** Packs and sends one superframe; resolves when every packet has been handed to the kernel. */
  async send(payload: Uint8Array, frame: EfpFrameOptions): Promise<void> {
    const packets = this.sender.pack(payload, frame);
    const pending: Promise<void>[] = [];
    for (const p of packets) {
      if (this.#rate !== undefined) await this.#pace(p.length);
      pending.push(
        new Promise<void>((resolve, reject) => {
          this.#socket.send(p, this.to.port, this.to.host, (err) => (err ? reject(err) : resolve()));
        }),
      );
      this.stats.packets++;
      this.stats.bytes += p.length;
    }
    this.stats.frames++;
    await Promise.all(pending);
  }

  /** Waits until the token bucket holds `bytes`. */
  async #pace(bytes: number): Promise<void> {
    const rate = this.#rate!;
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * rate) / 8000);
      this.#last = now;
      if (this.#tokens >= bytes) {
        this.#tokens -= bytes;
        return;
      }
      // Sleep for at least a millisecond: timers are no finer, and the bucket absorbs the jitter.
      await sleep(Math.max(1, ((bytes - this.#tokens) * 8000) / rate));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

export interface EfpUdpReceiverOptions extends Omit<EfpReceiverOptions, 'onFrame'> {
  /** Where to listen, "HOST:PORT" (port 0: any free port). */
  readonly bind: string | UdpAddress;
  /** A multicast group to join on `multicastInterface` (default 127.0.0.1 / ::1). */
  readonly multicastGroup?: string;
  readonly multicastInterface?: string;
  /** Requested kernel receive buffer, bytes (the kernel may cap it). Default 4 MiB. */
  readonly recvBufferBytes?: number;
  /** Frames an async iterator holds for a slow consumer before dropping the oldest. Default 1024. */
  readonly maxQueuedFrames?: number;
}

export interface EfpUdpReceiverEvents {
  frame: [frame: Superframe];
  error: [error: Error];
  close: [];
}

/**
 * Receives EFP over UDP: feeds an EfpReceiver with each datagram (the sender's address becomes the
 * frame's `source` index, see `sources`), polls it right after each burst of datagrams and at its
 * deadlines, and hands out frames as 'frame' events or through async iteration.
 */
export class EfpUdpReceiver extends EventEmitter<EfpUdpReceiverEvents> implements AsyncIterable<Superframe> {
  readonly receiver: EfpReceiver;
  readonly #socket: Socket;
  readonly #maxQueued: number;
  readonly #sources = new Map<string, number>();
  readonly #sourceList: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #pollScheduled = false;
  #closed = false;
  #droppedFrames = 0;

  private constructor(socket: Socket, options: EfpUdpReceiverOptions) {
    super();
    this.#socket = socket;
    this.#maxQueued = options.maxQueuedFrames ?? 1024;
    this.receiver = new EfpReceiver({ ...options, onFrame: (f) => this.emit('frame', f) });
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, `${rinfo.address}:${rinfo.port}`));
    socket.on('error', (e) => this.emit('error', e));
  }

  static async open(options: EfpUdpReceiverOptions): Promise<EfpUdpReceiver> {
    const bind = toAddress(options.bind);
    const type = socketTypeOf(bind.host);
    const socket = createSocket({ type, reuseAddr: options.multicastGroup !== undefined });
    await bindSocket(socket, bind);
    try {
      socket.setRecvBufferSize(options.recvBufferBytes ?? 4 * 1024 * 1024);
    } catch {
      // The kernel's limit applies; a smaller buffer only means earlier loss under bursts.
    }
    if (options.multicastGroup !== undefined) {
      socket.addMembership(options.multicastGroup, options.multicastInterface ?? (type === 'udp6' ? '::1' : '127.0.0.1'));
    }
    return new EfpUdpReceiver(socket, options);
  }

  /** The bound address (read the port here after binding port 0). */
  address(): UdpAddress {
    const a = this.#socket.address();
    return { host: a.address, port: a.port };
  }

  /** Frames dropped because an async iterator fell behind (see maxQueuedFrames). */
  get droppedFrames(): number {
    return this.#droppedFrames;
  }

  /** "HOST:PORT" of each source index (frames' `source`); up to 255 senders get their own index, later ones share 255. */
  get sources(): readonly string[] {
    return this.#sourceList;
  }

  #onMessage(msg: Uint8Array, from: string): void {
    let source = this.#sources.get(from);
    if (source === undefined) {
      source = Math.min(this.#sourceList.length, 255);
      if (this.#sourceList.length < 256) {
        this.#sources.set(from, source);
        this.#sourceList.push(from);
      }
    }
    this.receiver.push(msg, performance.now(), source);
    if (!this.#pollScheduled) {
      this.#pollScheduled = true;
      setImmediate(() => this.#poll());
    }
  }

  #poll(): void {
    this.#pollScheduled = false;
    if (this.#closed) return;
    const now = performance.now();
    this.receiver.poll(now);
    const next = this.receiver.nextDeadline();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = next === undefined ? undefined : setTimeout(() => this.#poll(), Math.max(0, Math.ceil(next - now)));
  }

  /** Async iteration over delivered frames, from now on, until `close`. */
  [Symbol.asyncIterator](): AsyncIterator<Superframe> {
    const queue: Superframe[] = [];
    let wake: (() => void) | undefined;
    const onFrame = (f: Superframe): void => {
      if (queue.length >= this.#maxQueued) {
        queue.shift();
        this.#droppedFrames++;
      }
      queue.push(f);
      wake?.();
    };
    const onClose = (): void => wake?.();
    this.on('frame', onFrame);
    this.on('close', onClose);
    const stop = (): void => {
      this.off('frame', onFrame);
      this.off('close', onClose);
    };
    return {
      next: async (): Promise<IteratorResult<Superframe>> => {
        for (;;) {
          const f = queue.shift();
          if (f !== undefined) return { value: f, done: false };
          if (this.#closed) {
            stop();
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      return: async (): Promise<IteratorResult<Superframe>> => {
        stop();
        return { value: undefined, done: true };
      },
    };
  }

  /**
   * Closes the socket. Frames still in flight are dropped, or with `flush` delivered first (broken
   * when incomplete).
   */
  async close(options: { readonly flush?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (options.flush === true) this.receiver.poll(Number.POSITIVE_INFINITY);
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
    this.emit('close');
  }
}

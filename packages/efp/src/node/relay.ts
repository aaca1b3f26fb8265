/// <reference types="node" />
import { createSocket, type Socket } from 'node:dgram';
import { socketTypeOf, toAddress, type UdpAddress } from './address.js';

export interface UdpRelayOptions {
  /** Where the relay listens for the client, e.g. "127.0.0.1:0". */
  readonly listen: string | UdpAddress;
  /** Where it forwards to. */
  readonly target: string | UdpAddress;
  /** Probability of dropping each client → target datagram, 0..1. Default 0. */
  readonly loss?: number;
  /** Probability of dropping each target → client datagram. Default: `loss`. */
  readonly reverseLoss?: number;
  /** Probability of sending a client → target datagram twice. Default 0. */
  readonly duplicate?: number;
  /** Seed of the deterministic loss pattern. Default 1. */
  readonly seed?: number;
}

export interface UdpRelayStats {
  forwarded: number;
  dropped: number;
  duplicated: number;
  returned: number;
  returnDropped: number;
}

/**
 * A UDP relay between one client and one target that drops (and optionally duplicates) datagrams
 * with fixed probabilities, for testing protocols over a lossy path on loopback. Replies from the
 * target go back to the client that spoke last.
 */
export class UdpRelay {
  readonly stats: UdpRelayStats = { forwarded: 0, dropped: 0, duplicated: 0, returned: 0, returnDropped: 0 };
  readonly #front: Socket;
  readonly #back: Socket;
  readonly #target: UdpAddress;
  #client: UdpAddress | undefined;
  #x: number;

  private constructor(front: Socket, back: Socket, target: UdpAddress, options: UdpRelayOptions) {
    this.#front = front;
    this.#back = back;
    this.#target = target;
    this.#x = (options.seed ?? 1) >>> 0 || 1;
    const loss = options.loss ?? 0;
    const reverseLoss = options.reverseLoss ?? loss;
    const duplicate = options.duplicate ?? 0;
    front.on('message', (msg, rinfo) => {
      this.#client = { host: rinfo.address, port: rinfo.port };
      if (this.#random() < loss) {
        this.stats.dropped++;
        return;
      }
      this.stats.forwarded++;
      back.send(msg, target.port, target.host);
      if (this.#random() < duplicate) {
        this.stats.duplicated++;
        back.send(msg, target.port, target.host);
      }
    });
    back.on('message', (msg) => {
      const client = this.#client;
      if (client === undefined) return;
      if (this.#random() < reverseLoss) {
        this.stats.returnDropped++;
        return;
      }
      this.stats.returned++;
      front.send(msg, client.port, client.host);
    });
    // A relay in a test must not take the process down on a transient send error.
    front.on('error', () => undefined);
    back.on('error', () => undefined);
  }

  static async start(options: UdpRelayOptions): Promise<UdpRelay> {
    const listen = toAddress(options.listen);
    const target = toAddress(options.target);
    const front = createSocket(socketTypeOf(listen.host));
    const back = createSocket(socketTypeOf(target.host));
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(listen.port, listen.host, () => resolve());
    });
    await new Promise<void>((resolve, reject) => {
      back.once('error', reject);
      back.bind(0, () => resolve());
    });
    return new UdpRelay(front, back, target, options);
  }

  /** The address clients send to. */
  address(): UdpAddress {
    const a = this.#front.address();
    return { host: a.address, port: a.port };
  }

  get target(): UdpAddress {
    return this.#target;
  }

  #random(): number {
    let x = this.#x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x >>> 0;
    return this.#x / 0x1_0000_0000;
  }

  async close(): Promise<void> {
    await Promise.all([
      new Promise<void>((resolve) => this.#front.close(() => resolve())),
      new Promise<void>((resolve) => this.#back.close(() => resolve())),
    ]);
  }
}

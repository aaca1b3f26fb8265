/** Impairments of the in-memory network. Rates are probabilities per datagram. */
export interface MemoryNetworkOptions {
  /** Probability a datagram is lost. Default 0. */
  readonly loss?: number;
  /** Probability a datagram is delivered twice. Default 0. */
  readonly duplicate?: number;
  /** Probability a datagram is held back by up to `reorderDelayMs` extra, so later ones overtake it. Default 0. */
  readonly reorder?: number;
  /** Base one-way delay. Default 1 ms. */
  readonly delayMs?: number;
  /** Uniform random extra delay in [0, jitterMs). Default 0. */
  readonly jitterMs?: number;
  /** Largest extra delay of a reordered datagram. Default 20 ms. */
  readonly reorderDelayMs?: number;
  /** PRNG seed, for reproducible runs. Default 1. */
  readonly seed?: number;
}

/** A datagram in flight or delivered. */
export interface Delivery {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly data: Uint8Array;
}

/** Counters of what the network did. */
export interface MemoryNetworkStats {
  sent: number;
  lost: number;
  duplicated: number;
  reordered: number;
  delivered: number;
}

/**
 * A socket-free network for end-to-end tests of sans-IO engines: `send` schedules a copy of a
 * datagram for delivery with loss, duplication, reordering and delay from a seeded PRNG, and
 * `deliver(now)` returns what has arrived by `now`. Time is whatever clock the caller uses.
 */
export class MemoryNetwork {
  readonly stats: MemoryNetworkStats = { sent: 0, lost: 0, duplicated: 0, reordered: 0, delivered: 0 };
  private readonly o: Required<MemoryNetworkOptions>;
  private state: number;
  private heap: (Delivery & { seq: number })[] = [];
  private seq = 0;

  constructor(options: MemoryNetworkOptions = {}) {
    this.o = { loss: 0, duplicate: 0, reorder: 0, delayMs: 1, jitterMs: 0, reorderDelayMs: 20, seed: 1, ...options };
    this.state = this.o.seed >>> 0 || 1;
  }

  /** Uniform in [0, 1) (xorshift32). */
  random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  send(from: string, to: string, data: Uint8Array, now: number): void {
    this.stats.sent++;
    if (this.random() < this.o.loss) {
      this.stats.lost++;
      return;
    }
    const copies = this.random() < this.o.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let at = now + this.o.delayMs + this.random() * this.o.jitterMs;
      if (this.random() < this.o.reorder) {
        this.stats.reordered++;
        at += this.random() * this.o.reorderDelayMs;
      }
      this.insert({ at, from, to, data: data.slice(), seq: this.seq++ });
    }
  }

  /** Time of the next delivery, or undefined when nothing is in flight. */
  nextDelivery(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Removes and returns the next datagram due by `now`, in arrival order. */
  deliver(now: number): Delivery | undefined {
    const top = this.heap[0];
    if (top === undefined || top.at > now) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    this.stats.delivered++;
    return top;
  }

  get inFlight(): number {
    return this.heap.length;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private insert(d: Delivery & { seq: number }): void {
    const h = this.heap;
    h.push(d);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(l, m)) m = l;
      if (r < h.length && this.less(r, m)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

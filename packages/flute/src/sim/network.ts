/**
 * An in-memory datagram network on a virtual clock, for socket-free end-to-end tests: loss (random,
 * Gilbert-Elliott bursts, patterns), duplication, reordering and delay with jitter, all seeded.
 */
import { Random } from './random.js';
import type { LossModel } from './loss.js';

export interface LinkOptions {
  /** Loss model (default none). */
  readonly loss?: LossModel;
  /** Probability that a delivered datagram arrives twice (default 0). */
  readonly duplicate?: number;
  /** Probability that a datagram is held back by `reorderDelayMs` so later ones overtake it (default 0). */
  readonly reorder?: number;
  /** Extra delay of a reordered datagram (default 5 ms). */
  readonly reorderDelayMs?: number;
  /** Fixed one-way delay (default 0). */
  readonly delayMs?: number;
  /** Uniform extra delay in [0, jitterMs) (default 0). */
  readonly jitterMs?: number;
  /** PRNG seed (default fixed). */
  readonly seed?: number;
  /** Most datagrams in flight; further ones are dropped and counted as overflow (default 1,000,000). */
  readonly capacity?: number;
}

/** Counters of a link. */
export interface LinkStats {
  sent: number;
  lost: number;
  duplicated: number;
  reordered: number;
  delivered: number;
  overflow: number;
}

interface InFlight {
  readonly at: number;
  readonly seq: number;
  readonly datagram: Uint8Array;
  readonly from: string | undefined;
}

/** One direction of a network path: datagrams go in with `send`, come out of `deliver` when due. */
export class SimulatedLink {
  readonly stats: LinkStats = { sent: 0, lost: 0, duplicated: 0, reordered: 0, delivered: 0, overflow: 0 };
  readonly #o: LinkOptions;
  readonly #rng: Random;
  readonly #heap: InFlight[] = [];
  #seq = 0;

  constructor(options: LinkOptions = {}) {
    this.#o = options;
    this.#rng = new Random(options.seed ?? 1);
    for (const k of ['duplicate', 'reorder'] as const) {
      const v = options[k] ?? 0;
      if (!(v >= 0 && v <= 1)) throw new RangeError(`${k} must be 0..1, got ${v}`);
    }
  }

  /** Datagrams in flight. */
  get inFlight(): number {
    return this.#heap.length;
  }

  /** Sends a datagram at `now`. */
  send(datagram: Uint8Array, now: number, from?: string): void {
    this.stats.sent++;
    const o = this.#o;
    if (o.loss?.lose(this.#rng) === true) {
      this.stats.lost++;
      return;
    }
    const copies = (o.duplicate ?? 0) > 0 && this.#rng.next() < o.duplicate! ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let c = 0; c < copies; c++) {
      let at = now + (o.delayMs ?? 0) + ((o.jitterMs ?? 0) > 0 ? this.#rng.next() * o.jitterMs! : 0);
      if ((o.reorder ?? 0) > 0 && this.#rng.next() < o.reorder!) {
        at += o.reorderDelayMs ?? 5;
        this.stats.reordered++;
      }
      if (this.#heap.length >= (o.capacity ?? 1_000_000)) {
        this.stats.overflow++;
        continue;
      }
      this.#push({ at, seq: this.#seq++, datagram, from });
    }
  }

  /** When the next datagram is due, or Infinity. */
  nextDelivery(): number {
    return this.#heap.length === 0 ? Infinity : this.#heap[0]!.at;
  }

  /** Hands every datagram due at or before `now` to `to`, in arrival order. Returns how many. */
  deliver(now: number, to: (datagram: Uint8Array, at: number, from: string | undefined) => void): number {
    let n = 0;
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) {
      const p = this.#pop();
      this.stats.delivered++;
      n++;
      to(p.datagram, p.at, p.from);
    }
    return n;
  }

  #less(a: InFlight, b: InFlight): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(x: InFlight): void {
    const h = this.#heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): InFlight {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** A virtual clock in epoch milliseconds. */
export class VirtualClock {
  constructor(public now: number = Date.UTC(2025, 0, 1)) {}
  /** Moves forward to `t` (never backwards). */
  advanceTo(t: number): number {
    if (t > this.now) this.now = t;
    return this.now;
  }
}

/** What the simulation drives: anything shaped like a FLUTE sender. */
export interface SimSender {
  poll(now: number): Uint8Array | undefined;
  nextDeadline(): number;
  /** True while the sender waits for asynchronous I/O (its source) rather than for time. */
  readonly waitingForData?: boolean;
}

/** What the simulation feeds: anything shaped like a FLUTE receiver. */
export interface SimReceiver {
  push(datagram: Uint8Array, now: number, from?: string): void;
  cleanup(now: number): void;
  nextDeadline(): number;
  /** Resolves when the receiver's asynchronous writes are done. */
  whenWritten?(): Promise<void>;
  /** Bytes handed to writers and not yet written (the loop waits above `maxPendingWrites`). */
  readonly pendingWriteBytes?: number;
}

export interface SimulationOptions {
  readonly clock: VirtualClock;
  /** Senders, each with the link it sends into and the `from` label receivers see. */
  readonly senders: readonly { readonly sender: SimSender; readonly link: SimulatedLink; readonly from?: string }[];
  /** Receivers of every link (multicast: every receiver gets every delivered datagram). */
  readonly receivers: readonly SimReceiver[];
  /** Stop at this virtual time (epoch ms). */
  readonly until: number;
  /** Stop when this returns true (checked after every step). */
  readonly done?: () => boolean;
  /** Sender pacing: at most this many datagrams per millisecond of virtual time per sender (default unlimited). */
  readonly datagramsPerMs?: number;
  /** Upper bound on loop iterations (default 50 million). */
  readonly maxSteps?: number;
  /** Longest real time the loop waits in a row for a sender's source (default 120,000 ms). */
  readonly maxStallMs?: number;
  /** Wait for receivers' writes whenever more than this many bytes are pending (default 16 MiB). */
  readonly maxPendingWrites?: number;
}

/** Result of {@link runSimulation}. */
export interface SimulationResult {
  /** Virtual time reached. */
  readonly now: number;
  /** Datagrams the senders produced. */
  readonly sent: number;
  /** Why the loop stopped. */
  readonly reason: 'done' | 'until' | 'idle' | 'steps';
}

type Tick = (cb: () => void) => void;
const g = globalThis as unknown as { setImmediate?: Tick; setTimeout: (cb: () => void, ms: number) => unknown };
/** Lets pending I/O (file reads and writes of sources and writers) make progress. */
export const macrotask = (): Promise<void> => new Promise((r) => (g.setImmediate !== undefined ? g.setImmediate(r) : g.setTimeout(r, 0)));

async function settle(receivers: readonly SimReceiver[]): Promise<void> {
  for (const r of receivers) if (r.whenWritten !== undefined) await r.whenWritten();
  await macrotask();
}

/**
 * Runs senders, links and receivers on the virtual clock: at each step time jumps to the earliest
 * deadline (sender, link delivery, receiver), senders are polled (paced by `datagramsPerMs` if set),
 * due datagrams are delivered, receivers are cleaned up. When a sender waits for its source (async
 * reads) the loop yields to the event loop without moving the clock. Bounded by `until` and `maxSteps`.
 */
export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const clock = o.clock;
  const maxSteps = o.maxSteps ?? 50_000_000;
  const rate = o.datagramsPerMs;
  const budget = o.senders.map(() => 0);
  const credit = o.senders.map(() => clock.now);
  let sent = 0;
  let steps = 0;
  let stallSince: number | undefined;
  const deliver = (d: Uint8Array, at: number, from: string | undefined): void => {
    for (const r of o.receivers) r.push(d, at, from);
  };
  for (;;) {
    if (o.done?.() === true) return { now: clock.now, sent, reason: 'done' };
    if (++steps > maxSteps) return { now: clock.now, sent, reason: 'steps' };
    if ((steps & 1023) === 0) await macrotask();
    for (const r of o.receivers) if ((r.pendingWriteBytes ?? 0) > (o.maxPendingWrites ?? 16 << 20)) await r.whenWritten?.();
    const now = clock.now;
    let progressed = false;
    let stalled = false;
    o.senders.forEach((s, i) => {
      let allowed = Infinity;
      if (rate !== undefined) {
        budget[i] = Math.min(rate * 4, budget[i]! + (now - credit[i]!) * rate);
        credit[i] = now;
        allowed = Math.floor(budget[i]!);
      }
      for (let n = 0; n < Math.min(allowed, 4096); n++) {
        if (s.sender.nextDeadline() > now) break;
        const d = s.sender.poll(now);
        if (d === undefined) {
          if (s.sender.waitingForData === true) stalled = true;
          break;
        }
        sent++;
        progressed = true;
        if (rate !== undefined) budget[i]! -= 1;
        s.link.send(d, now, s.from);
      }
    });
    for (const s of o.senders) if (s.link.deliver(now, deliver) > 0) progressed = true;
    for (const r of o.receivers) r.cleanup(now);
    if (o.done?.() === true) return { now, sent, reason: 'done' };
    if (progressed) {
      stallSince = undefined;
      continue;
    }
    if (stalled || o.senders.some((s) => s.sender.waitingForData === true)) {
      // A sender waits for its source (a block being read, a pre-pass): give the I/O a turn and
      // keep the clock, for at most `maxStallMs` of real time in a row.
      stallSince ??= Date.now();
      if (Date.now() - stallSince < (o.maxStallMs ?? 120_000)) {
        await macrotask();
        continue;
      }
    }
    stallSince = undefined;
    let next = Infinity;
    for (const s of o.senders) {
      let d = s.sender.nextDeadline();
      if (rate !== undefined && d <= now) d = now + 1 / rate;
      next = Math.min(next, d, s.link.nextDelivery());
    }
    for (const r of o.receivers) next = Math.min(next, r.nextDeadline());
    if (next <= now) next = now + (rate !== undefined ? 1 / rate : 1);
    if (next === Infinity || next > o.until) {
      // Let pending writes finish before calling it idle (their completion may be what `done` waits for).
      await settle(o.receivers);
      if (o.done?.() === true) return { now: clock.now, sent, reason: 'done' };
      if (next === Infinity) return { now, sent, reason: 'idle' };
      clock.advanceTo(o.until);
      for (const r of o.receivers) r.cleanup(o.until);
      await settle(o.receivers);
      return { now: o.until, sent, reason: o.done?.() === true ? 'done' : 'until' };
    }
    if (steps % 64 === 0) await settle(o.receivers);
    clock.advanceTo(next);
  }
}

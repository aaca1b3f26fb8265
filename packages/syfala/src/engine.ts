import type { StreamFormats } from './format.js';
import type { Decoded } from './messages.js';
import type { StreamReceiver } from './receiver.js';
import type { ConnectionStreams } from './streams.js';

/** An opaque peer address chosen by the transport, e.g. `"127.0.0.1:6910"` or `"[::1]:6911"`. */
export type PeerId = string;

/** One datagram to send. `control` may travel over a TCP control plane; `audio` and `discovery` stay on UDP. */
export interface Transmit {
  readonly to: PeerId;
  readonly data: Uint8Array;
  readonly kind: 'control' | 'audio' | 'discovery';
}

/** Timers shared by both engines (milliseconds). */
export interface TimingOptions {
  /** Period of Heartbeat messages to each connected peer, sent whatever the audio traffic. Default 100. */
  readonly heartbeatIntervalMs?: number;
  /** A peer silent for this long is dropped. Default 600. */
  readonly peerTimeoutMs?: number;
  /** First retransmission delay of Connect, StartIO and StopIO; doubled on each retry. Default 100. */
  readonly retransmitInitialMs?: number;
  /** Largest retransmission delay. Default 1000. */
  readonly retransmitMaxMs?: number;
  /** Retransmissions before giving up. Default 10. */
  readonly maxRetransmits?: number;
  /** Most datagrams queued for sending; more are dropped and counted. Default 65536. */
  readonly maxQueuedDatagrams?: number;
}

/** Counters every engine keeps. */
export interface EngineCounters {
  datagramsIn: number;
  datagramsOut: number;
  /** Datagrams that failed to decode (dropped). */
  malformed: number;
  /** Well-formed datagrams that made no sense in the current state or came from an unknown peer (dropped). */
  unexpected: number;
  /** Control messages sent again by a retransmission timer. */
  retransmissions: number;
  /** Datagrams dropped because the send queue was full. */
  queueDropped: number;
}

/** Why a connection ended. */
export type DisconnectReason = 'disconnect' | 'timeout' | 'gave-up' | 'shutdown' | 'restarted';

/** Result of a decision callback about a connection or an IO request. */
export type Decision = 'success' | 'failed' | 'refused';

/** Events both engines report. */
export type CommonEvent =
  | { readonly type: 'connected'; readonly peer: PeerId; readonly formats: StreamFormats }
  | { readonly type: 'disconnected'; readonly peer: PeerId; readonly reason: DisconnectReason }
  | { readonly type: 'io-started'; readonly peer: PeerId }
  | { readonly type: 'io-stopped'; readonly peer: PeerId }
  | { readonly type: 'dropped'; readonly peer: PeerId; readonly reason: string };

export interface ResolvedTiming {
  heartbeat: number;
  timeout: number;
  retryInitial: number;
  retryMax: number;
  maxRetries: number;
  maxQueue: number;
}

export function resolveTiming(o: TimingOptions): ResolvedTiming {
  const t: ResolvedTiming = {
    heartbeat: o.heartbeatIntervalMs ?? 100,
    timeout: o.peerTimeoutMs ?? 600,
    retryInitial: o.retransmitInitialMs ?? 100,
    retryMax: o.retransmitMaxMs ?? 1000,
    maxRetries: o.maxRetransmits ?? 10,
    maxQueue: o.maxQueuedDatagrams ?? 65_536,
  };
  for (const [k, v] of Object.entries(t)) if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`timing option ${k} must be positive, got ${v}`);
  return t;
}

export function newCounters(): EngineCounters {
  return { datagramsIn: 0, datagramsOut: 0, malformed: 0, unexpected: 0, retransmissions: 0, queueDropped: 0 };
}

/** Retransmission with exponential backoff. */
export class Retry {
  attempts = 0;
  next = Infinity;
  private delay = 0;

  start(now: number, t: ResolvedTiming): void {
    this.attempts = 0;
    this.delay = t.retryInitial;
    this.next = now + this.delay;
  }

  stop(): void {
    this.next = Infinity;
  }

  get running(): boolean {
    return this.next !== Infinity;
  }

  /** Called when `next` has passed: true to send again, false when the attempts are spent. */
  fire(now: number, t: ResolvedTiming): boolean {
    if (this.attempts >= t.maxRetries) {
      this.stop();
      return false;
    }
    this.attempts++;
    this.delay = Math.min(this.delay * 2, t.retryMax);
    this.next = now + this.delay;
    return true;
  }
}

/** FIFO of datagrams to send, bounded, amortised O(1). */
export class Outbox {
  private items: Transmit[] = [];
  private head = 0;
  constructor(
    private readonly max: number,
    private readonly counters: EngineCounters,
  ) {}

  push(t: Transmit): void {
    if (this.items.length - this.head >= this.max) {
      this.counters.queueDropped++;
      return;
    }
    this.items.push(t);
  }

  shift(): Transmit | undefined {
    if (this.head >= this.items.length) return undefined;
    const t = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as Transmit;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.head >= this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    this.counters.datagramsOut++;
    return t;
  }

  get size(): number {
    return this.items.length - this.head;
  }
}

/** A bounded map of peers refused permanently, each remembered until `until`. */
export class RefusalList {
  private readonly map = new Map<PeerId, number>();
  constructor(private readonly max = 1024) {}

  add(peer: PeerId, until: number): void {
    this.map.delete(peer);
    this.map.set(peer, until);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  has(peer: PeerId, now: number): boolean {
    const until = this.map.get(peer);
    if (until === undefined) return false;
    if (now >= until) {
      this.map.delete(peer);
      return false;
    }
    return true;
  }
}

/** What both engines keep per peer. */
export interface SessionBase {
  readonly peer: PeerId;
  lastHeard: number;
  nextHeartbeat: number;
  readonly streams: ConnectionStreams;
}

/**
 * The parts SyfalaServer and SyfalaClient share: the send queue, events, heartbeats, audio
 * sending, disconnection and the sans-IO `poll` / `takeEvents` surface.
 */
export abstract class EngineCore<S extends SessionBase, M, E extends { readonly type: string }> {
  readonly counters: EngineCounters = newCounters();
  protected readonly t: ResolvedTiming;
  protected readonly outbox: Outbox;
  protected readonly sessions = new Map<PeerId, S>();
  protected events: E[] = [];
  protected closed = false;

  constructor(
    timing: TimingOptions,
    private readonly heartbeatMessage: Uint8Array,
    private readonly disconnectMessage: Uint8Array,
  ) {
    this.t = resolveTiming(timing);
    this.outbox = new Outbox(this.t.maxQueue, this.counters);
  }

  /** Decodes one datagram (throws TruncatedError or MalformedError). */
  protected abstract decode(data: Uint8Array): Decoded<M>;
  /** Acts on a decoded message; `rest` is what followed it in the datagram. */
  protected abstract handle(message: M, rest: Uint8Array, from: PeerId, session: S | undefined, now: number): void;
  /** Runs the timers that are due at `now`. */
  protected abstract runTimers(now: number): void;
  /** True while audio may be sent to the session. */
  protected abstract ioActive(s: S): boolean;
  /** Ends the session's IO before it is forgotten. */
  protected abstract endIO(s: S): void;

  /** Handles one datagram from `from`. Never throws for network input: bad datagrams are counted and dropped. */
  push(data: Uint8Array, now: number, from: PeerId): void {
    this.counters.datagramsIn++;
    if (this.closed) return;
    let decoded: Decoded<M>;
    try {
      decoded = this.decode(data);
    } catch {
      this.counters.malformed++;
      return;
    }
    this.handle(decoded.message, data.subarray(decoded.length), from, this.sessions.get(from), now);
  }

  /** For a message that needs a session: counts a stray one, else notes that the peer is alive. */
  protected touch(s: S | undefined, now: number): s is S {
    if (s === undefined) {
      this.counters.unexpected++;
      return false;
    }
    s.lastHeard = now;
    return true;
  }

  protected control(peer: PeerId, data: Uint8Array): void {
    this.outbox.push({ to: peer, data, kind: 'control' });
  }

  protected emit(event: E | CommonEvent): void {
    this.events.push(event as E);
  }

  /** Sends a heartbeat when one is due; every period, whatever else is sent. */
  protected heartbeat(s: S, now: number): void {
    if (now < s.nextHeartbeat) return;
    this.control(s.peer, this.heartbeatMessage);
    s.nextHeartbeat = Math.max(s.nextHeartbeat + this.t.heartbeat, now);
  }

  /** Forgets a session, optionally telling the peer. */
  protected drop(s: S, reason: DisconnectReason, notify: boolean): void {
    if (notify) this.control(s.peer, this.disconnectMessage);
    this.endIO(s);
    this.sessions.delete(s.peer);
    this.emit({ type: 'disconnected', peer: s.peer, reason });
  }

  /** The next datagram to send, or undefined. Runs due timers first. */
  poll(now: number): Transmit | undefined {
    this.runTimers(now);
    return this.outbox.shift();
  }

  /** Events since the last call. */
  takeEvents(): E[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Queues audio for stream `streamIndex` to `peer` (its IO must be active). False if not sent. */
  sendAudio(peer: PeerId, streamIndex: number, bytes: Uint8Array): boolean {
    const s = this.sessions.get(peer);
    if (s === undefined || !this.ioActive(s)) return false;
    return s.streams.send(streamIndex, bytes, (data) => this.outbox.push({ to: peer, data, kind: 'audio' }));
  }

  /** Receiver of the stream `streamIndex` that `peer` sends us, once data arrived. */
  receiver(peer: PeerId, streamIndex: number): StreamReceiver | undefined {
    return this.sessions.get(peer)?.streams.receiver(streamIndex);
  }

  /** Disconnects one peer (sends Disconnect). */
  disconnect(peer: PeerId): void {
    const s = this.sessions.get(peer);
    if (s !== undefined) this.drop(s, 'disconnect', true);
  }

  /** Sends Disconnect to every peer and stops answering. Poll afterwards to send them. */
  close(): void {
    for (const s of [...this.sessions.values()]) this.drop(s, 'shutdown', true);
    this.closed = true;
  }
}

import { EngineCore, RefusalList, Retry } from './engine.js';
import type { CommonEvent, Decision, PeerId, SessionBase, TimingOptions } from './engine.js';
import { decodeExtension, withExtension } from './extension.js';
import { streamFormatsEqual, type FormatLimits, type StreamFormats } from './format.js';
import { CLIENT_TAG, decodeServerMessage, type Decoded, type ServerMessage } from './messages.js';
import { ConnectionStreams, type ReceiverFactory } from './streams.js';

export interface ClientOptions extends TimingOptions {
  /** Where Discovery goes (a broadcast or unicast address), while discovering. */
  readonly discoveryTargets?: readonly PeerId[];
  /** Discovery period. Default 250 ms. */
  readonly discoveryIntervalMs?: number;
  /** Most servers connected at once; further Connects are answered ConnectionFailed. Default 8. */
  readonly maxServers?: number;
  /** Answer to a server's Connect. Default 'success'. */
  readonly acceptServer?: (peer: PeerId, formats: StreamFormats) => Decision;
  /** Send StartIO as soon as a server is connected. Default false. */
  readonly autoStart?: boolean;
  /** Advertise the TCP control plane in Discovery. Default false. */
  readonly tcpControl?: boolean;
  /** Limits on the formats a Connect may carry. */
  readonly limits?: FormatLimits;
  /** How long a refused server's Connects are refused without asking again. Default 60 000 ms. */
  readonly refusalHoldMs?: number;
  /** Options of the receivers of server → client streams. */
  readonly receiverOptions?: ReceiverFactory;
  /** Buffer memory all receivers of one connection may use together. Default 32 MiB. */
  readonly maxConnectionBufferBytes?: number;
}

/** Client-side IO state of one server (spec "Client IO per server"). */
export type IOState = 'inactive' | 'start-pending' | 'active' | 'stop-pending';

export type ClientEvent =
  | CommonEvent
  | { readonly type: 'io-refused'; readonly peer: PeerId; readonly request: 'start' | 'stop' }
  | { readonly type: 'io-timeout'; readonly peer: PeerId; readonly request: 'start' | 'stop' }
  /** The server offers the TCP control plane on `tcpPort` (same host); connect to it to use it. */
  | { readonly type: 'control-plane'; readonly peer: PeerId; readonly tcpPort: number };

interface ServerSession extends SessionBase {
  readonly formats: StreamFormats;
  io: IOState;
  readonly ioRetry: Retry;
}

const START_IO = Uint8Array.of(CLIENT_TAG.StartIO);
const STOP_IO = Uint8Array.of(CLIENT_TAG.StopIO);

/**
 * Sans-IO Syfala client: discovers servers, connects to several at once, and drives each one's IO
 * state machine. Same shape as SyfalaServer: `push`, `poll`, `nextDeadline`, `takeEvents`.
 *
 * Beyond the reference: StartIO/StopIO are retransmitted with backoff until answered (and
 * StopIO really sends StopIO); a repeated Connect is re-acknowledged with the same answer;
 * heartbeats go out every period regardless of audio; `close()` sends Disconnect.
 */
export class SyfalaClient extends EngineCore<ServerSession, ServerMessage, ClientEvent> {
  private readonly options: ClientOptions;
  private readonly refused = new RefusalList();
  private readonly discoveryMessage: Uint8Array;
  private discovering = false;
  private nextDiscovery = Infinity;

  constructor(options: ClientOptions = {}) {
    super(options, Uint8Array.of(CLIENT_TAG.Heartbeat), Uint8Array.of(CLIENT_TAG.Disconnect));
    this.options = options;
    const plain = Uint8Array.of(CLIENT_TAG.Discovery);
    this.discoveryMessage = options.tcpControl === true ? withExtension(plain, { tcpControl: true, tcpPort: 0 }) : plain;
  }

  /** Starts sending Discovery to the targets every discoveryIntervalMs (first one now). */
  startDiscovery(now: number): void {
    this.discovering = true;
    this.nextDiscovery = now;
  }

  stopDiscovery(): void {
    this.discovering = false;
    this.nextDiscovery = Infinity;
  }

  /** Sends one Discovery to `target` now (unicast discovery of a known server). */
  discover(target: PeerId): void {
    this.outbox.push({ to: target, data: this.discoveryMessage, kind: 'discovery' });
  }

  protected decode(data: Uint8Array): Decoded<ServerMessage> {
    return decodeServerMessage(data, this.options.limits);
  }

  protected handle(m: ServerMessage, rest: Uint8Array, from: PeerId, s: ServerSession | undefined, now: number): void {
    if (m.type === 'Connect') {
      this.onConnect(from, s, m.formats, rest, now);
      return;
    }
    if (!this.touch(s, now)) return;
    switch (m.type) {
      case 'Heartbeat':
        return;
      case 'Disconnect':
        this.drop(s, 'disconnect', false);
        return;
      case 'StartIOSuccess':
        if (s.io === 'start-pending') this.setIO(s, 'active');
        else if (s.io !== 'active') this.counters.unexpected++;
        return;
      case 'StartIOFailed':
        // Temporary: the retransmission timer sends StartIO again.
        if (s.io !== 'start-pending') this.counters.unexpected++;
        return;
      case 'StartIORefused':
        if (s.io === 'start-pending') {
          this.setIO(s, 'inactive');
          this.emit({ type: 'io-refused', peer: s.peer, request: 'start' });
        } else this.counters.unexpected++;
        return;
      case 'StopIOSuccess':
        if (s.io === 'stop-pending') this.setIO(s, 'inactive');
        else if (s.io !== 'inactive') this.counters.unexpected++;
        return;
      case 'StopIOFailed':
        if (s.io !== 'stop-pending') this.counters.unexpected++;
        return;
      case 'StopIORefused':
        if (s.io === 'stop-pending') {
          this.setIO(s, 'active');
          this.emit({ type: 'io-refused', peer: s.peer, request: 'stop' });
        } else this.counters.unexpected++;
        return;
      case 'Audio':
        // Audio while StartIO is pending means the server started (its answer is on the way).
        if ((s.io !== 'active' && s.io !== 'start-pending') || !s.streams.receive(m.streamIndex, m.byteIndex, m.payload, now)) this.counters.unexpected++;
        return;
    }
  }

  private onConnect(peer: PeerId, s: ServerSession | undefined, formats: StreamFormats, rest: Uint8Array, now: number): void {
    const ext = decodeExtension(rest);
    if (s !== undefined) {
      s.lastHeard = now;
      if (streamFormatsEqual(s.formats, formats)) {
        // Idempotent re-acknowledgement: the server did not get our answer.
        this.sendResult(peer, CLIENT_TAG.ConnectionSuccess);
        return;
      }
      // Different formats from the same address: the server restarted.
      this.drop(s, 'restarted', false);
    }
    if (this.refused.has(peer, now)) {
      this.sendResult(peer, CLIENT_TAG.ConnectionRefused);
      return;
    }
    let d: Decision = this.sessions.size >= (this.options.maxServers ?? 8) ? 'failed' : 'success';
    if (d === 'success' && this.options.acceptServer !== undefined) d = this.options.acceptServer(peer, formats);
    if (d !== 'success') {
      if (d === 'refused') this.refused.add(peer, now + (this.options.refusalHoldMs ?? 60_000));
      this.sendResult(peer, d === 'failed' ? CLIENT_TAG.ConnectionFailed : CLIENT_TAG.ConnectionRefused);
      return;
    }
    const session: ServerSession = {
      peer,
      formats,
      io: 'inactive',
      lastHeard: now,
      nextHeartbeat: now + this.t.heartbeat,
      ioRetry: new Retry(),
      streams: new ConnectionStreams(peer, formats.outputs, formats.inputs, CLIENT_TAG.Audio, this.options.receiverOptions, this.options.maxConnectionBufferBytes),
    };
    this.sessions.set(peer, session);
    this.sendResult(peer, CLIENT_TAG.ConnectionSuccess);
    this.emit({ type: 'connected', peer, formats });
    if (this.options.tcpControl === true && ext !== undefined && ext.tcpControl && ext.tcpPort !== 0) {
      this.emit({ type: 'control-plane', peer, tcpPort: ext.tcpPort });
    }
    if (this.options.autoStart === true) this.startIO(peer, now);
  }

  private sendResult(peer: PeerId, tag: number): void {
    this.control(peer, Uint8Array.of(tag));
  }

  private setIO(s: ServerSession, io: IOState): void {
    const was = s.io;
    s.io = io;
    if (io === 'active' || io === 'inactive') s.ioRetry.stop();
    if (io === 'active' && was === 'start-pending') this.emit({ type: 'io-started', peer: s.peer });
    if (io === 'inactive' && (was === 'stop-pending' || was === 'active')) {
      s.streams.flush();
      this.emit({ type: 'io-stopped', peer: s.peer });
    }
  }

  /** Asks `peer` to start IO (retransmitted until answered). False when not connected. */
  startIO(peer: PeerId, now: number): boolean {
    const s = this.sessions.get(peer);
    if (s === undefined) return false;
    if (s.io === 'active' || s.io === 'start-pending') return true;
    s.io = 'start-pending';
    s.streams.reset();
    s.ioRetry.start(now, this.t);
    this.control(peer, START_IO);
    return true;
  }

  /** Asks `peer` to stop IO (retransmitted until answered). False when not connected. */
  stopIO(peer: PeerId, now: number): boolean {
    const s = this.sessions.get(peer);
    if (s === undefined) return false;
    if (s.io === 'inactive' || s.io === 'stop-pending') return true;
    s.io = 'stop-pending';
    s.ioRetry.start(now, this.t);
    this.control(peer, STOP_IO);
    return true;
  }

  protected ioActive(s: ServerSession): boolean {
    return s.io === 'active';
  }

  protected endIO(s: ServerSession): void {
    if (s.io !== 'inactive') s.streams.flush();
  }

  protected runTimers(now: number): void {
    if (this.discovering && now >= this.nextDiscovery) {
      for (const target of this.options.discoveryTargets ?? []) this.discover(target);
      this.nextDiscovery = Math.max(this.nextDiscovery + (this.options.discoveryIntervalMs ?? 250), now);
    }
    for (const s of this.sessions.values()) {
      if (now >= s.lastHeard + this.t.timeout) {
        this.drop(s, 'timeout', false);
        continue;
      }
      if (now >= s.ioRetry.next) {
        const request = s.io === 'start-pending' ? 'start' : 'stop';
        if (s.ioRetry.fire(now, this.t)) {
          this.counters.retransmissions++;
          this.control(s.peer, request === 'start' ? START_IO : STOP_IO);
        } else {
          this.setIO(s, request === 'start' ? 'inactive' : 'active');
          this.emit({ type: 'io-timeout', peer: s.peer, request });
        }
      }
      this.heartbeat(s, now);
    }
  }

  /** When `poll` must be called next (ms), or undefined when no timer runs. */
  nextDeadline(): number | undefined {
    let d = this.nextDiscovery;
    for (const s of this.sessions.values()) d = Math.min(d, s.ioRetry.next, s.nextHeartbeat, s.lastHeard + this.t.timeout);
    return d === Infinity ? undefined : d;
  }

  /** Connected servers, their formats and IO state. */
  servers(): { peer: PeerId; formats: StreamFormats; io: IOState }[] {
    return [...this.sessions.values()].map((s) => ({ peer: s.peer, formats: s.formats, io: s.io }));
  }

  /** Sends Disconnect to every server, stops discovery and stops answering. Poll afterwards. */
  override close(): void {
    this.stopDiscovery();
    super.close();
  }
}

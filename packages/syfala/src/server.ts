import { newCounters, Outbox, RefusalList, resolveTiming, Retry } from './engine.js';
import type { CommonEvent, Decision, DisconnectReason, EngineCounters, PeerId, ResolvedTiming, TimingOptions, Transmit } from './engine.js';
import { decodeExtension, withExtension } from './extension.js';
import { validateStreamFormats, type StreamFormats } from './format.js';
import { decodeClientMessage, encodeServerMessage, SERVER_TAG } from './messages.js';
import type { StreamReceiver } from './receiver.js';
import { ConnectionStreams, type ReceiverFactory } from './streams.js';

export interface ServerOptions extends TimingOptions {
  /** Formats offered in Connect: inputs are streamed server → client, outputs client → server. */
  readonly formats: StreamFormats;
  /** Most clients connected or connecting at once. Default 16. */
  readonly maxClients?: number;
  /** Offer a Connect to this peer? Default: yes. */
  readonly acceptClient?: (peer: PeerId) => boolean;
  /** Answer to StartIO. Default 'success'. */
  readonly onStartIO?: (peer: PeerId) => Decision;
  /** Answer to StopIO. Default 'success'. */
  readonly onStopIO?: (peer: PeerId) => Decision;
  /** How long a ConnectionRefused keeps a client from being offered again. Default 60 000 ms. */
  readonly refusalHoldMs?: number;
  /** Port of a TCP control listener, advertised to clients that support it. Default: none. */
  readonly tcpControlPort?: number;
  /** Options of the receivers of client → server streams. */
  readonly receiverOptions?: ReceiverFactory;
  /** Buffer memory all receivers of one connection may use together. Default 64 MiB. */
  readonly maxConnectionBufferBytes?: number;
}

export type ServerEvent = CommonEvent | { readonly type: 'connection-rejected'; readonly peer: PeerId; readonly result: 'failed' | 'refused' };

type ClientState = 'connecting' | 'connected';

interface ClientSession {
  readonly peer: PeerId;
  state: ClientState;
  io: boolean;
  tcpControl: boolean;
  lastHeard: number;
  nextHeartbeat: number;
  readonly connectRetry: Retry;
  readonly streams: ConnectionStreams;
}

const HEARTBEAT = Uint8Array.of(SERVER_TAG.Heartbeat);
const DISCONNECT = Uint8Array.of(SERVER_TAG.Disconnect);

/**
 * Sans-IO Syfala server. Feed datagrams with `push(data, now, from)`, send what `poll(now)`
 * returns until it returns undefined, and call `poll` again at `nextDeadline()`.
 *
 * Beyond the reference: Connect is retransmitted with backoff until the client answers; repeated
 * Discovery, StartIO and StopIO are re-acknowledged idempotently; heartbeats go out every period
 * regardless of audio; silent clients time out; `close()` sends Disconnect to everyone.
 */
export class SyfalaServer {
  readonly formats: StreamFormats;
  readonly counters: EngineCounters = newCounters();
  private readonly t: ResolvedTiming;
  private readonly options: ServerOptions;
  private readonly sessions = new Map<PeerId, ClientSession>();
  private readonly refused = new RefusalList();
  private readonly outbox: Outbox;
  private readonly connectPlain: Uint8Array;
  private readonly connectExtended: Uint8Array | undefined;
  private events: ServerEvent[] = [];
  private closed = false;

  constructor(options: ServerOptions) {
    validateStreamFormats(options.formats);
    this.options = options;
    this.formats = options.formats;
    this.t = resolveTiming(options);
    this.outbox = new Outbox(this.t.maxQueue, this.counters);
    this.connectPlain = encodeServerMessage({ type: 'Connect', formats: options.formats });
    const port = options.tcpControlPort;
    this.connectExtended = port === undefined || port === 0 ? undefined : withExtension(this.connectPlain, { tcpControl: true, tcpPort: port });
  }

  /** Handles one datagram from `from`. Never throws for network input: bad datagrams are counted and dropped. */
  push(data: Uint8Array, now: number, from: PeerId): void {
    this.counters.datagramsIn++;
    if (this.closed) return;
    let decoded;
    try {
      decoded = decodeClientMessage(data);
    } catch {
      this.counters.malformed++;
      return;
    }
    const m = decoded.message;
    const s = this.sessions.get(from);
    if (m.type === 'Discovery') {
      this.onDiscovery(from, s, data.subarray(decoded.length), now);
      return;
    }
    if (s === undefined) {
      this.counters.unexpected++;
      return;
    }
    s.lastHeard = now;
    switch (m.type) {
      case 'ConnectionSuccess':
        if (s.state === 'connecting') this.establish(s, now);
        return;
      case 'ConnectionFailed':
      case 'ConnectionRefused': {
        if (s.state === 'connected') this.counters.unexpected++;
        const result = m.type === 'ConnectionFailed' ? 'failed' : 'refused';
        if (result === 'refused') this.refused.add(from, now + (this.options.refusalHoldMs ?? 60_000));
        this.sessions.delete(from);
        this.events.push({ type: 'connection-rejected', peer: from, result });
        if (s.state === 'connected') this.events.push({ type: 'disconnected', peer: from, reason: 'disconnect' });
        return;
      }
      case 'Disconnect':
        this.drop(s, 'disconnect', false);
        return;
      case 'Heartbeat':
        if (s.state === 'connecting') this.establish(s, now);
        return;
      case 'StartIO':
        if (s.state === 'connecting') this.establish(s, now);
        this.onStartIO(s);
        return;
      case 'StopIO':
        if (s.state === 'connecting') this.establish(s, now);
        this.onStopIO(s);
        return;
      case 'Audio':
        if (s.state === 'connecting') this.establish(s, now);
        if (!s.io || !s.streams.receive(m.streamIndex, m.byteIndex, m.payload, now)) this.counters.unexpected++;
        return;
    }
  }

  private onDiscovery(peer: PeerId, s: ClientSession | undefined, rest: Uint8Array, now: number): void {
    const tcp = decodeExtension(rest)?.tcpControl ?? false;
    if (s !== undefined) {
      // Idempotent: a connected client that lost our Connect, or restarted, gets it again.
      s.lastHeard = now;
      s.tcpControl = tcp;
      this.sendConnect(s);
      return;
    }
    if (this.refused.has(peer, now) || this.sessions.size >= (this.options.maxClients ?? 16)) {
      this.counters.unexpected++;
      return;
    }
    if (this.options.acceptClient !== undefined && !this.options.acceptClient(peer)) return;
    const session: ClientSession = {
      peer,
      state: 'connecting',
      io: false,
      tcpControl: tcp,
      lastHeard: now,
      nextHeartbeat: Infinity,
      connectRetry: new Retry(),
      streams: new ConnectionStreams(peer, this.formats.inputs, this.formats.outputs, SERVER_TAG.Audio, this.options.receiverOptions, this.options.maxConnectionBufferBytes),
    };
    this.sessions.set(peer, session);
    session.connectRetry.start(now, this.t);
    this.sendConnect(session);
  }

  private sendConnect(s: ClientSession): void {
    const data = s.tcpControl && this.connectExtended !== undefined ? this.connectExtended : this.connectPlain;
    this.outbox.push({ to: s.peer, data, kind: 'control' });
  }

  private establish(s: ClientSession, now: number): void {
    s.state = 'connected';
    s.connectRetry.stop();
    s.nextHeartbeat = now;
    this.events.push({ type: 'connected', peer: s.peer, formats: this.formats });
  }

  private reply(s: ClientSession, tag: number): void {
    this.outbox.push({ to: s.peer, data: Uint8Array.of(tag), kind: 'control' });
  }

  private onStartIO(s: ClientSession): void {
    if (s.io) {
      this.reply(s, SERVER_TAG.StartIOSuccess);
      return;
    }
    const d = this.options.onStartIO?.(s.peer) ?? 'success';
    if (d === 'success') {
      s.streams.reset();
      s.io = true;
      this.events.push({ type: 'io-started', peer: s.peer });
    }
    this.reply(s, d === 'success' ? SERVER_TAG.StartIOSuccess : d === 'failed' ? SERVER_TAG.StartIOFailed : SERVER_TAG.StartIORefused);
  }

  private onStopIO(s: ClientSession): void {
    if (!s.io) {
      this.reply(s, SERVER_TAG.StopIOSuccess);
      return;
    }
    const d = this.options.onStopIO?.(s.peer) ?? 'success';
    if (d === 'success') this.stopStreams(s);
    this.reply(s, d === 'success' ? SERVER_TAG.StopIOSuccess : d === 'failed' ? SERVER_TAG.StopIOFailed : SERVER_TAG.StopIORefused);
  }

  private stopStreams(s: ClientSession): void {
    s.streams.flush();
    s.io = false;
    this.events.push({ type: 'io-stopped', peer: s.peer });
  }

  private drop(s: ClientSession, reason: DisconnectReason, notify: boolean): void {
    if (notify) this.outbox.push({ to: s.peer, data: DISCONNECT, kind: 'control' });
    if (s.io) this.stopStreams(s);
    this.sessions.delete(s.peer);
    this.events.push({ type: 'disconnected', peer: s.peer, reason });
  }

  private runTimers(now: number): void {
    for (const s of this.sessions.values()) {
      if (now >= s.lastHeard + this.t.timeout && s.state === 'connected') {
        this.drop(s, 'timeout', false);
        continue;
      }
      if (now >= s.connectRetry.next) {
        if (s.connectRetry.fire(now, this.t)) {
          this.counters.retransmissions++;
          this.sendConnect(s);
        } else {
          this.drop(s, 'gave-up', false);
          continue;
        }
      }
      if (s.state === 'connected' && now >= s.nextHeartbeat) {
        this.outbox.push({ to: s.peer, data: HEARTBEAT, kind: 'control' });
        s.nextHeartbeat = Math.max(s.nextHeartbeat + this.t.heartbeat, now);
      }
    }
  }

  /** The next datagram to send, or undefined. Runs due timers first. */
  poll(now: number): Transmit | undefined {
    this.runTimers(now);
    return this.outbox.shift();
  }

  /** When `poll` must be called next (ms), or undefined when no timer runs. */
  nextDeadline(): number | undefined {
    let d = Infinity;
    for (const s of this.sessions.values()) {
      d = Math.min(d, s.connectRetry.next);
      if (s.state === 'connected') d = Math.min(d, s.nextHeartbeat, s.lastHeard + this.t.timeout);
    }
    return d === Infinity ? undefined : d;
  }

  /** Events since the last call. */
  takeEvents(): ServerEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Queues audio for input stream `streamIndex` to `peer` (its IO must be active). False if not sent. */
  sendAudio(peer: PeerId, streamIndex: number, bytes: Uint8Array): boolean {
    const s = this.sessions.get(peer);
    if (s === undefined || !s.io) return false;
    return s.streams.send(streamIndex, bytes, (data) => this.outbox.push({ to: peer, data, kind: 'audio' }));
  }

  /** Queues the same audio to every client whose IO is active; returns how many. */
  broadcastAudio(streamIndex: number, bytes: Uint8Array): number {
    let n = 0;
    for (const s of this.sessions.values()) if (this.sendAudio(s.peer, streamIndex, bytes)) n++;
    return n;
  }

  /** Receiver of the client → server output stream `streamIndex` of `peer`, once data arrived. */
  receiver(peer: PeerId, streamIndex: number): StreamReceiver | undefined {
    return this.sessions.get(peer)?.streams.receiver(streamIndex);
  }

  /** Clients and their state. */
  clients(): { peer: PeerId; state: ClientState; io: boolean; tcpControl: boolean }[] {
    return [...this.sessions.values()].map((s) => ({ peer: s.peer, state: s.state, io: s.io, tcpControl: s.tcpControl }));
  }

  /** Disconnects one client (sends Disconnect). */
  disconnect(peer: PeerId): void {
    const s = this.sessions.get(peer);
    if (s !== undefined) this.drop(s, 'disconnect', true);
  }

  /** Sends Disconnect to every client and stops answering. Poll afterwards to send them. */
  close(): void {
    for (const s of [...this.sessions.values()]) this.drop(s, 'shutdown', true);
    this.closed = true;
  }
}

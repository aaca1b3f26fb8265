import { EngineCore, RefusalList, Retry } from './engine.js';
import type { CommonEvent, Decision, PeerId, SessionBase, TimingOptions } from './engine.js';
import { decodeExtension, withExtension } from './extension.js';
import { validateStreamFormats, type StreamFormats } from './format.js';
import { decodeClientMessage, encodeServerMessage, SERVER_TAG, type ClientMessage, type Decoded } from './messages.js';
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
  /** Buffer memory all receivers of one connection may use together. Default 32 MiB. */
  readonly maxConnectionBufferBytes?: number;
}

export type ServerEvent = CommonEvent | { readonly type: 'connection-rejected'; readonly peer: PeerId; readonly result: 'failed' | 'refused' };

type ClientState = 'connecting' | 'connected';

interface ClientSession extends SessionBase {
  state: ClientState;
  io: boolean;
  tcpControl: boolean;
  readonly connectRetry: Retry;
}

/**
 * Sans-IO Syfala server. Feed datagrams with `push(data, now, from)`, send what `poll(now)`
 * returns until it returns undefined, and call `poll` again at `nextDeadline()`.
 *
 * Beyond the reference: Connect is retransmitted with backoff until the client answers; repeated
 * Discovery, StartIO and StopIO are re-acknowledged idempotently; heartbeats go out every period
 * regardless of audio; silent clients time out; `close()` sends Disconnect to everyone.
 */
export class SyfalaServer extends EngineCore<ClientSession, ClientMessage, ServerEvent> {
  readonly formats: StreamFormats;
  private readonly options: ServerOptions;
  private readonly refused = new RefusalList();
  private readonly connectPlain: Uint8Array;
  private readonly connectExtended: Uint8Array | undefined;

  constructor(options: ServerOptions) {
    validateStreamFormats(options.formats);
    super(options, Uint8Array.of(SERVER_TAG.Heartbeat), Uint8Array.of(SERVER_TAG.Disconnect));
    this.options = options;
    this.formats = options.formats;
    this.connectPlain = encodeServerMessage({ type: 'Connect', formats: options.formats });
    const port = options.tcpControlPort;
    this.connectExtended = port === undefined || port === 0 ? undefined : withExtension(this.connectPlain, { tcpControl: true, tcpPort: port });
  }

  protected decode(data: Uint8Array): Decoded<ClientMessage> {
    return decodeClientMessage(data);
  }

  protected handle(m: ClientMessage, rest: Uint8Array, from: PeerId, s: ClientSession | undefined, now: number): void {
    if (m.type === 'Discovery') {
      this.onDiscovery(from, s, rest, now);
      return;
    }
    if (!this.touch(s, now)) return;
    switch (m.type) {
      case 'ConnectionSuccess':
        if (s.state === 'connecting') this.establish(s, now);
        return;
      case 'ConnectionFailed':
      case 'ConnectionRefused': {
        const result = m.type === 'ConnectionFailed' ? 'failed' : 'refused';
        if (result === 'refused') this.refused.add(from, now + (this.options.refusalHoldMs ?? 60_000));
        this.emit({ type: 'connection-rejected', peer: from, result });
        if (s.state === 'connecting') this.sessions.delete(from);
        else {
          // A client that accepted before and now rejects a repeated Connect: it is gone.
          this.counters.unexpected++;
          this.drop(s, 'disconnect', false);
        }
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
    this.control(s.peer, s.tcpControl && this.connectExtended !== undefined ? this.connectExtended : this.connectPlain);
  }

  private establish(s: ClientSession, now: number): void {
    s.state = 'connected';
    s.connectRetry.stop();
    s.nextHeartbeat = now;
    this.emit({ type: 'connected', peer: s.peer, formats: this.formats });
  }

  private reply(s: ClientSession, tag: number): void {
    this.control(s.peer, Uint8Array.of(tag));
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
      this.emit({ type: 'io-started', peer: s.peer });
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
    this.emit({ type: 'io-stopped', peer: s.peer });
  }

  protected ioActive(s: ClientSession): boolean {
    return s.io;
  }

  protected endIO(s: ClientSession): void {
    if (s.io) this.stopStreams(s);
  }

  protected runTimers(now: number): void {
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
      if (s.state === 'connected') this.heartbeat(s, now);
    }
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

  /** Queues the same audio to every client whose IO is active; returns how many. */
  broadcastAudio(streamIndex: number, bytes: Uint8Array): number {
    let n = 0;
    for (const s of this.sessions.values()) if (this.sendAudio(s.peer, streamIndex, bytes)) n++;
    return n;
  }

  /** Clients and their state. */
  clients(): { peer: PeerId; state: ClientState; io: boolean; tcpControl: boolean }[] {
    return [...this.sessions.values()].map((s) => ({ peer: s.peer, state: s.state, io: s.io, tcpControl: s.tcpControl }));
  }
}

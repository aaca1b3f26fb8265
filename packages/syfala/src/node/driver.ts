import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, connect, isIPv6, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import { ControlFrameDecoder, frameControlMessage, type PeerId, type Transmit } from '../index.js';
import { parsePeerId, peerId } from './peer.js';

/** What a driver needs from an engine (SyfalaServer and SyfalaClient both fit). */
export interface Engine<E> {
  push(data: Uint8Array, now: number, from: PeerId): void;
  poll(now: number): Transmit | undefined;
  nextDeadline(): number | undefined;
  takeEvents(): E[];
}

export interface UdpOptions {
  /** Local address to bind. Default '0.0.0.0' ('::' for type udp6). */
  readonly address?: string;
  /** Local port; 0 picks a free one. Default 0. */
  readonly port?: number;
  /** Socket family; default udp6 when `address` is an IPv6 address, else udp4. */
  readonly type?: 'udp4' | 'udp6';
  /** Enable SO_BROADCAST (needed to send discovery to a broadcast address). Default false. */
  readonly broadcast?: boolean;
  /** Kernel receive buffer, bytes. Default 4 MiB. */
  readonly recvBufferSize?: number;
  /** Kernel send buffer, bytes. Default 4 MiB. */
  readonly sendBufferSize?: number;
}

/** Binds a UDP socket for an engine. */
export async function bindUdp(options: UdpOptions = {}): Promise<UdpSocket> {
  const type = options.type ?? (options.address !== undefined && isIPv6(options.address) ? 'udp6' : 'udp4');
  const socket = createSocket({ type, reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, options.address ?? (type === 'udp6' ? '::' : '0.0.0.0'), () => {
      socket.off('error', reject);
      resolve();
    });
  });
  if (options.broadcast === true) socket.setBroadcast(true);
  for (const [set, size] of [
    [(n: number) => socket.setRecvBufferSize(n), options.recvBufferSize ?? 4 << 20],
    [(n: number) => socket.setSendBufferSize(n), options.sendBufferSize ?? 4 << 20],
  ] as const) {
    try {
      set(size);
    } catch {
      // The kernel may cap buffer sizes (net.core.rmem_max); the default then applies.
    }
  }
  return socket;
}

export interface DriverOptions<E> {
  /** Milliseconds for the engine's `now`. Default performance.now(). */
  readonly clock?: () => number;
  readonly onEvent?: (event: E) => void;
  /** Called for each error of a socket (send failures are counted, never thrown). */
  readonly onError?: (error: Error) => void;
}

/** Counters of a driver. */
export interface DriverCounters {
  sendErrors: number;
  tcpFramesIn: number;
  tcpFramesOut: number;
}

/**
 * Runs a sans-IO engine on a UDP socket: datagrams in → `push`, `poll` → datagrams out, and a
 * timer at `nextDeadline()`. Control messages go over a TCP control link to a peer when one is
 * attached (`attachControl`), everything else over UDP. Call `kick()` after acting on the engine
 * (sendAudio, startIO…) so its output is sent.
 */
export class EngineDriver<E> {
  readonly counters: DriverCounters = { sendErrors: 0, tcpFramesIn: 0, tcpFramesOut: 0 };
  private readonly clock: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private readonly links = new Map<PeerId, TcpSocket>();
  private closed = false;

  constructor(
    readonly engine: Engine<E>,
    readonly socket: UdpSocket,
    private readonly options: DriverOptions<E> = {},
  ) {
    this.clock = options.clock ?? (() => performance.now());
    socket.on('message', (msg, rinfo) => {
      this.engine.push(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), this.clock(), peerId(rinfo.address, rinfo.port));
      this.kick();
    });
    socket.on('error', (e) => this.options.onError?.(e));
    this.kick();
  }

  /** Current engine time. */
  now(): number {
    return this.clock();
  }

  /** Sends everything the engine has queued, reports events, and re-arms the timer. */
  kick(): void {
    if (this.closed) return;
    const now = this.clock();
    for (let t = this.engine.poll(now); t !== undefined; t = this.engine.poll(now)) this.send(t);
    for (const e of this.engine.takeEvents()) this.options.onEvent?.(e);
    const d = this.engine.nextDeadline();
    const at = d ?? Infinity;
    if (at !== this.timerAt || this.timer === undefined) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = at;
      if (at !== Infinity) {
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.kick();
          },
          Math.max(0, Math.ceil(at - now)),
        );
      }
    }
  }

  private send(t: Transmit): void {
    const link = t.kind === 'control' ? this.links.get(t.to) : undefined;
    if (link !== undefined && !link.destroyed) {
      this.counters.tcpFramesOut++;
      link.write(frameControlMessage(t.data));
      return;
    }
    let dest;
    try {
      dest = parsePeerId(t.to);
    } catch {
      this.counters.sendErrors++;
      return;
    }
    this.socket.send(t.data, dest.port, dest.address, (err) => {
      if (err !== null && err !== undefined) {
        this.counters.sendErrors++;
        this.options.onError?.(err);
      }
    });
  }

  /**
   * Routes `peer`'s control messages over `link` and feeds the frames it receives to the engine.
   * `skip` frames already consumed (e.g. a hello) are not passed on.
   */
  attachControl(peer: PeerId, link: TcpSocket, decoder = new ControlFrameDecoder()): void {
    this.links.get(peer)?.destroy();
    this.links.set(peer, link);
    link.setNoDelay(true);
    link.on('data', (chunk: Uint8Array) => {
      for (const frame of decoder.write(chunk)) {
        this.counters.tcpFramesIn++;
        this.engine.push(frame, this.clock(), peer);
      }
      this.kick();
    });
    const detach = (): void => {
      if (this.links.get(peer) === link) this.links.delete(peer);
    };
    link.on('close', detach);
    link.on('error', (e) => {
      detach();
      this.options.onError?.(e);
    });
  }

  /** Peers whose control messages currently travel over TCP. */
  controlPeers(): PeerId[] {
    return [...this.links.keys()];
  }

  /** Sends what is queued (e.g. Disconnect after `engine.close()`), then closes the sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    const now = this.clock();
    const pending: Promise<void>[] = [];
    for (let t = this.engine.poll(now); t !== undefined; t = this.engine.poll(now)) {
      const dest = parsePeerId(t.to);
      const link = t.kind === 'control' ? this.links.get(t.to) : undefined;
      if (link !== undefined && !link.destroyed) link.write(frameControlMessage(t.data));
      else pending.push(new Promise((resolve) => this.socket.send(t.data, dest.port, dest.address, () => resolve())));
    }
    for (const e of this.engine.takeEvents()) this.options.onEvent?.(e);
    await Promise.all(pending);
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const link of this.links.values()) link.end();
    this.links.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** Largest wait for a TCP hello before the connection is dropped. */
const HELLO_TIMEOUT_MS = 5000;

/**
 * Server side of the TCP control plane: listens, reads each connection's hello (the client's
 * UDP port, u16 LE, as the first control frame) and attaches the link to the driver under the
 * client's UDP PeerId. Pass `listener.port` as the server engine's `tcpControlPort`.
 */
export class TcpControlListener {
  private readonly server: TcpServer;
  private driver: EngineDriver<unknown> | undefined;
  port = 0;

  private constructor(server: TcpServer) {
    this.server = server;
    server.on('connection', (socket) => this.onConnection(socket));
  }

  static async listen(address: string, port = 0, maxConnections = 64): Promise<TcpControlListener> {
    const server = createServer();
    server.maxConnections = maxConnections;
    const l = new TcpControlListener(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    const a = server.address();
    l.port = typeof a === 'object' && a !== null ? a.port : 0;
    return l;
  }

  /** The driver whose engine receives the control frames. */
  use(driver: EngineDriver<unknown>): void {
    this.driver = driver;
  }

  private onConnection(socket: TcpSocket): void {
    const decoder = new ControlFrameDecoder();
    const timeout = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    const onData = (chunk: Uint8Array): void => {
      const frames = decoder.write(chunk);
      if (frames.length === 0) {
        if (decoder.buffered > 64) socket.destroy();
        return;
      }
      clearTimeout(timeout);
      socket.off('data', onData);
      const hello = frames[0]!;
      if (hello.length !== 2 || this.driver === undefined || socket.remoteAddress === undefined) {
        socket.destroy();
        return;
      }
      const peer = peerId(socket.remoteAddress, hello[0]! | (hello[1]! << 8));
      this.driver.attachControl(peer, socket, decoder);
      for (const frame of frames.slice(1)) this.driver.engine.push(frame, this.driver.now(), peer);
      this.driver.kick();
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Client side of the TCP control plane: connects to the server's control port (host of `peer`),
 * sends the hello with our UDP port, and attaches the link to the driver.
 */
export async function connectControl(driver: EngineDriver<unknown>, peer: PeerId, tcpPort: number): Promise<TcpSocket> {
  const { address } = parsePeerId(peer);
  const localUdp = driver.socket.address().port;
  const socket = connect({ host: address, port: tcpPort });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(frameControlMessage(Uint8Array.of(localUdp & 0xff, localUdp >>> 8)));
  driver.attachControl(peer, socket);
  return socket;
}

export type { UdpSocket };

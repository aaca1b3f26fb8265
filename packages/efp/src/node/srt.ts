/// <reference types="node" />
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Superframe } from '../receiver.js';
import type { EfpFrameOptions } from '../sender.js';
import { formatAddress, freeUdpPort, toAddress, type UdpAddress } from './address.js';
import { EfpUdpReceiver, EfpUdpSender, type EfpUdpReceiverOptions, type EfpUdpSenderOptions } from './udp.js';

/** SRT socket options passed to srt-live-transmit. */
export interface SrtParams {
  /** SRT latency (receiver buffer), ms. Default 200. */
  readonly latencyMs?: number;
  /** Encryption passphrase, 10..79 printable characters (not `&=?#%`). Both ends must agree. */
  readonly passphrase?: string;
  /** AES key length in bytes when encrypting: 16, 24 or 32. Default: libsrt's (16). */
  readonly pbkeylen?: 16 | 24 | 32;
  /** SRT payload size (live mode maximum 1456, libsrt default 1316). Default 1456; keep the EFP MTU ≤ it. */
  readonly payloadSize?: number;
  /** Further `name=value` URI options for libsrt. */
  readonly extraParams?: Readonly<Record<string, string | number>>;
}

export interface SrtBridgeOptions extends SrtParams {
  /**
   * caller: reads UDP datagrams on `udp` and sends them to the SRT listener at `srt`.
   * listener: listens for an SRT caller on `srt` and writes what arrives as UDP datagrams to `udp`.
   */
  readonly mode: 'caller' | 'listener';
  readonly srt: string | UdpAddress;
  /** caller: the local UDP address to read (default 127.0.0.1 and a free port); listener: the UDP destination. */
  readonly udp?: string | UdpAddress;
  /** The srt-live-transmit executable. Default: found on PATH. */
  readonly binary?: string;
  /** Restart srt-live-transmit when it exits unexpectedly. Default true. */
  readonly restart?: boolean;
  /** First restart delay, ms, doubling per consecutive failure up to 5 s. Default 250. */
  readonly restartDelayMs?: number;
}

export interface SrtBridgeEvents {
  connected: [];
  disconnected: [];
  /** A line srt-live-transmit printed. */
  log: [line: string];
  exit: [code: number | null, signal: NodeJS.Signals | null];
  restart: [count: number];
  error: [error: Error];
}

/** The path of srt-live-transmit on PATH (or of `binary`, if executable), else undefined. */
export function findSrtLiveTransmit(binary = 'srt-live-transmit'): string | undefined {
  const candidates = binary.includes('/') ? [binary] : (process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, binary));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

const SAFE_PASSPHRASE = /^[!-~]{10,79}$/;

/** The srt:// URI srt-live-transmit understands. */
export function srtUri(address: UdpAddress, mode: 'caller' | 'listener', p: SrtParams): string {
  const q = new Map<string, string>([['mode', mode]]);
  q.set('latency', String(p.latencyMs ?? 200));
  q.set('payloadsize', String(p.payloadSize ?? 1456));
  if (p.passphrase !== undefined) {
    if (!SAFE_PASSPHRASE.test(p.passphrase) || /[&=?#%]/.test(p.passphrase)) {
      throw new RangeError('passphrase must be 10..79 printable ASCII characters without & = ? # %');
    }
    q.set('passphrase', p.passphrase);
    if (p.pbkeylen !== undefined) q.set('pbkeylen', String(p.pbkeylen));
  }
  for (const [k, v] of Object.entries(p.extraParams ?? {})) q.set(k, String(v));
  const host = mode === 'listener' && (address.host === '0.0.0.0' || address.host === '') ? '' : address.host;
  const hostPort = host === '' ? `:${address.port}` : formatAddress({ host, port: address.port });
  return `srt://${hostPort}?${[...q].map(([k, v]) => `${k}=${v}`).join('&')}`;
}

const CONNECTED = /SRT (?:target|source) connected|Accepted SRT (?:source|target) connection/i;
const DISCONNECTED = /disconnected|connection (?:lost|rejected|broken)/i;

/**
 * Runs and supervises one `srt-live-transmit` process bridging UDP and SRT (Debian package
 * srt-tools; there is no SRT implementation on npm). It restarts the process when it exits
 * unexpectedly, follows its output to report 'connected' and 'disconnected', and stops it with
 * SIGTERM (then SIGKILL) on `stop()` or when this process exits.
 */
export class SrtBridge extends EventEmitter<SrtBridgeEvents> {
  readonly mode: 'caller' | 'listener';
  readonly srt: UdpAddress;
  readonly udp: UdpAddress;
  readonly binary: string;
  readonly args: readonly string[];
  /** The last lines srt-live-transmit printed (up to 100), for diagnostics. */
  readonly log: string[] = [];
  #child: ChildProcess | undefined;
  #connected = false;
  #stopping = false;
  #restarts = 0;
  #failures = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  readonly #restart: boolean;
  readonly #restartDelay: number;
  readonly #killOnExit = (): void => {
    this.#child?.kill('SIGKILL');
  };

  private constructor(options: SrtBridgeOptions, binary: string, srt: UdpAddress, udp: UdpAddress) {
    super();
    this.mode = options.mode;
    this.srt = srt;
    this.udp = udp;
    this.binary = binary;
    this.#restart = options.restart ?? true;
    this.#restartDelay = options.restartDelayMs ?? 250;
    const udpUri = `udp://${formatAddress(udp)}`;
    const srtSide = srtUri(srt, options.mode, options);
    this.args = options.mode === 'caller' ? [udpUri, srtSide] : [srtSide, udpUri];
  }

  /** Starts srt-live-transmit; rejects when it cannot be found or spawned. */
  static async start(options: SrtBridgeOptions): Promise<SrtBridge> {
    const binary = findSrtLiveTransmit(options.binary);
    if (binary === undefined) {
      throw new Error(`${options.binary ?? 'srt-live-transmit'} not found: install Debian's srt-tools (apt-get install srt-tools)`);
    }
    const srt = toAddress(options.srt, options.mode === 'listener' ? '0.0.0.0' : '127.0.0.1');
    let udp: UdpAddress;
    if (options.udp !== undefined) udp = toAddress(options.udp);
    else if (options.mode === 'caller') udp = { host: '127.0.0.1', port: await freeUdpPort('127.0.0.1') };
    else throw new RangeError('a listener bridge needs the UDP destination (udp)');
    const bridge = new SrtBridge(options, binary, srt, udp);
    await bridge.#spawn();
    process.once('exit', bridge.#killOnExit);
    return bridge;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** The process id of the running srt-live-transmit, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Times srt-live-transmit was restarted. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Resolves once the SRT connection is up; rejects after `timeoutMs`. */
  waitConnected(timeoutMs = 10_000): Promise<void> {
    if (this.#connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connected', onUp);
        reject(new Error(`SRT ${this.mode} ${formatAddress(this.srt)}: not connected after ${timeoutMs} ms; last output: ${this.log.slice(-5).join(' | ')}`));
      }, timeoutMs);
      const onUp = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.once('connected', onUp);
    });
  }

  #spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.#child = child;
      let spawned = false;
      child.once('spawn', () => {
        spawned = true;
        resolve();
      });
      child.once('error', (e) => {
        if (!spawned) reject(e);
        else this.emit('error', e);
      });
      for (const stream of [child.stdout!, child.stderr!]) {
        let partial = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          const lines = (partial + chunk).split(/\r?\n/);
          partial = lines.pop()!;
          for (const line of lines) if (line.trim() !== '') this.#onLine(line.trim());
        });
      }
      child.once('exit', (code, signal) => this.#onExit(child, code, signal));
    });
  }

  #onLine(line: string): void {
    this.log.push(line);
    if (this.log.length > 100) this.log.shift();
    this.emit('log', line);
    if (DISCONNECTED.test(line)) this.#setConnected(false);
    else if (CONNECTED.test(line)) {
      this.#failures = 0;
      this.#setConnected(true);
    }
  }

  #setConnected(up: boolean): void {
    if (up === this.#connected) return;
    this.#connected = up;
    this.emit(up ? 'connected' : 'disconnected');
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    this.#setConnected(false);
    this.emit('exit', code, signal);
    if (this.#stopping || !this.#restart) return;
    const delay = Math.min(5000, this.#restartDelay * 2 ** this.#failures);
    this.#failures++;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      this.#restarts++;
      this.emit('restart', this.#restarts);
      this.#spawn().catch((e: Error) => this.emit('error', e));
    }, delay);
  }

  /** Stops srt-live-transmit (SIGTERM, SIGKILL after `graceMs`) and does not restart it. */
  async stop(graceMs = 2000): Promise<void> {
    this.#stopping = true;
    process.off('exit', this.#killOnExit);
    if (this.#restartTimer !== undefined) clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

export interface EfpSrtSenderOptions extends Omit<EfpUdpSenderOptions, 'to' | 'bind'>, SrtParams {
  /** The SRT listener to call, "HOST:PORT". */
  readonly srt: string | UdpAddress;
  /** How long `open` waits for the SRT connection. Default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly binary?: string;
}

/** EFP over SRT, sending side: EFP packets go by UDP on loopback to a supervised srt-live-transmit caller. */
export class EfpSrtSender {
  readonly #latencyMs: number;

  private constructor(
    readonly udp: EfpUdpSender,
    readonly bridge: SrtBridge,
    latencyMs: number,
  ) {
    this.#latencyMs = latencyMs;
  }

  /** Starts the bridge, waits for the SRT connection, and opens the UDP side. */
  static async open(options: EfpSrtSenderOptions): Promise<EfpSrtSender> {
    const mtu = options.mtu ?? 1456;
    if (mtu > (options.payloadSize ?? 1456)) throw new RangeError(`mtu ${mtu} exceeds the SRT payload size ${options.payloadSize ?? 1456}`);
    const bridge = await SrtBridge.start({ ...options, mode: 'caller' });
    try {
      await bridge.waitConnected(options.connectTimeoutMs ?? 10_000);
      const udp = await EfpUdpSender.open({ ...options, mtu, to: bridge.udp, bind: { host: '127.0.0.1', port: 0 } });
      return new EfpSrtSender(udp, bridge, options.latencyMs ?? 200);
    } catch (e) {
      await bridge.stop();
      throw e;
    }
  }

  send(payload: Uint8Array, frame: EfpFrameOptions): Promise<void> {
    return this.udp.send(payload, frame);
  }

  /**
   * Closes after `lingerMs` (default 3 x latency, at least 1 s) so that SRT can still retransmit
   * what was lost on the way.
   */
  async close(lingerMs?: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, lingerMs ?? Math.max(1000, 3 * this.#latencyMs)));
    await this.udp.close();
    await this.bridge.stop();
  }
}

export interface EfpSrtReceiverOptions extends Omit<EfpUdpReceiverOptions, 'bind'>, SrtParams {
  /** Where to listen for the SRT caller, "HOST:PORT" or ":PORT". */
  readonly srt: string | UdpAddress;
  readonly binary?: string;
}

/** EFP over SRT, receiving side: a supervised srt-live-transmit listener hands packets to a UDP receiver on loopback. */
export class EfpSrtReceiver implements AsyncIterable<Superframe> {
  private constructor(
    readonly udp: EfpUdpReceiver,
    readonly bridge: SrtBridge,
  ) {}

  static async open(options: EfpSrtReceiverOptions): Promise<EfpSrtReceiver> {
    const udp = await EfpUdpReceiver.open({ ...options, bind: { host: '127.0.0.1', port: 0 } });
    try {
      const bridge = await SrtBridge.start({ ...options, mode: 'listener', udp: udp.address() });
      return new EfpSrtReceiver(udp, bridge);
    } catch (e) {
      await udp.close();
      throw e;
    }
  }

  /** Frames as 'frame' events of `udp`, or by async iteration here. */
  [Symbol.asyncIterator](): AsyncIterator<Superframe> {
    return this.udp[Symbol.asyncIterator]();
  }

  async close(): Promise<void> {
    await this.bridge.stop();
    await this.udp.close();
  }
}

/// <reference types="node" />
/**
 * node:dgram sockets set up for FLUTE: a sender socket (multicast interface, TTL, loopback, set before
 * it connects to the destination, so every send uses them) and a receiver socket (bound to the group
 * port, any-source or source-specific membership on a chosen interface, reuse-address, receive buffer).
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { isIP } from 'node:net';
import { isMulticast, parseEndpoint, resolveInterface, type Endpoint } from './address.js';

/** Options of a sending socket. */
export interface UdpSendOptions {
  /** Where datagrams go: a multicast group or a unicast host, and a port (`'239.255.0.1:4000'`, `'[ff15::1]:4000'`). */
  readonly destination: string | Endpoint;
  /** Outgoing multicast interface: an address of this host, an interface name, or (IPv6) an index. Default: the system's choice. */
  readonly interface?: string;
  /** Multicast TTL / hop limit, or the unicast TTL (default 1). */
  readonly ttl?: number;
  /** Deliver multicast to listeners on this host too (default true). */
  readonly loopback?: boolean;
  /** Local address and port to send from (default: any address, an ephemeral port). */
  readonly bind?: string | Endpoint;
  /** SO_SNDBUF in bytes (default: the system's). */
  readonly sendBufferSize?: number;
}

/** Options of a receiving socket. */
export interface UdpReceiveOptions {
  /** The group (or a local unicast address) and port to receive on; port 0 picks a free one. */
  readonly address: string | Endpoint;
  /** Interface to join the group on: an address of this host, an interface name, or (IPv6) an index. */
  readonly interface?: string;
  /** Source address for a source-specific join (RFC 4607); default any-source. */
  readonly source?: string;
  /** SO_REUSEADDR, so that several receivers share the port (default true). */
  readonly reuseAddress?: boolean;
  /** SO_RCVBUF in bytes (default 4 MiB; the system caps it, e.g. at net.core.rmem_max). */
  readonly receiveBufferSize?: number;
}

function endpoint(e: string | Endpoint, field: string, defaultHost?: string): Endpoint {
  return typeof e === 'string' ? parseEndpoint(e, { field, ...(defaultHost === undefined ? {} : { defaultHost }) }) : e;
}

function checkTtl(ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) throw new RangeError(`ttl must be 0..255, got ${ttl}`);
  return ttl;
}

/**
 * Runs `start` and resolves when it calls back, rejecting with the error it calls back with (connect)
 * or the socket's first 'error' event (bind).
 */
function settle(socket: Socket, start: (done: (error?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    socket.once('error', onError);
    try {
      start((error) => {
        socket.off('error', onError);
        if (error) reject(error);
        else resolve();
      });
    } catch (e) {
      socket.off('error', onError);
      reject(e);
    }
  });
}

/** Adds the operation to a socket error's message, so that one line tells what failed. */
function explain(e: unknown, what: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  err.message = `${what}: ${err.message}`;
  return err;
}

/**
 * Opens a socket for sending to `destination`, with the multicast interface, TTL and loopback set
 * before it connects (a connected socket sends without an address lookup per datagram).
 */
export async function openSendSocket(options: UdpSendOptions): Promise<{ socket: Socket; destination: Endpoint }> {
  const dest = endpoint(options.destination, 'destination');
  if (dest.port === 0) throw new RangeError('destination: port 0 is not a destination');
  const multicast = isMulticast(dest.host);
  const iface = multicast ? resolveInterface(options.interface, dest.family) : undefined;
  const ttl = checkTtl(options.ttl ?? 1);
  const bind = options.bind === undefined ? { host: dest.family === 4 ? '0.0.0.0' : '::', port: 0 } : endpoint(options.bind, 'bind', dest.family === 4 ? '0.0.0.0' : '::');
  if (isIP(bind.host) !== dest.family) throw new RangeError(`bind ${bind.host} and destination ${dest.host} are not the same IP version`);
  const socket = createSocket({ type: dest.family === 4 ? 'udp4' : 'udp6', ...(options.sendBufferSize === undefined ? {} : { sendBufferSize: options.sendBufferSize }) });
  try {
    await settle(socket, (done) => socket.bind(bind.port, bind.host, () => done())).catch((e: unknown) => {
      throw explain(e, `cannot bind to ${bind.host} port ${bind.port}`);
    });
    if (multicast) {
      try {
        if (iface !== undefined) socket.setMulticastInterface(iface);
        socket.setMulticastTTL(ttl);
        socket.setMulticastLoopback(options.loopback ?? true);
      } catch (e) {
        throw explain(e, `cannot send multicast on interface ${options.interface ?? '(default)'}`);
      }
    } else socket.setTTL(Math.max(1, ttl));
    await settle(socket, (done) => socket.connect(dest.port, dest.host, done)).catch((e: unknown) => {
      throw explain(e, `cannot reach ${dest.host} port ${dest.port}`);
    });
    return { socket, destination: dest };
  } catch (e) {
    socket.close();
    throw e;
  }
}

/** What a receiving socket does, worked out and checked before any socket exists. */
export interface ReceivePlan {
  readonly address: Endpoint;
  readonly type: 'udp4' | 'udp6';
  /** Binding to the group address filters other groups on Linux; elsewhere bind to any address. */
  readonly bindHost: string;
  /** Multicast group to join, if any. */
  readonly group: string | undefined;
  readonly source: string | undefined;
  /** node:dgram's interface argument. */
  readonly interface: string | undefined;
  readonly reuseAddress: boolean;
  readonly receiveBufferSize: number;
  /** Error prefixes, so that one line tells what failed. */
  readonly listenError: string;
  readonly joinError: string;
}

/** Validates the options and resolves the interface. @throws RangeError naming the bad option. */
export function planReceive(options: UdpReceiveOptions): ReceivePlan {
  const addr = endpoint(options.address, 'address', '0.0.0.0');
  const multicast = isMulticast(addr.host);
  const iface = multicast ? resolveInterface(options.interface, addr.family) : undefined;
  if (options.source !== undefined) {
    if (!multicast) throw new RangeError('source: a source-specific join needs a multicast group');
    if (isIP(options.source) !== addr.family) throw new RangeError(`source: ${JSON.stringify(options.source)} is not an IPv${addr.family} address`);
  }
  return {
    address: addr,
    type: addr.family === 4 ? 'udp4' : 'udp6',
    bindHost: multicast && process.platform !== 'linux' ? (addr.family === 4 ? '0.0.0.0' : '::') : addr.host,
    group: multicast ? addr.host : undefined,
    source: options.source,
    interface: iface,
    reuseAddress: options.reuseAddress ?? true,
    receiveBufferSize: options.receiveBufferSize ?? 4 << 20,
    listenError: `cannot listen on ${addr.host} port ${addr.port}`,
    joinError: `cannot join ${addr.host}${options.source === undefined ? '' : ` from ${options.source}`} on interface ${options.interface ?? '(default)'}`,
  };
}

/**
 * Opens a socket receiving on `address`: bound to the port (and, on Linux, to the group address, so
 * that other groups on the same port stay out), joined to the group on the interface, any-source or
 * source-specific.
 */
export async function openReceiveSocket(options: UdpReceiveOptions): Promise<{ socket: Socket; address: Endpoint }> {
  const plan = planReceive(options);
  const socket = createSocket({ type: plan.type, reuseAddr: plan.reuseAddress, recvBufferSize: plan.receiveBufferSize });
  try {
    await settle(socket, (done) => socket.bind(plan.address.port, plan.bindHost, () => done())).catch((e: unknown) => {
      throw explain(e, plan.listenError);
    });
    if (plan.group !== undefined) {
      try {
        if (plan.source !== undefined) socket.addSourceSpecificMembership(plan.source, plan.group, plan.interface);
        else socket.addMembership(plan.group, plan.interface);
      } catch (e) {
        throw explain(e, plan.joinError);
      }
    }
    return { socket, address: { ...plan.address, port: socket.address().port } };
  } catch (e) {
    socket.close();
    throw e;
  }
}

/** The 16 bytes of an IPv6 address (zone dropped, an embedded dotted IPv4 tail allowed). */
function ipv6Bytes(host: string): Uint8Array {
  let h = host.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    h = `${h.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = h.split('::') as [string, string | undefined];
  const hw = head === '' ? [] : head.split(':');
  const tw = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = tail === undefined ? hw : [...hw, ...new Array<string>(8 - hw.length - tw.length).fill('0'), ...tw];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    const n = parseInt(w, 16);
    out[2 * i] = n >>> 8;
    out[2 * i + 1] = n & 255;
  });
  return out;
}

/** How /proc/net/udp{,6} prints a local address: 32-bit words in host byte order, in hex. */
function procAddress(e: Endpoint): string {
  const bytes = e.family === 4 ? Uint8Array.from(e.host.split('.').map(Number)) : ipv6Bytes(e.host);
  let hex = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const word = endianness() === 'LE' ? [bytes[i + 3]!, bytes[i + 2]!, bytes[i + 1]!, bytes[i]!] : [bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
    hex += word.map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return `${hex.toUpperCase()}:${e.port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Datagrams the kernel dropped for sockets bound to `address` (its receive buffer was full), from
 * the `drops` column of /proc/net/udp or udp6; undefined where that file does not exist (not Linux).
 * Sockets sharing the address and port (SO_REUSEADDR) are counted together.
 */
export function kernelDrops(address: Endpoint): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try {
    text = readFileSync(address.family === 4 ? '/proc/net/udp' : '/proc/net/udp6', 'utf8');
  } catch {
    return undefined;
  }
  const want = procAddress(address);
  let drops: number | undefined;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === want) drops = (drops ?? 0) + Number(f[12] ?? 0);
  }
  return drops;
}

/// <reference types="node" />
import { createSocket, type SocketType } from 'node:dgram';
import { isIP } from 'node:net';

/** A UDP endpoint. */
export interface UdpAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses "HOST:PORT", "[V6]:PORT" or ":PORT" (host `defaultHost`). Throws RangeError on a bad port.
 */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): UdpAddress {
  let host: string;
  let port: string;
  const v6 = /^\[([^\]]*)\]:(\d+)$/.exec(text);
  if (v6 !== null) {
    host = v6[1]!;
    port = v6[2]!;
  } else {
    const i = text.lastIndexOf(':');
    if (i < 0) throw new RangeError(`expected HOST:PORT, got ${JSON.stringify(text)}`);
    host = text.slice(0, i);
    port = text.slice(i + 1);
  }
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) throw new RangeError(`bad port in ${JSON.stringify(text)}`);
  return { host: host === '' ? defaultHost : host, port: n };
}

/** Accepts an address object or its "HOST:PORT" text. */
export function toAddress(a: string | UdpAddress, defaultHost = '127.0.0.1'): UdpAddress {
  return typeof a === 'string' ? parseHostPort(a, defaultHost) : a;
}

/** "HOST:PORT", bracketing IPv6 hosts. */
export function formatAddress(a: UdpAddress): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** udp4 or udp6 for a host (names resolve as IPv4). */
export function socketTypeOf(host: string): SocketType {
  return isIP(host) === 6 ? 'udp6' : 'udp4';
}

/** True for 224.0.0.0/4 and ff00::/8. */
export function isMulticast(host: string): boolean {
  if (isIP(host) === 4) {
    const first = Number(host.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return isIP(host) === 6 && /^ff/i.test(host);
}

/**
 * A UDP port that was free a moment ago on `host`, for tools that need a port number up front (such
 * as srt-live-transmit). Another process may take it before it is used.
 */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const s = createSocket(socketTypeOf(host));
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, host, () => resolve());
    });
    return s.address().port;
  } finally {
    s.close();
  }
}

import { isIPv6 } from 'node:net';

/** The PeerId of a UDP/TCP address: `"127.0.0.1:6910"` or `"[::1]:6910"`. IPv4-mapped IPv6 is unwrapped. */
export function peerId(address: string, port: number): string {
  const a = address.startsWith('::ffff:') && !address.slice(7).includes(':') ? address.slice(7) : address;
  return isIPv6(a) ? `[${a}]:${port}` : `${a}:${port}`;
}

/** Splits a PeerId (or a `host:port` argument) into address and port. */
export function parsePeerId(id: string): { address: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(id) ?? /^([^:]+):(\d+)$/.exec(id);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`expected host:port or [v6]:port, got ${JSON.stringify(id)}`);
  return { address: m[1]!, port };
}

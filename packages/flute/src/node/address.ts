/// <reference types="node" />
/**
 * Endpoints and interfaces for the UDP transport: `host:port` parsing (IPv6 in brackets), multicast
 * ranges, and interface selection by address, name or index for IPv4 and IPv6.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** A host (IP literal) and a port. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
}

function family(host: string, field: string): 4 | 6 {
  const f = isIP(host.replace(/%.*$/, ''));
  if (f === 0) throw new RangeError(`${field}: ${JSON.stringify(host)} is not an IPv4 or IPv6 address`);
  return f as 4 | 6;
}

/**
 * Parses `host:port`, `[v6]:port`, a bare host (with `defaultPort`) or `:port` (with `defaultHost`).
 * Hosts are IP literals: no name resolution happens here.
 */
export function parseEndpoint(text: string, options: { readonly defaultPort?: number; readonly defaultHost?: string; readonly field?: string } = {}): Endpoint {
  const field = options.field ?? 'address';
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text; // a bare IPv6 address
  } else {
    const i = text.lastIndexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    portText = i < 0 ? undefined : text.slice(i + 1);
  }
  if (host === '') {
    if (options.defaultHost === undefined) throw new RangeError(`${field}: no host in ${JSON.stringify(text)}`);
    host = options.defaultHost;
  }
  let port: number;
  if (portText === undefined || portText === '') {
    if (options.defaultPort === undefined) throw new RangeError(`${field}: no port in ${JSON.stringify(text)} (expected host:port)`);
    port = options.defaultPort;
  } else {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535)) throw new RangeError(`${field}: port must be 0..65535, got ${JSON.stringify(portText)}`);
  }
  return { host, port, family: family(host, field) };
}

/** `host:port`, with brackets around IPv6 hosts. */
export function formatEndpoint(e: { readonly host: string; readonly port: number }): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Whether `host` is a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8). */
export function isMulticast(host: string): boolean {
  if (isIP(host) === 4) {
    const first = Number(host.slice(0, host.indexOf('.')));
    return first >= 224 && first <= 239;
  }
  return /^ff[0-9a-f]{2}:/i.test(host);
}

/**
 * The interface argument node:dgram wants for multicast on `family`, from what a user gives: for IPv4
 * a local address or an interface name (its first IPv4 address); for IPv6 an interface name, index or
 * local address, as `::%name` (the zone selects the interface). Undefined: let the system choose.
 * @throws RangeError when no interface of this host matches.
 */
export function resolveInterface(spec: string | undefined, fam: 4 | 6): string | undefined {
  if (spec === undefined || spec === '') return undefined;
  const interfaces = networkInterfaces();
  const names = Object.keys(interfaces);
  const want = fam === 4 ? 'IPv4' : 'IPv6';
  const addressesOf = (name: string): string[] => (interfaces[name] ?? []).filter((a) => a.family === want).map((a) => a.address);
  const nameOfAddress = (address: string): string | undefined => names.find((n) => addressesOf(n).includes(address));
  if (isIP(spec) !== 0) {
    if (isIP(spec) !== fam) throw new RangeError(`interface ${spec} is not an IPv${fam} address (the group is IPv${fam})`);
    const name = nameOfAddress(spec);
    if (name === undefined) throw new RangeError(`interface ${spec} is not an address of this host (have: ${names.map((n) => `${n} ${addressesOf(n).join(' ')}`).join(', ')})`);
    return fam === 4 ? spec : `::%${name}`;
  }
  if (/^\d+$/.test(spec)) {
    // An interface index (IPv6 scope id): Node accepts the number as a zone.
    if (fam === 6) return `::%${spec}`;
    throw new RangeError(`interface ${spec}: give an IPv4 address or an interface name`);
  }
  if (!names.includes(spec)) throw new RangeError(`interface ${spec} does not exist (have: ${names.join(', ')})`);
  if (fam === 6) return `::%${spec}`;
  const v4 = addressesOf(spec)[0];
  if (v4 === undefined) throw new RangeError(`interface ${spec} has no IPv4 address`);
  return v4;
}

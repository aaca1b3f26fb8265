/**
 * UDP datagrams to frames and a pcap file that tshark dissects: valid IPv4 (header checksum,
 * DF, TTL) or IPv6 headers, UDP with a correct checksum, Ethernet II or raw-IP framing.
 */
import { parseIpv4, parseIpv6 } from './address.js';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from './capture.js';
import { writePcap } from './pcap.js';

/** A datagram to write. Addresses are text; IPv6 is chosen when they contain ':'. */
export interface UdpDatagramInit {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  /** IPv4 TTL / IPv6 hop limit. Default 1. */
  readonly ttl?: number;
  /** Capture time, seconds since the Unix epoch (default: index of the datagram). */
  readonly seconds?: number;
  readonly nanos?: number;
}

/** Link-layer framing of written frames. */
export type Framing = 'ethernet' | 'raw';

const SRC_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const UNICAST_DST_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

function sum16(b: Uint8Array, start: number, end: number, acc: number): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

function checkPort(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${field}: ${v} is not a UDP port`);
}

let ipv4Id = 0;

/** An IPv4 or IPv6 packet carrying `d` as UDP. */
export function buildIpUdp(d: UdpDatagramInit): Uint8Array {
  checkPort('srcPort', d.srcPort);
  checkPort('dstPort', d.dstPort);
  const v6 = d.src.includes(':') || d.dst.includes(':');
  const src = v6 ? parseIpv6(d.src) : parseIpv4(d.src);
  const dst = v6 ? parseIpv6(d.dst) : parseIpv4(d.dst);
  const ipLen = v6 ? 40 : 20;
  const udpLen = 8 + d.payload.length;
  if (udpLen > 0xffff) throw new RangeError(`payload: ${d.payload.length} bytes do not fit a UDP datagram`);
  const ttl = d.ttl ?? 1;
  const out = new Uint8Array(ipLen + udpLen);
  if (v6) {
    out[0] = 0x60;
    out[4] = udpLen >>> 8;
    out[5] = udpLen & 0xff;
    out[6] = 17;
    out[7] = ttl;
    out.set(src, 8);
    out.set(dst, 24);
  } else {
    const total = ipLen + udpLen;
    if (total > 0xffff) throw new RangeError(`payload: ${d.payload.length} bytes do not fit an IPv4 packet`);
    ipv4Id = (ipv4Id + 1) & 0xffff;
    out[0] = 0x45;
    out[2] = total >>> 8;
    out[3] = total & 0xff;
    out[4] = ipv4Id >>> 8;
    out[5] = ipv4Id & 0xff;
    out[6] = 0x40; // DF
    out[8] = ttl;
    out[9] = 17;
    out.set(src, 12);
    out.set(dst, 16);
    const c = 0xffff - fold(sum16(out, 0, 20, 0));
    out[10] = c >>> 8;
    out[11] = c & 0xff;
  }
  const u = ipLen;
  out[u] = d.srcPort >>> 8;
  out[u + 1] = d.srcPort & 0xff;
  out[u + 2] = d.dstPort >>> 8;
  out[u + 3] = d.dstPort & 0xff;
  out[u + 4] = udpLen >>> 8;
  out[u + 5] = udpLen & 0xff;
  out.set(d.payload, u + 8);
  // Checksum over the pseudo-header (addresses, protocol, UDP length) and the datagram.
  let s = sum16(src, 0, src.length, 0);
  s = sum16(dst, 0, dst.length, s);
  s += 17 + udpLen;
  s = sum16(out, u, u + udpLen, s);
  let c = 0xffff - fold(s);
  if (c === 0) c = 0xffff;
  out[u + 6] = c >>> 8;
  out[u + 7] = c & 0xff;
  return out;
}

function multicastMac(dst: Uint8Array, v6: boolean): number[] | undefined {
  if (!v6 && dst[0]! >= 224 && dst[0]! <= 239) return [0x01, 0x00, 0x5e, dst[1]! & 0x7f, dst[2]!, dst[3]!];
  if (v6 && dst[0] === 0xff) return [0x33, 0x33, dst[12]!, dst[13]!, dst[14]!, dst[15]!];
  return undefined;
}

/** A frame carrying `d` with the given framing. */
export function buildUdpFrame(d: UdpDatagramInit, framing: Framing): Uint8Array {
  const ip = buildIpUdp(d);
  if (framing === 'raw') return ip;
  const v6 = (ip[0]! >>> 4) === 6;
  const dst = v6 ? ip.subarray(24, 40) : ip.subarray(16, 20);
  const frame = new Uint8Array(14 + ip.length);
  frame.set(multicastMac(dst, v6) ?? UNICAST_DST_MAC, 0);
  frame.set(SRC_MAC, 6);
  frame[12] = v6 ? 0x86 : 0x08;
  frame[13] = v6 ? 0xdd : 0x00;
  frame.set(ip, 14);
  return frame;
}

export interface WriteUdpPcapOptions {
  /** Default 'ethernet'. */
  readonly framing?: Framing;
}

/** A classic pcap file holding `datagrams`, one frame each. */
export function writeUdpPcap(datagrams: readonly UdpDatagramInit[], options: WriteUdpPcapOptions = {}): Uint8Array {
  const framing = options.framing ?? 'ethernet';
  const records = datagrams.map((d, i) => ({ data: buildUdpFrame(d, framing), seconds: d.seconds ?? i, nanos: d.nanos ?? 0 }));
  return writePcap(records, { linkType: framing === 'raw' ? LINKTYPE_RAW : LINKTYPE_ETHERNET });
}

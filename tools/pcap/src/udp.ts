/**
 * From a captured frame to the UDP datagram inside: link layer (Ethernet with VLAN tags, raw IP,
 * Linux SLL and SLL2, BSD loopback), then IPv4 or IPv6 (extension headers walked), then UDP.
 */
import { formatIpv4, formatIpv6 } from './address.js';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  type Capture,
  type CaptureFrame,
} from './capture.js';
import { isPcap, readPcap } from './pcap.js';
import { isPcapng, readPcapng } from './pcapng.js';
import { PcapFormatError } from './errors.js';

/** A UDP datagram found in a capture. */
export interface UdpDatagram {
  readonly ipVersion: 4 | 6;
  /** Source address as text (dotted quad, or RFC 5952 IPv6). */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** UDP payload: a view into the capture buffer. */
  readonly payload: Uint8Array;
  /** True when the capture cut the datagram short (payload is what was captured). */
  readonly truncated: boolean;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** Capture time of the frame. */
  readonly seconds: number;
  readonly nanos: number;
  /** Index of the frame in the capture. */
  readonly frameIndex: number;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

/** Offset of the IP header in a frame, or -1 when the frame carries no IP. */
export function ipOffset(linkType: number, d: Uint8Array): number {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let o = 12;
      while (o + 2 <= d.length) {
        const type = (d[o]! << 8) | d[o + 1]!;
        if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) {
          o += 4;
          continue;
        }
        return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? o + 2 : -1;
      }
      return -1;
    }
    case LINKTYPE_RAW:
    case 12: // DLT_RAW on some BSDs
    case 14: // DLT_RAW on OpenBSD
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return 0;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      // 4-byte address family (host order for NULL, network order for LOOP); the IP version
      // nibble that follows is enough to tell IPv4 from IPv6.
      return 4;
    case LINKTYPE_LINUX_SLL: {
      if (d.length < 16) return -1;
      const proto = (d[14]! << 8) | d[15]!;
      return proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6 ? 16 : -1;
    }
    case LINKTYPE_LINUX_SLL2: {
      if (d.length < 20) return -1;
      const proto = (d[0]! << 8) | d[1]!;
      return proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6 ? 20 : -1;
    }
    default:
      return -1;
  }
}

type Found = Omit<UdpDatagram, 'seconds' | 'nanos' | 'frameIndex'>;

function udpAt(d: Uint8Array, o: number, end: number, base: Omit<Found, 'srcPort' | 'dstPort' | 'payload' | 'truncated'>): Found | undefined {
  if (end - o < 8) return undefined;
  const udpLength = (d[o + 4]! << 8) | d[o + 5]!;
  if (udpLength < 8) return undefined;
  const stop = Math.min(o + udpLength, end);
  return {
    ...base,
    srcPort: (d[o]! << 8) | d[o + 1]!,
    dstPort: (d[o + 2]! << 8) | d[o + 3]!,
    payload: d.subarray(o + 8, stop),
    truncated: o + udpLength > end,
  };
}

/** The UDP datagram in an IP packet starting at `o`, or undefined (not UDP, a fragment, too short). */
export function udpInIp(d: Uint8Array, o: number): Found | undefined {
  if (d.length - o < 1) return undefined;
  const version = d[o]! >>> 4;
  if (version === 4) {
    if (d.length - o < 20) return undefined;
    const ihl = (d[o]! & 0x0f) * 4;
    const total = (d[o + 2]! << 8) | d[o + 3]!;
    const fragment = ((d[o + 6]! << 8) | d[o + 7]!) & 0x3fff; // MF flag and offset
    if (ihl < 20 || total < ihl || d[o + 9] !== 17 || fragment !== 0) return undefined;
    const end = Math.min(d.length, o + total);
    return udpAt(d, o + ihl, end, { ipVersion: 4, src: formatIpv4(d, o + 12), dst: formatIpv4(d, o + 16), ttl: d[o + 8]! });
  }
  if (version === 6) {
    if (d.length - o < 40) return undefined;
    const end = Math.min(d.length, o + 40 + ((d[o + 4]! << 8) | d[o + 5]!));
    let next = d[o + 6]!;
    let p = o + 40;
    for (let hops = 0; hops < 16; hops++) {
      if (next === 17) return udpAt(d, p, end, { ipVersion: 6, src: formatIpv6(d, o + 8), dst: formatIpv6(d, o + 24), ttl: d[o + 7]! });
      if (end - p < 8) return undefined;
      if (next === 0 || next === 43 || next === 60) {
        next = d[p]!;
        p += (d[p + 1]! + 1) * 8;
      } else if (next === 44) {
        const fragment = (d[p + 2]! << 8) | d[p + 3]!; // offset(13) res(2) M(1)
        if (fragment !== 0) return undefined;
        next = d[p]!;
        p += 8;
      } else if (next === 51) {
        next = d[p]!;
        p += (d[p + 1]! + 2) * 4;
      } else {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The UDP datagram in a captured frame, or undefined. */
export function udpOfFrame(frame: CaptureFrame, frameIndex = 0): UdpDatagram | undefined {
  const o = ipOffset(frame.linkType, frame.data);
  if (o < 0) return undefined;
  const found = udpInIp(frame.data, o);
  if (found === undefined) return undefined;
  return { ...found, truncated: found.truncated || frame.originalLength > frame.data.length, seconds: frame.seconds, nanos: frame.nanos, frameIndex };
}

/** Reads a pcap or pcapng file, telling them apart by their magic. */
export function readCapture(bytes: Uint8Array): Capture {
  if (isPcapng(bytes)) return readPcapng(bytes);
  if (isPcap(bytes)) return readPcap(bytes);
  throw new PcapFormatError(0, 'neither a pcap nor a pcapng file');
}

/** Every UDP datagram of a pcap or pcapng file, in capture order (non-UDP frames are skipped). */
export function readUdpDatagrams(bytes: Uint8Array): UdpDatagram[] {
  const out: UdpDatagram[] = [];
  readCapture(bytes).frames.forEach((frame, i) => {
    const u = udpOfFrame(frame, i);
    if (u !== undefined) out.push(u);
  });
  return out;
}

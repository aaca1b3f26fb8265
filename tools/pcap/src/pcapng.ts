/**
 * pcapng files (draft-ietf-opsawg-pcapng): Section Header, Interface Description, Enhanced Packet,
 * Simple Packet and the obsolete Packet block. Other blocks are skipped.
 *
 * Block: type(4) total_length(4) body total_length(4), padded to 32 bits, in the byte order the
 * Section Header's magic 0x1A2B3C4D says.
 */
import { PcapFormatError } from './errors.js';
import type { Capture, CaptureFrame } from './capture.js';
import { MAX_RECORD_BYTES } from './pcap.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OPB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

interface Interface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per second, as a bigint. */
  readonly unitsPerSecond: bigint;
  readonly offsetSeconds: bigint;
}

/** Whether `bytes` starts with a pcapng Section Header Block. */
export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

function readInterface(dv: DataView, body: number, end: number, little: boolean): Interface {
  const linkType = dv.getUint16(body, little);
  const snapLength = dv.getUint32(body + 4, little);
  let unitsPerSecond = 1_000_000n;
  let offsetSeconds = 0n;
  let o = body + 8;
  while (o + 4 <= end) {
    const code = dv.getUint16(o, little);
    const len = dv.getUint16(o + 2, little);
    if (code === 0) break;
    if (o + 4 + len > end) throw new PcapFormatError(o, 'interface option runs past its block');
    if (code === 9 && len >= 1) {
      const v = dv.getUint8(o + 4);
      const exp = BigInt(v & 0x7f);
      unitsPerSecond = (v & 0x80) === 0 ? 10n ** exp : 2n ** exp;
    } else if (code === 14 && len >= 8) {
      offsetSeconds = dv.getBigInt64(o + 4, little);
    }
    o += 4 + ((len + 3) & ~3);
  }
  return { linkType, snapLength, unitsPerSecond, offsetSeconds };
}

function timeOf(iface: Interface, high: number, low: number): { seconds: number; nanos: number } {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const seconds = units / iface.unitsPerSecond;
  const rem = units % iface.unitsPerSecond;
  return { seconds: Number(seconds + iface.offsetSeconds), nanos: Number((rem * 1_000_000_000n) / iface.unitsPerSecond) };
}

/** Reads a pcapng file. Frames are views into `bytes`. */
export function readPcapng(bytes: Uint8Array): Capture {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: CaptureFrame[] = [];
  let little = true;
  let interfaces: Interface[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (bytes.length - o < 12) throw new PcapFormatError(o, `block header needs 12 bytes, have ${bytes.length - o}`);
    // SHB's type reads the same in both byte orders; it sets the order for its section.
    const type = dv.getUint32(o, little);
    if (type === SHB) {
      if (bytes.length - o < 28) throw new PcapFormatError(o, 'section header block is truncated');
      const magicLe = dv.getUint32(o + 8, true);
      if (magicLe === BYTE_ORDER_MAGIC) little = true;
      else if (dv.getUint32(o + 8, false) === BYTE_ORDER_MAGIC) little = false;
      else throw new PcapFormatError(o + 8, 'bad byte-order magic in section header');
      interfaces = [];
    } else if (o === 0) {
      throw new PcapFormatError(0, 'not a pcapng file (no section header block)');
    }
    const total = dv.getUint32(o + 4, little);
    if (total < 12 || total % 4 !== 0) throw new PcapFormatError(o + 4, `bad block length ${total}`);
    if (total > bytes.length - o) throw new PcapFormatError(o + 4, `block of ${total} bytes runs past the end of the file`);
    const body = o + 8;
    const end = o + total - 4;
    if (type === IDB) {
      if (end - body < 8) throw new PcapFormatError(o, 'interface description block is truncated');
      interfaces.push(readInterface(dv, body, end, little));
    } else if (type === EPB || type === OPB) {
      if (end - body < 20) throw new PcapFormatError(o, 'packet block is truncated');
      const id = type === EPB ? dv.getUint32(body, little) : dv.getUint16(body, little);
      const iface = interfaces[id];
      if (iface === undefined) throw new PcapFormatError(body, `packet refers to unknown interface ${id}`);
      const captured = dv.getUint32(body + 12, little);
      const original = dv.getUint32(body + 16, little);
      if (captured > MAX_RECORD_BYTES || captured > end - body - 20) throw new PcapFormatError(body + 12, `captured length ${captured} runs past its block`);
      const { seconds, nanos } = timeOf(iface, dv.getUint32(body + 4, little), dv.getUint32(body + 8, little));
      frames.push({ linkType: iface.linkType, seconds, nanos, data: bytes.subarray(body + 20, body + 20 + captured), originalLength: Math.max(original, captured) });
    } else if (type === SPB) {
      const iface = interfaces[0];
      if (iface === undefined) throw new PcapFormatError(body, 'simple packet block without an interface');
      if (end - body < 4) throw new PcapFormatError(o, 'simple packet block is truncated');
      const original = dv.getUint32(body, little);
      let captured = Math.min(original, end - body - 4);
      if (iface.snapLength > 0) captured = Math.min(captured, iface.snapLength);
      frames.push({ linkType: iface.linkType, seconds: 0, nanos: 0, data: bytes.subarray(body + 4, body + 4 + captured), originalLength: original });
    }
    o += total;
  }
  return { format: 'pcapng', frames };
}

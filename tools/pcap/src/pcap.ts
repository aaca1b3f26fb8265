/**
 * Classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.html).
 *
 * File header (24 bytes): magic(4) version_major(2) version_minor(2) thiszone(4) sigfigs(4)
 * snaplen(4) linktype(4). Record header (16 bytes): ts_sec(4) ts_usec_or_nsec(4) incl_len(4)
 * orig_len(4), then incl_len bytes. Byte order is the writer's, told by the magic.
 */
import { PcapFormatError } from './errors.js';
import type { Capture, CaptureFrame } from './capture.js';

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;

/** Largest record accepted (the biggest snap length libpcap uses is 262144). */
export const MAX_RECORD_BYTES = 1 << 20;

/** Whether `bytes` starts like a classic pcap file (either byte order, µs or ns). */
export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const be = dv.getUint32(0, false);
  const le = dv.getUint32(0, true);
  return be === MAGIC_MICROS || be === MAGIC_NANOS || le === MAGIC_MICROS || le === MAGIC_NANOS;
}

/** Reads a classic pcap file. Frames are views into `bytes`. */
export function readPcap(bytes: Uint8Array): Capture {
  if (bytes.length < 24) throw new PcapFormatError(0, `file header needs 24 bytes, have ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  let nanoRes: boolean;
  const magicBe = dv.getUint32(0, false);
  const magicLe = dv.getUint32(0, true);
  if (magicLe === MAGIC_MICROS || magicLe === MAGIC_NANOS) {
    little = true;
    nanoRes = magicLe === MAGIC_NANOS;
  } else if (magicBe === MAGIC_MICROS || magicBe === MAGIC_NANOS) {
    little = false;
    nanoRes = magicBe === MAGIC_NANOS;
  } else {
    throw new PcapFormatError(0, `not a pcap file (magic 0x${magicBe.toString(16)})`);
  }
  const major = dv.getUint16(4, little);
  if (major !== 2) throw new PcapFormatError(4, `unsupported pcap version ${major}`);
  // The link type is the low 16 bits; the upper bits may carry FCS information.
  const linkType = dv.getUint32(20, little) & 0xffff;
  const frames: CaptureFrame[] = [];
  let o = 24;
  while (o < bytes.length) {
    if (bytes.length - o < 16) throw new PcapFormatError(o, `record header needs 16 bytes, have ${bytes.length - o}`);
    const seconds = dv.getUint32(o, little);
    const sub = dv.getUint32(o + 4, little);
    const incl = dv.getUint32(o + 8, little);
    const orig = dv.getUint32(o + 12, little);
    if (incl > MAX_RECORD_BYTES) throw new PcapFormatError(o + 8, `record of ${incl} bytes exceeds ${MAX_RECORD_BYTES}`);
    if (bytes.length - o - 16 < incl) throw new PcapFormatError(o + 8, `record of ${incl} bytes runs past the end of the file`);
    frames.push({
      linkType,
      seconds,
      nanos: nanoRes ? sub : sub * 1000,
      data: bytes.subarray(o + 16, o + 16 + incl),
      originalLength: Math.max(orig, incl),
    });
    o += 16 + incl;
  }
  return { format: 'pcap', frames };
}

/** A frame to write. */
export interface PcapRecord {
  readonly data: Uint8Array;
  /** Seconds since the Unix epoch (default 0). */
  readonly seconds?: number;
  /** Nanoseconds within the second (default 0). */
  readonly nanos?: number;
}

export interface WritePcapOptions {
  /** LINKTYPE_* of every record. */
  readonly linkType: number;
  /** Write nanosecond timestamps (magic a1b23c4d) instead of microseconds. Default false. */
  readonly nanosecond?: boolean;
  /** Snap length written in the header. Default 262144. */
  readonly snapLength?: number;
}

/** Writes records as a little-endian classic pcap file. */
export function writePcap(records: readonly PcapRecord[], options: WritePcapOptions): Uint8Array {
  let size = 24;
  for (const r of records) size += 16 + r.data.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  const nano = options.nanosecond === true;
  dv.setUint32(0, nano ? MAGIC_NANOS : MAGIC_MICROS, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, options.snapLength ?? 262144, true);
  dv.setUint32(20, options.linkType, true);
  let o = 24;
  for (const r of records) {
    const nanos = r.nanos ?? 0;
    if (!Number.isInteger(nanos) || nanos < 0 || nanos >= 1e9) throw new RangeError(`nanos: ${nanos} is not in 0..999999999`);
    dv.setUint32(o, r.seconds ?? 0, true);
    dv.setUint32(o + 4, nano ? nanos : Math.floor(nanos / 1000), true);
    dv.setUint32(o + 8, r.data.length, true);
    dv.setUint32(o + 12, r.data.length, true);
    out.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return out;
}

import {
  EFP_TYPE0,
  EFP_TYPE1,
  EFP_TYPE1_HEADER_SIZE,
  EFP_TYPE2,
  EFP_TYPE2_HEADER_SIZE,
  EFP_TYPE3,
  EFP_TYPE3_HEADER_SIZE,
} from './constants.js';
import { MalformedError, TruncatedError } from './errors.js';
import { readU16, readU32, readU64, writeU16, writeU32, writeU64 } from './le.js';

// Byte 0 of every packet:
//
//    7   6   5   4   3   2   1   0
//  +---+---+---+---+---+---+---+---+
//  |     flags     |  frame type   |
//  +---+---+---+---+---+---+---+---+

/** Type 0: private; receivers drop it. Everything after byte 0 is opaque. */
export interface EfpType0Packet {
  readonly type: 0;
  readonly flags: number;
  /** Bytes 1.. (zero-copy view when decoded). */
  readonly payload: Uint8Array;
}

/** Type 1: a non-final fragment; the packet is always exactly MTU bytes. */
export interface EfpType1Packet {
  readonly type: 1;
  readonly flags: number;
  readonly streamId: number;
  readonly superFrameNo: number;
  /** 0-based index of this fragment. */
  readonly fragmentNo: number;
  /** Index of the frame's last packet (its Type 2). */
  readonly ofFragmentNo: number;
  /** MTU − 8 bytes (zero-copy view when decoded). */
  readonly payload: Uint8Array;
}

/** Type 2: the last packet of every superframe, or the whole superframe when it fits. */
export interface EfpType2Packet {
  readonly type: 2;
  readonly flags: number;
  readonly streamId: number;
  readonly dataContent: number;
  readonly superFrameNo: number;
  /** This packet's index, which is the frame's last index. */
  readonly ofFragmentNo: number;
  /** Payload bytes of each Type 1 (MTU − 8), or the frame size when the frame is this packet alone. */
  readonly type1PacketSize: number;
  readonly pts: bigint;
  /** pts − dts; 0xFFFFFFFF means the DTS is unknown. */
  readonly dtsPtsDiff: number;
  readonly code: number;
  /** sizeOfData bytes (zero-copy view when decoded); bytes after them are ignored, as by the reference. */
  readonly payload: Uint8Array;
}

/** Type 3: the tail that does not fit in the Type 2, sent just before it. Its index is ofFragmentNo − 1. */
export interface EfpType3Packet {
  readonly type: 3;
  readonly flags: number;
  readonly streamId: number;
  readonly superFrameNo: number;
  readonly type1PacketSize: number;
  readonly ofFragmentNo: number;
  /** The tail bytes (zero-copy view when decoded). */
  readonly payload: Uint8Array;
}

export type EfpPacket = EfpType0Packet | EfpType1Packet | EfpType2Packet | EfpType3Packet;

/**
 * Decodes one EFP packet. Payloads are zero-copy `subarray` views of `bytes`: copy them if they must
 * outlive the datagram. Throws TruncatedError when a header or the declared Type 2 data is cut short,
 * MalformedError for frame types 4..15.
 */
export function decodeEfpPacket(bytes: Uint8Array): EfpPacket {
  if (bytes.length < 1) throw new TruncatedError('packet', 0, 1, 0);
  const b0 = bytes[0]!;
  const type = b0 & 0x0f;
  const flags = b0 & 0xf0;
  switch (type) {
    case EFP_TYPE0:
      return { type: 0, flags, payload: bytes.subarray(1) };
    case EFP_TYPE1:
      return decodeType1(bytes, flags);
    case EFP_TYPE2:
      return decodeType2(bytes, flags);
    case EFP_TYPE3:
      return decodeType3(bytes, flags);
    default:
      throw new MalformedError('frame type', 0, type, 'only types 0..3 are defined');
  }
}

//  Type 1 (8-byte header)
//   0        1        2        3        4        5        6        7
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |type|flg|streamId|  superFrameNo   |   fragmentNo    |  ofFragmentNo   |
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |  payload: MTU − 8 bytes ...
function decodeType1(bytes: Uint8Array, flags: number): EfpType1Packet {
  if (bytes.length < EFP_TYPE1_HEADER_SIZE) throw new TruncatedError('type 1 header', 0, EFP_TYPE1_HEADER_SIZE, bytes.length);
  return {
    type: 1,
    flags,
    streamId: bytes[1]!,
    superFrameNo: readU16(bytes, 2),
    fragmentNo: readU16(bytes, 4),
    ofFragmentNo: readU16(bytes, 6),
    payload: bytes.subarray(EFP_TYPE1_HEADER_SIZE),
  };
}

//  Type 2 (32-byte header; bytes 3 and 12..15 are padding, uninitialised by the reference sender)
//   0        1        2        3        4        5        6        7
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |type|flg|streamId|dataCont|  pad   |   sizeOfData    |  superFrameNo   |
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |  ofFragmentNo   | type1PacketSize |              padding              |
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |                               pts (u64)                               |
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |          dtsPtsDiff (u32)         |             code (u32)            |
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |  payload: sizeOfData bytes ...
function decodeType2(bytes: Uint8Array, flags: number): EfpType2Packet {
  if (bytes.length < EFP_TYPE2_HEADER_SIZE) throw new TruncatedError('type 2 header', 0, EFP_TYPE2_HEADER_SIZE, bytes.length);
  const sizeOfData = readU16(bytes, 4);
  if (bytes.length < EFP_TYPE2_HEADER_SIZE + sizeOfData) {
    throw new TruncatedError('type 2 data', EFP_TYPE2_HEADER_SIZE, sizeOfData, bytes.length - EFP_TYPE2_HEADER_SIZE);
  }
  return {
    type: 2,
    flags,
    streamId: bytes[1]!,
    dataContent: bytes[2]!,
    superFrameNo: readU16(bytes, 6),
    ofFragmentNo: readU16(bytes, 8),
    type1PacketSize: readU16(bytes, 10),
    pts: readU64(bytes, 16),
    dtsPtsDiff: readU32(bytes, 24),
    code: readU32(bytes, 28),
    payload: bytes.subarray(EFP_TYPE2_HEADER_SIZE, EFP_TYPE2_HEADER_SIZE + sizeOfData),
  };
}

//  Type 3 (8-byte header; note the field order differs from Type 1)
//   0        1        2        3        4        5        6        7
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |type|flg|streamId|  superFrameNo   | type1PacketSize |  ofFragmentNo   |
//  +--------+--------+--------+--------+--------+--------+--------+--------+
//  |  payload: the tail ...
function decodeType3(bytes: Uint8Array, flags: number): EfpType3Packet {
  if (bytes.length < EFP_TYPE3_HEADER_SIZE) throw new TruncatedError('type 3 header', 0, EFP_TYPE3_HEADER_SIZE, bytes.length);
  return {
    type: 3,
    flags,
    streamId: bytes[1]!,
    superFrameNo: readU16(bytes, 2),
    type1PacketSize: readU16(bytes, 4),
    ofFragmentNo: readU16(bytes, 6),
    payload: bytes.subarray(EFP_TYPE3_HEADER_SIZE),
  };
}

/** Encoded size of a packet. */
export function efpPacketLength(packet: EfpPacket): number {
  switch (packet.type) {
    case 0:
      return 1 + packet.payload.length;
    case 2:
      return EFP_TYPE2_HEADER_SIZE + packet.payload.length;
    default:
      return EFP_TYPE1_HEADER_SIZE + packet.payload.length;
  }
}

/** Encodes one packet (padding bytes written as zeros). Throws RangeError naming a field out of range. */
export function encodeEfpPacket(packet: EfpPacket): Uint8Array {
  checkFlags(packet.flags);
  const out = new Uint8Array(efpPacketLength(packet));
  switch (packet.type) {
    case 0:
      out[0] = EFP_TYPE0 | packet.flags;
      out.set(packet.payload, 1);
      return out;
    case 1:
      checkFields(packet, TYPE1_FIELDS);
      writeType1Header(out, 0, packet.flags, packet.streamId, packet.superFrameNo, packet.fragmentNo, packet.ofFragmentNo);
      out.set(packet.payload, EFP_TYPE1_HEADER_SIZE);
      return out;
    case 2:
      checkFields(packet, TYPE2_FIELDS);
      checkUint('payload length (sizeOfData)', packet.payload.length, 0xffff);
      if (typeof packet.pts !== 'bigint' || packet.pts < 0n || packet.pts > 0xffff_ffff_ffff_ffffn) {
        throw new RangeError(`pts must be a u64 bigint, got ${String(packet.pts)}`);
      }
      writeType2Header(out, 0, packet, packet.payload.length, packet.superFrameNo, packet.ofFragmentNo, packet.type1PacketSize);
      out.set(packet.payload, EFP_TYPE2_HEADER_SIZE);
      return out;
    case 3:
      checkFields(packet, TYPE3_FIELDS);
      writeType3Header(out, 0, packet.flags, packet.streamId, packet.superFrameNo, packet.type1PacketSize, packet.ofFragmentNo);
      out.set(packet.payload, EFP_TYPE3_HEADER_SIZE);
      return out;
  }
}

// The numeric fields of each type and their maximums, checked by encodeEfpPacket.
const TYPE1_FIELDS = [['streamId', 0xff], ['superFrameNo', 0xffff], ['fragmentNo', 0xffff], ['ofFragmentNo', 0xffff]] as const;
const TYPE2_FIELDS = [
  ['streamId', 0xff],
  ['dataContent', 0xff],
  ['superFrameNo', 0xffff],
  ['ofFragmentNo', 0xffff],
  ['type1PacketSize', 0xffff],
  ['dtsPtsDiff', 0xffff_ffff],
  ['code', 0xffff_ffff],
] as const;
const TYPE3_FIELDS = [['streamId', 0xff], ['superFrameNo', 0xffff], ['type1PacketSize', 0xffff], ['ofFragmentNo', 0xffff]] as const;

function checkFields<P>(packet: P, fields: readonly (readonly [keyof P & string, number])[]): void {
  for (const [name, max] of fields) checkUint(name, packet[name] as number, max);
}

/**
 * A copy of `packet` with the Type 2 padding bytes (3 and 12..15) zeroed, for comparing with captures
 * of the reference sender, which leaves them uninitialised. Other types are copied unchanged.
 */
export function maskEfpPadding(packet: Uint8Array): Uint8Array {
  const copy = packet.slice();
  if (copy.length >= EFP_TYPE2_HEADER_SIZE && (copy[0]! & 0x0f) === EFP_TYPE2) {
    copy[3] = 0;
    copy.fill(0, 12, 16);
  }
  return copy;
}

// Header writers shared with the sender (no validation: callers pass in-range values).

/**
 * @internal Writes a Type 1 or Type 3 header: both are byte 0, streamId, then three u16 fields
 * (Type 1: superFrameNo, fragmentNo, ofFragmentNo; Type 3: superFrameNo, type1PacketSize, ofFragmentNo).
 */
function writeShortHeader(b: Uint8Array, o: number, byte0: number, streamId: number, f2: number, f4: number, f6: number): void {
  b[o] = byte0;
  b[o + 1] = streamId;
  writeU16(b, o + 2, f2);
  writeU16(b, o + 4, f4);
  writeU16(b, o + 6, f6);
}

/** @internal */
export function writeType1Header(
  b: Uint8Array,
  o: number,
  flags: number,
  streamId: number,
  superFrameNo: number,
  fragmentNo: number,
  ofFragmentNo: number,
): void {
  writeShortHeader(b, o, EFP_TYPE1 | flags, streamId, superFrameNo, fragmentNo, ofFragmentNo);
}

/** @internal The fields of a Type 2 header other than the frame's numbering and sizes. */
export interface Type2Meta {
  readonly flags: number;
  readonly streamId: number;
  readonly dataContent: number;
  readonly pts: bigint;
  readonly dtsPtsDiff: number;
  readonly code: number;
}

/** @internal Writes a full 32-byte Type 2 header with zero padding. */
export function writeType2Header(
  b: Uint8Array,
  o: number,
  m: Type2Meta,
  sizeOfData: number,
  superFrameNo: number,
  ofFragmentNo: number,
  type1PacketSize: number,
): void {
  b[o] = EFP_TYPE2 | m.flags;
  b[o + 1] = m.streamId;
  b[o + 2] = m.dataContent;
  b[o + 3] = 0;
  writeU16(b, o + 4, sizeOfData);
  writeU16(b, o + 6, superFrameNo);
  writeU16(b, o + 8, ofFragmentNo);
  writeU16(b, o + 10, type1PacketSize);
  writeU32(b, o + 12, 0);
  writeU64(b, o + 16, m.pts);
  writeU32(b, o + 24, m.dtsPtsDiff);
  writeU32(b, o + 28, m.code);
}

/** @internal */
export function writeType3Header(
  b: Uint8Array,
  o: number,
  flags: number,
  streamId: number,
  superFrameNo: number,
  type1PacketSize: number,
  ofFragmentNo: number,
): void {
  writeShortHeader(b, o, EFP_TYPE3 | flags, streamId, superFrameNo, type1PacketSize, ofFragmentNo);
}

/** @internal Throws RangeError unless `value` is an integer in 0..max. */
export function checkUint(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${field} must be an integer in 0..${max}, got ${String(value)}`);
  }
}

/** @internal Flags live in the high nibble of byte 0. */
export function checkFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xf0 || (flags & 0x0f) !== 0) {
    throw new RangeError(`flags must be a combination of 0x10, 0x20, 0x40 and 0x80, got ${String(flags)}`);
  }
}

/**
 * ALC packet (RFC 5775 §2.1): LCT header, FEC Payload ID, encoding symbol(s).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     LCT header (HDR_LEN words)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        FEC Payload ID (layout set by the FEC Encoding ID)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Encoding Symbol(s) ...                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The FEC Encoding ID comes from `options.fecEncodingId`, else `options.codepointToFecId`, else
 * the codepoint itself (what FLUTE senders such as ypo/flute and GPAC do).
 */
import { FEC_RS_GF2M, HET_FTI } from './constants.js';
import { MalformedError, TruncatedError, invalidArgument } from './errors.js';
import { decodeLctHeader, planLctHeader, writePlannedHeader, type HeaderPlan, type LctHeader, type LctHeaderInit } from './header.js';
import type { LctExtension } from './extensions.js';
import { resolveFecId, type FecIdOptions } from './options.js';
import { DEFAULT_RS_M, decodeFecPayloadId, fecPayloadIdLength, writeFecPayloadId, type FecPayloadId } from './payload-id.js';
import { readU16 } from './bytes.js';

/** Options of the ALC decoder and encoder. */
export interface AlcOptions extends FecIdOptions {
  /**
   * m for FEC Encoding ID 2 when the packet carries no EXT_FTI (RFC 5510 §4.1; default 8).
   * An EXT_FTI in the packet takes precedence.
   */
  readonly m?: number;
}

/** A decoded ALC packet. */
export interface AlcPacket {
  readonly header: LctHeader;
  /** FEC Encoding ID the packet was decoded with. */
  readonly fecEncodingId: number;
  readonly payloadId: FecPayloadId;
  /** Encoding symbol(s): a zero-copy view into the decoded buffer. Copy it to keep it past the datagram. */
  readonly payload: Uint8Array;
}

/** What the encoder takes. A decoded {@link AlcPacket} is accepted as is. */
export interface AlcPacketInit {
  readonly header: LctHeaderInit;
  readonly payloadId: FecPayloadId;
  /** Encoding symbol(s); empty when absent. */
  readonly payload?: Uint8Array;
}

const DEFAULT_OPTIONS: AlcOptions = Object.freeze({});
const EMPTY = new Uint8Array(0);

function rsM(extensions: readonly LctExtension[], options: AlcOptions): number {
  for (const ext of extensions) {
    if (ext.het === HET_FTI && 'fti' in ext && ext.fti.fecEncodingId === FEC_RS_GF2M) return ext.fti.m;
  }
  return options.m ?? DEFAULT_RS_M;
}

/**
 * Decodes an ALC packet. Allocation-light: the header, its extensions, the payload ID and a
 * zero-copy `payload` view are the only objects created.
 * @throws TruncatedError / MalformedError (see {@link decodeLctHeader}); MalformedError also when
 *   the codepoint maps to no FEC Encoding ID or to one without a Payload ID layout here.
 */
export function decodeAlcPacket(bytes: Uint8Array, options: AlcOptions = DEFAULT_OPTIONS): AlcPacket {
  const header = decodeLctHeader(bytes, options);
  const hdrLen = bytes[2]! << 2;
  const fecEncodingId = resolveFecId(header.codepoint, options);
  if (fecEncodingId === undefined) throw new MalformedError('Codepoint', 3, 'maps to no FEC Encoding ID', header.codepoint);
  const pidLen = fecPayloadIdLength(fecEncodingId);
  if (pidLen < 0) throw new MalformedError('FEC Encoding ID', 3, 'has no FEC Payload ID layout here (0, 1, 2, 5, 6, 129)', fecEncodingId);
  const end = hdrLen + pidLen;
  if (bytes.length < end) throw new TruncatedError('FEC Payload ID', hdrLen, pidLen, bytes.length - hdrLen);
  let payloadId: FecPayloadId;
  if (fecEncodingId <= 1) {
    payloadId = { sbn: readU16(bytes, hdrLen), esi: readU16(bytes, hdrLen + 2) };
  } else {
    payloadId = decodeFecPayloadId(fecEncodingId, bytes, hdrLen, fecEncodingId === FEC_RS_GF2M ? rsM(header.extensions, options) : DEFAULT_RS_M);
  }
  return { header, fecEncodingId, payloadId, payload: bytes.subarray(end) };
}

interface PacketPlan {
  readonly header: HeaderPlan;
  readonly fecEncodingId: number;
  readonly m: number;
  readonly length: number;
}

function planPacket(packet: AlcPacketInit, options: AlcOptions): PacketPlan {
  const header = planLctHeader(packet.header);
  const codepoint = packet.header.codepoint ?? 0;
  const fecEncodingId = resolveFecId(codepoint, options);
  if (fecEncodingId === undefined) invalidArgument('header.codepoint', codepoint, 'maps to no FEC Encoding ID');
  const pidLen = fecPayloadIdLength(fecEncodingId);
  if (pidLen < 0) invalidArgument('fecEncodingId', fecEncodingId, 'has no FEC Payload ID layout here (0, 1, 2, 5, 6, 129)');
  for (const ext of header.extensions) {
    if (ext.het === HET_FTI && 'fti' in ext && ext.fti.fecEncodingId !== fecEncodingId) {
      invalidArgument('EXT_FTI.fti.fecEncodingId', ext.fti.fecEncodingId, `differs from the packet's FEC Encoding ID ${fecEncodingId}`);
    }
  }
  const payload = packet.payload ?? EMPTY;
  if (!(payload instanceof Uint8Array)) invalidArgument('payload', payload, 'must be a Uint8Array');
  const m = fecEncodingId === FEC_RS_GF2M ? rsM(header.extensions, options) : DEFAULT_RS_M;
  return { header, fecEncodingId, m, length: header.length + pidLen + payload.length };
}

/** Encoded length in bytes of `packet`. */
export function alcPacketLength(packet: AlcPacketInit, options: AlcOptions = DEFAULT_OPTIONS): number {
  return planPacket(packet, options).length;
}

function writePacket(packet: AlcPacketInit, plan: PacketPlan, target: Uint8Array, offset: number, options: AlcOptions): number {
  let p = offset + writePlannedHeader(packet.header, plan.header, target, offset, options);
  p += writeFecPayloadId(plan.fecEncodingId, packet.payloadId, target, p, plan.m);
  if (packet.payload !== undefined) target.set(packet.payload, p);
  return plan.length;
}

/**
 * Encodes an ALC packet into a new array: LCT header with HDR_LEN computed, FEC Payload ID for the
 * packet's FEC Encoding ID, payload copied.
 * @throws RangeError naming the field when a value does not fit its width.
 */
export function encodeAlcPacket(packet: AlcPacketInit, options: AlcOptions = DEFAULT_OPTIONS): Uint8Array {
  const plan = planPacket(packet, options);
  const out = new Uint8Array(plan.length);
  writePacket(packet, plan, out, 0, options);
  return out;
}

/**
 * Encodes an ALC packet into `target` at `offset` (no allocation for the bytes) and returns the
 * number of bytes written. On a RangeError part of the range may have been written.
 */
export function encodeAlcPacketInto(packet: AlcPacketInit, target: Uint8Array, offset = 0, options: AlcOptions = DEFAULT_OPTIONS): number {
  const plan = planPacket(packet, options);
  if (!Number.isInteger(offset) || offset < 0 || target.length - offset < plan.length) {
    invalidArgument('target', target, `has no room for ${plan.length} bytes at offset ${offset}`);
  }
  return writePacket(packet, plan, target, offset, options);
}

/**
 * FEC Payload ID: the field between the LCT header and the encoding symbol(s) of an ALC packet
 * (RFC 5775 §2.1). Its layout depends on the FEC Encoding ID:
 *
 *  0 (RFC 5445 §3.1), 1 (RFC 5053 §3.1):     SBN(16) ESI(16)
 *  2 (RFC 5510 §4.1):                         SBN(32-m) ESI(m)
 *  5 (RFC 5510 §5.1):                         SBN(24) ESI(8)
 *  6 (RFC 6330 §3.2):                         SBN(8) ESI(24)
 *  129 (RFC 5445 §2.1):                       SBN(32) Source Block Length(16) ESI(16)
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Source Block Number (SBN)   |   Encoding Symbol ID (ESI)    |   (FEC ID 0 and 1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { MalformedError, TruncatedError, invalidArgument } from './errors.js';
import { isUint, readU16, readU24, readU32, writeU16, writeU24, writeU32 } from './bytes.js';

/** A decoded FEC Payload ID. `sourceBlockLength` is present for FEC ID 129 only. */
export interface FecPayloadId {
  /** Source Block Number. */
  readonly sbn: number;
  /** Encoding Symbol ID. */
  readonly esi: number;
  /** Source block length in symbols (FEC ID 129 only, 16 bits). */
  readonly sourceBlockLength?: number;
}

/** Default m for FEC Encoding ID 2 when no FTI says otherwise (RFC 5510 §4.1). */
export const DEFAULT_RS_M = 8;

/** Size in bytes of the FEC Payload ID for a FEC Encoding ID, or -1 when it is not supported. */
export function fecPayloadIdLength(fecEncodingId: number): number {
  switch (fecEncodingId) {
    case 0:
    case 1:
    case 2:
    case 5:
    case 6:
      return 4;
    case 129:
      return 8;
    default:
      return -1;
  }
}

function checkM(m: number): void {
  if (!Number.isInteger(m) || m < 2 || m > 16) invalidArgument('m', m, 'is outside 2..16 (RFC 5510 §4.1)');
}

/**
 * Reads the FEC Payload ID at `offset`.
 * @param m field size exponent for FEC ID 2 (default 8); ignored otherwise.
 * @throws TruncatedError when the bytes end early, MalformedError for an unsupported FEC Encoding ID.
 */
export function decodeFecPayloadId(fecEncodingId: number, bytes: Uint8Array, offset = 0, m = DEFAULT_RS_M): FecPayloadId {
  const len = fecPayloadIdLength(fecEncodingId);
  if (len < 0) throw new MalformedError('FEC Encoding ID', offset, 'has no FEC Payload ID layout here (0, 1, 2, 5, 6, 129)', fecEncodingId);
  if (bytes.length - offset < len) throw new TruncatedError('FEC Payload ID', offset, len, bytes.length - offset);
  const o = offset;
  switch (fecEncodingId) {
    case 0:
    case 1:
      return { sbn: readU16(bytes, o), esi: readU16(bytes, o + 2) };
    case 2: {
      checkM(m);
      const w = readU32(bytes, o);
      const esiMask = 2 ** m - 1;
      return { sbn: Math.floor(w / 2 ** m), esi: w & esiMask };
    }
    case 5:
      return { sbn: readU24(bytes, o), esi: bytes[o + 3]! };
    case 6:
      return { sbn: bytes[o]!, esi: readU24(bytes, o + 1) };
    default:
      return { sbn: readU32(bytes, o), esi: readU16(bytes, o + 6), sourceBlockLength: readU16(bytes, o + 4) };
  }
}

/** Validates and writes a FEC Payload ID at `offset`; returns its length. Throws RangeError naming a field that does not fit. */
export function writeFecPayloadId(fecEncodingId: number, id: FecPayloadId, target: Uint8Array, offset: number, m = DEFAULT_RS_M): number {
  const { sbn, esi } = id;
  switch (fecEncodingId) {
    case 0:
    case 1:
      if (!isUint(sbn, 16)) invalidArgument('payloadId.sbn', sbn, 'does not fit 16 bits');
      if (!isUint(esi, 16)) invalidArgument('payloadId.esi', esi, 'does not fit 16 bits');
      writeU16(target, offset, sbn);
      writeU16(target, offset + 2, esi);
      return 4;
    case 2:
      checkM(m);
      if (!isUint(sbn, 32 - m)) invalidArgument('payloadId.sbn', sbn, `does not fit ${32 - m} bits (m = ${m})`);
      if (!isUint(esi, m)) invalidArgument('payloadId.esi', esi, `does not fit ${m} bits (m = ${m})`);
      writeU32(target, offset, sbn * 2 ** m + esi);
      return 4;
    case 5:
      if (!isUint(sbn, 24)) invalidArgument('payloadId.sbn', sbn, 'does not fit 24 bits');
      if (!isUint(esi, 8)) invalidArgument('payloadId.esi', esi, 'does not fit 8 bits');
      writeU24(target, offset, sbn);
      target[offset + 3] = esi;
      return 4;
    case 6:
      if (!isUint(sbn, 8)) invalidArgument('payloadId.sbn', sbn, 'does not fit 8 bits');
      if (!isUint(esi, 24)) invalidArgument('payloadId.esi', esi, 'does not fit 24 bits');
      target[offset] = sbn;
      writeU24(target, offset + 1, esi);
      return 4;
    case 129: {
      const sbl = id.sourceBlockLength;
      if (!isUint(sbn, 32)) invalidArgument('payloadId.sbn', sbn, 'does not fit 32 bits');
      if (!isUint(sbl, 16)) invalidArgument('payloadId.sourceBlockLength', sbl, 'is required for FEC Encoding ID 129 and must fit 16 bits');
      if (!isUint(esi, 16)) invalidArgument('payloadId.esi', esi, 'does not fit 16 bits');
      writeU32(target, offset, sbn);
      writeU16(target, offset + 4, sbl);
      writeU16(target, offset + 6, esi);
      return 8;
    }
    default:
      return invalidArgument('fecEncodingId', fecEncodingId, 'has no FEC Payload ID layout here (0, 1, 2, 5, 6, 129)');
  }
}

/** Encodes a FEC Payload ID into a new array. */
export function encodeFecPayloadId(fecEncodingId: number, id: FecPayloadId, m = DEFAULT_RS_M): Uint8Array {
  const len = fecPayloadIdLength(fecEncodingId);
  if (len < 0) invalidArgument('fecEncodingId', fecEncodingId, 'has no FEC Payload ID layout here (0, 1, 2, 5, 6, 129)');
  const out = new Uint8Array(len);
  writeFecPayloadId(fecEncodingId, id, out, 0, m);
  return out;
}

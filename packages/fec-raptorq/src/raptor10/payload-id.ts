import { TruncatedError } from '../errors.js';

/** Largest ESI: 16 bits (RFC 5053 §3.2). */
export const RAPTOR10_MAX_ESI = 0xffff;
/** Largest SBN: 16 bits (RFC 5053 §3.2). */
export const RAPTOR10_MAX_SBN = 0xffff;
/** Bytes of a Raptor FEC Payload ID. */
export const RAPTOR10_PAYLOAD_ID_LENGTH = 4;

/** The FEC Payload ID of RFC 5053 §3.2. */
export interface Raptor10PayloadId {
  /** Source block number, 0..65535. */
  readonly sbn: number;
  /** Encoding symbol ID, 0..65535. */
  readonly esi: number;
}

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Source Block Number       |      Encoding Symbol ID       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Figure 1: FEC Payload ID Format (RFC 5053 §3.2)

/** Writes the 4-byte FEC Payload ID into `out` at `offset`. */
export function encodeRaptor10PayloadId(id: Raptor10PayloadId, out: Uint8Array = new Uint8Array(4), offset = 0): Uint8Array {
  const { sbn, esi } = id;
  if (!Number.isInteger(sbn) || sbn < 0 || sbn > RAPTOR10_MAX_SBN) throw new RangeError(`sbn = ${sbn}: must be 0..65535`);
  if (!Number.isInteger(esi) || esi < 0 || esi > RAPTOR10_MAX_ESI) throw new RangeError(`esi = ${esi}: must be 0..65535`);
  if (offset < 0 || offset + 4 > out.length) throw new RangeError(`out has no room for 4 bytes at ${offset}`);
  out[offset] = sbn >>> 8;
  out[offset + 1] = sbn & 0xff;
  out[offset + 2] = esi >>> 8;
  out[offset + 3] = esi & 0xff;
  return out;
}

/** Reads the 4-byte FEC Payload ID at the start of `bytes`. */
export function decodeRaptor10PayloadId(bytes: Uint8Array): Raptor10PayloadId {
  if (bytes.length < 4) throw new TruncatedError('Raptor FEC Payload ID', 4, bytes.length);
  return { sbn: (bytes[0]! << 8) | bytes[1]!, esi: (bytes[2]! << 8) | bytes[3]! };
}

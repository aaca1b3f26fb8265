import { TruncatedError } from '../errors.js';

/** Largest ESI: 24 bits (RFC 6330 §3.2). */
export const RAPTORQ_MAX_ESI = 0xffffff;
/** Largest SBN: 8 bits (RFC 6330 §3.2). */
export const RAPTORQ_MAX_SBN = 0xff;
/** Bytes of a RaptorQ FEC Payload ID. */
export const RAPTORQ_PAYLOAD_ID_LENGTH = 4;

/** The FEC Payload ID of RFC 6330 §3.2. */
export interface RaptorQPayloadId {
  /** Source block number, 0..255. */
  readonly sbn: number;
  /** Encoding symbol ID, 0..2^24-1. */
  readonly esi: number;
}

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     SBN       |               Encoding Symbol ID              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Figure 2: FEC Payload ID Format (RFC 6330 §3.2)

/** Writes the 4-byte FEC Payload ID into `out` at `offset`. */
export function encodeRaptorQPayloadId(id: RaptorQPayloadId, out: Uint8Array = new Uint8Array(4), offset = 0): Uint8Array {
  const { sbn, esi } = id;
  if (!Number.isInteger(sbn) || sbn < 0 || sbn > RAPTORQ_MAX_SBN) throw new RangeError(`sbn = ${sbn}: must be 0..255`);
  if (!Number.isInteger(esi) || esi < 0 || esi > RAPTORQ_MAX_ESI) throw new RangeError(`esi = ${esi}: must be 0..${RAPTORQ_MAX_ESI}`);
  if (offset < 0 || offset + 4 > out.length) throw new RangeError(`out has no room for 4 bytes at ${offset}`);
  out[offset] = sbn;
  out[offset + 1] = esi >>> 16;
  out[offset + 2] = (esi >>> 8) & 0xff;
  out[offset + 3] = esi & 0xff;
  return out;
}

/** Reads the 4-byte FEC Payload ID at the start of `bytes`. */
export function decodeRaptorQPayloadId(bytes: Uint8Array): RaptorQPayloadId {
  if (bytes.length < 4) throw new TruncatedError('RaptorQ FEC Payload ID', 4, bytes.length);
  return { sbn: bytes[0]!, esi: (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]! };
}

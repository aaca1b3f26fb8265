import { EFP_EMBEDDED_HEADER_SIZE, EFP_EMBEDDED_LAST } from './constants.js';
import { MalformedError, TruncatedError } from './errors.js';
import { readU16, writeU16 } from './le.js';

// Embedded data (flag 0x10, INLINE_PAYLOAD): the superframe starts with records, the last one marked
// by bit 0x80 in its type, and the real payload follows.
//
//   0        1        2        3
//  +--------+--------+--------+--------+----------------+
//  |L| type |   0    |   size (u16)    |  size bytes ...|   ... repeated until L = 1, then the payload
//  +--------+--------+--------+--------+----------------+
//
// Types: 1 private data, 2 H.222 PMT, 3 MP4 fragment box; 0 is illegal.

/** One embedded-data record. */
export interface EmbeddedRecord {
  /** Record type 1..127 (see EfpEmbeddedType), without the "last" bit. */
  readonly type: number;
  /** Record bytes (zero-copy view when extracted). */
  readonly data: Uint8Array;
}

/** The records and the payload that follows them. */
export interface EmbeddedData {
  readonly records: EmbeddedRecord[];
  /** The real payload after the last record (zero-copy view). */
  readonly payload: Uint8Array;
}

/** Options of `extractEmbeddedData`. */
export interface ExtractEmbeddedDataOptions {
  /**
   * Most records accepted in one frame. Default 1024: senders put a handful in front of a payload,
   * and every record costs an object and a view, so a frame of 4-byte records must not cost 40 times
   * its size in memory.
   */
  readonly maxRecords?: number;
}

/** Default of `ExtractEmbeddedDataOptions.maxRecords`. */
export const EFP_MAX_EMBEDDED_RECORDS = 1024;

/** Bytes the records take in front of the payload. */
export function embeddedDataLength(records: readonly EmbeddedRecord[]): number {
  let n = 0;
  for (const r of records) n += EFP_EMBEDDED_HEADER_SIZE + r.data.length;
  return n;
}

/**
 * Builds a superframe payload: the records (the last one flagged) followed by `payload`. Send it with
 * flags EFP_FLAG_EMBEDDED. Throws RangeError for no records, a type outside 1..127 or data over 65535 bytes.
 */
export function encodeEmbeddedData(records: readonly EmbeddedRecord[], payload: Uint8Array): Uint8Array {
  if (records.length === 0) throw new RangeError('embedded data needs at least one record');
  const head = embeddedDataLength(records);
  const out = new Uint8Array(head + payload.length);
  let o = 0;
  records.forEach((r, i) => {
    if (!Number.isInteger(r.type) || r.type < 1 || r.type > 0x7f) {
      throw new RangeError(`embedded record ${i}: type must be an integer in 1..127, got ${String(r.type)}`);
    }
    if (r.data.length > 0xffff) throw new RangeError(`embedded record ${i}: data is ${r.data.length} bytes, at most 65535`);
    out[o] = i === records.length - 1 ? r.type | EFP_EMBEDDED_LAST : r.type;
    out[o + 1] = 0;
    writeU16(out, o + 2, r.data.length);
    out.set(r.data, o + EFP_EMBEDDED_HEADER_SIZE);
    o += EFP_EMBEDDED_HEADER_SIZE + r.data.length;
  });
  out.set(payload, o);
  return out;
}

/**
 * Splits a superframe sent with EFP_FLAG_EMBEDDED into its records and payload (zero-copy views).
 * Throws MalformedError for an illegal record type 0 or more than `maxRecords` records (default
 * 1024), TruncatedError when a record runs past the end. An empty payload after the last record is
 * accepted (the reference's extractor rejects it).
 */
export function extractEmbeddedData(frame: Uint8Array, options: ExtractEmbeddedDataOptions = {}): EmbeddedData {
  const maxRecords = options.maxRecords ?? EFP_MAX_EMBEDDED_RECORDS;
  if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) throw new RangeError(`maxRecords must be a positive integer, got ${String(maxRecords)}`);
  const records: EmbeddedRecord[] = [];
  let o = 0;
  for (;;) {
    if (records.length === maxRecords) throw new MalformedError('embedded record count', o, records.length, `more than maxRecords = ${maxRecords} records`);
    if (frame.length - o < EFP_EMBEDDED_HEADER_SIZE) {
      throw new TruncatedError('embedded record header', o, EFP_EMBEDDED_HEADER_SIZE, frame.length - o);
    }
    const t = frame[o]!;
    if ((t & 0x7f) === 0) throw new MalformedError('embedded record type', o, t, 'type 0 is illegal');
    const size = readU16(frame, o + 2);
    const start = o + EFP_EMBEDDED_HEADER_SIZE;
    if (frame.length - start < size) throw new TruncatedError('embedded record data', start, size, frame.length - start);
    records.push({ type: t & 0x7f, data: frame.subarray(start, start + size) });
    o = start + size;
    if ((t & EFP_EMBEDDED_LAST) !== 0) return { records, payload: frame.subarray(o) };
  }
}

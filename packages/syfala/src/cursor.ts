import { MalformedError, TruncatedError } from './errors.js';

/** Largest number of bytes a postcard varint for a u64 may take. */
const MAX_VARINT_BYTES = 10;

/**
 * A read cursor over one datagram: a single DataView built from the array's
 * `(buffer, byteOffset, byteLength)`, every read length-checked first.
 */
export class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  offset: number;

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  need(n: number, what: string): void {
    if (this.bytes.length - this.offset < n) throw new TruncatedError(what, this.offset, n, this.bytes.length - this.offset);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u32le(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64le(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  f64le(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /**
   * LEB128 varint (postcard `usize`/`u64`), returned as a number. Values above
   * 2^53 - 1 cannot be represented exactly and are rejected as malformed.
   */
  varint(what: string): number {
    const start = this.offset;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.offset >= this.bytes.length) throw new TruncatedError(what, start, this.offset - start + 1, this.bytes.length - start);
      const b = this.bytes[this.offset++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (value > Number.MAX_SAFE_INTEGER) throw new MalformedError(what, start, 'varint exceeds 2^53 - 1', value);
        return value;
      }
      scale *= 128;
    }
    throw new MalformedError(what, start, `varint longer than ${MAX_VARINT_BYTES} bytes`);
  }
}

/** Number of bytes the LEB128 encoding of `value` takes. */
export function varintLength(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes `value` as LEB128 at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 128) {
    out[offset++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

/** Throws RangeError unless `value` is an integer in [min, max]. */
export function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

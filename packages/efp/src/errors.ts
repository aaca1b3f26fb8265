/** Thrown when a buffer ends before a structure does: more bytes are needed. */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError' as const;
  /** The structure being read, e.g. `'type 2 header'`. */
  readonly what: string;
  /** Byte offset (in the buffer given to the decoder) where the structure starts. */
  readonly offset: number;
  /** Bytes the structure needs from `offset`. */
  readonly needed: number;
  /** Bytes available from `offset`. */
  readonly available: number;

  constructor(what: string, offset: number, needed: number, available: number) {
    super(`EFP ${what} at offset ${offset} needs ${needed} bytes, ${available} available`);
    this.what = what;
    this.offset = offset;
    this.needed = needed;
    this.available = available;
  }
}

/** Thrown when bytes are present but violate the EFP wire format. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError' as const;
  /** The field or structure at fault, e.g. `'frame type'`. */
  readonly what: string;
  /** Byte offset of the field in the buffer given to the decoder. */
  readonly offset: number;
  /** The offending value. */
  readonly value: number;

  constructor(what: string, offset: number, value: number, detail = '') {
    super(`EFP ${what} at offset ${offset} is invalid (${value})${detail === '' ? '' : `: ${detail}`}`);
    this.what = what;
    this.offset = offset;
    this.value = value;
  }
}

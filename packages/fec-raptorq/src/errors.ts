/**
 * Errors thrown by the codecs of this package. Encoders throw plain `RangeError` for bad arguments;
 * decoders of wire structures throw one of these two.
 */

/** The input ended before the structure did: more bytes are needed. */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError' as const;
  /** What was being decoded, e.g. `'RaptorQ OTI'`. */
  readonly what: string;
  /** Bytes needed for the structure. */
  readonly needed: number;
  /** Bytes available. */
  readonly available: number;

  constructor(what: string, needed: number, available: number) {
    super(`${what}: need ${needed} bytes, have ${available}`);
    this.what = what;
    this.needed = needed;
    this.available = available;
  }
}

/** The input violates the specification (a field out of range, inconsistent parameters). */
export class MalformedError extends Error {
  override readonly name = 'MalformedError' as const;
  /** What was being decoded, e.g. `'RaptorQ OTI'`. */
  readonly what: string;
  /** The offending field. */
  readonly field: string;
  /** The offending value. */
  readonly value: number | bigint;

  constructor(what: string, field: string, value: number | bigint, reason: string) {
    super(`${what}: ${field} = ${value}: ${reason}`);
    this.what = what;
    this.field = field;
    this.value = value;
  }
}

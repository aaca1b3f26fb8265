/** More bytes were needed than the input holds. */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError' as const;
  /** What was being read, e.g. `"Format.sampleRate"`. */
  readonly what: string;
  /** Byte offset at which the read started. */
  readonly offset: number;
  /** Bytes the read needed from `offset`. */
  readonly needed: number;
  /** Bytes that were available from `offset`. */
  readonly available: number;

  constructor(what: string, offset: number, needed: number, available: number) {
    super(`${what}: need ${needed} bytes at offset ${offset}, have ${available}`);
    this.what = what;
    this.offset = offset;
    this.needed = needed;
    this.available = available;
  }
}

/** The input violates the Syfala wire format or a configured limit. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError' as const;
  /** The field or structure at fault, e.g. `"Format.channelCount"`. */
  readonly what: string;
  /** Byte offset of the offending field. */
  readonly offset: number;
  /** The offending value, when there is one. */
  readonly value: unknown;

  constructor(what: string, offset: number, message: string, value?: unknown) {
    super(`${what} at offset ${offset}: ${message}`);
    this.what = what;
    this.offset = offset;
    this.value = value;
  }
}

/**
 * The two error classes of this package. Decoders throw only these (plus `RangeError` from encoders
 * for bad arguments), so a receiver can catch them, count the packet as bad and keep going.
 */

/** The input ends before a field that the header says is there: more bytes are needed. */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError' as const;
  /** Wire field that could not be read, e.g. `"LCT header"`, `"FEC Payload ID"`. */
  readonly field: string;
  /** Byte offset where the field starts. */
  readonly offset: number;
  /** Bytes the field needs from `offset`. */
  readonly needed: number;
  /** Bytes available from `offset`. */
  readonly available: number;

  constructor(field: string, offset: number, needed: number, available: number) {
    super(`${field}: needs ${needed} bytes at offset ${offset}, only ${Math.max(0, available)} available`);
    this.field = field;
    this.offset = offset;
    this.needed = needed;
    this.available = Math.max(0, available);
  }
}

/** The bytes are all there but violate RFC 5651 / RFC 5775 / the FEC scheme. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError' as const;
  /** Wire field that is wrong, e.g. `"V"`, `"HDR_LEN"`, `"HEL"`, `"EXT_FTI"`, `"EXT_TIME"`. */
  readonly field: string;
  /** Byte offset where the field starts. */
  readonly offset: number;
  /** The offending value, when there is one. */
  readonly value: number | bigint | undefined;

  constructor(field: string, offset: number, reason: string, value?: number | bigint) {
    super(`${field} at offset ${offset}: ${reason}`);
    this.field = field;
    this.offset = offset;
    this.value = value;
  }
}

/** Throws the RangeError encoders use for arguments that do not fit the wire format. */
export function invalidArgument(field: string, value: unknown, expectation: string): never {
  throw new RangeError(`${field}: ${describe(value)} ${expectation}`);
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return String(value);
}

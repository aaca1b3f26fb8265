/**
 * The two error classes of @proto/flute. Codec-level helpers (content decoding, FTI checks, the FEC
 * schemes) throw only these for bad input, so the receiver can catch them, count the datagram or
 * object as bad by reason and keep going. Arguments that make no sense (a negative symbol length, a
 * TOI that does not fit its width) throw plain `RangeError` naming the argument.
 */

/** The input ends before the structure it announces: more bytes were needed. */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError' as const;
  constructor(
    /** What was being read, e.g. `'gzip stream'` or `'symbol'`. */
    readonly what: string,
    /** Bytes needed. */
    readonly needed: number,
    /** Bytes available. */
    readonly available: number,
  ) {
    super(`${what}: needs ${needed} bytes, only ${Math.max(0, available)} available`);
  }
}

/** The input violates RFC 6726, its FEC scheme, or a configured limit. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError' as const;
  constructor(
    /** The structure or field concerned, e.g. `'EXT_FTI'`, `'Content-Encoding'`, `'ESI'`. */
    readonly field: string,
    /** Why it is wrong. */
    readonly reason: string,
    /** The offending value, when there is one. */
    readonly value?: number | bigint | string,
  ) {
    super(`${field}: ${reason}${value === undefined ? '' : ` (${typeof value === 'bigint' ? `${value}n` : String(value)})`}`);
  }
}

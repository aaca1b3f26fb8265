/**
 * Not enough input to finish: fewer than k distinct symbols for a decode. `needed` and `available`
 * count symbols.
 */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError';
  constructor(
    message: string,
    /** What was short, e.g. 'symbols'. */
    readonly what: string,
    readonly needed: number,
    readonly available: number,
  ) {
    super(message);
  }
}

/**
 * Input that violates the code: an ESI outside 0..n−1, symbols of different sizes, a symbol size the
 * field cannot split into elements. `esi` says which symbol, when one is to blame.
 */
export class MalformedError extends Error {
  override readonly name = 'MalformedError';
  constructor(
    message: string,
    /** The offending field, e.g. 'esi' or 'symbol size'. */
    readonly what: string,
    readonly esi?: number,
  ) {
    super(message);
  }
}

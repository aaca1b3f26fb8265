/** The result of Partition[I, J] (RFC 6330 §4.4.1.2, RFC 5053 §5.3.1.2). */
export interface Partition {
  /** ceil(I / J): size of the larger parts. */
  readonly large: number;
  /** floor(I / J): size of the smaller parts. */
  readonly small: number;
  /** Number of larger parts (they come first). */
  readonly largeCount: number;
  /** Number of smaller parts. */
  readonly smallCount: number;
}

/**
 * Partition[I, J]: splits I items into J parts of nearly equal size, the larger parts first
 * (RFC 6330 §4.4.1.2; identical to RFC 5053 §5.3.1.2).
 */
export function partition(I: number, J: number): Partition {
  if (!Number.isInteger(I) || I < 0) throw new RangeError(`I = ${I}: must be a non-negative integer`);
  if (!Number.isInteger(J) || J < 1) throw new RangeError(`J = ${J}: must be a positive integer`);
  const large = Math.ceil(I / J);
  const small = Math.floor(I / J);
  const largeCount = I - small * J;
  return { large, small, largeCount, smallCount: J - largeCount };
}

/** Size of part `index` of Partition[I, J]. */
export function partSize(p: Partition, index: number): number {
  return index < p.largeCount ? p.large : p.small;
}

/** Index of the first item of part `index` of Partition[I, J]. */
export function partStart(p: Partition, index: number): number {
  return index < p.largeCount ? index * p.large : p.largeCount * p.large + (index - p.largeCount) * p.small;
}

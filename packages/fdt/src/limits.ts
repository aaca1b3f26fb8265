/**
 * Bounds on what one FDT may cost to parse. Every check happens in a single pass over the text
 * before any tree is built, so a hostile document is refused in time linear in the bytes read
 * and memory bounded by `maxBytes`.
 */
export interface FdtLimits {
  /** Input size: bytes for a Uint8Array, UTF-16 code units for a string. Default 1 MiB. */
  readonly maxBytes: number;
  /** Element nesting depth (FDT-Instance is depth 1). Default 16, at most MAX_DEPTH_LIMIT. */
  readonly maxDepth: number;
  /** Elements in the document. Default 100,000. */
  readonly maxElements: number;
  /** Attributes on one element. Default 256. */
  readonly maxAttributes: number;
  /** Length of one attribute value or one text run, in UTF-16 code units. Default 65,536. */
  readonly maxAttributeLength: number;
}

export const DEFAULT_FDT_LIMITS: FdtLimits = Object.freeze({
  maxBytes: 1 << 20,
  maxDepth: 16,
  maxElements: 100_000,
  maxAttributes: 256,
  maxAttributeLength: 65_536,
});

/**
 * The highest `maxDepth` accepted: the tree walks recurse once per level, and this keeps them far
 * from the engine's stack limit.
 */
export const MAX_DEPTH_LIMIT = 256;

/** Options of `parseFdt`: any subset of the limits. */
export type ParseFdtOptions = Partial<FdtLimits>;

export function resolveLimits(options: ParseFdtOptions | undefined): FdtLimits {
  if (options === undefined) return DEFAULT_FDT_LIMITS;
  const limits: FdtLimits = { ...DEFAULT_FDT_LIMITS, ...options };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1) throw new RangeError(`${key} must be a positive integer, got ${String(value)}`);
  }
  if (limits.maxDepth > MAX_DEPTH_LIMIT) throw new RangeError(`maxDepth must be at most ${MAX_DEPTH_LIMIT}, got ${limits.maxDepth}`);
  return limits;
}

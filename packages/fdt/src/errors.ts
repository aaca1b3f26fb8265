/**
 * Why an FDT was refused. Every parse failure carries one of these, so a receiver can count
 * drops by cause without matching on message text.
 */
export type MalformedReason =
  /** Not well-formed XML (unbalanced tags, bad attribute syntax, content outside the root...). */
  | 'xml'
  /** A DOCTYPE, ENTITY or other markup declaration: refused outright, nothing is expanded. */
  | 'doctype'
  /** Not UTF-8, or an XML declaration naming another encoding. */
  | 'encoding'
  /** A configured limit (size, depth, element count, attribute length...) was exceeded. */
  | 'limit'
  /** An undeclared prefix, or a root element that is not FDT-Instance in a FLUTE namespace. */
  | 'namespace'
  /** A required attribute (Expires, Content-Location, TOI) is absent. */
  | 'missing'
  /** A number that is not a decimal unsigned integer. */
  | 'number'
  /** A number outside the range its field allows. */
  | 'range'
  /** Invalid base64, or decoded bytes of the wrong length. */
  | 'base64'
  /** A boolean that is not one of true, false, 1, 0. */
  | 'boolean'
  /** An invalid or unknown entity or character reference. */
  | 'entity'
  /** An element in the wrong place or repeated where only one is allowed. */
  | 'structure';

/**
 * The FDT document ends before it is complete (an open element, comment, tag or an empty
 * input): more bytes were needed. For a datagram-carried FDT this usually means a reassembly
 * error upstream.
 */
export class TruncatedError extends RangeError {
  override readonly name = 'TruncatedError' as const;
  /** Offset (in characters of the decoded text) at which the input ended. */
  readonly offset: number;
  /** What was still open, e.g. `</FDT-Instance>` or `-->`. */
  readonly expected: string;

  constructor(expected: string, offset: number) {
    super(`FDT truncated at offset ${offset}: expected ${expected}`);
    this.expected = expected;
    this.offset = offset;
  }
}

/** The FDT violates XML, RFC 6726 §3.4.2 or a configured limit. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError' as const;
  /** The attribute or element concerned, e.g. `File@TOI`, `FDT-Instance@Expires`, `document`. */
  readonly field: string;
  /** Machine-readable cause. */
  readonly reason: MalformedReason;
  /** Offset in characters of the decoded text, when known. */
  readonly offset: number | undefined;

  constructor(field: string, reason: MalformedReason, detail: string, offset?: number) {
    super(`FDT ${field}: ${detail}${offset === undefined ? '' : ` (offset ${offset})`}`);
    this.field = field;
    this.reason = reason;
    this.offset = offset;
  }
}

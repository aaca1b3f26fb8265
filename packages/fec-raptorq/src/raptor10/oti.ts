import { MalformedError, TruncatedError } from '../errors.js';
import { RAPTOR10_MAX_SOURCE_SYMBOLS, RAPTOR10_MIN_SOURCE_SYMBOLS } from './params.js';

/** Bytes of the encoded Raptor OTI (RFC 5053 §3.2.2 + §3.2.3). */
export const RAPTOR10_OTI_LENGTH = 12;
/** Largest transfer length F: 40 bits. */
export const RAPTOR10_MAX_TRANSFER_LENGTH = 2 ** 40 - 1;

/** Raptor Object Transmission Information: the common part and the scheme-specific part. */
export interface Raptor10Oti {
  /** F: object size in bytes. */
  readonly transferLength: number;
  /** T: symbol size in bytes, a multiple of `alignment`. */
  readonly symbolSize: number;
  /** Z: number of source blocks, 1..65535. */
  readonly sourceBlocks: number;
  /** N: number of sub-blocks per source block, 1..min(255, T/Al). */
  readonly subBlocks: number;
  /** Al: symbol alignment in bytes, 1..255. */
  readonly alignment: number;
}

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      Transfer Length (F)                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               |    Reserved   |        Symbol Size (T)        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |             Z                 |      N        |       Al      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Common (RFC 5053 §3.2.2) and scheme-specific (§3.2.3) FEC OTI

const WHAT = 'Raptor OTI';

function problem(oti: Raptor10Oti): [field: string, value: number, reason: string] | undefined {
  const { transferLength: F, symbolSize: T, sourceBlocks: Z, subBlocks: N, alignment: Al } = oti;
  if (!Number.isInteger(F) || F < 1 || F > RAPTOR10_MAX_TRANSFER_LENGTH) return ['F', F, `must be 1..${RAPTOR10_MAX_TRANSFER_LENGTH}`];
  if (!Number.isInteger(Al) || Al < 1 || Al > 255) return ['Al', Al, 'must be 1..255'];
  if (!Number.isInteger(T) || T < 1 || T > 0xffff) return ['T', T, 'must be 1..65535'];
  if (T % Al !== 0) return ['T', T, `must be a multiple of Al = ${Al}`];
  if (!Number.isInteger(Z) || Z < 1 || Z > 0xffff) return ['Z', Z, 'must be 1..65535'];
  if (!Number.isInteger(N) || N < 1 || N > 255 || N > T / Al) return ['N', N, `must be 1..${Math.min(255, T / Al)}`];
  const Kt = Math.ceil(F / T);
  if (Math.floor(Kt / Z) < RAPTOR10_MIN_SOURCE_SYMBOLS) return ['Z', Z, `blocks of ${Kt} symbols in ${Z} would hold fewer than ${RAPTOR10_MIN_SOURCE_SYMBOLS}`];
  if (Math.ceil(Kt / Z) > RAPTOR10_MAX_SOURCE_SYMBOLS) return ['Z', Z, `blocks of ${Math.ceil(Kt / Z)} symbols exceed ${RAPTOR10_MAX_SOURCE_SYMBOLS}`];
  return undefined;
}

/** Throws MalformedError unless the OTI describes a codable object (every block 4..8192 symbols). */
export function checkRaptor10Oti(oti: Raptor10Oti): void {
  const p = problem(oti);
  if (p !== undefined) throw new MalformedError(WHAT, p[0], p[1], p[2]);
}

/** Encodes the 12-byte OTI. Throws RangeError for an unusable OTI. */
export function encodeRaptor10Oti(oti: Raptor10Oti): Uint8Array {
  const p = problem(oti);
  if (p !== undefined) throw new RangeError(`${WHAT}: ${p[0]} = ${p[1]}: ${p[2]}`);
  const out = new Uint8Array(RAPTOR10_OTI_LENGTH);
  const F = oti.transferLength;
  const lo = F >>> 0;
  out[0] = Math.floor(F / 2 ** 32) & 0xff;
  out[1] = lo >>> 24;
  out[2] = (lo >>> 16) & 0xff;
  out[3] = (lo >>> 8) & 0xff;
  out[4] = lo & 0xff;
  out[6] = oti.symbolSize >>> 8;
  out[7] = oti.symbolSize & 0xff;
  out[8] = oti.sourceBlocks >>> 8;
  out[9] = oti.sourceBlocks & 0xff;
  out[10] = oti.subBlocks;
  out[11] = oti.alignment;
  return out;
}

/** Decodes the 12-byte OTI (reserved octet ignored): TruncatedError if shorter, MalformedError if unusable. */
export function decodeRaptor10Oti(bytes: Uint8Array): Raptor10Oti {
  if (bytes.length < RAPTOR10_OTI_LENGTH) throw new TruncatedError(WHAT, RAPTOR10_OTI_LENGTH, bytes.length);
  const oti: Raptor10Oti = {
    transferLength: bytes[0]! * 2 ** 32 + (((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0),
    symbolSize: (bytes[6]! << 8) | bytes[7]!,
    sourceBlocks: (bytes[8]! << 8) | bytes[9]!,
    subBlocks: bytes[10]!,
    alignment: bytes[11]!,
  };
  checkRaptor10Oti(oti);
  return oti;
}

/** Inputs of the parameter derivation of RFC 5053 §4.2 with one symbol per packet. */
export interface DeriveRaptor10OtiOptions {
  /** F. */
  readonly transferLength: number;
  /** T, a multiple of `alignment`. */
  readonly symbolSize: number;
  /** Al (default 4). */
  readonly alignment?: number;
  /** W: the largest sub-block, in bytes, a receiver decodes in working memory (default 16 MiB). */
  readonly maxSubBlockSize?: number;
}

/**
 * Z and N for an object (RFC 5053 §4.2): Kt = ceil(F/T), Z = ceil(Kt/8192),
 * N = min(ceil(ceil(Kt/Z) * T / W), T/Al). Throws RangeError if a block would hold fewer than 4
 * symbols (choose a smaller T).
 */
export function deriveRaptor10Oti(options: DeriveRaptor10OtiOptions): Raptor10Oti {
  const F = options.transferLength;
  const T = options.symbolSize;
  const Al = options.alignment ?? 4;
  const W = options.maxSubBlockSize ?? 16 * 1024 * 1024;
  const Kt = Math.ceil(F / T);
  const Z = Math.max(1, Math.ceil(Kt / RAPTOR10_MAX_SOURCE_SYMBOLS));
  const N = Math.max(1, Math.min(Math.ceil((Math.ceil(Kt / Z) * T) / W), Math.floor(T / Al), 255));
  const oti: Raptor10Oti = { transferLength: F, symbolSize: T, sourceBlocks: Z, subBlocks: N, alignment: Al };
  const p = problem(oti);
  if (p !== undefined) throw new RangeError(`${WHAT}: ${p[0]} = ${p[1]}: ${p[2]}`);
  return oti;
}

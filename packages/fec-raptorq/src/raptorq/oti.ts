import { partition, type Partition } from '../core/partition.js';
import { MalformedError, TruncatedError } from '../errors.js';
import { RAPTORQ_MAX_SOURCE_SYMBOLS } from './params.js';
import { TABLE2 } from './tables.js';

/** Bytes of the encoded RaptorQ OTI (RFC 6330 §3.3.2 + §3.3.3). */
export const RAPTORQ_OTI_LENGTH = 12;
/** Largest transfer length F (RFC 6330 §3.3.2): 56403 * 256 * 65535. */
export const RAPTORQ_MAX_TRANSFER_LENGTH = 946270874880;

/** RaptorQ Object Transmission Information: the common part and the scheme-specific part. */
export interface RaptorQOti {
  /** F: object size in bytes, 1..946270874880. */
  readonly transferLength: number;
  /** T: symbol size in bytes, a multiple of `alignment`. */
  readonly symbolSize: number;
  /** Z: number of source blocks, 1..255. */
  readonly sourceBlocks: number;
  /** N: number of sub-blocks per source block, 1..T/Al. */
  readonly subBlocks: number;
  /** Al: symbol alignment in bytes, 1..255. */
  readonly alignment: number;
}

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      Transfer Length (F)                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               |    Reserved   |           Symbol Size (T)     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Figure 3: Encoded Common FEC OTI for RaptorQ (RFC 6330 §3.3.2)
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |       Z       |              N                |       Al      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Figure 4: Encoded Scheme-Specific FEC OTI (RFC 6330 §3.3.3)

const WHAT = 'RaptorQ OTI';

/**
 * Why the OTI is unusable, or undefined: F, T, Z, N, Al in range, T a multiple of Al, each
 * sub-symbol at least Al bytes, at least one symbol per block and at most 56403.
 */
function problem(oti: RaptorQOti): [field: string, value: number, reason: string] | undefined {
  const { transferLength: F, symbolSize: T, sourceBlocks: Z, subBlocks: N, alignment: Al } = oti;
  if (!Number.isInteger(F) || F < 1 || F > RAPTORQ_MAX_TRANSFER_LENGTH) return ['F', F, `must be 1..${RAPTORQ_MAX_TRANSFER_LENGTH}`];
  if (!Number.isInteger(Al) || Al < 1 || Al > 255) return ['Al', Al, 'must be 1..255'];
  if (!Number.isInteger(T) || T < 1 || T > 0xffff) return ['T', T, 'must be 1..65535'];
  if (T % Al !== 0) return ['T', T, `must be a multiple of Al = ${Al}`];
  if (!Number.isInteger(Z) || Z < 1 || Z > 255) return ['Z', Z, 'must be 1..255'];
  if (!Number.isInteger(N) || N < 1 || N > T / Al) return ['N', N, `must be 1..T/Al = ${T / Al}`];
  const Kt = Math.ceil(F / T);
  if (Z > Kt) return ['Z', Z, `more source blocks than the ${Kt} source symbols`];
  if (Math.ceil(Kt / Z) > RAPTORQ_MAX_SOURCE_SYMBOLS) return ['Z', Z, `blocks of ${Math.ceil(Kt / Z)} symbols exceed K'max = ${RAPTORQ_MAX_SOURCE_SYMBOLS}`];
  return undefined;
}

/** Throws MalformedError unless the OTI describes a codable object. */
export function checkRaptorQOti(oti: RaptorQOti): void {
  const p = problem(oti);
  if (p !== undefined) throw new MalformedError(WHAT, p[0], p[1], p[2]);
}

/** Encodes the 12-byte OTI. Throws RangeError for an unusable OTI. */
export function encodeRaptorQOti(oti: RaptorQOti): Uint8Array {
  const p = problem(oti);
  if (p !== undefined) throw new RangeError(`${WHAT}: ${p[0]} = ${p[1]}: ${p[2]}`);
  const out = new Uint8Array(RAPTORQ_OTI_LENGTH);
  const F = oti.transferLength;
  const hi = Math.floor(F / 2 ** 32);
  const lo = F >>> 0;
  out[0] = hi & 0xff;
  out[1] = lo >>> 24;
  out[2] = (lo >>> 16) & 0xff;
  out[3] = (lo >>> 8) & 0xff;
  out[4] = lo & 0xff;
  out[5] = 0;
  out[6] = oti.symbolSize >>> 8;
  out[7] = oti.symbolSize & 0xff;
  out[8] = oti.sourceBlocks;
  out[9] = oti.subBlocks >>> 8;
  out[10] = oti.subBlocks & 0xff;
  out[11] = oti.alignment;
  return out;
}

/**
 * Decodes the 12-byte OTI at the start of `bytes` (the reserved octet is ignored). Throws
 * TruncatedError if fewer than 12 bytes, MalformedError if the values are unusable.
 */
export function decodeRaptorQOti(bytes: Uint8Array): RaptorQOti {
  if (bytes.length < RAPTORQ_OTI_LENGTH) throw new TruncatedError(WHAT, RAPTORQ_OTI_LENGTH, bytes.length);
  const F = bytes[0]! * 2 ** 32 + (((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0);
  const oti: RaptorQOti = {
    transferLength: F,
    symbolSize: (bytes[6]! << 8) | bytes[7]!,
    sourceBlocks: bytes[8]!,
    subBlocks: (bytes[9]! << 8) | bytes[10]!,
    alignment: bytes[11]!,
  };
  checkRaptorQOti(oti);
  return oti;
}

/** Inputs of the OTI derivation of RFC 6330 §4.3. */
export interface DeriveRaptorQOtiOptions {
  /** F: object size in bytes. */
  readonly transferLength: number;
  /** P': the payload size per packet, which becomes T; a multiple of `alignment`. */
  readonly symbolSize: number;
  /** Al (default 4). */
  readonly alignment?: number;
  /** WS: the largest sub-block, in bytes, a receiver decodes in working memory (default 10 MiB). */
  readonly maxSubBlockSize?: number;
  /** SS * Al: the smallest sub-symbol, in bytes, a multiple of Al (default 8 * Al). */
  readonly minSubSymbolSize?: number;
  /**
   * Extension, not in RFC 6330: also keep every source block at or below this many symbols (more
   * blocks, each faster to code). Default: no limit beyond K'max.
   */
  readonly maxSourceBlockSymbols?: number;
}

/**
 * Derives Z and N for an object (RFC 6330 §4.3): T = P', Kt = ceil(F/T), N_max = floor(T/(SS*Al)),
 * KL(n) = the largest K' with K' <= WS/(Al*ceil(T/(Al*n))), Z = ceil(Kt/KL(N_max)), and N the
 * smallest n with ceil(Kt/Z) <= KL(n). With WS = 10 MiB, Al = 8 and SS*Al = 64 this reproduces
 * cberner/raptorq's `with_defaults`.
 */
export function deriveRaptorQOti(options: DeriveRaptorQOtiOptions): RaptorQOti {
  const F = options.transferLength;
  const T = options.symbolSize;
  const Al = options.alignment ?? 4;
  const WS = options.maxSubBlockSize ?? 10 * 1024 * 1024;
  const ssAl = options.minSubSymbolSize ?? 8 * Al;
  const cap = options.maxSourceBlockSymbols ?? RAPTORQ_MAX_SOURCE_SYMBOLS;
  if (!Number.isInteger(Al) || Al < 1 || Al > 255) throw new RangeError(`alignment = ${Al}: must be 1..255`);
  if (!Number.isInteger(T) || T < Al || T > 0xffff || T % Al !== 0) throw new RangeError(`symbolSize = ${T}: must be a multiple of ${Al} in ${Al}..65535`);
  if (!Number.isInteger(F) || F < 1 || F > RAPTORQ_MAX_TRANSFER_LENGTH) throw new RangeError(`transferLength = ${F}: must be 1..${RAPTORQ_MAX_TRANSFER_LENGTH}`);
  if (!Number.isInteger(ssAl) || ssAl < Al || ssAl % Al !== 0) throw new RangeError(`minSubSymbolSize = ${ssAl}: must be a positive multiple of ${Al}`);
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`maxSourceBlockSymbols = ${cap}: must be a positive integer`);
  const Kt = Math.ceil(F / T);
  const nMax = Math.max(1, Math.floor(T / ssAl));
  const KL = (n: number): number => {
    const limit = WS / (Al * Math.ceil(T / (Al * n)));
    let best = 0;
    for (let i = 0; i < TABLE2.length; i += 5) {
      const k = TABLE2[i]!;
      if (k > limit) break;
      best = k;
    }
    return Math.min(best, Math.max(cap, 1));
  };
  const klMax = KL(nMax);
  if (klMax === 0) throw new RangeError(`maxSubBlockSize = ${WS}: too small for sub-blocks of 10 symbols`);
  const Z = Math.max(Math.ceil(Kt / klMax), Math.ceil(Kt / cap));
  if (Z > 255) throw new RangeError(`transferLength = ${F}: needs ${Z} source blocks, more than 255`);
  const perBlock = Math.ceil(Kt / Z);
  let N = nMax;
  for (let n = 1; n <= nMax; n++) {
    if (perBlock <= KL(n)) {
      N = n;
      break;
    }
  }
  return { transferLength: F, symbolSize: T, sourceBlocks: Z, subBlocks: N, alignment: Al };
}

/** Sub-blocks of every source block: (TL, TS, NL, NS) = Partition[T/Al, N], in units of Al bytes. */
export function subBlockPartition(symbolSize: number, subBlocks: number, alignment: number): Partition {
  return partition(symbolSize / alignment, subBlocks);
}

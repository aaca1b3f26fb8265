import { nextPrime } from '../core/primes.js';
import { TABLE2, V_TABLES } from './tables.js';

/** Largest number of source symbols in one RaptorQ source block (RFC 6330 §5.1.2). */
export const RAPTORQ_MAX_SOURCE_SYMBOLS = 56403;

/** Number of rows of RFC 6330 Table 2. */
const ROWS = TABLE2.length / 5;

/** The parameters of RFC 6330 §5.3.3.3 for one K' (Table 2 plus what derives from it). */
export interface RaptorQParams {
  /** K': the padded number of source symbols (a Table 2 value). */
  readonly kPrime: number;
  /** J(K'): the systematic index. */
  readonly J: number;
  /** S(K'): LDPC symbols. */
  readonly S: number;
  /** H(K'): HDPC symbols. */
  readonly H: number;
  /** W(K'): LT symbols. */
  readonly W: number;
  /** L = K' + S + H: intermediate symbols. */
  readonly L: number;
  /** P = L - W: permanently inactive symbols. */
  readonly P: number;
  /** P1: smallest prime >= P. */
  readonly P1: number;
  /** B = W - S. */
  readonly B: number;
}

const cache = new Map<number, RaptorQParams>();

/**
 * The parameters for a source block of K source symbols: K' is the smallest Table 2 value >= K
 * (RFC 6330 §5.3.1). K must be in 1..56403.
 */
export function raptorqParams(K: number): RaptorQParams {
  if (!Number.isInteger(K) || K < 1 || K > RAPTORQ_MAX_SOURCE_SYMBOLS) {
    throw new RangeError(`K = ${K}: a RaptorQ source block has 1..${RAPTORQ_MAX_SOURCE_SYMBOLS} symbols`);
  }
  let lo = 0;
  let hi = ROWS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (TABLE2[mid * 5]! >= K) hi = mid;
    else lo = mid + 1;
  }
  const kPrime = TABLE2[lo * 5]!;
  let p = cache.get(kPrime);
  if (p === undefined) {
    const J = TABLE2[lo * 5 + 1]!;
    const S = TABLE2[lo * 5 + 2]!;
    const H = TABLE2[lo * 5 + 3]!;
    const W = TABLE2[lo * 5 + 4]!;
    const L = kPrime + S + H;
    const P = L - W;
    p = { kPrime, J, S, H, W, L, P, P1: nextPrime(P), B: W - S };
    cache.set(kPrime, p);
  }
  return p;
}

/** K' for K source symbols (RFC 6330 §5.3.1). */
export function raptorqKPrime(K: number): number {
  return raptorqParams(K).kPrime;
}

/** Rand[y, i, m] of RFC 6330 §5.3.5.1. */
export function raptorqRand(y: number, i: number, m: number): number {
  const x =
    V_TABLES[(y + i) & 255]! ^
    V_TABLES[256 + (((y >>> 8) + i) & 255)]! ^
    V_TABLES[512 + (((y >>> 16) + i) & 255)]! ^
    V_TABLES[768 + (((y >>> 24) + i) & 255)]!;
  return (x >>> 0) % m;
}

/** RFC 6330 §5.3.5.2 Table 1: the degree distribution thresholds f[0..30]. */
const DEG_F = Uint32Array.of(
  0, 5243, 529531, 704294, 791675, 844104, 879057, 904023, 922747, 937311, 948962, 958494, 966438, 973160, 978921, 983914,
  988283, 992138, 995565, 998631, 1001391, 1003887, 1006157, 1008229, 1010129, 1011876, 1013490, 1014983, 1016370,
  1017662, 1048576,
);

/** Deg[v] of RFC 6330 §5.3.5.2 for v < 2^20, capped at W - 2. */
export function raptorqDeg(v: number, W: number): number {
  let d = 1;
  while (v >= DEG_F[d]!) d++;
  return Math.min(d, W - 2);
}

/**
 * Writes the intermediate-symbol indices combined by the LT encoding of ISI X (RFC 6330 §5.3.5.3
 * Enc[] with the tuple of §5.3.5.4) into `out` from `at`, and returns how many were written.
 * `out` needs room for 33 entries.
 */
export function raptorqLtColumns(p: RaptorQParams, X: number, out: Int32Array, at = 0): number {
  const { J, W, P, P1 } = p;
  let A = 53591 + J * 997;
  if (A % 2 === 0) A++;
  const B = 10267 * (J + 1);
  const y = (B + Math.imul(X, A)) >>> 0;
  const v = raptorqRand(y, 0, 1 << 20);
  const d = raptorqDeg(v, W);
  const a = 1 + raptorqRand(y, 1, W - 1);
  let b = raptorqRand(y, 2, W);
  const d1 = d < 4 ? 2 + raptorqRand(X, 3, 2) : 2;
  const a1 = 1 + raptorqRand(X, 4, P1 - 1);
  let b1 = raptorqRand(X, 5, P1);
  let n = at;
  out[n++] = b;
  for (let j = 1; j < d; j++) {
    b = (b + a) % W;
    out[n++] = b;
  }
  while (b1 >= P) b1 = (b1 + a1) % P1;
  out[n++] = W + b1;
  for (let j = 1; j < d1; j++) {
    b1 = (b1 + a1) % P1;
    while (b1 >= P) b1 = (b1 + a1) % P1;
    out[n++] = W + b1;
  }
  return n - at;
}

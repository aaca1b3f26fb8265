import { nextPrime } from '../core/primes.js';
import { V_TABLES } from '../raptorq/tables.js';
import { SYSTEMATIC_INDICES } from './tables.js';

/** Smallest and largest number of source symbols in a Raptor source block (RFC 5053 §5.1.2). */
export const RAPTOR10_MIN_SOURCE_SYMBOLS = 4;
export const RAPTOR10_MAX_SOURCE_SYMBOLS = 8192;

/** The parameters of RFC 5053 §5.4.2.3 for one K. */
export interface Raptor10Params {
  readonly K: number;
  /** J(K), the systematic index (§5.7). */
  readonly J: number;
  /** S: LDPC symbols. */
  readonly S: number;
  /** H: half symbols; H' = ceil(H / 2). */
  readonly H: number;
  readonly Hp: number;
  /** L = K + S + H intermediate symbols; L' the smallest prime >= L. */
  readonly L: number;
  readonly Lp: number;
  /** m[j] for j < K + S: the Gray codes of weight H', in order (half symbol rows). */
  readonly gray: Uint32Array;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

const cache = new Map<number, Raptor10Params>();

/** The parameters for K source symbols, 4..8192 (RFC 5053 §5.4.2.3). */
export function raptor10Params(K: number): Raptor10Params {
  if (!Number.isInteger(K) || K < RAPTOR10_MIN_SOURCE_SYMBOLS || K > RAPTOR10_MAX_SOURCE_SYMBOLS) {
    throw new RangeError(`K = ${K}: a Raptor source block has ${RAPTOR10_MIN_SOURCE_SYMBOLS}..${RAPTOR10_MAX_SOURCE_SYMBOLS} symbols`);
  }
  let p = cache.get(K);
  if (p !== undefined) return p;
  // X: smallest positive integer with X(X-1) >= 2K; S: smallest prime >= ceil(0.01K) + X;
  // H: smallest with choose(H, ceil(H/2)) >= K + S.
  let X = 1;
  while (X * (X - 1) < 2 * K) X++;
  const S = nextPrime(Math.ceil(0.01 * K) + X);
  let H = 1;
  while (binomial(H, Math.ceil(H / 2)) < K + S) H++;
  const Hp = Math.ceil(H / 2);
  const L = K + S + H;
  const gray = new Uint32Array(K + S);
  for (let n = 0, j = 0; j < K + S; n++) {
    const g = n ^ (n >>> 1);
    if (popcount(g) === Hp) gray[j++] = g;
  }
  p = { K, J: SYSTEMATIC_INDICES[K]!, S, H, Hp, L, Lp: nextPrime(L), gray };
  cache.set(K, p);
  return p;
}

function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/** Rand[X, i, m] of RFC 5053 §5.4.4.1 (V0 and V1 are the tables RFC 6330 reuses). */
export function raptor10Rand(X: number, i: number, m: number): number {
  return ((V_TABLES[(X + i) & 255]! ^ V_TABLES[256 + ((Math.floor(X / 256) + i) & 255)]!) >>> 0) % m;
}

/** RFC 5053 §5.4.4.2 Table 1: thresholds f[j] and degrees d[j]. */
const DEG_F = Uint32Array.of(0, 10241, 491582, 712794, 831695, 948446, 1032189, 1048576);
const DEG_D = Uint8Array.of(0, 1, 2, 3, 4, 10, 11, 40);

/** Deg[v] of RFC 5053 §5.4.4.2 for v < 2^20. */
export function raptor10Deg(v: number): number {
  let j = 1;
  while (v >= DEG_F[j]!) j++;
  return DEG_D[j]!;
}

/**
 * Writes the intermediate-symbol indices combined by LTEnc[K, C, Trip[K, X]] (RFC 5053 §5.4.4.3,
 * §5.4.4.4) into `out` from `at`; returns how many (at most 40).
 */
export function raptor10LtColumns(p: Raptor10Params, X: number, out: Int32Array, at = 0): number {
  const { J, L, Lp } = p;
  const Q = 65521;
  const A = (53591 + J * 997) % Q;
  const B = (10267 * (J + 1)) % Q;
  const Y = (B + X * A) % Q;
  const d = raptor10Deg(raptor10Rand(Y, 0, 1 << 20));
  const a = 1 + raptor10Rand(Y, 1, Lp - 1);
  let b = raptor10Rand(Y, 2, Lp);
  while (b >= L) b = (b + a) % Lp;
  let n = at;
  out[n++] = b;
  const more = Math.min(d - 1, L - 1);
  for (let j = 0; j < more; j++) {
    b = (b + a) % Lp;
    while (b >= L) b = (b + a) % Lp;
    out[n++] = b;
  }
  return n - at;
}

import type { GaloisField } from './field.js';

/**
 * Generator-matrix conventions. Both build a Vandermonde matrix V (row r = (x_r^0, x_r^1, …)) over
 * evaluation points x_r and make it systematic as G = V · (top k×k of V)^-1, so repair symbol r
 * depends only on k and r:
 * - `'rfc5510'`: x_0 = 0, x_r = α^(r−1) for r ≥ 1. Rizzo's fec.c, OpenFEC and zfec: what RFC 5510
 *   receivers decode.
 * - `'backblaze'`: x_r = r read as a field element. The Rust crate reed-solomon-erasure (hence
 *   ypo/flute for FEC Encoding IDs 5 and 129), Backblaze and klauspost. Not interoperable with the
 *   former for k ≥ 4.
 */
export type MatrixConvention = 'rfc5510' | 'backblaze';

/** The evaluation point of ESI `esi` (0 ≤ esi < 2^m − 1). */
export function evaluationPoint(f: GaloisField, matrix: MatrixConvention, esi: number): number {
  if (matrix === 'backblaze') return esi;
  return esi === 0 ? 0 : f.exp[esi - 1]!;
}

/**
 * Lagrange interpolation over a set of distinct points, in the log domain.
 *
 * Row r of G = V·V_top^-1 is (L_0(x_r), …, L_{k−1}(x_r)), where L_j is the Lagrange basis polynomial
 * of the source points; decoding from any k received symbols is the same interpolation over the
 * received points instead. With P(x) = Π_t (x − x_t) and w_s = Π_{t≠s} (x_s − x_t):
 *   L_s(x) = P(x) / ((x − x_s) · w_s)
 * so one row costs O(k) after O(k²) set-up, and no matrix is ever inverted.
 */
export class Interpolator {
  readonly #f: GaloisField;
  readonly #points: readonly number[];
  /** log w_s for each basis point. */
  readonly #logW: Uint32Array;

  constructor(f: GaloisField, points: readonly number[]) {
    this.#f = f;
    this.#points = points;
    const { log, order } = f;
    const n = points.length;
    const logW = new Uint32Array(n);
    for (let s = 0; s < n; s++) {
      const xs = points[s]!;
      let acc = 0;
      for (let t = 0; t < n; t++) if (t !== s) acc += log[xs ^ points[t]!]!;
      logW[s] = acc % order;
    }
    this.#logW = logW;
  }

  /** Writes (L_0(x), …, L_{k−1}(x)) into out[offset …]. */
  row(x: number, out: Uint8Array | Uint16Array, offset = 0): void {
    const { exp, log, order } = this.#f;
    const pts = this.#points;
    const n = pts.length;
    const at = pts.indexOf(x);
    if (at >= 0) {
      out.fill(0, offset, offset + n);
      out[offset + at] = 1;
      return;
    }
    let logP = 0;
    for (let t = 0; t < n; t++) logP += log[x ^ pts[t]!]!;
    logP %= order;
    const logW = this.#logW;
    for (let s = 0; s < n; s++) {
      // exp index in [0, 2·order): logP − log(x − x_s) − log w_s, reduced once.
      let e = logP + 2 * order - log[x ^ pts[s]!]! - logW[s]!;
      if (e >= order) e -= order;
      if (e >= order) e -= order;
      out[offset + s] = exp[e]!;
    }
  }
}

import { symbolArithmetic, type Backend, type SymbolArithmetic } from './arithmetic.js';
import { MalformedError, TruncatedError } from './errors.js';
import { galoisField, type GaloisField } from './field.js';
import { evaluationPoint, Interpolator, type MatrixConvention } from './points.js';

export interface ReedSolomonOptions {
  /** Bits per field element, 2..16 (RFC 5510 §8.1). Default 8. */
  readonly m?: number;
  /** Source symbols per block, 1 ≤ k ≤ n. */
  readonly k: number;
  /** Encoding symbols per block, k ≤ n ≤ 2^m − 1. */
  readonly n: number;
  /** Generator matrix: `'rfc5510'` (default, Rizzo/OpenFEC) or `'backblaze'` (reed-solomon-erasure, ypo/flute). */
  readonly matrix?: MatrixConvention;
  /** GF(2^8) multiply backend: `'auto'` (default: WebAssembly SIMD when available), `'wasm-simd'` or `'js'`. */
  readonly backend?: Backend;
}

/** An encoding symbol with its Encoding Symbol ID (RFC 5510 §5.1: ESI 0..k−1 source, k..n−1 repair). */
export interface EncodingSymbol {
  readonly esi: number;
  readonly data: Uint8Array;
}

/** A systematic Reed-Solomon erasure code (RFC 5510) for one (m, k, n, matrix). Stateless between calls. */
export interface ReedSolomon {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly matrix: MatrixConvention;
  /** Which implementation multiplies symbols. */
  readonly backend: 'wasm-simd' | 'js';
  /** All n − k repair symbols, ESI k..n−1, for k source symbols of one size. */
  encode(sources: readonly Uint8Array[]): Uint8Array[];
  /** Like encode, into caller buffers: `repairs[i]` receives ESI `k + i` (repairs.length ≤ n − k). */
  encodeInto(sources: readonly Uint8Array[], repairs: readonly Uint8Array[]): void;
  /** The repair symbol of one ESI in k..n−1. */
  repair(sources: readonly Uint8Array[], esi: number): Uint8Array;
  /**
   * The k source symbols from any k distinct received symbols (more are fine; duplicates of an ESI are
   * ignored after the first). Received source symbols are returned as given, not copied; the missing
   * ones are new arrays. Throws TruncatedError with fewer than k distinct ESIs and MalformedError for
   * an ESI outside 0..n−1 or symbols of different or unusable sizes.
   */
  decode(symbols: readonly EncodingSymbol[]): Uint8Array[];
}

/** Cache repair rows only while the whole (n − k) × k matrix stays under this many coefficients. */
const MAX_CACHED_COEFFICIENTS = 1 << 22;

class ReedSolomonCodec implements ReedSolomon {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly matrix: MatrixConvention;
  readonly #f: GaloisField;
  readonly #arith: SymbolArithmetic;
  readonly #sourcePoints: number[];
  readonly #encoder: Interpolator;
  /** Repair rows by ESI − k, filled on first use when the matrix is small enough to keep. */
  #rows: (Uint8Array | Uint16Array | undefined)[] | undefined;

  constructor(options: ReedSolomonOptions) {
    const m = options.m ?? 8;
    const { k, n } = options;
    const matrix = options.matrix ?? 'rfc5510';
    if (!Number.isInteger(m) || m < 2 || m > 16) throw new RangeError(`m must be an integer 2..16, got ${m}`);
    const max = (1 << m) - 1;
    if (!Number.isInteger(k) || k < 1 || k > max) throw new RangeError(`k must be an integer 1..${max} for m = ${m}, got ${k}`);
    if (!Number.isInteger(n) || n < k || n > max) throw new RangeError(`n must be an integer ${k}..${max} for m = ${m} and k = ${k}, got ${n}`);
    if (matrix !== 'rfc5510' && matrix !== 'backblaze') throw new RangeError(`matrix must be 'rfc5510' or 'backblaze', got ${String(matrix)}`);
    this.m = m;
    this.k = k;
    this.n = n;
    this.matrix = matrix;
    this.#f = galoisField(m);
    this.#arith = symbolArithmetic(this.#f, options.backend ?? 'auto');
    this.#sourcePoints = Array.from({ length: k }, (_, esi) => evaluationPoint(this.#f, matrix, esi));
    this.#encoder = new Interpolator(this.#f, this.#sourcePoints);
    this.#rows = (n - k) * k <= MAX_CACHED_COEFFICIENTS ? new Array(n - k) : undefined;
  }

  get backend(): 'wasm-simd' | 'js' {
    return this.#arith.backend;
  }

  #newCoefficients(length: number): Uint8Array | Uint16Array {
    return this.m <= 8 ? new Uint8Array(length) : new Uint16Array(length);
  }

  /** Writes the generator row of repair ESI `esi` at out[offset …]. */
  #repairRow(esi: number, out: Uint8Array | Uint16Array, offset: number): void {
    const cache = this.#rows;
    let row = cache?.[esi - this.k];
    if (row === undefined) {
      row = this.#newCoefficients(this.k);
      this.#encoder.row(evaluationPoint(this.#f, this.matrix, esi), row);
      if (cache !== undefined) cache[esi - this.k] = row;
    }
    out.set(row, offset);
  }

  #checkSources(sources: readonly Uint8Array[]): number {
    if (sources.length !== this.k) throw new RangeError(`sources: expected k = ${this.k} symbols, got ${sources.length}`);
    const T = sources[0]!.length;
    for (let i = 1; i < sources.length; i++) {
      if (sources[i]!.length !== T) throw new RangeError(`sources[${i}] has ${sources[i]!.length} bytes, sources[0] has ${T}`);
    }
    const problem = this.#arith.sizeProblem(T);
    if (problem !== undefined) throw new RangeError(`sources: ${problem}`);
    return T;
  }

  encode(sources: readonly Uint8Array[]): Uint8Array[] {
    const T = this.#checkSources(sources);
    const repairs = Array.from({ length: this.n - this.k }, () => new Uint8Array(T));
    this.encodeInto(sources, repairs);
    return repairs;
  }

  encodeInto(sources: readonly Uint8Array[], repairs: readonly Uint8Array[]): void {
    const T = this.#checkSources(sources);
    const rows = repairs.length;
    if (rows > this.n - this.k) throw new RangeError(`repairs: at most n − k = ${this.n - this.k} buffers, got ${rows}`);
    for (let i = 0; i < rows; i++) {
      if (repairs[i]!.length !== T) throw new RangeError(`repairs[${i}] has ${repairs[i]!.length} bytes, symbols have ${T}`);
    }
    const coeffs = this.#newCoefficients(rows * this.k);
    for (let i = 0; i < rows; i++) this.#repairRow(this.k + i, coeffs, i * this.k);
    this.#arith.mulMatrix(coeffs, rows, this.k, sources, repairs);
  }

  repair(sources: readonly Uint8Array[], esi: number): Uint8Array {
    const T = this.#checkSources(sources);
    if (!Number.isInteger(esi) || esi < this.k || esi >= this.n) throw new RangeError(`esi must be a repair ESI ${this.k}..${this.n - 1}, got ${esi}`);
    const coeffs = this.#newCoefficients(this.k);
    this.#repairRow(esi, coeffs, 0);
    const out = new Uint8Array(T);
    this.#arith.mulMatrix(coeffs, 1, this.k, sources, [out]);
    return out;
  }

  decode(symbols: readonly EncodingSymbol[]): Uint8Array[] {
    const { k, n } = this;
    // Distinct symbols by ESI, first one wins; all of one size.
    const byEsi: (Uint8Array | undefined)[] = new Array(n);
    let distinct = 0;
    let T = -1;
    for (const s of symbols) {
      const esi = s.esi;
      if (!Number.isInteger(esi) || esi < 0 || esi >= n) throw new MalformedError(`ESI ${esi} is outside 0..${n - 1}`, 'esi', esi);
      if (T < 0) {
        T = s.data.length;
        const problem = this.#arith.sizeProblem(T);
        if (problem !== undefined) throw new MalformedError(problem, 'symbol size', esi);
      } else if (s.data.length !== T) {
        throw new MalformedError(`symbol ESI ${esi} has ${s.data.length} bytes, the first symbol has ${T}`, 'symbol size', esi);
      }
      if (byEsi[esi] === undefined) {
        byEsi[esi] = s.data;
        distinct++;
      }
    }
    if (distinct < k) throw new TruncatedError(`decoding needs k = ${k} distinct symbols, got ${distinct}`, 'symbols', k, distinct);
    const missing: number[] = [];
    for (let esi = 0; esi < k; esi++) if (byEsi[esi] === undefined) missing.push(esi);
    if (missing.length === 0) return byEsi.slice(0, k) as Uint8Array[];
    // The k points to interpolate from: every received source symbol and the first repair symbols.
    const used: number[] = [];
    for (let esi = 0; esi < n && used.length < k; esi++) if (byEsi[esi] !== undefined) used.push(esi);
    const interp = new Interpolator(this.#f, used.map((esi) => evaluationPoint(this.#f, this.matrix, esi)));
    const coeffs = this.#newCoefficients(missing.length * k);
    missing.forEach((esi, i) => interp.row(evaluationPoint(this.#f, this.matrix, esi), coeffs, i * k));
    const recovered = missing.map(() => new Uint8Array(T));
    this.#arith.mulMatrix(coeffs, missing.length, k, used.map((esi) => byEsi[esi]!), recovered);
    const out = byEsi.slice(0, k);
    missing.forEach((esi, i) => (out[esi] = recovered[i]));
    return out as Uint8Array[];
  }
}

/**
 * A systematic Reed-Solomon erasure code over GF(2^m) (RFC 5510): FEC Encoding ID 2 (any m), 5 (m = 8)
 * and 129 instance 0. Set-up costs O(k²) field operations; each repair row is computed once, in O(k).
 */
export function createReedSolomon(options: ReedSolomonOptions): ReedSolomon {
  return new ReedSolomonCodec(options);
}

import type { FountainCode } from '../core/code.js';
import type { Program } from '../core/program.js';
import type { DenseRows, SchurContext, SparseSystem } from '../core/solver.js';
import { RAPTOR10_MAX_ESI } from './payload-id.js';
import { raptor10LtColumns, raptor10Params, type Raptor10Params } from './params.js';

/** Per-K LDPC rows (RFC 5053 §5.4.2.3) in compressed-row form. */
const ldpcCache = new Map<number, { ptr: Int32Array; cols: Int32Array }>();

function ldpc(p: Raptor10Params): { ptr: Int32Array; cols: Int32Array } {
  let c = ldpcCache.get(p.K);
  if (c !== undefined) return c;
  const { K, S } = p;
  // Each source-side intermediate symbol C[i], i < K, feeds three distinct LDPC symbols.
  const rows: number[][] = Array.from({ length: S }, () => []);
  for (let i = 0; i < K; i++) {
    const a = 1 + (Math.floor(i / S) % (S - 1));
    let b = i % S;
    rows[b]!.push(i);
    b = (b + a) % S;
    rows[b]!.push(i);
    b = (b + a) % S;
    rows[b]!.push(i);
  }
  for (let s = 0; s < S; s++) rows[s]!.push(K + s);
  const ptr = new Int32Array(S + 1);
  for (let s = 0; s < S; s++) ptr[s + 1] = ptr[s]! + rows[s]!.length;
  const cols = new Int32Array(ptr[S]!);
  for (let s = 0; s < S; s++) cols.set(rows[s]!, ptr[s]!);
  c = { ptr, cols };
  ldpcCache.set(p.K, c);
  return c;
}

/**
 * The H half rows (RFC 5053 §5.4.2.3): row h sums the intermediate symbols j < K + S whose Gray
 * code m[j] has bit h set, and the half symbol K + S + h; binary and dense, they take no part in
 * peeling. Their right-hand sides are gathered per chunk of bits: each pivot symbol is added to the
 * accumulator of its m[j]'s value in every chunk, and each row sums the accumulators whose value
 * has its bit, which costs about chunks * (K + S) symbol additions instead of H' * (K + S).
 */
class HalfRows implements DenseRows {
  readonly count: number;
  constructor(private readonly p: Raptor10Params) {
    this.count = p.H;
  }

  build(ctx: SchurContext, program: Program): { coef: Uint8Array; slots: Int32Array } {
    const { K, S, H, gray } = this.p;
    const { u, words, colU, colPivot, pivotSlot, R } = ctx;
    const KS = K + S;
    // Coefficients: binary rows over the inactive columns, as bits, then bytes.
    const bits = new Int32Array(H * words);
    const setBit = (h: number, j: number): void => {
      bits[h * words + (j >>> 5)]! ^= 1 << (j & 31);
    };
    for (let h = 0; h < H; h++) {
      const c = KS + h;
      const k = colPivot[c]!;
      if (k >= 0) for (let w = 0; w < words; w++) bits[h * words + w]! ^= R[k * words + w]!;
      else setBit(h, colU[c]!);
    }
    for (let j = 0; j < KS; j++) {
      const k = colPivot[j]!;
      for (let m = gray[j]!; m !== 0; m &= m - 1) {
        const h = 31 - Math.clz32(m & -m);
        if (k >= 0) for (let w = 0; w < words; w++) bits[h * words + w]! ^= R[k * words + w]!;
        else setBit(h, colU[j]!);
      }
    }
    const coef = new Uint8Array(H * u);
    for (let h = 0; h < H; h++) for (let j = 0; j < u; j++) coef[h * u + j] = (bits[h * words + (j >>> 5)]! >>> (j & 31)) & 1;

    // Right-hand sides: the pivot symbols t of the row's pivoted columns.
    const slots = new Int32Array(H);
    for (let h = 0; h < H; h++) slots[h] = program.newSlot();
    for (let h = 0; h < H; h++) {
      const k = colPivot[KS + h]!;
      if (k >= 0) program.xor(slots[h]!, pivotSlot[k]!);
    }
    // Chunks: c chunks cost c additions per pivot plus w * 2^(w-1) per chunk of w bits.
    let pivotsInRows = 0;
    for (let j = 0; j < KS; j++) if (colPivot[j]! >= 0) pivotsInRows++;
    let chunkBits = H;
    let best = Infinity;
    for (let c = 1; c <= H; c++) {
      const w = Math.ceil(H / c);
      const cost = c * pivotsInRows + c * w * 2 ** (w - 1);
      if (cost < best) {
        best = cost;
        chunkBits = w;
      }
    }
    for (let lo = 0; lo < H; lo += chunkBits) {
      const width = Math.min(chunkBits, H - lo);
      const acc = new Int32Array(1 << width).fill(-1);
      const mask = (1 << width) - 1;
      for (let j = 0; j < KS; j++) {
        const k = colPivot[j]!;
        if (k < 0) continue;
        const v = (gray[j]! >>> lo) & mask;
        if (v === 0) continue;
        if (acc[v] === -1) acc[v] = program.newSlot();
        program.xor(acc[v]!, pivotSlot[k]!);
      }
      for (let v = 1; v <= mask; v++) {
        if (acc[v] === -1) continue;
        for (let m = v; m !== 0; m &= m - 1) program.xor(slots[lo + 31 - Math.clz32(m & -m)]!, acc[v]!);
      }
    }
    return { coef, slots };
  }
}

/**
 * The constraint system of RFC 5053 §5.4.2.4 for one source block: S LDPC rows, H half rows and
 * one LT row per ISI in `isis` (symbol in `ltSlots[i]`); the LDPC rows get new zero slots.
 */
export function raptor10System(p: Raptor10Params, isis: ArrayLike<number>, ltSlots: ArrayLike<number>, program: Program): SparseSystem {
  const { ptr, cols: ldpcCols } = ldpc(p);
  const S = p.S;
  const n = isis.length;
  const rowPtr = new Int32Array(S + n + 1);
  rowPtr.set(ptr);
  const cols = new Int32Array(ldpcCols.length + n * 40);
  cols.set(ldpcCols);
  let e = ldpcCols.length;
  for (let i = 0; i < n; i++) {
    e += raptor10LtColumns(p, isis[i]!, cols, e);
    rowPtr[S + i + 1] = e;
  }
  const rowSlot = new Int32Array(S + n);
  for (let s = 0; s < S; s++) rowSlot[s] = program.newSlot();
  for (let i = 0; i < n; i++) rowSlot[S + i] = ltSlots[i]!;
  return { cols: p.L, rowPtr, rowCols: cols.subarray(0, e), rowSlot, dense: new HalfRows(p) };
}

const codes = new Map<number, FountainCode>();

/** The Raptor code of a source block of K symbols. */
export function raptor10Code(K: number): FountainCode {
  let code = codes.get(K);
  if (code === undefined) {
    const p = raptor10Params(K);
    code = {
      key: `raptor10:${K}`,
      paddedSymbols: K,
      intermediateSymbols: p.L,
      maxEsi: RAPTOR10_MAX_ESI,
      ltColumns: (isi, out, at) => raptor10LtColumns(p, isi, out, at),
      system: (isis, slots, program) => raptor10System(p, isis, slots, program),
    };
    codes.set(K, code);
  }
  return code;
}

import { gf256Inv, gf256MulTable } from '@proto/fec-kernel';
import type { Program } from './program.js';

/**
 * A linear system for the inactivation solver: sparse binary rows (LDPC and LT constraints in
 * compressed-row form, each with the program slot holding its symbol), optional permanently
 * inactive columns, and optional dense rows (RaptorQ's HDPC rows over GF(256), Raptor's half rows)
 * that take no part in the peeling phase.
 */
export interface SparseSystem {
  /** Number of unknowns (L intermediate symbols). */
  readonly cols: number;
  /** Row start offsets into `rowCols`, `rows + 1` entries. */
  readonly rowPtr: Int32Array;
  /** Column indices of every row; no column twice in a row. */
  readonly rowCols: Int32Array;
  /** Program slot holding each row's symbol. */
  readonly rowSlot: Int32Array;
  /** Columns inactive from the start (RaptorQ's PI symbols), 1 per such column. */
  readonly inactive?: Uint8Array;
  /** Rows handled only after peeling, through their Schur complement. */
  readonly dense?: DenseRows;
}

/** What the peeling phase leaves for the dense rows to work with. */
export interface SchurContext {
  readonly cols: number;
  /** Number of inactive columns (the Schur complement's width). */
  readonly u: number;
  /** Words per bit row of width u. */
  readonly words: number;
  /** Column of each inactive index. */
  readonly uCols: Int32Array;
  /** Inactive index of each column, or -1. */
  readonly colU: Int32Array;
  /** Number of pivots of the peeling phase. */
  readonly pivots: number;
  /** Pivot index of each column, or -1. */
  readonly colPivot: Int32Array;
  /** Slot holding t_k, the pivot row's symbol after forward substitution. */
  readonly pivotSlot: Int32Array;
  /**
   * Bit rows R[k] (k < pivots, `words` words each): x[pivot column k] = t_k + sum of x[uCols[j]]
   * over the bits j of R[k].
   */
  readonly R: Int32Array;
}

/** Dense constraint rows: they receive the peeling result and return their Schur complement rows. */
export interface DenseRows {
  readonly count: number;
  /**
   * Returns `count` rows of `ctx.u` GF(256) coefficients over the inactive columns, and the slots of
   * their right-hand sides, whose computation this call records into `program`.
   */
  build(ctx: SchurContext, program: Program): { coef: Uint8Array; slots: Int32Array };
}

/** Counters describing one solve, for tests and tuning. */
export interface SolveStats {
  pivots: number;
  inactive: number;
  binaryRank: number;
  denseUsed: boolean;
  /** Symbol operations recorded by each step: forward substitution, leftover rows, Schur elimination, dense rows, back substitution, final. */
  ops: number[];
  /** After a failed solve: how many independent rows were missing (so at least this many more are needed). */
  deficit: number;
}

/**
 * Solves the system by inactivation decoding (the five phases of RFC 6330 §5.4.2 rearranged):
 *
 * 1. Peeling: repeatedly pivot on a row with one active column; when there is none, choose a row
 *    with the fewest (for two, one in the largest component of the graph those rows form, as the
 *    RFC says) and inactivate its other active columns.
 * 2. Forward substitution on the symbols of the pivot rows (t = A_PP^-1 b_P), and the Schur
 *    complement of the inactive columns on coefficient bit rows.
 * 3. Gaussian elimination of the Schur complement: binary leftover rows first, dense rows only for
 *    the columns the binary rows cannot pivot.
 * 4. Back substitution of the inactive values into the pivot rows.
 *
 * Only coefficients are touched here; every symbol operation is recorded into `program`.
 * Returns the slot holding each column's value, or undefined when the rows do not have full rank.
 */
export function solve(sys: SparseSystem, program: Program, stats?: SolveStats): Int32Array | undefined {
  const L = sys.cols;
  const { rowPtr, rowCols, rowSlot } = sys;
  const nRows = rowPtr.length - 1;
  // About two symbol operations per nonzero plus the dense part, in one allocation.
  program.expect(2 * rowCols.length + 8 * L);

  // Column -> rows index.
  const colPtr = new Int32Array(L + 1);
  for (let e = 0; e < rowCols.length; e++) colPtr[rowCols[e]! + 1]!++;
  for (let c = 0; c < L; c++) colPtr[c + 1]! += colPtr[c]!;
  const colRows = new Int32Array(rowCols.length);
  {
    const fill = colPtr.slice(0, L);
    for (let r = 0; r < nRows; r++) {
      for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) colRows[fill[rowCols[e]!]!++] = r;
    }
  }

  // Column state: 0 active, 1 pivoted, 2 inactive.
  const state = new Uint8Array(L);
  const uCols = new Int32Array(L);
  let u = 0;
  if (sys.inactive !== undefined) {
    for (let c = 0; c < L; c++) {
      if (sys.inactive[c] === 1) {
        state[c] = 2;
        uCols[u++] = c;
      }
    }
  }

  // Union-find over columns, joined by the rows of degree two as they appear. Components are never
  // split when rows leave: the sizes are upper bounds, good enough to rank candidates.
  const ufParent = new Int32Array(L);
  for (let c = 0; c < L; c++) ufParent[c] = c;
  const ufSize = new Int32Array(L).fill(1);
  const find = (c: number): number => {
    let root = c;
    while (ufParent[root] !== root) root = ufParent[root]!;
    while (ufParent[c] !== root) {
      const n = ufParent[c]!;
      ufParent[c] = root;
      c = n;
    }
    return root;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    if (ufSize[ra]! < ufSize[rb]!) {
      ufParent[ra] = rb;
      ufSize[rb]! += ufSize[ra]!;
    } else {
      ufParent[rb] = ra;
      ufSize[ra]! += ufSize[rb]!;
    }
  };

  // Row degrees in the active part. Rows of degree one wait on a stack (checked when popped); rows
  // of degree two are kept in a set, for the RFC's choice when no row has degree one.
  const deg = new Int32Array(nRows);
  const stack = new Int32Array(nRows + L);
  let top = 0;
  const twoRows = new Int32Array(nRows);
  const twoPos = new Int32Array(nRows).fill(-1);
  /** The two active columns of each row in the set (they stay active while it is there). */
  const twoA = new Int32Array(nRows);
  const twoB = new Int32Array(nRows);
  let twoCount = 0;
  const addTwo = (r: number): void => {
    twoPos[r] = twoCount;
    twoRows[twoCount++] = r;
    let a = -1;
    for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) {
      const c = rowCols[e]!;
      if (state[c] !== 0) continue;
      if (a < 0) a = c;
      else {
        twoA[r] = a;
        twoB[r] = c;
        union(a, c);
        return;
      }
    }
  };
  const removeTwo = (r: number): void => {
    const i = twoPos[r]!;
    const last = twoRows[--twoCount]!;
    twoRows[i] = last;
    twoPos[last] = i;
    twoPos[r] = -1;
  };
  for (let r = 0; r < nRows; r++) {
    let d = 0;
    for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) if (state[rowCols[e]!] === 0) d++;
    deg[r] = d;
    if (d === 1) stack[top++] = r;
    else if (d === 2) addTwo(r);
  }

  const done = new Uint8Array(nRows);
  const colPivot = new Int32Array(L).fill(-1);
  const maxPivots = Math.min(nRows, L);
  const pivRow = new Int32Array(maxPivots);
  let pivots = 0;

  // Removes an active column from the rows not yet chosen.
  const dropColumn = (c: number): void => {
    for (let e = colPtr[c]!; e < colPtr[c + 1]!; e++) {
      const q = colRows[e]!;
      if (done[q] === 1) continue;
      const d = --deg[q]!;
      if (d === 1) {
        removeTwo(q);
        stack[top++] = q;
      } else if (d === 2) addTwo(q);
    }
  };

  // Among the rows with two active columns, one in the largest component of the graph they form
  // (columns as nodes, such rows as edges): RFC 6330 §5.4.2.2.
  const largestComponentRow = (): number => {
    let best = -1;
    let bestSize = -1;
    for (let i = 0; i < twoCount; i++) {
      const r = twoRows[i]!;
      const size = ufSize[find(twoA[r]!)]!;
      if (size > bestSize) {
        bestSize = size;
        best = r;
      }
    }
    return best;
  };

  // Phase 1: peeling with inactivation.
  for (;;) {
    let r = -1;
    while (top > 0) {
      const q = stack[--top]!;
      if (done[q] === 0 && deg[q] === 1) {
        r = q;
        break;
      }
    }
    if (r < 0 && twoCount > 0) r = largestComponentRow();
    if (r < 0) {
      // No row of degree one or two: a row of least degree (scanned; this is rare).
      let min = 0x7fffffff;
      for (let q = 0; q < nRows; q++) {
        const d = deg[q]!;
        if (done[q] === 0 && d > 0 && d < min) {
          min = d;
          r = q;
        }
      }
      if (r < 0) break;
    }
    done[r] = 1;
    if (twoPos[r] !== -1) removeTwo(r);
    let pivotCol = -1;
    for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) {
      const c = rowCols[e]!;
      if (state[c] !== 0) continue;
      if (pivotCol < 0) {
        pivotCol = c;
        continue;
      }
      state[c] = 2;
      uCols[u++] = c;
      dropColumn(c);
    }
    state[pivotCol] = 1;
    colPivot[pivotCol] = pivots;
    pivRow[pivots++] = r;
    dropColumn(pivotCol);
  }
  // Columns no sparse row could pivot join the inactive ones.
  for (let c = 0; c < L; c++) {
    if (state[c] === 0) {
      state[c] = 2;
      uCols[u++] = c;
    }
  }
  const colU = new Int32Array(L).fill(-1);
  for (let j = 0; j < u; j++) colU[uCols[j]!] = j;

  // Phase 2: forward substitution t = A_PP^-1 b_P on the symbols, R = A_PP^-1 A_PU on bits.
  const words = (u + 31) >>> 5;
  const R = new Int32Array(Math.max(1, pivots * words));
  const pivotSlot = new Int32Array(pivots);
  // Row r minus its pivoted columns other than `skip`: the bits over U go to out[base..], the
  // symbol operations on the row's slot to the program.
  const reduce = (r: number, skip: number, out: Int32Array, base: number): void => {
    const slot = rowSlot[r]!;
    for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) {
      const c = rowCols[e]!;
      const m = colPivot[c]!;
      if (m === skip) continue;
      if (m >= 0) {
        const mb = m * words;
        for (let w = 0; w < words; w++) out[base + w]! ^= R[mb + w]!;
        program.xor(slot, pivotSlot[m]!);
      } else {
        const j = colU[c]!;
        out[base + (j >>> 5)]! ^= 1 << (j & 31);
      }
    }
  };
  for (let k = 0; k < pivots; k++) {
    pivotSlot[k] = rowSlot[pivRow[k]!]!;
    reduce(pivRow[k]!, k, R, k * words);
  }

  const opsAt = [program.length];
  // Leftover sparse rows: their Schur complement rows and right-hand sides.
  let nb = 0;
  for (let r = 0; r < nRows; r++) if (done[r] === 0) nb++;
  const bits = new Int32Array(Math.max(1, nb * words));
  const bSlot = new Int32Array(nb);
  {
    let q = 0;
    for (let r = 0; r < nRows; r++) {
      if (done[r] === 1) continue;
      bSlot[q] = rowSlot[r]!;
      reduce(r, -2, bits, q * words);
      q++;
    }
  }

  opsAt.push(program.length);
  // Phase 3a: binary forward elimination of the Schur complement.
  const order = new Int32Array(nb);
  for (let q = 0; q < nb; q++) order[q] = q;
  const uPivot = new Int32Array(u).fill(-1); // binary row index pivoting each inactive column
  let rank = 0;
  for (let j = 0; j < u && rank < nb; j++) {
    const w = j >>> 5;
    const bit = 1 << (j & 31);
    let found = -1;
    for (let p = rank; p < nb; p++) {
      if ((bits[order[p]! * words + w]! & bit) !== 0) {
        found = p;
        break;
      }
    }
    if (found < 0) continue;
    const pr = order[found]!;
    order[found] = order[rank]!;
    order[rank] = pr;
    rank++;
    uPivot[j] = pr;
    const pb = pr * words;
    for (let p = rank; p < nb; p++) {
      const q = order[p]!;
      const qb = q * words;
      if ((bits[qb + w]! & bit) === 0) continue;
      for (let x = 0; x < words; x++) bits[qb + x]! ^= bits[pb + x]!;
      program.xor(bSlot[q]!, bSlot[pr]!);
    }
  }

  opsAt.push(program.length);
  // Phase 3b: the dense rows, for the columns left without a binary pivot.
  const xSlot = new Int32Array(u).fill(-1);
  let denseUsed = false;
  if (rank < u) {
    const dense = sys.dense;
    if (dense === undefined || dense.count < u - rank) {
      if (stats !== undefined) stats.deficit = u - rank - (dense?.count ?? 0);
      return undefined;
    }
    denseUsed = true;
    const ctx: SchurContext = { cols: L, u, words, uCols: uCols.subarray(0, u), colU, pivots, colPivot, pivotSlot, R };
    const { coef, slots } = dense.build(ctx, program);
    const H = dense.count;
    const mul = gf256MulTable();
    // Reduce the dense rows against the binary pivots, in column order.
    for (let j = 0; j < u; j++) {
      const pr = uPivot[j]!;
      if (pr < 0) continue;
      const pb = pr * words;
      for (let h = 0; h < H; h++) {
        const hb = h * u;
        const beta = coef[hb + j]!;
        if (beta === 0) continue;
        for (let w = 0; w < words; w++) {
          let m = bits[pb + w]!;
          while (m !== 0) {
            const t = m & -m;
            coef[hb + (w << 5) + (31 - Math.clz32(t))]! ^= beta;
            m ^= t;
          }
        }
        program.mulAdd(slots[h]!, bSlot[pr]!, beta);
      }
    }
    // Gauss-Jordan over GF(256) among the dense rows, on the remaining columns. A column without a
    // pivot means the rows are not independent enough; the count of such columns is the deficit.
    const used = new Uint8Array(H);
    let deficit = 0;
    for (let j = 0; j < u; j++) {
      if (uPivot[j]! >= 0) continue;
      let h = -1;
      for (let x = 0; x < H; x++) {
        if (used[x] === 0 && coef[x * u + j] !== 0) {
          h = x;
          break;
        }
      }
      if (h < 0) {
        deficit++;
        continue;
      }
      used[h] = 1;
      const hb = h * u;
      const inv = gf256Inv(coef[hb + j]!);
      if (inv !== 1) {
        const row = inv << 8;
        for (let x = 0; x < u; x++) coef[hb + x] = mul[row | coef[hb + x]!]!;
        program.scale(slots[h]!, inv);
      }
      for (let h2 = 0; h2 < H; h2++) {
        if (h2 === h) continue;
        const b2 = h2 * u;
        const gamma = coef[b2 + j]!;
        if (gamma === 0) continue;
        const row = gamma << 8;
        for (let x = 0; x < u; x++) {
          const v = coef[hb + x]!;
          if (v !== 0) coef[b2 + x]! ^= mul[row | v]!;
        }
        program.mulAdd(slots[h2]!, slots[h]!, gamma);
      }
      xSlot[j] = slots[h]!;
    }
    if (deficit > 0) {
      if (stats !== undefined) stats.deficit = deficit;
      return undefined;
    }
  }

  opsAt.push(program.length);
  // Phase 4: back substitution among the binary pivots, last column first.
  for (let j = u - 1; j >= 0; j--) {
    const pr = uPivot[j]!;
    if (pr < 0) continue;
    const slot = bSlot[pr]!;
    const pb = pr * words;
    for (let w = 0; w < words; w++) {
      let m = bits[pb + w]!;
      while (m !== 0) {
        const t = m & -m;
        const x = (w << 5) + (31 - Math.clz32(t));
        if (x !== j) program.xor(slot, xSlot[x]!);
        m ^= t;
      }
    }
    xSlot[j] = slot;
  }

  opsAt.push(program.length);
  // Phase 5: x[pivot column k] = t_k + e_k with e_k = R[k] x_U. Two ways to get there, each
  // choosing per row the cheaper of R[k] (its popcount in XORs) and substitution into the
  // original row (its length):
  // - restore: when every pivot row's original symbol b_k can be restored (a read-only input or
  //   zero), x_k = b_k + the x of the row's other columns, in place;
  // - correction: otherwise (rows modified in place), e_k goes to a new slot, from R[k] or as the
  //   e of the row's other pivot columns plus the x of its inactive columns, then x_k = t_k + e_k.
  let restorable = true;
  for (let k = 0; k < pivots && restorable; k++) restorable = program.canRestore(pivotSlot[k]!);
  const eSlot = restorable ? pivotSlot : new Int32Array(pivots);
  for (let k = 0; k < pivots; k++) {
    const slot = pivotSlot[k]!;
    const base = k * words;
    let direct = 0;
    for (let w = 0; w < words; w++) direct += popcount(R[base + w]!);
    const r = pivRow[k]!;
    const substitute = rowPtr[r + 1]! - rowPtr[r]!;
    let target = slot;
    if (!restorable) target = eSlot[k] = program.newSlot();
    if (substitute < direct) {
      if (restorable) program.restore(slot);
      for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) {
        const c = rowCols[e]!;
        const m = colPivot[c]!;
        if (m === k) continue;
        program.xor(target, m >= 0 ? eSlot[m]! : xSlot[colU[c]!]!);
      }
    } else {
      for (let w = 0; w < words; w++) {
        let m = R[base + w]!;
        while (m !== 0) {
          const t = m & -m;
          program.xor(target, xSlot[(w << 5) + (31 - Math.clz32(t))]!);
          m ^= t;
        }
      }
    }
    if (!restorable) program.xor(slot, target);
  }
  const colSlot = new Int32Array(L);
  for (let c = 0; c < L; c++) {
    const k = colPivot[c]!;
    colSlot[c] = k >= 0 ? pivotSlot[k]! : xSlot[colU[c]!]!;
  }
  if (stats !== undefined) {
    stats.pivots = pivots;
    stats.inactive = u;
    stats.binaryRank = rank;
    stats.denseUsed = denseUsed;
    opsAt.push(program.length);
    stats.ops = opsAt.map((v, i) => (i === 0 ? v : v - opsAt[i - 1]!));
  }
  return colSlot;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

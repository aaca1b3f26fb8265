import { GF256_EXP, gf256MulTable } from '@proto/fec-kernel';
import type { Program } from '../core/program.js';
import type { DenseRows, SchurContext, SparseSystem } from '../core/solver.js';
import type { FountainCode } from '../core/code.js';
import { RAPTORQ_MAX_ESI } from './payload-id.js';
import { raptorqLtColumns, raptorqParams, raptorqRand, type RaptorQParams } from './params.js';

/** Per-K' structure of the constraint matrix that does not depend on the received symbols. */
interface Precode {
  /** LDPC rows (RFC 6330 §5.3.3.3) in compressed-row form. */
  readonly ldpcPtr: Int32Array;
  readonly ldpcCols: Int32Array;
  /** The two rows of MT with a one in column j < K'+S-1 (RFC 6330 §5.3.3.3, HDPC). */
  readonly mt1: Uint8Array;
  readonly mt2: Uint8Array;
  /** 1 for the permanently inactive columns W..L-1. */
  readonly inactive: Uint8Array;
  /** LT rows of the systematic ISIs 0..K'-1, built on first use (decoders reuse them). */
  ltPtr?: Int32Array;
  ltCols?: Int32Array;
}

const precodes = new Map<number, Precode>();

function precode(p: RaptorQParams): Precode {
  let pc = precodes.get(p.kPrime);
  if (pc !== undefined) return pc;
  const { S, H, W, P, B, L, kPrime } = p;
  // LDPC: each of the first B intermediate symbols feeds three LDPC rows; a symbol added twice
  // to the same row cancels.
  const rows: number[][] = Array.from({ length: S }, () => []);
  for (let i = 0; i < B; i++) {
    const a = 1 + Math.floor(i / S);
    const b0 = i % S;
    const b1 = (b0 + a) % S;
    const b2 = (b1 + a) % S;
    if (b0 !== b1 && b1 !== b2 && b0 !== b2) {
      rows[b0]!.push(i);
      rows[b1]!.push(i);
      rows[b2]!.push(i);
    } else if (b0 === b1 && b1 === b2) rows[b0]!.push(i);
    else rows[b0 === b1 ? b2 : b0 === b2 ? b1 : b0]!.push(i);
  }
  for (let i = 0; i < S; i++) {
    rows[i]!.push(B + i, W + (i % P), W + ((i + 1) % P));
  }
  const ldpcPtr = new Int32Array(S + 1);
  for (let i = 0; i < S; i++) ldpcPtr[i + 1] = ldpcPtr[i]! + rows[i]!.length;
  const ldpcCols = new Int32Array(ldpcPtr[S]!);
  for (let i = 0; i < S; i++) ldpcCols.set(rows[i]!, ldpcPtr[i]!);
  const KS = kPrime + S;
  const mt1 = new Uint8Array(KS);
  const mt2 = new Uint8Array(KS);
  for (let j = 0; j < KS - 1; j++) {
    const i1 = raptorqRand(j + 1, 6, H);
    mt1[j] = i1;
    mt2[j] = (i1 + raptorqRand(j + 1, 7, H - 1) + 1) % H;
  }
  const inactive = new Uint8Array(L);
  inactive.fill(1, W, L);
  pc = { ldpcPtr, ldpcCols, mt1, mt2, inactive };
  precodes.set(kPrime, pc);
  return pc;
}

/**
 * The HDPC rows (RFC 6330 §5.3.3.3): G_HDPC = MT * GAMMA over GF(256), plus I_H on the HDPC
 * symbols. Their Schur complement is computed without materialising G_HDPC: with w_m = alpha *
 * w_(m-1) + z_m (the GAMMA recurrence), row h of MT * GAMMA * z is the sum of w_m over the columns m
 * where MT has a one in row h, plus alpha^h * w_(K'+S-1).
 */
class HdpcRows implements DenseRows {
  readonly count: number;
  constructor(
    private readonly p: RaptorQParams,
    private readonly pc: Precode,
  ) {
    this.count = p.H;
  }

  build(ctx: SchurContext, program: Program): { coef: Uint8Array; slots: Int32Array } {
    const { H, kPrime, S } = this.p;
    const { mt1, mt2 } = this.pc;
    const { u, words, colU, colPivot, pivotSlot, R } = ctx;
    const KS = kPrime + S;
    const stride = (u + 3) & ~3;
    const coefPad = new Uint8Array(H * stride);
    const c32 = new Int32Array(coefPad.buffer);
    const w8 = new Uint8Array(stride);
    const w32 = new Int32Array(w8.buffer);
    const q = stride >>> 2;
    const acc = program.newSlot();
    const slots = new Int32Array(H);
    for (let h = 0; h < H; h++) {
      slots[h] = program.newSlot();
      coefPad[h * stride + colU[KS + h]!] = 1;
    }
    const mul = gf256MulTable();
    for (let m = 0; m < KS; m++) {
      for (let x = 0; x < q; x++) {
        const v = w32[x]!;
        if (v !== 0) w32[x] = ((v & 0x7f7f7f7f) << 1) ^ (((v >>> 7) & 0x01010101) * 0x1d);
      }
      program.scale(acc, 2);
      const k = colPivot[m]!;
      if (k >= 0) {
        const base = k * words;
        for (let w = 0; w < words; w++) {
          let bitsLeft = R[base + w]!;
          while (bitsLeft !== 0) {
            const t = bitsLeft & -bitsLeft;
            w8[(w << 5) + (31 - Math.clz32(t))]! ^= 1;
            bitsLeft ^= t;
          }
        }
        program.xor(acc, pivotSlot[k]!);
      } else {
        w8[colU[m]!]! ^= 1;
      }
      if (m < KS - 1) {
        const r1 = mt1[m]! * q;
        const r2 = mt2[m]! * q;
        for (let x = 0; x < q; x++) {
          const v = w32[x]!;
          if (v !== 0) {
            c32[r1 + x]! ^= v;
            c32[r2 + x]! ^= v;
          }
        }
        program.xor(slots[mt1[m]!]!, acc);
        program.xor(slots[mt2[m]!]!, acc);
      } else {
        for (let h = 0; h < H; h++) {
          const a = GF256_EXP[h]!; // α^h, OCT_EXP of RFC 6330 §5.7.3
          const row = a << 8;
          const hb = h * stride;
          for (let x = 0; x < u; x++) coefPad[hb + x]! ^= mul[row | w8[x]!]!;
          program.mulAdd(slots[h]!, acc, a);
        }
      }
    }
    let coef = coefPad;
    if (stride !== u) {
      coef = new Uint8Array(H * u);
      for (let h = 0; h < H; h++) coef.set(coefPad.subarray(h * stride, h * stride + u), h * u);
    }
    return { coef, slots };
  }
}

/** The LT rows of ISIs 0..K'-1 in compressed-row form, cached with the precode. */
function systematicRows(p: RaptorQParams, pc: Precode): { ltPtr: Int32Array; ltCols: Int32Array } {
  if (pc.ltPtr === undefined || pc.ltCols === undefined) {
    const K = p.kPrime;
    const ptr = new Int32Array(K + 1);
    let cols = new Int32Array(K * 8 + 64);
    for (let isi = 0; isi < K; isi++) {
      if (ptr[isi]! + 33 > cols.length) {
        const c = new Int32Array(cols.length * 2);
        c.set(cols);
        cols = c;
      }
      ptr[isi + 1] = ptr[isi]! + raptorqLtColumns(p, isi, cols, ptr[isi]!);
    }
    pc.ltPtr = ptr;
    pc.ltCols = cols.slice(0, ptr[K]!);
  }
  return { ltPtr: pc.ltPtr, ltCols: pc.ltCols };
}

/** RaptorQ as a fountain code for the shared block coders, per K' (cached). */
const codes = new Map<number, FountainCode>();

/** The RaptorQ code of a source block of K symbols. */
export function raptorqCode(K: number): FountainCode {
  const p = raptorqParams(K);
  let code = codes.get(p.kPrime);
  if (code === undefined) {
    code = {
      key: `raptorq:${p.kPrime}`,
      paddedSymbols: p.kPrime,
      intermediateSymbols: p.L,
      maxEsi: RAPTORQ_MAX_ESI,
      ltColumns: (isi, out, at) => raptorqLtColumns(p, isi, out, at),
      system: (isis, slots, program) => raptorqSystem(p, isis, slots, program),
    };
    codes.set(p.kPrime, code);
  }
  return code;
}

/**
 * The constraint system of RFC 6330 §5.3.3.4 for one source block: S LDPC rows, H HDPC rows and
 * one LT row per ISI in `isis`. `ltSlots[i]` holds the symbol of ISI `isis[i]`; the LDPC rows get
 * new zero slots from `program`.
 */
export function raptorqSystem(p: RaptorQParams, isis: ArrayLike<number>, ltSlots: ArrayLike<number>, program: Program): SparseSystem {
  const pc = precode(p);
  const S = p.S;
  const n = isis.length;
  const rowPtr = new Int32Array(S + n + 1);
  const Kp = p.kPrime;
  const { ltPtr, ltCols } = systematicRows(p, pc);
  let size = pc.ldpcCols.length;
  for (let i = 0; i < n; i++) {
    const isi = isis[i]!;
    size += isi < Kp ? ltPtr[isi + 1]! - ltPtr[isi]! : 33;
  }
  const cols = new Int32Array(size);
  cols.set(pc.ldpcCols);
  rowPtr.set(pc.ldpcPtr);
  let e = pc.ldpcCols.length;
  for (let i = 0; i < n; i++) {
    const isi = isis[i]!;
    if (isi < Kp) {
      const from = ltPtr[isi]!;
      const to = ltPtr[isi + 1]!;
      cols.set(ltCols.subarray(from, to), e);
      e += to - from;
    } else {
      e += raptorqLtColumns(p, isi, cols, e);
    }
    rowPtr[S + i + 1] = e;
  }
  const rowSlot = new Int32Array(S + n);
  for (let i = 0; i < S; i++) rowSlot[i] = program.newSlot();
  for (let i = 0; i < n; i++) rowSlot[S + i] = ltSlots[i]!;
  return {
    cols: p.L,
    rowPtr,
    rowCols: cols.subarray(0, e),
    rowSlot,
    inactive: pc.inactive,
    dense: new HdpcRows(p, pc),
  };
}

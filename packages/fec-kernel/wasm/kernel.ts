/**
 * The readable source of the WebAssembly SIMD128 kernel. `scripts/generate.ts` assembles it into
 * `src/kernel-wasm.ts`; a test assembles it again and compares the bytes.
 *
 * Memory layout (shared with `src/wasm-kernel.ts`):
 *   [0, 8192)       256 nibble tables of 32 bytes: table c at c·32 holds c·x (bytes 0..15) and c·(x<<4)
 *                   (bytes 16..31) for x = 0..15, in GF(2^8) with polynomial 0x11D. Written once by JS.
 *   [8192, 40960)   the operation list of `run`: up to 4096 operations of two i32 words, copied in by JS.
 *   [40960, …)      the caller's symbol slab, then scratch space for mul_matrix.
 *
 * The GF(2^8) product of a constant c and every byte b of a vector is computed with two table look-ups
 * per byte, 16 bytes at once (the pshufb technique): c·b = low[b & 0x0F] ^ high[b >> 4], with
 * `i8x16.swizzle` doing the look-ups. Main loops handle 64 bytes (four vectors) per iteration, then one
 * vector at a time, then single bytes, so no function reads or writes outside [ptr, ptr + len).
 *
 * Exported functions (all addresses absolute, all lengths in bytes, no return values):
 *   xor(dst, src, len)                          dst[i] ^= src[i]
 *   mul_add(dst, src, len, tbl)                 dst[i] ^= T(src[i])     T = the nibble table at tbl
 *   mul(dst, src, len, tbl)                     dst[i]  = T(src[i])     dst = src allowed
 *   mul_matrix(coef, rows, cols, in, out, stride)
 *       out_r[p] = Σ_c coef[r·cols + c] · in_c[p] for r < rows, p < stride, where in_c = in + c·stride
 *       and out_r = out + r·stride. Requires rows ≥ 1, cols ≥ 1, stride a positive multiple of 64.
 *       Register-blocked: two output rows × 32 bytes of accumulators stay in registers across all
 *       inputs, and each input vector is split into nibbles once for both rows.
 *   xor2(dst, a, b, len), xor3(dst, a, b, c, len)
 *       dst[i] ^= a[i] ^ b[i] (^ c[i]) in one pass; dst must not be b or c.
 *   run(ops, count, base, stride, len)
 *       the `count` operations at ops, each two i32 words w0 = (opcode << 28) | dst, w1 = (c << 24) | src,
 *       on the symbols at base + index·stride, len bytes each: 0 xor, 1 copy (memory.copy), 2 mul_add,
 *       3 mul, 4 scale (mul in place), 5 zero (memory.fill). An XOR followed by one or two XORs into
 *       the same symbol that do not read it runs as xor2 / xor3. The caller has checked every operation.
 */
import { assembleModule, i32, op, v128, type Bytes, type FuncDef } from './assembler.js';

/** Byte offset of the first nibble table; table c starts at TABLES_BASE + 32·c. */
export const TABLES_BASE = 0;
/** Where `run` reads its operation list. */
export const OPS_BASE = 8192;
/** Operations that fit at OPS_BASE (8 bytes each). */
export const OPS_CAPACITY = 4096;
/** First byte after the operation list: where the slab starts. */
export const SLAB_BASE = OPS_BASE + 8 * OPS_CAPACITY;

const LOW_NIBBLES: Bytes = new Array<number>(16).fill(0x0f);
const ZERO: Bytes = new Array<number>(16).fill(0);

const { local_get: get, local_set: set, local_tee: tee } = op;

/** `local += n` for an i32 local. */
const addTo = (local: number, n: number): number[] => [...get(local), ...op.i32_const(n), ...op.i32_add, ...set(local)];

/**
 * T(x) for the vector on top of the stack, with the nibble tables in locals lo and hi, 0x0F·16 in mask,
 * and x a scratch v128 local: swizzle(lo, x & mask) ^ swizzle(hi, x >> 4).
 */
function tableProduct(loadX: Bytes, lo: number, hi: number, mask: number, x: number): number[] {
  return [
    ...get(lo), ...loadX, ...tee(x), ...get(mask), ...op.v128_and, ...op.i8x16_swizzle,
    ...get(hi), ...get(x), ...op.i32_const(4), ...op.i8x16_shr_u, ...op.i8x16_swizzle,
    ...op.v128_xor,
  ];
}

/**
 * `while (len >= step) { body; dst += step; src += step; len -= step }` as block/loop. `pointers` are
 * the locals advanced by `step`.
 */
function stridedLoop(len: number, step: number, pointers: readonly number[], body: Bytes): number[] {
  return op.block(
    op.loop(
      get(len), op.i32_const(step), op.i32_lt_u, op.br_if(1),
      body,
      ...pointers.map((p) => addTo(p, step)),
      addTo(len, -step),
      op.br(0),
    ),
  );
}

/** The byte-wise tail, `while (len !== 0) { body; dst++; src++; len-- }`. */
function byteLoop(len: number, pointers: readonly number[], body: Bytes): number[] {
  return stridedLoop(len, 1, pointers, body);
}

// xor(dst, src, len)
function xorFunc(): FuncDef {
  const [dst, src, len] = [0, 1, 2];
  const lane = (k: number): number[] => [
    ...get(dst),
    ...get(dst), ...op.v128_load(16 * k),
    ...get(src), ...op.v128_load(16 * k),
    ...op.v128_xor,
    ...op.v128_store(16 * k),
  ];
  return {
    name: 'xor',
    params: [i32, i32, i32],
    locals: [],
    body: [
      stridedLoop(len, 64, [dst, src], [0, 1, 2, 3].flatMap(lane)),
      stridedLoop(len, 16, [dst, src], lane(0)),
      byteLoop(len, [dst, src], [
        ...get(dst),
        ...get(dst), ...op.i32_load8_u(),
        ...get(src), ...op.i32_load8_u(),
        ...op.i32_xor,
        ...op.i32_store8(),
      ]),
    ],
  };
}

// mul_add(dst, src, len, tbl) and mul(dst, src, len, tbl)
function mulFunc(accumulate: boolean): FuncDef {
  const [dst, src, len, tbl, b] = [0, 1, 2, 3, 4];
  const [lo, hi, mask, x] = [5, 6, 7, 8];
  const lane = (k: number): number[] => [
    ...get(dst),
    ...(accumulate ? [...get(dst), ...op.v128_load(16 * k)] : []),
    ...tableProduct([...get(src), ...op.v128_load(16 * k)], lo, hi, mask, x),
    ...(accumulate ? op.v128_xor : []),
    ...op.v128_store(16 * k),
  ];
  // T(b) = tbl[b & 15] ^ tbl[16 + (b >> 4)]
  const scalarProduct = [
    ...get(tbl), ...get(src), ...op.i32_load8_u(), ...tee(b), ...op.i32_const(15), ...op.i32_and, ...op.i32_add, ...op.i32_load8_u(),
    ...get(tbl), ...get(b), ...op.i32_const(4), ...op.i32_shr_u, ...op.i32_add, ...op.i32_load8_u(16),
    ...op.i32_xor,
  ];
  return {
    name: accumulate ? 'mul_add' : 'mul',
    params: [i32, i32, i32, i32],
    locals: [i32, v128, v128, v128, v128],
    body: [
      get(tbl), op.v128_load(0), set(lo),
      get(tbl), op.v128_load(16), set(hi),
      op.v128_const(LOW_NIBBLES), set(mask),
      stridedLoop(len, 64, [dst, src], [0, 1, 2, 3].flatMap(lane)),
      stridedLoop(len, 16, [dst, src], lane(0)),
      byteLoop(len, [dst, src], [
        ...get(dst),
        ...(accumulate ? [...get(dst), ...op.i32_load8_u()] : []),
        ...scalarProduct,
        ...(accumulate ? op.i32_xor : []),
        ...op.i32_store8(),
      ]),
    ],
  };
}

// mul_matrix(coef, rows, cols, in, out, stride)
//
// For each 32-byte column slice, rows are taken two at a time (then a last single row): for every
// input the slice is loaded and split into nibbles once and feeds both rows' accumulators, which stay
// in registers across all inputs; each output slice is stored once. Two rows × two vectors keeps
// 4 accumulators + 4 tables + 4 temporaries in 12 of the 16 x64 vector registers.
function mulMatrixFunc(): FuncDef {
  const [coef, rows, cols, inp, out, stride] = [0, 1, 2, 3, 4, 5];
  const [pos, r, c, cp, cpB, ip, t] = [6, 7, 8, 9, 10, 11, 12];
  const acc = [13, 14, 15, 16]; // row r lanes 0,1; row r+1 lanes 0,1
  const [loA, hiA, loB, hiB, mask, x, xl, xh] = [17, 18, 19, 20, 21, 22, 23, 24];
  const LANES = 2;
  const SLICE = 16 * LANES;
  /** acc = acc ^ swizzle(lo, xl) ^ swizzle(hi, xh) */
  const mac = (a: number, lo: number, hi: number): number[] => [
    ...get(a),
    ...get(lo), ...get(xl), ...op.i8x16_swizzle,
    ...get(hi), ...get(xh), ...op.i8x16_swizzle,
    ...op.v128_xor, ...op.v128_xor,
    ...set(a),
  ];
  /** Loads the nibble tables of the coefficient at the pointer in local p into lo, hi. */
  const tables = (p: number, lo: number, hi: number): number[] => [
    ...get(p), ...op.i32_load8_u(), ...op.i32_const(5), ...op.i32_shl, ...op.i32_const(TABLES_BASE), ...op.i32_add, ...tee(t),
    ...op.v128_load(0), ...set(lo),
    ...get(t), ...op.v128_load(16), ...set(hi),
  ];
  /** The multiply-accumulate over all inputs and the stores, for `pair` ? rows r, r+1 : row r. */
  const rowBlock = (pair: boolean): number[] => [
    ...acc.flatMap((a) => [...op.v128_const(ZERO), ...set(a)]),
    ...get(coef), ...get(r), ...get(cols), ...op.i32_mul, ...op.i32_add, ...tee(cp),
    ...get(cols), ...op.i32_add, ...set(cpB),
    ...get(inp), ...get(pos), ...op.i32_add, ...set(ip),
    ...get(cols), ...set(c),
    ...op.loop(
      tables(cp, loA, hiA),
      pair ? tables(cpB, loB, hiB) : [],
      ...Array.from({ length: LANES }, (_, k) => [
        ...get(ip), ...op.v128_load(16 * k), ...tee(x), ...get(mask), ...op.v128_and, ...set(xl),
        ...get(x), ...op.i32_const(4), ...op.i8x16_shr_u, ...set(xh),
        ...mac(acc[k]!, loA, hiA),
        ...(pair ? mac(acc[LANES + k]!, loB, hiB) : []),
      ]),
      addTo(cp, 1),
      pair ? addTo(cpB, 1) : [],
      get(ip), get(stride), op.i32_add, set(ip),
      addTo(c, -1),
      get(c), op.br_if(0),
    ),
    // out + r·stride + pos
    ...get(out), ...get(r), ...get(stride), ...op.i32_mul, ...op.i32_add, ...get(pos), ...op.i32_add, ...set(t),
    ...Array.from({ length: LANES }, (_, k) => [...get(t), ...get(acc[k]!), ...op.v128_store(16 * k)]).flat(),
    ...(pair
      ? Array.from({ length: LANES }, (_, k) => [...get(t), ...get(stride), ...op.i32_add, ...get(acc[LANES + k]!), ...op.v128_store(16 * k)]).flat()
      : []),
  ];
  return {
    name: 'mul_matrix',
    params: [i32, i32, i32, i32, i32, i32],
    locals: [i32, i32, i32, i32, i32, i32, i32, v128, v128, v128, v128, v128, v128, v128, v128, v128, v128, v128, v128],
    body: [
      op.v128_const(LOW_NIBBLES), set(mask),
      op.i32_const(0), set(pos),
      op.loop(
        // for each 32-byte slice at pos
        op.i32_const(0), set(r),
        op.block(
          op.loop(
            // while r + 2 ≤ rows: rows r and r + 1
            get(r), op.i32_const(2), op.i32_add, get(rows), op.i32_gt_u, op.br_if(1),
            rowBlock(true),
            addTo(r, 2),
            op.br(0),
          ),
        ),
        // a last odd row
        get(r), get(rows), op.i32_lt_u,
        op.if(rowBlock(false)),
        addTo(pos, SLICE),
        get(pos), get(stride), op.i32_lt_u, op.br_if(0),
      ),
    ],
  };
}

// xor2(dst, a, b, len) and xor3(dst, a, b, c, len)
function xorManyFunc(sources: 2 | 3): FuncDef {
  const dst = 0;
  const srcs = sources === 2 ? [1, 2] : [1, 2, 3];
  const len = sources + 1;
  const lane = (k: number): number[] => [
    ...get(dst),
    ...get(dst), ...op.v128_load(16 * k),
    ...srcs.flatMap((s) => [...get(s), ...op.v128_load(16 * k), ...op.v128_xor]),
    ...op.v128_store(16 * k),
  ];
  return {
    name: `xor${sources}`,
    params: [i32, ...srcs.map((): typeof i32 => i32), i32],
    locals: [],
    body: [
      stridedLoop(len, 64, [dst, ...srcs], [0, 1, 2, 3].flatMap(lane)),
      stridedLoop(len, 16, [dst, ...srcs], lane(0)),
      byteLoop(len, [dst, ...srcs], [
        ...get(dst),
        ...get(dst), ...op.i32_load8_u(),
        ...srcs.flatMap((s) => [...get(s), ...op.i32_load8_u(), ...op.i32_xor]),
        ...op.i32_store8(),
      ]),
    ],
  };
}

/** Function indices, in the order `assembleKernel` lists the functions. */
const FN = { xor: 0, mul_add: 1, mul: 2, mul_matrix: 3, xor2: 4, xor3: 5, run: 6 } as const;

const DST_MASK = 0x0fffffff;
const SRC_MASK = 0x00ffffff;

// run(ops, count, base, stride, len)
function runFunc(): FuncDef {
  const [ops, count, base, stride, len] = [0, 1, 2, 3, 4];
  const [end, w0, w1, dst, src, slot, b, c] = [5, 6, 7, 8, 9, 10, 11, 12];
  /** local = base + local·stride */
  const address = (local: number): number[] => [...get(local), ...get(stride), ...op.i32_mul, ...get(base), ...op.i32_add, ...set(local)];
  /** The nibble table of the operation's constant: TABLES_BASE + (w1 >>> 24)·32. */
  const table = [...get(w1), ...op.i32_const(24), ...op.i32_shr_u, ...op.i32_const(5), ...op.i32_shl, ...op.i32_const(TABLES_BASE), ...op.i32_add];
  /**
   * `if (next operation exists, is an XOR into the same symbol (its first word equals w0: opcode 0,
   * same index) and reads another symbol) { into = its source's address; step past it; body }`:
   * three nested ifs, so `body` sits three labels deeper.
   */
  const ifNextXor = (into: number, body: Bytes[]): number[] => [
    ...get(ops), ...get(end), ...op.i32_lt_u,
    ...op.if(
      get(ops), op.i32_load(0), get(w0), op.i32_eq,
      op.if(
        get(ops), op.i32_load(4), op.i32_const(SRC_MASK), op.i32_and, tee(into), get(slot), op.i32_ne,
        op.if(address(into), addTo(ops, 8), ...body),
      ),
    ),
  ];
  // The XOR case, fused with up to two following XORs into the same symbol. Branch depths: the case
  // code sits inside 5 dispatch blocks and the loop.
  const xorCase = [
    ...ifNextXor(b, [
      ifNextXor(c, [get(dst), get(src), get(b), get(c), get(len), op.call(FN.xor3), op.br(6 + 5)]),
      get(dst), get(src), get(b), get(len), op.call(FN.xor2),
      op.br(3 + 5),
    ]),
    ...get(dst), ...get(src), ...get(len), ...op.call(FN.xor),
    ...op.br(5),
  ];
  const dispatch = [...get(w0), ...op.i32_const(28), ...op.i32_shr_u, ...op.br_table([0, 1, 2, 3, 4, 5], 5)];
  let cases = op.block(dispatch); // falls out into the XOR case
  cases = op.block(cases, xorCase); // then COPY
  cases = op.block(cases, get(dst), get(src), get(len), op.memory_copy, op.br(4)); // then MUL_ADD
  cases = op.block(cases, get(dst), get(src), get(len), table, op.call(FN.mul_add), op.br(3)); // then MUL
  cases = op.block(cases, get(dst), get(src), get(len), table, op.call(FN.mul), op.br(2)); // then SCALE
  cases = op.block(cases, get(dst), get(dst), get(len), table, op.call(FN.mul), op.br(1)); // then ZERO
  return {
    name: 'run',
    params: [i32, i32, i32, i32, i32],
    locals: [i32, i32, i32, i32, i32, i32, i32, i32],
    body: [
      get(ops), get(count), op.i32_const(3), op.i32_shl, op.i32_add, set(end),
      op.block(
        op.loop(
          get(ops), get(end), op.i32_ge_u, op.br_if(1),
          get(ops), op.i32_load(0), set(w0),
          get(ops), op.i32_load(4), set(w1),
          addTo(ops, 8),
          get(w0), op.i32_const(DST_MASK), op.i32_and, tee(slot), set(dst), address(dst),
          get(w1), op.i32_const(SRC_MASK), op.i32_and, set(src), address(src),
          cases,
          // ZERO
          get(dst), op.i32_const(0), get(len), op.memory_fill,
          op.br(0),
        ),
      ),
    ],
  };
}

/** The kernel module's bytes. Deterministic: the same source always gives the same bytes. */
export function assembleKernel(): Uint8Array {
  const funcs = [xorFunc(), mulFunc(true), mulFunc(false), mulMatrixFunc(), xorManyFunc(2), xorManyFunc(3), runFunc()];
  funcs.forEach((f, i) => {
    if (FN[f.name as keyof typeof FN] !== i) throw new Error(`function ${f.name} is not at index ${i}`);
  });
  return assembleModule(funcs, 1);
}

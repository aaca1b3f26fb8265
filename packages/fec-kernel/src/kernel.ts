/** Which implementation a kernel runs on. */
export type KernelBackend = 'wasm-simd' | 'js';

export interface FecKernelOptions {
  /**
   * `'auto'` (default) picks WebAssembly SIMD128 when the runtime validates the module and falls back
   * to TypeScript otherwise; `'wasm-simd'` throws when SIMD is unavailable; `'js'` forces the fallback.
   */
  readonly backend?: 'auto' | KernelBackend;
  /** Slab bytes to reserve at creation. Default 0. */
  readonly slabSize?: number;
}

/** Largest slab a kernel accepts, in bytes (1 GiB). */
export const MAX_SLAB_SIZE = 2 ** 30;

// Operation codes of `FecKernel.run`, in bits 28..31 of an operation's first word.
/** `dst ^= src` */
export const KERNEL_OP_XOR = 0;
/** `dst = src` */
export const KERNEL_OP_COPY = 1;
/** `dst ^= c · src` */
export const KERNEL_OP_MUL_ADD = 2;
/** `dst = c · src` */
export const KERNEL_OP_MUL = 3;
/** `dst = c · dst` (src is ignored) */
export const KERNEL_OP_SCALE = 4;
/** `dst = 0` (src and c are ignored) */
export const KERNEL_OP_ZERO = 5;
/** Largest symbol index of an operation's dst (28 bits). */
export const KERNEL_OP_MAX_DST = 0x0fffffff;
/** Largest symbol index of an operation's src (24 bits). */
export const KERNEL_OP_MAX_SRC = 0x00ffffff;

/**
 * Hot loops of GF(2^8) erasure codes over symbols of bytes, in one of two backends that produce the
 * same bytes. Every GF(2^8) constant uses polynomial 0x11D (see `gf256.ts`).
 *
 * Two usage patterns:
 *
 * (a) Matrix × symbols, for Reed-Solomon: `mulMatrix` takes ordinary Uint8Arrays; the WebAssembly
 *     backend copies each input into its memory once and amortises the copy over `rows` multiply-adds.
 *
 * (b) Slab, for RaptorQ/Raptor: a byte array that lives inside the kernel (`slab()`), with operations
 *     addressed by byte offset into it (`xor`, `mulAdd`, `mul`, `scale`), or a whole list of them on
 *     equal-size symbols in one call (`run`). `reserve(n)` grows the slab,
 *     preserving its contents. Growing may move the slab (WebAssembly `memory.grow` detaches the old
 *     ArrayBuffer; the fallback reallocates), so a Uint8Array returned by `slab()` is valid only until
 *     the next `reserve()` that grows the slab or the next `mulMatrix` (which may grow scratch space
 *     behind the slab): call `slab()` again afterwards rather than keeping a view. Offsets stay valid.
 *     The single operations and `run` never move the slab.
 *
 * Argument errors (offsets or lengths outside the slab, partially overlapping ranges, constants outside
 * 0..255, mismatched sizes) throw RangeError before any byte is written.
 */
export interface FecKernel {
  readonly backend: KernelBackend;
  /** Current slab length in bytes: the largest `reserve()` so far. */
  readonly slabSize: number;
  /** Ensures `slabSize ≥ byteLength`, keeping the contents; new bytes are zero. May invalidate views. */
  reserve(byteLength: number): void;
  /** A view of the whole slab, `[0, slabSize)`. Re-fetch after `reserve()` or `mulMatrix()`. */
  slab(): Uint8Array;
  /** slab[dst + i] ^= slab[src + i] for i < len. Ranges must be equal or disjoint. */
  xor(dst: number, src: number, len: number): void;
  /** slab[dst + i] ^= c · slab[src + i] for i < len. Ranges must be equal or disjoint. */
  mulAdd(dst: number, src: number, len: number, c: number): void;
  /** slab[dst + i] = c · slab[src + i] for i < len. Ranges must be equal or disjoint. */
  mul(dst: number, src: number, len: number, c: number): void;
  /** slab[dst + i] = c · slab[dst + i] for i < len. */
  scale(dst: number, len: number, c: number): void;
  /**
   * Runs a list of operations on symbols of the slab in one call, in order. Symbol i is the range
   * `[base + i·stride, base + i·stride + len)`; `len` defaults to `stride` and must not exceed it, so
   * two symbols are identical or disjoint. Each operation takes two words of `ops`:
   *
   *     ops[2k]     = (opcode << 28) | dst      dst: symbol index, at most KERNEL_OP_MAX_DST
   *     ops[2k + 1] = (c << 24) | src           src: symbol index, at most KERNEL_OP_MAX_SRC; c: 0..255
   *
   * with the opcodes KERNEL_OP_XOR, _COPY, _MUL_ADD, _MUL, _SCALE and _ZERO. The whole list is
   * checked first (opcodes, every symbol inside the slab): a bad one throws RangeError before any
   * byte is written. `run` never moves the slab: views from `slab()` stay valid.
   *
   * This is the fast path for many small operations, such as replaying a recorded elimination: the
   * WebAssembly backend crosses into WebAssembly once per 4096 operations instead of once per
   * operation, and both backends fuse an XOR with up to two following XORs into the same symbol.
   */
  run(ops: Int32Array, base: number, stride: number, len?: number): void;
  /**
   * outputs[r] = Σ_c coeffs[r·cols + c] · inputs[c] for r < rows (outputs are overwritten). Every input
   * and output has the same length; outputs must not overlap inputs or each other. Does not touch the
   * slab's contents (it may move it: re-fetch `slab()`).
   */
  mulMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void;
}

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
 *     addressed by byte offset into it (`xor`, `mulAdd`, `mul`, `scale`). `reserve(n)` grows the slab,
 *     preserving its contents. Growing may move the slab (WebAssembly `memory.grow` detaches the old
 *     ArrayBuffer; the fallback reallocates), so a Uint8Array returned by `slab()` is valid only until
 *     the next `reserve()` that grows the slab or the next `mulMatrix` (which may grow scratch space
 *     behind the slab): call `slab()` again afterwards rather than keeping a view. Offsets stay valid.
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
   * outputs[r] = Σ_c coeffs[r·cols + c] · inputs[c] for r < rows (outputs are overwritten). Every input
   * and output has the same length; outputs must not overlap inputs or each other. Does not touch the
   * slab's contents (it may move it: re-fetch `slab()`).
   */
  mulMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void;
}

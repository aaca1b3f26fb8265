import { createFecKernel, wasmSimdSupported, type FecKernel } from '@proto/fec-kernel';
import { gfMulTable } from './gf256.js';

/**
 * The symbol operations the codecs need, on a block of memory addressed by byte offsets (the shape
 * of a WebAssembly kernel whose symbols live in its linear memory). Offsets are multiples of 16 and
 * lengths multiples of 16; callers keep to that.
 */
export interface SymbolKernel {
  /** The whole memory as bytes. A new view after `ensureCapacity` grew it. */
  bytes(): Uint8Array;
  /** Makes sure at least `byteLength` bytes are addressable (contents are kept). */
  ensureCapacity(byteLength: number): void;
  /** dst ^= src */
  xor(dst: number, src: number, len: number): void;
  /** dst ^= a ^ b */
  xor2(dst: number, a: number, b: number, len: number): void;
  /** dst ^= a ^ b ^ c */
  xor3(dst: number, a: number, b: number, c: number, len: number): void;
  /** dst = src */
  copy(dst: number, src: number, len: number): void;
  /** dst ^= c * src in GF(256) */
  mulAdd(dst: number, src: number, len: number, c: number): void;
  /** dst = c * src in GF(256) */
  mul(dst: number, src: number, len: number, c: number): void;
  /** dst = c * dst in GF(256) */
  scale(dst: number, len: number, c: number): void;
}

/**
 * Portable TypeScript kernel: 64-bit lanes (`BigInt64Array`, which V8 compiles to plain 64-bit
 * integer code) for XOR, copy and multiplication by alpha; a 256-entry product row per constant for
 * the general GF(256) multiply-accumulate.
 */
export class TsSymbolKernel implements SymbolKernel {
  private buffer: ArrayBuffer;
  private u8: Uint8Array;
  private i32: Int32Array;
  private i64: BigInt64Array;
  private readonly product: Uint8Array = gfMulTable();

  constructor(initialBytes = 0) {
    this.buffer = new ArrayBuffer(roundUp(initialBytes));
    this.u8 = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.i64 = new BigInt64Array(this.buffer);
  }

  bytes(): Uint8Array {
    return this.u8;
  }

  ensureCapacity(byteLength: number): void {
    if (byteLength <= this.buffer.byteLength) return;
    const next = new ArrayBuffer(roundUp(Math.max(byteLength, Math.min(this.buffer.byteLength * 2, byteLength + (64 << 20)))));
    const u8 = new Uint8Array(next);
    u8.set(this.u8);
    this.buffer = next;
    this.u8 = u8;
    this.i32 = new Int32Array(next);
    this.i64 = new BigInt64Array(next);
  }

  xor(dst: number, src: number, len: number): void {
    const w = this.i64;
    let d = dst >> 3;
    let s = src >> 3;
    const end = d + (len >> 3);
    for (; d < end; d += 2, s += 2) {
      w[d] = w[d]! ^ w[s]!;
      w[d + 1] = w[d + 1]! ^ w[s + 1]!;
    }
  }

  xor2(dst: number, a: number, b: number, len: number): void {
    const w = this.i64;
    let d = dst >> 3;
    let x = a >> 3;
    let y = b >> 3;
    const end = d + (len >> 3);
    for (; d < end; d += 2, x += 2, y += 2) {
      w[d] = w[d]! ^ w[x]! ^ w[y]!;
      w[d + 1] = w[d + 1]! ^ w[x + 1]! ^ w[y + 1]!;
    }
  }

  xor3(dst: number, a: number, b: number, c: number, len: number): void {
    const w = this.i64;
    let d = dst >> 3;
    let x = a >> 3;
    let y = b >> 3;
    let z = c >> 3;
    const end = d + (len >> 3);
    for (; d < end; d += 2, x += 2, y += 2, z += 2) {
      w[d] = w[d]! ^ w[x]! ^ w[y]! ^ w[z]!;
      w[d + 1] = w[d + 1]! ^ w[x + 1]! ^ w[y + 1]! ^ w[z + 1]!;
    }
  }

  copy(dst: number, src: number, len: number): void {
    this.u8.copyWithin(dst, src, src + len);
  }

  mulAdd(dst: number, src: number, len: number, c: number): void {
    if (c === 0) return;
    if (c === 1) {
      this.xor(dst, src, len);
      return;
    }
    const row = this.product.subarray(c << 8, (c + 1) << 8);
    const w = this.i32;
    let d = dst >> 2;
    let s = src >> 2;
    const end = d + (len >> 2);
    for (; d < end; d++, s++) {
      const v = w[s]!;
      if (v !== 0) w[d] = w[d]! ^ (row[v & 255]! | (row[(v >>> 8) & 255]! << 8) | (row[(v >>> 16) & 255]! << 16) | (row[v >>> 24]! << 24));
    }
  }

  mul(dst: number, src: number, len: number, c: number): void {
    if (dst !== src) this.copy(dst, src, len);
    this.scale(dst, len, c);
  }

  scale(dst: number, len: number, c: number): void {
    if (c === 1) return;
    if (c === 0) {
      this.u8.fill(0, dst, dst + len);
      return;
    }
    if (c === 2) {
      // Multiplication by alpha on eight octets at once: shift left, reduce the carried-out bits by 0x1d.
      const w = this.i64;
      let d = dst >> 3;
      const end = d + (len >> 3);
      for (; d < end; d++) {
        const x = w[d]!;
        w[d] = ((x & 0x7f7f7f7f7f7f7f7fn) << 1n) ^ (((x >> 7n) & 0x0101010101010101n) * 0x1dn);
      }
      return;
    }
    const row = this.product.subarray(c << 8, (c + 1) << 8);
    const w = this.i32;
    let d = dst >> 2;
    const end = d + (len >> 2);
    for (; d < end; d++) {
      const v = w[d]!;
      w[d] = row[v & 255]! | (row[(v >>> 8) & 255]! << 8) | (row[(v >>> 16) & 255]! << 16) | (row[v >>> 24]! << 24);
    }
  }
}

function roundUp(n: number): number {
  return Math.max(64, Math.ceil(n / 64) * 64);
}

/**
 * The shared WebAssembly SIMD kernel of `@proto/fec-kernel` seen through this interface. It has
 * no multi-source XOR or copy: those are composed here.
 */
export class FecKernelAdapter implements SymbolKernel {
  private view: Uint8Array;

  constructor(private readonly k: FecKernel) {
    this.view = k.slab();
  }

  bytes(): Uint8Array {
    return this.view;
  }

  ensureCapacity(byteLength: number): void {
    if (byteLength <= this.k.slabSize) return;
    // Exactly what is asked: the kernel grows its memory geometrically by itself, and zero-fills
    // (touches) only the slab.
    this.k.reserve(byteLength);
    this.view = this.k.slab();
  }

  xor(dst: number, src: number, len: number): void {
    this.k.xor(dst, src, len);
  }

  xor2(dst: number, a: number, b: number, len: number): void {
    this.k.xor(dst, a, len);
    this.k.xor(dst, b, len);
  }

  xor3(dst: number, a: number, b: number, c: number, len: number): void {
    this.k.xor(dst, a, len);
    this.k.xor(dst, b, len);
    this.k.xor(dst, c, len);
  }

  copy(dst: number, src: number, len: number): void {
    this.view.copyWithin(dst, src, src + len);
  }

  mulAdd(dst: number, src: number, len: number, c: number): void {
    this.k.mulAdd(dst, src, len, c);
  }

  mul(dst: number, src: number, len: number, c: number): void {
    this.k.mul(dst, src, len, c);
  }

  scale(dst: number, len: number, c: number): void {
    this.k.scale(dst, len, c);
  }
}

/** Which symbol kernel the coders use. */
export type KernelChoice = 'auto' | 'wasm-simd' | 'ts';

/**
 * A new kernel: `'wasm-simd'` is `@proto/fec-kernel`'s WebAssembly SIMD kernel (throws where the
 * runtime lacks SIMD), `'ts'` the portable kernel of this package, `'auto'` (default) the first
 * when available, else the second.
 */
export function createSymbolKernel(choice: KernelChoice = 'auto', initialBytes = 0): SymbolKernel {
  if (choice === 'ts' || (choice === 'auto' && !wasmSimdSupported())) return new TsSymbolKernel(initialBytes);
  return new FecKernelAdapter(createFecKernel({ backend: 'wasm-simd', slabSize: initialBytes }));
}

/** Kernels returned by finished coders, reused by the next ones (their memory is already mapped). */
const pools = { wasm: [] as SymbolKernel[], ts: [] as SymbolKernel[] };
const POOL_SIZE = 4;
/** Kernels larger than this are left to the garbage collector. */
const POOL_MAX_BYTES = 160 << 20;

function poolOf(choice: KernelChoice): SymbolKernel[] {
  return choice === 'ts' || (choice === 'auto' && !wasmSimdSupported()) ? pools.ts : pools.wasm;
}

/**
 * A kernel of the given choice with room for `bytes`, from the pool when one is there. Its memory
 * holds garbage: callers initialise everything they read.
 */
export function acquireKernel(choice: KernelChoice, bytes: number): SymbolKernel {
  const pool = poolOf(choice);
  const k = pool.pop();
  if (k === undefined) return createSymbolKernel(choice, bytes);
  k.ensureCapacity(bytes);
  return k;
}

/** Gives a kernel obtained from `acquireKernel` back for reuse. */
export function releaseKernel(choice: KernelChoice, kernel: SymbolKernel): void {
  const pool = poolOf(choice);
  if (pool.length < POOL_SIZE && kernel.bytes().length <= POOL_MAX_BYTES && !pool.includes(kernel)) pool.push(kernel);
}

import { checkConstant, checkPair, checkRun, checkSlabSize, startMatrix } from './check.js';
import { gf256NibbleTables } from './gf256.js';
import type { FecKernel } from './kernel.js';
import { KERNEL_WASM } from './kernel-wasm.js';

// Must match wasm/kernel.ts: nibble tables at [0, 8192), the operation list of `run` at
// [8192, 40960), the slab from 40960.
const TABLES_BASE = 0;
const OPS_BASE = 8192;
const OPS_CAPACITY = 4096;
const SLAB_BASE = OPS_BASE + 8 * OPS_CAPACITY;
const PAGE = 65536;
/** The WebAssembly memory never exceeds this (2 GiB keeps every address a positive i32). */
const MAX_MEMORY = 2 ** 31;

// The few WebAssembly JS API members used here, typed locally: the base lib (es2023, no DOM) has none,
// and the code must not depend on DOM or Node typings.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule) => { readonly exports: unknown };
}

interface KernelExports {
  readonly memory: WasmMemory;
  xor(dst: number, src: number, len: number): void;
  mul_add(dst: number, src: number, len: number, tbl: number): void;
  mul(dst: number, src: number, len: number, tbl: number): void;
  mul_matrix(coef: number, rows: number, cols: number, inp: number, out: number, stride: number): void;
  run(ops: number, count: number, base: number, stride: number, len: number): void;
}

/** WebAssembly reads its memory little-endian; typed arrays use the platform's byte order. */
const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;

let compiled: WasmModule | null | undefined;

function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    compiled = wasm !== undefined && wasm.validate(KERNEL_WASM) ? new wasm.Module(KERNEL_WASM) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** True when this runtime runs the WebAssembly SIMD128 kernel. */
export function wasmSimdSupported(): boolean {
  return kernelModule() !== null;
}

let tableBlock: Uint8Array | undefined;

/** The 256 nibble tables, 32 bytes each, in the order the module expects. */
function nibbleTableBlock(): Uint8Array {
  if (tableBlock !== undefined) return tableBlock;
  const block = new Uint8Array(256 * 32);
  for (let c = 0; c < 256; c++) block.set(gf256NibbleTables(c), c * 32);
  tableBlock = block;
  return block;
}

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** The WebAssembly SIMD128 backend. Each instance owns one WebAssembly memory. */
export class WasmKernel implements FecKernel {
  readonly backend = 'wasm-simd' as const;
  readonly #x: KernelExports;
  #u8: Uint8Array;
  /** The operation list area of `run`, as words. */
  #ops: Int32Array;
  #size = 0;

  constructor(slabSize: number) {
    const mod = kernelModule();
    if (mod === null) throw new RangeError('WebAssembly SIMD128 is not available in this runtime');
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
    this.#x = new wasm.Instance(mod).exports as KernelExports;
    this.#u8 = new Uint8Array(this.#x.memory.buffer);
    this.#ops = new Int32Array(this.#x.memory.buffer, OPS_BASE, 2 * OPS_CAPACITY);
    this.#u8.set(nibbleTableBlock(), TABLES_BASE);
    this.reserve(slabSize);
  }

  get slabSize(): number {
    return this.#size;
  }

  /** Grows the memory to at least `bytes` and refreshes the view (old views are detached). */
  #ensureMemory(bytes: number): void {
    if (bytes > MAX_MEMORY) throw new RangeError(`kernel memory would exceed ${MAX_MEMORY} bytes (${bytes} requested)`);
    const have = this.#x.memory.buffer.byteLength;
    if (bytes <= have) return;
    // Grow at least geometrically so that a slab growing step by step costs amortised O(1) per byte.
    const want = Math.min(MAX_MEMORY, Math.max(bytes, have + (have >>> 1)));
    this.#x.memory.grow(Math.ceil((want - have) / PAGE));
    this.#u8 = new Uint8Array(this.#x.memory.buffer);
    this.#ops = new Int32Array(this.#x.memory.buffer, OPS_BASE, 2 * OPS_CAPACITY);
  }

  reserve(byteLength: number): void {
    checkSlabSize(byteLength);
    if (byteLength <= this.#size) return;
    this.#ensureMemory(SLAB_BASE + byteLength);
    // Bytes past the old slab may hold mul_matrix scratch: the new part of the slab starts zeroed.
    this.#u8.fill(0, SLAB_BASE + this.#size, SLAB_BASE + byteLength);
    this.#size = byteLength;
  }

  slab(): Uint8Array {
    return this.#u8.subarray(SLAB_BASE, SLAB_BASE + this.#size);
  }

  xor(dst: number, src: number, len: number): void {
    checkPair('xor', dst, src, len, this.#size);
    this.#x.xor(SLAB_BASE + dst, SLAB_BASE + src, len);
  }

  mulAdd(dst: number, src: number, len: number, c: number): void {
    checkConstant(c);
    checkPair('mulAdd', dst, src, len, this.#size);
    this.#x.mul_add(SLAB_BASE + dst, SLAB_BASE + src, len, TABLES_BASE + c * 32);
  }

  mul(dst: number, src: number, len: number, c: number): void {
    checkConstant(c);
    checkPair('mul', dst, src, len, this.#size);
    this.#x.mul(SLAB_BASE + dst, SLAB_BASE + src, len, TABLES_BASE + c * 32);
  }

  scale(dst: number, len: number, c: number): void {
    this.mul(dst, dst, len, c);
  }

  run(ops: Int32Array, base: number, stride: number, len: number = stride): void {
    checkRun(ops, base, stride, len, this.#size);
    const count = ops.length >>> 1;
    for (let at = 0; at < count; at += OPS_CAPACITY) {
      const n = Math.min(OPS_CAPACITY, count - at);
      const chunk = ops.subarray(2 * at, 2 * (at + n));
      if (LITTLE_ENDIAN) {
        this.#ops.set(chunk);
      } else {
        const view = new DataView(this.#x.memory.buffer, OPS_BASE, 8 * n);
        for (let i = 0; i < 2 * n; i++) view.setInt32(4 * i, chunk[i]!, true);
      }
      this.#x.run(OPS_BASE, n, SLAB_BASE + base, stride, len);
    }
  }

  mulMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
    const len = startMatrix(coeffs, rows, cols, inputs, outputs);
    if (len === undefined) return;
    // Scratch behind the slab: coefficients, then inputs and outputs, each padded to 64 bytes.
    const stride = roundUp(len, 64);
    const coefAt = roundUp(SLAB_BASE + this.#size, 64);
    const inAt = coefAt + roundUp(rows * cols, 64);
    const outAt = inAt + cols * stride;
    this.#ensureMemory(outAt + rows * stride);
    const u8 = this.#u8;
    u8.set(coeffs.subarray(0, rows * cols), coefAt);
    for (let c = 0; c < cols; c++) u8.set(inputs[c]!, inAt + c * stride);
    this.#x.mul_matrix(coefAt, rows, cols, inAt, outAt, stride);
    for (let r = 0; r < rows; r++) outputs[r]!.set(u8.subarray(outAt + r * stride, outAt + r * stride + len));
  }
}

import { createFecKernel, wasmSimdSupported, type FecKernel, type KernelBackend } from '@proto/fec-kernel';

/** Which symbol kernel the coders use. */
export type KernelChoice = 'auto' | 'wasm-simd' | 'ts';

/**
 * The `@proto/fec-kernel` backend of a choice: `'wasm-simd'` its WebAssembly SIMD kernel (creating
 * one throws where the runtime lacks SIMD), `'ts'` its TypeScript fallback, `'auto'` (default) the
 * first when available, else the second. Both give the same bytes.
 */
function backendOf(choice: KernelChoice): KernelBackend {
  return choice === 'ts' || (choice === 'auto' && !wasmSimdSupported()) ? 'js' : 'wasm-simd';
}

/** Kernels returned by finished coders, reused by the next ones (their memory is already mapped). */
const pools: Record<KernelBackend, FecKernel[]> = { 'wasm-simd': [], js: [] };
const POOL_SIZE = 4;
/** Kernels larger than this are left to the garbage collector. */
const POOL_MAX_BYTES = 160 << 20;

/**
 * A kernel of the given choice whose slab has at least `bytes`, from the pool when one is there. Its
 * slab holds garbage: callers initialise everything they read.
 */
export function acquireKernel(choice: KernelChoice, bytes: number): FecKernel {
  const backend = backendOf(choice);
  const k = pools[backend].pop();
  if (k === undefined) return createFecKernel({ backend, slabSize: bytes });
  k.reserve(bytes);
  return k;
}

/** Gives a kernel obtained from `acquireKernel` back for reuse. */
export function releaseKernel(kernel: FecKernel): void {
  const pool = pools[kernel.backend];
  if (pool.length < POOL_SIZE && kernel.slabSize <= POOL_MAX_BYTES && !pool.includes(kernel)) pool.push(kernel);
}

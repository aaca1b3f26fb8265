import { JsKernel } from './js-kernel.js';
import type { FecKernel, FecKernelOptions } from './kernel.js';
import { WasmKernel, wasmSimdSupported } from './wasm-kernel.js';

/**
 * Creates a kernel with its own slab. With the default `backend: 'auto'` it runs WebAssembly SIMD128
 * when available and the byte-identical TypeScript fallback otherwise; `kernel.backend` says which.
 */
export function createFecKernel(options: FecKernelOptions = {}): FecKernel {
  const backend = options.backend ?? 'auto';
  const slabSize = options.slabSize ?? 0;
  if (backend === 'js') return new JsKernel(slabSize);
  if (backend === 'wasm-simd' || wasmSimdSupported()) return new WasmKernel(slabSize);
  return new JsKernel(slabSize);
}

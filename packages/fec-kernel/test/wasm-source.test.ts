import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_WASM } from '../src/kernel-wasm.js';
import { wasmSimdSupported } from '../src/wasm-kernel.js';
import { assembleKernel } from '../wasm/kernel.js';
import { renderKernelSource } from '../wasm/render.js';

// @types/node 20 does not declare the WebAssembly namespace: type the three members used here.
const wasm = (globalThis as unknown as {
  WebAssembly: {
    validate(bytes: Uint8Array): boolean;
    Module: { new (bytes: Uint8Array): object; exports(module: object): { kind: string; name: string }[] };
  };
}).WebAssembly;

describe('the checked-in WebAssembly kernel', () => {
  it('is exactly what wasm/kernel.ts assembles to', () => {
    const checkedIn = readFileSync(new URL('../src/kernel-wasm.ts', import.meta.url), 'utf8');
    expect(checkedIn).toBe(renderKernelSource());
    expect(Array.from(KERNEL_WASM)).toEqual(Array.from(assembleKernel()));
  });

  it('assembles deterministically', () => {
    expect(Array.from(assembleKernel())).toEqual(Array.from(assembleKernel()));
  });

  it('is a valid SIMD128 module that Node runs', () => {
    expect(wasm.validate(KERNEL_WASM)).toBe(true);
    expect(wasmSimdSupported()).toBe(true);
    const exports = wasm.Module.exports(new wasm.Module(KERNEL_WASM)).map((e) => `${e.kind}:${e.name}`);
    expect(exports).toEqual(['memory:memory', 'function:xor', 'function:mul_add', 'function:mul', 'function:mul_matrix', 'function:xor2', 'function:xor3', 'function:run']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gfMul } from '../src/core/gf256.js';
import { createSymbolKernel, type SymbolKernel } from '../src/core/kernel.js';

// Every kernel operation on every backend against a byte-by-byte reference.
const LEN = 48;
const SLOTS = 6;
type Op = [kind: number, d: number, a: number, b: number, c: number, k: number];

function reference(mem: Uint8Array, [kind, d, a, b, c, k]: Op): void {
  const at = (s: number, i: number): number => mem[s * LEN + i]!;
  for (let i = 0; i < LEN; i++) {
    const D = d * LEN + i;
    switch (kind) {
      case 0: mem[D] = at(d, i) ^ at(a, i); break;
      case 1: mem[D] = at(d, i) ^ at(a, i) ^ at(b, i); break;
      case 2: mem[D] = at(d, i) ^ at(a, i) ^ at(b, i) ^ at(c, i); break;
      case 3: mem[D] = at(a, i); break;
      case 4: mem[D] = at(d, i) ^ gfMul(k, at(a, i)); break;
      case 5: mem[D] = gfMul(k, at(a, i)); break;
      default: mem[D] = gfMul(k, at(d, i));
    }
  }
}

function apply(kernel: SymbolKernel, [kind, d, a, b, c, k]: Op): void {
  const o = (s: number): number => s * LEN;
  switch (kind) {
    case 0: kernel.xor(o(d), o(a), LEN); break;
    case 1: kernel.xor2(o(d), o(a), o(b), LEN); break;
    case 2: kernel.xor3(o(d), o(a), o(b), o(c), LEN); break;
    case 3: kernel.copy(o(d), o(a), LEN); break;
    case 4: kernel.mulAdd(o(d), o(a), LEN, k); break;
    case 5: kernel.mul(o(d), o(a), LEN, k); break;
    default: kernel.scale(o(d), LEN, k);
  }
}

// Sources differ from the destination (the coders never alias them).
const op = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: SLOTS - 1 }), fc.integer({ min: 1, max: SLOTS - 1 }), fc.integer({ min: 1, max: SLOTS - 1 }), fc.integer({ min: 1, max: SLOTS - 1 }), fc.oneof(fc.constant(2), fc.integer({ min: 0, max: 255 })))
  .map(([kind, d, a, b, c, k]): Op => [kind, d, (d + a) % SLOTS, (d + b) % SLOTS, (d + c) % SLOTS, kind === 6 && k === 0 ? 1 : k]);

describe('symbol kernels', () => {
  for (const choice of ['ts', 'wasm-simd'] as const) {
    it(`${choice}: xor, xor2, xor3, copy, mulAdd, mul and scale match a byte-by-byte reference`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: LEN * SLOTS, maxLength: LEN * SLOTS }), fc.array(op, { maxLength: 30 }), (init, ops) => {
          const kernel = createSymbolKernel(choice, LEN * SLOTS);
          kernel.bytes().set(init);
          const expected = init.slice();
          for (const o of ops) {
            apply(kernel, o);
            reference(expected, o);
          }
          expect(Array.from(kernel.bytes().subarray(0, LEN * SLOTS))).toEqual(Array.from(expected));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('keeps contents when the memory grows', () => {
    for (const choice of ['ts', 'wasm-simd'] as const) {
      const kernel = createSymbolKernel(choice, 64);
      kernel.bytes().set([1, 2, 3]);
      kernel.ensureCapacity(1 << 20);
      expect(Array.from(kernel.bytes().subarray(0, 3))).toEqual([1, 2, 3]);
      expect(kernel.bytes().length).toBeGreaterThanOrEqual(1 << 20);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gf256Mul } from '@proto/fec-kernel';
import { encodingPlan } from '../src/core/plan.js';
import { SymbolSlab } from '../src/core/slab.js';
import { raptor10Code } from '../src/raptor10/system.js';
import { raptorqCode } from '../src/raptorq/system.js';

// The symbol work of the coders runs on @proto/fec-kernel (whose own tests check every operation on
// both backends). Here: the slab layer on top of it, on both kernel choices, against byte-wise models.
const CHOICES = ['ts', 'wasm-simd'] as const;

/** Interprets a recorded program one byte at a time over slots of `stride` bytes. */
function interpret(mem: Uint8Array, ops: Int32Array, stride: number): void {
  for (let i = 0; i < ops.length; i += 2) {
    const op = ops[i]! >>> 28;
    const d = (ops[i]! & 0x0fffffff) * stride;
    const s = (ops[i + 1]! & 0x00ffffff) * stride;
    const c = ops[i + 1]! >>> 24;
    for (let j = 0; j < stride; j++) {
      const x = mem[s + j]!;
      const y = mem[d + j]!;
      mem[d + j] = [y ^ x, x, y ^ gf256Mul(c, x), gf256Mul(c, x), gf256Mul(c, y), 0][op]!;
    }
  }
}

describe('SymbolSlab', () => {
  for (const choice of CHOICES) {
    it(`${choice}: write, combine and read match a byte-wise XOR for any symbol size`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 100 }),
          fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 12 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (T, picks, seed) => {
            const symbols = Array.from({ length: 8 }, (_, s) => Uint8Array.from({ length: T }, (_, i) => (i * 31 + s * 77 + seed) ^ (seed >>> (s + 3))));
            const slab = new SymbolSlab(T, 9, choice);
            slab.reserve(9);
            // Slot 0 is the destination; its garbage must not leak into the result.
            slab.bytes().fill(0xa5, 0, slab.stride);
            symbols.forEach((s, i) => slab.write(i + 1, s));
            slab.combine(0, picks, 0, picks.length);
            const want = new Uint8Array(T);
            for (const p of picks) for (let i = 0; i < T; i++) want[i]! ^= symbols[p - 1]![i]!;
            const got = new Uint8Array(T + 2);
            slab.read(0, got, 1);
            slab.release();
            expect(Array.from(got.subarray(1, T + 1))).toEqual(Array.from(want));
            expect([got[0], got[T + 1]]).toEqual([0, 0]);
          },
        ),
        { numRuns: 120 },
      );
    });
  }

  it('replays recorded encoding plans with the same bytes on both kernels as a byte-wise interpreter', () => {
    for (const code of [raptorqCode(10), raptorqCode(101), raptor10Code(40)]) {
      const plan = encodingPlan(code);
      const T = 24;
      const stride = 32;
      const slots = plan.program.slots;
      const initial = Uint8Array.from({ length: slots * stride }, (_, i) => (i < code.paddedSymbols * stride ? (i * 167) ^ (i >>> 7) : 0));
      const model = initial.slice();
      interpret(model, plan.program.ops, stride);
      for (const choice of CHOICES) {
        const slab = new SymbolSlab(T, slots, choice);
        slab.bytes().set(initial);
        slab.run(plan.program.ops);
        const got = slab.bytes().slice(0, slots * stride);
        slab.release();
        // Only the intermediate symbols are defined: slots the pruned program never wrote keep garbage.
        for (let c = 0; c < plan.colSlot.length; c++) {
          const at = plan.colSlot[c]! * stride;
          expect(Array.from(got.subarray(at, at + stride)), `${code.key} ${choice} column ${c}`).toEqual(Array.from(model.subarray(at, at + stride)));
        }
      }
    }
  });
});

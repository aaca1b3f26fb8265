import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReedSolomon } from '../src/index.js';

/** Smallest symbol size step for m: bytes must hold whole m-bit elements. */
const sizeStep = (m: number): number => {
  for (let T = 1; ; T++) if ((T * 8) % m === 0) return T;
};

const codeArb = fc
  .record({ m: fc.integer({ min: 2, max: 16 }), matrix: fc.constantFrom('rfc5510' as const, 'backblaze' as const) })
  .chain(({ m, matrix }) => {
    const max = Math.min((1 << m) - 1, 60);
    return fc.record({
      m: fc.constant(m),
      matrix: fc.constant(matrix),
      k: fc.integer({ min: 1, max }),
      extra: fc.integer({ min: 0, max }),
      units: fc.integer({ min: 0, max: 12 }),
      seed: fc.nat(),
    });
  })
  .chain(({ m, matrix, k, extra, units, seed }) => {
    const n = Math.min((1 << m) - 1, k + extra);
    const T = units * sizeStep(m);
    return fc.record({
      m: fc.constant(m),
      matrix: fc.constant(matrix),
      k: fc.constant(k),
      n: fc.constant(n),
      sources: fc.array(fc.uint8Array({ minLength: T, maxLength: T }), { minLength: k, maxLength: k }),
      // A random order of the n ESIs; the decoder gets the first k of it (up to n − k erasures).
      order: fc.constant(seed).map((s) => {
        const order = Array.from({ length: n }, (_, i) => i);
        let x = s | 1;
        for (let i = n - 1; i > 0; i--) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const j = x % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        return order;
      }),
    });
  });

describe('decode(encode(x)) = x', () => {
  it('for random m, k, n, symbol size, matrix and erasure pattern', () => {
    fc.assert(
      fc.property(codeArb, ({ m, matrix, k, n, sources, order }) => {
        const rs = createReedSolomon({ m, k, n, matrix });
        const all = [...sources, ...rs.encode(sources)];
        expect(all.length).toBe(n);
        const received = order.slice(0, k).map((esi) => ({ esi, data: all[esi]! }));
        expect(rs.decode(received)).toEqual(sources);
      }),
      { numRuns: 250 },
    );
  });

  it('for m = 16, k = 1000, n = 1200 with 200 erasures', () => {
    const k = 1000;
    const n = 1200;
    const T = 6;
    const sources = Array.from({ length: k }, (_, i) => Uint8Array.from({ length: T }, (_, j) => (i * 131 + j * 17 + (i >> 3)) & 255));
    for (const matrix of ['rfc5510', 'backblaze'] as const) {
      const rs = createReedSolomon({ m: 16, k, n, matrix });
      const all = [...sources, ...rs.encode(sources)].map((data, esi) => ({ esi, data }));
      // Lose 200 symbols, sources first: the worst case, every repair symbol is needed.
      expect(rs.decode(all.slice(200))).toEqual(sources);
      // Lose every third symbol up to 200.
      const kept = all.filter((s, i) => i % 3 !== 0 || i >= 600);
      expect(rs.decode(kept)).toEqual(sources);
    }
  });
});

describe('encoder properties', () => {
  it('a repair symbol depends only on k and its ESI, and repair() equals encode()', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(4, 8, 16),
        (kWanted, r1Wanted, r2Wanted, T, m) => {
          const max = (1 << m) - 1;
          const k = Math.min(kWanted, max - 1);
          const r1 = Math.min(r1Wanted, max - k);
          const r2 = Math.min(r2Wanted, max - k);
          const sources = Array.from({ length: k }, (_, i) => Uint8Array.from({ length: T * 2 }, (_, j) => (i * 7 + j * 13) & 255));
          const a = createReedSolomon({ m, k, n: k + r1 });
          const b = createReedSolomon({ m, k, n: k + r2 });
          const ra = a.encode(sources);
          const rb = b.encode(sources);
          for (let i = 0; i < Math.min(r1, r2); i++) expect(ra[i]).toEqual(rb[i]);
          ra.forEach((x, i) => expect(a.repair(sources, k + i)).toEqual(x));
          const into = Array.from({ length: Math.min(r1, 3) }, () => new Uint8Array(T * 2));
          a.encodeInto(sources, into);
          into.forEach((x, i) => expect(x).toEqual(ra[i]));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the WebAssembly SIMD and TypeScript backends give identical bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 200 }), fc.nat(), (k, r, T, seed) => {
        const n = Math.min(255, k + r);
        const sources = Array.from({ length: k }, (_, i) => Uint8Array.from({ length: T }, (_, j) => (seed + i * 31 + j * 7) & 255));
        const simd = createReedSolomon({ k, n, backend: 'wasm-simd' });
        const js = createReedSolomon({ k, n, backend: 'js' });
        expect(simd.backend).toBe('wasm-simd');
        expect(js.backend).toBe('js');
        const repairs = simd.encode(sources);
        expect(js.encode(sources)).toEqual(repairs);
        const received = [...sources, ...repairs].map((data, esi) => ({ esi, data })).slice(n - k);
        expect(js.decode(received)).toEqual(sources);
        expect(simd.decode(received)).toEqual(sources);
      }),
      { numRuns: 80 },
    );
  });
});

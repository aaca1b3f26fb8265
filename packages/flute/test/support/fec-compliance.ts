/**
 * The compliance suite every FEC scheme runs: partitioning invariants, systematic source symbols,
 * decoding from source only, from every "k of n" loss pattern the scheme promises (MDS codes) or with
 * a little overhead (fountain codes), in any order, with duplicates, and typed errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { MalformedError } from '../../src/errors.js';
import type { FecParameters, FecScheme, Oti } from '../../src/fec/scheme.js';
import { Random } from '../../src/sim/random.js';

export interface ComplianceCase {
  readonly name: string;
  readonly scheme: FecScheme;
  readonly params: FecParameters;
  /** Object sizes to try. */
  readonly sizes: readonly number[];
  /** Extra symbols over k a decoder may need (0 for MDS codes). */
  readonly overhead: number;
}

function symbolsOf(scheme: FecScheme, oti: Oti, sbn: number, block: Uint8Array, params: FecParameters): { esi: number; data: Uint8Array }[] {
  const enc = scheme.createEncoder(oti, sbn, block);
  const n = scheme.encodingSymbols(oti, enc.sourceSymbols, params);
  const out = [];
  for (let esi = 0; esi < n; esi++) {
    const buf = new Uint8Array(oti.symbolLength);
    const len = enc.writeSymbol(esi, buf, 0);
    out.push({ esi, data: buf.subarray(0, len) });
  }
  return out;
}

/** Every source block of `data` under `oti`: SBN, bytes, k. */
function* blocksOf(scheme: FecScheme, oti: Oti, data: Uint8Array): Generator<{ sbn: number; block: Uint8Array; k: number }> {
  const layout = scheme.layout(oti);
  for (let sbn = 0; sbn < layout.blockCount; sbn++) {
    yield { sbn, block: data.subarray(layout.byteOffset(sbn), layout.byteOffset(sbn) + layout.byteLength(sbn)), k: layout.sourceSymbols(sbn) };
  }
}

export function fecCompliance(c: ComplianceCase): void {
  describe(`FEC compliance: ${c.name}`, () => {
    const rng = new Random(0xc0ffee);
    const objects = c.sizes.map((size) => rng.fill(new Uint8Array(size)));

    it('partitions every byte exactly once, larger blocks first', () => {
      for (const data of objects) {
        const oti = c.scheme.createOti(data.length, c.params);
        c.scheme.checkOti(oti);
        const layout = c.scheme.layout(oti);
        let offset = 0;
        let prevK = Infinity;
        for (let sbn = 0; sbn < layout.blockCount; sbn++) {
          expect(layout.byteOffset(sbn)).toBe(offset);
          const k = layout.sourceSymbols(sbn);
          expect(k).toBeGreaterThan(0);
          expect(k).toBeLessThanOrEqual(prevK);
          prevK = k;
          expect(layout.byteLength(sbn)).toBeGreaterThan((k - 1) * oti.symbolLength);
          offset += layout.byteLength(sbn);
        }
        expect(offset).toBe(data.length);
        expect(layout.totalSymbols).toBe(Math.ceil(data.length / oti.symbolLength));
      }
    });

    it('is systematic: source symbols are the block bytes (the last one short or zero-padded)', () => {
      for (const data of objects) {
        const oti = c.scheme.createOti(data.length, c.params);
        for (const { sbn, block, k } of blocksOf(c.scheme, oti, data)) {
          const syms = symbolsOf(c.scheme, oti, sbn, block, c.params);
          expect(syms.length).toBe(c.scheme.encodingSymbols(oti, k, c.params));
          // With RaptorQ sub-blocks (N > 1) a source symbol interleaves N sub-blocks: only its size is checked.
          for (let esi = 0; esi < k && oti.subBlocks === 1; esi++) {
            const expected = block.subarray(esi * oti.symbolLength, (esi + 1) * oti.symbolLength);
            const got = syms[esi]!.data;
            expect(got.subarray(0, expected.length)).toEqual(expected);
            if (c.scheme.shortLastSymbol) expect(got.length).toBe(expected.length);
            else {
              expect(got.length).toBe(oti.symbolLength);
              expect(got.subarray(expected.length).every((b) => b === 0)).toBe(true);
            }
          }
        }
      }
    });

    it('decodes every block from random subsets in random order, with duplicates', () => {
      for (const data of objects) {
        const oti = c.scheme.createOti(data.length, c.params);
        for (const { sbn, block, k } of blocksOf(c.scheme, oti, data)) {
          const syms = symbolsOf(c.scheme, oti, sbn, block, c.params);
          expect(syms.every((x) => x.data.length <= oti.symbolLength)).toBe(true);
          for (let trial = 0; trial < 4; trial++) {
            // Shuffle, keep k + overhead (or everything), then add duplicates.
            const order = syms.slice();
            for (let i = order.length - 1; i > 0; i--) {
              const j = rng.int(i + 1);
              [order[i], order[j]] = [order[j]!, order[i]!];
            }
            const keep = trial === 0 ? order.filter((s) => s.esi < k) : order.slice(0, Math.min(order.length, k + c.overhead));
            const fed = [...keep.slice(0, 2), ...keep];
            const dec = c.scheme.createDecoder(oti, sbn);
            let done = false;
            for (const s of fed) done = dec.push(s.esi, s.data) || done;
            expect(done).toBe(true);
            expect(dec.complete).toBe(true);
            expect(dec.result()).toEqual(block);
            expect(dec.memory).toBeGreaterThanOrEqual(0);
          }
        }
      }
    });

    it('copies what it keeps: every symbol pushed from one reused buffer, scribbled over after each push', () => {
      // Receivers hand decoders views into buffers they reuse (the reader thread's ring).
      for (const data of objects) {
        const oti = c.scheme.createOti(data.length, c.params);
        for (const { sbn, block, k } of blocksOf(c.scheme, oti, data)) {
          const syms = symbolsOf(c.scheme, oti, sbn, block, c.params);
          // Repair symbols first (where there are any), then source symbols, up to what decoding needs.
          const fed = [...syms.filter((s) => s.esi >= k), ...syms.filter((s) => s.esi < k)].slice(0, Math.max(k + c.overhead, Math.min(syms.length, k + 2)));
          const scratch = new Uint8Array(oti.symbolLength + 8);
          const dec = c.scheme.createDecoder(oti, sbn);
          let done = false;
          for (const s of fed) {
            const view = scratch.subarray(4, 4 + s.data.length);
            view.set(s.data);
            done = dec.push(s.esi, view) || done;
            scratch.fill(0xa5);
            if (done) break;
          }
          expect(done).toBe(true);
          expect(dec.result()).toEqual(block);
        }
      }
    });

    it('decodes into the memory the receiver supplies (allocate), the way it would into its own', () => {
      // The receiver's BlockPool hands out reused blocks, zero-filled as a fresh array would be.
      for (const data of objects) {
        const oti = c.scheme.createOti(data.length, c.params);
        for (const { sbn, block, k } of blocksOf(c.scheme, oti, data)) {
          const syms = symbolsOf(c.scheme, oti, sbn, block, c.params);
          const given: Uint8Array[] = [];
          const dec = c.scheme.createDecoder(oti, sbn, (length) => {
            const b = new Uint8Array(length);
            given.push(b);
            return b;
          });
          const fed = [...syms.filter((s) => s.esi >= k), ...syms.filter((s) => s.esi < k)].slice(0, Math.max(k + c.overhead, Math.min(syms.length, k + 2)));
          let done = false;
          for (const s of fed) if ((done = dec.push(s.esi, s.data) || done)) break;
          expect(done).toBe(true);
          expect(dec.result()).toEqual(block);
          // At most one block asked for, exactly its length, and that is the result (no copy elsewhere).
          expect(given.length).toBeLessThanOrEqual(1);
          if (given.length === 1) {
            expect(given[0]!.length).toBe(block.length);
            expect(dec.result()).toBe(given[0]);
          }
        }
      }
    });

    it('does not complete with fewer than k symbols', () => {
      const data = objects[objects.length - 1]!;
      const oti = c.scheme.createOti(data.length, c.params);
      const layout = c.scheme.layout(oti);
      const block = data.subarray(0, layout.byteLength(0));
      const syms = symbolsOf(c.scheme, oti, 0, block, c.params);
      const k = layout.sourceSymbols(0);
      const dec = c.scheme.createDecoder(oti, 0);
      for (const s of syms.slice(syms.length - (k - 1))) expect(dec.push(s.esi, s.data)).toBe(false);
      expect(dec.complete).toBe(false);
    });

    it('throws MalformedError for symbols of the wrong length or impossible ESIs', () => {
      const data = objects[objects.length - 1]!;
      const oti = c.scheme.createOti(data.length, c.params);
      const dec = c.scheme.createDecoder(oti, 0);
      expect(() => dec.push(0, new Uint8Array(oti.symbolLength + 1))).toThrow(MalformedError);
      expect(() => dec.push(0, new Uint8Array(0))).toThrow(MalformedError);
      expect(() => dec.push(c.scheme.maxEsi(oti, c.scheme.layout(oti).sourceSymbols(0)) + 1, new Uint8Array(oti.symbolLength))).toThrow(MalformedError);
      // Still usable afterwards.
      expect(dec.complete).toBe(false);
    });
  });
}

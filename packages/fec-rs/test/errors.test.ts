import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReedSolomon, MalformedError, TruncatedError } from '../src/index.js';

const symbols = (k: number, T: number): Uint8Array[] => Array.from({ length: k }, (_, i) => new Uint8Array(T).fill(i + 1));

describe('configuration errors', () => {
  it('rejects impossible codes with RangeError', () => {
    expect(() => createReedSolomon({ k: 0, n: 4 })).toThrow(RangeError);
    expect(() => createReedSolomon({ k: 5, n: 4 })).toThrow(/n must be/);
    expect(() => createReedSolomon({ k: 10, n: 256 })).toThrow(/n must be an integer 10\.\.255/);
    expect(() => createReedSolomon({ m: 4, k: 10, n: 16 })).toThrow(RangeError);
    expect(() => createReedSolomon({ m: 1, k: 1, n: 1 })).toThrow(/m must be/);
    expect(() => createReedSolomon({ m: 17, k: 1, n: 1 })).toThrow(/m must be/);
    expect(() => createReedSolomon({ k: 2.5, n: 4 })).toThrow(RangeError);
    expect(() => createReedSolomon({ k: 2, n: 4, matrix: 'alpha' as 'rfc5510' })).toThrow(/matrix/);
    expect(createReedSolomon({ m: 16, k: 1, n: 65535 }).n).toBe(65535);
  });

  it('rejects bad encoder arguments with RangeError', () => {
    const rs = createReedSolomon({ k: 3, n: 5 });
    expect(() => rs.encode(symbols(2, 8))).toThrow(/expected k = 3/);
    expect(() => rs.encode([new Uint8Array(8), new Uint8Array(8), new Uint8Array(9)])).toThrow(/sources\[2\]/);
    expect(() => rs.repair(symbols(3, 8), 2)).toThrow(/esi must be a repair ESI 3\.\.4/);
    expect(() => rs.repair(symbols(3, 8), 5)).toThrow(RangeError);
    expect(() => rs.encodeInto(symbols(3, 8), [new Uint8Array(8), new Uint8Array(8), new Uint8Array(8)])).toThrow(/at most n − k = 2/);
    expect(() => rs.encodeInto(symbols(3, 8), [new Uint8Array(7)])).toThrow(/repairs\[0\]/);
    expect(() => createReedSolomon({ m: 16, k: 2, n: 3 }).encode(symbols(2, 3))).toThrow(/whole number of 16-bit elements/);
    expect(() => createReedSolomon({ m: 5, k: 2, n: 3 }).encode(symbols(2, 4))).toThrow(RangeError);
    expect(createReedSolomon({ m: 5, k: 2, n: 3 }).encode(symbols(2, 5))[0]!.length).toBe(5);
  });
});

describe('decoder errors', () => {
  const rs = createReedSolomon({ k: 3, n: 6 });
  const all = [...symbols(3, 8), ...rs.encode(symbols(3, 8))].map((data, esi) => ({ esi, data }));

  it('TruncatedError when fewer than k distinct symbols arrive', () => {
    const err = (() => {
      try {
        rs.decode([all[0]!, all[4]!, all[0]!, all[4]!]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(TruncatedError);
    expect(err).toBeInstanceOf(RangeError);
    expect(err).toMatchObject({ name: 'TruncatedError', what: 'symbols', needed: 3, available: 2 });
    expect(() => rs.decode([])).toThrow(TruncatedError);
  });

  it('MalformedError for an ESI out of range or symbols of different sizes', () => {
    expect(() => rs.decode([...all.slice(0, 3), { esi: 6, data: new Uint8Array(8) }])).toThrow(MalformedError);
    try {
      rs.decode([{ esi: -1, data: new Uint8Array(8) }]);
    } catch (e) {
      expect(e).toMatchObject({ name: 'MalformedError', what: 'esi', esi: -1 });
    }
    try {
      rs.decode([all[0]!, { esi: 4, data: new Uint8Array(9) }, all[5]!]);
    } catch (e) {
      expect(e).toBeInstanceOf(MalformedError);
      expect(e).toMatchObject({ what: 'symbol size', esi: 4 });
    }
    const odd = createReedSolomon({ m: 16, k: 1, n: 2 });
    expect(() => odd.decode([{ esi: 1, data: new Uint8Array(3) }])).toThrow(MalformedError);
  });

  it('duplicates are ignored and extra symbols are fine', () => {
    expect(rs.decode([all[5]!, all[5]!, all[1]!, all[3]!, all[4]!])).toEqual(symbols(3, 8));
  });

  it('arbitrary input throws only TruncatedError or MalformedError and leaves the codec usable', () => {
    const arb = fc.array(fc.record({ esi: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.double()), data: fc.uint8Array({ maxLength: 10 }) }), { maxLength: 8 });
    fc.assert(
      fc.property(arb, (input) => {
        try {
          const out = rs.decode(input);
          expect(out.length).toBe(3);
        } catch (e) {
          expect(e instanceof TruncatedError || e instanceof MalformedError).toBe(true);
        }
        expect(rs.decode(all.slice(3))).toEqual(symbols(3, 8));
      }),
      { numRuns: 300 },
    );
  });
});

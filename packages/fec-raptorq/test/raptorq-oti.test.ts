import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MalformedError,
  RAPTORQ_MAX_TRANSFER_LENGTH,
  TruncatedError,
  decodeOti,
  decodeRaptorQOti,
  deriveOti,
  deriveRaptorQOti,
  encodeOti,
  encodeRaptorQOti,
  partition,
  sourceBlockLayout,
  subBlockPartition,
  type RaptorQOti,
} from '@proto/fec-raptorq';
import { raptorqWasm } from './support/anchor.js';
import { xorshiftBytes } from './support/data.js';

const validOti = fc
  .record({ T: fc.integer({ min: 1, max: 4096 }), Al: fc.constantFrom(1, 2, 4, 8, 16), K: fc.integer({ min: 1, max: 56403 }), Z: fc.integer({ min: 1, max: 255 }), tail: fc.integer({ min: 0, max: 1 << 20 }) })
  .map(({ T, Al, K, Z, tail }): RaptorQOti => {
    const symbolSize = T * Al;
    const blocks = Math.max(1, Math.min(Z, K));
    const Kt = K * blocks;
    const transferLength = Math.max(1, Kt * symbolSize - (tail % symbolSize));
    return { transferLength, symbolSize, sourceBlocks: blocks, subBlocks: 1 + (tail % (symbolSize / Al)), alignment: Al };
  })
  .filter((o) => o.transferLength <= RAPTORQ_MAX_TRANSFER_LENGTH && o.symbolSize <= 0xffff);

describe('RaptorQ OTI (RFC 6330 §3.3.2, §3.3.3)', () => {
  it('round-trips every valid OTI through 12 bytes', () => {
    fc.assert(
      fc.property(validOti, (oti) => {
        const bytes = encodeRaptorQOti(oti);
        expect(bytes.length).toBe(12);
        expect(decodeRaptorQOti(bytes)).toEqual(oti);
      }),
    );
  });

  it('encodes F as 40 bits big-endian with the reserved octet zero', () => {
    const oti: RaptorQOti = { transferLength: 0xab_1234_5678, symbolSize: 65532, sourceBlocks: 255, subBlocks: 3, alignment: 4 };
    expect(Array.from(encodeRaptorQOti(oti))).toEqual([0xab, 0x12, 0x34, 0x56, 0x78, 0, 0xff, 0xfc, 0xff, 0, 3, 4]);
    // The short names are the same functions.
    expect(encodeOti).toBe(encodeRaptorQOti);
    expect(decodeOti).toBe(decodeRaptorQOti);
    expect(deriveOti).toBe(deriveRaptorQOti);
  });

  it('decoding arbitrary bytes throws only TruncatedError or MalformedError, with the field named', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
        try {
          const oti = decodeRaptorQOti(bytes);
          expect(decodeRaptorQOti(encodeRaptorQOti(oti))).toEqual(oti);
        } catch (e) {
          if (e instanceof TruncatedError) {
            expect(e.name).toBe('TruncatedError');
            expect(e.needed).toBe(12);
            expect(e.available).toBe(bytes.length);
          } else {
            expect(e).toBeInstanceOf(MalformedError);
            expect(['F', 'T', 'Z', 'N', 'Al']).toContain((e as MalformedError).field);
          }
        }
      }),
    );
  });

  it('rejects inconsistent OTIs with the offending field', () => {
    const base = Array.from(encodeRaptorQOti({ transferLength: 10240, symbolSize: 64, sourceBlocks: 2, subBlocks: 2, alignment: 4 }));
    const field = (patch: (b: number[]) => void): string => {
      const b = base.slice();
      patch(b);
      try {
        decodeRaptorQOti(Uint8Array.from(b));
        return 'accepted';
      } catch (e) {
        return (e as MalformedError).field;
      }
    };
    expect(field((b) => b.fill(0, 0, 5))).toBe('F'); // F = 0
    expect(field((b) => (b[7] = 66))).toBe('T'); // not a multiple of Al
    expect(field((b) => (b[8] = 0))).toBe('Z');
    expect(field((b) => (b[8] = 200))).toBe('Z'); // more blocks than the 160 symbols
    expect(field((b) => (b[10] = 0))).toBe('N');
    expect(field((b) => (b[10] = 17))).toBe('N'); // sub-symbols under Al bytes
    expect(field((b) => (b[11] = 0))).toBe('Al');
    expect(field((b) => (b[5] = 0xff))).toBe('accepted'); // the reserved octet is ignored
    // Blocks above K'max = 56403 symbols.
    expect(() => decodeRaptorQOti(encodeRaptorQOti({ transferLength: 56404 * 8, symbolSize: 8, sourceBlocks: 2, subBlocks: 1, alignment: 8 }))).not.toThrow();
    const big = Array.from(encodeRaptorQOti({ transferLength: 56404 * 8, symbolSize: 8, sourceBlocks: 2, subBlocks: 1, alignment: 8 }));
    big[8] = 1;
    expect(() => decodeRaptorQOti(Uint8Array.from(big))).toThrow(MalformedError);
    expect(() => encodeRaptorQOti({ transferLength: 100, symbolSize: 64, sourceBlocks: 1, subBlocks: 1, alignment: 3 })).toThrow(RangeError);
  });
});

describe('OTI derivation (RFC 6330 §4.3) and blocking (§4.4.1.2)', () => {
  it('Partition[I, J] puts the larger parts first', () => {
    expect(partition(10, 3)).toEqual({ large: 4, small: 3, largeCount: 1, smallCount: 2 });
    expect(partition(9, 3)).toEqual({ large: 3, small: 3, largeCount: 0, smallCount: 3 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 1000 }), (I, J) => {
        const p = partition(I, J);
        expect(p.large * p.largeCount + p.small * p.smallCount).toBe(I);
        expect(p.largeCount + p.smallCount).toBe(J);
        expect(p.large - p.small).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('lays out source blocks and sub-blocks over the whole object', () => {
    const blocks = sourceBlockLayout(10_000, 64, 3);
    // Kt = ceil(10000 / 64) = 157 symbols.
    expect(blocks.map((b) => b.sourceSymbols)).toEqual([53, 52, 52]);
    expect(blocks.map((b) => b.byteOffset)).toEqual([0, 53 * 64, 105 * 64]);
    expect(blocks.reduce((n, b) => n + b.byteLength, 0)).toBe(10_000);
    expect(subBlockPartition(1280, 7, 8)).toEqual(partition(160, 7));
  });

  it('follows §4.3 and keeps every block decodable in WS bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 36 }), fc.integer({ min: 1, max: 2000 }), fc.constantFrom(1, 4, 8), (F, t, Al) => {
        const T = t * Al;
        const WS = 4 * 1024 * 1024;
        let oti: RaptorQOti;
        try {
          oti = deriveRaptorQOti({ transferLength: F, symbolSize: T, alignment: Al, maxSubBlockSize: WS, minSubSymbolSize: Al });
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
          return;
        }
        expect(() => encodeRaptorQOti(oti)).not.toThrow();
        const K = Math.ceil(Math.ceil(F / T) / oti.sourceBlocks);
        const subSymbol = Math.ceil(T / Al / oti.subBlocks) * Al;
        expect(K * subSymbol).toBeLessThanOrEqual(WS + 56403 * Al);
      }),
      { numRuns: 300 },
    );
  });

  it('reproduces the OTI that raptorq@1.7.24 chooses in with_defaults (WS = 10 MiB, Al = 8, SS*Al = 64)', () => {
    const anchor = raptorqWasm();
    for (const size of [10_240, 1 << 20, 10 << 20]) {
      const ours = deriveRaptorQOti({ transferLength: size, symbolSize: 1280, alignment: 8, minSubSymbolSize: 64, maxSubBlockSize: 10 * 1024 * 1024 });
      // The anchor does not expose its OTI; its packets show Z, and its first symbol shows the
      // first sub-symbol size: the object's bytes up to TL * Al, then sub-block 2.
      const data = xorshiftBytes(size);
      const enc = anchor.Encoder.with_defaults(data, 1280);
      const packets = enc.encode(0);
      enc.free();
      const blocks = new Set(packets.map((p) => p[0]));
      expect(blocks.size).toBe(ours.sourceBlocks);
      const first = packets[0]!.subarray(4);
      let same = 0;
      while (same < 1280 && first[same] === data[same]) same++;
      expect(same).toBe(Math.ceil(160 / ours.subBlocks) * 8);
    }
    expect(deriveRaptorQOti({ transferLength: 10 << 20, symbolSize: 1280, alignment: 8, minSubSymbolSize: 64 }).subBlocks).toBe(2);
    expect(deriveRaptorQOti({ transferLength: 64 << 20, symbolSize: 1280, alignment: 8, minSubSymbolSize: 64 }).subBlocks).toBe(7);
  });

  it('can cap the source block size (an extension)', () => {
    const oti = deriveRaptorQOti({ transferLength: 64 << 20, symbolSize: 1280, maxSourceBlockSymbols: 8192 });
    expect(oti.sourceBlocks).toBe(7);
    expect(() => deriveRaptorQOti({ transferLength: 100, symbolSize: 66, alignment: 4 })).toThrow(RangeError);
    expect(() => deriveRaptorQOti({ transferLength: 2 ** 40, symbolSize: 8, alignment: 8 })).toThrow(RangeError);
  });
});

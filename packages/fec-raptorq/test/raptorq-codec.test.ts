import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MalformedError,
  RaptorQBlockDecoder,
  RaptorQBlockEncoder,
  RaptorQDecoder,
  RaptorQEncoder,
  TruncatedError,
  deriveRaptorQOti,
  raptorqKPrime,
  type RaptorQOti,
} from '@proto/fec-raptorq';
import { prng, xorshiftBytes } from './support/data.js';
import { hex } from './support/vectors.js';

/** Pushes symbols of `esis` into a fresh decoder; returns it. */
function decodeFrom(enc: RaptorQBlockEncoder, esis: number[], options = {}): RaptorQBlockDecoder {
  const dec = new RaptorQBlockDecoder(enc.sourceSymbols, enc.symbolSize, options);
  for (const esi of esis) if (dec.push(esi, enc.symbol(esi))) break;
  return dec;
}

describe('RaptorQ block coders (RFC 6330 §5.3, §5.4)', () => {
  it('is systematic: source symbols are the data, the last one zero padded', () => {
    const data = xorshiftBytes(1000);
    const enc = new RaptorQBlockEncoder(data, 64);
    expect(enc.sourceSymbols).toBe(16);
    expect(enc.paddedSymbols).toBe(18);
    expect(hex(enc.symbol(3))).toBe(hex(data.subarray(192, 256)));
    const last = enc.symbol(15);
    expect(hex(last.subarray(0, 40))).toBe(hex(data.subarray(960)));
    expect(last.subarray(40).every((b) => b === 0)).toBe(true);
  });

  it('decodes from repair symbols alone, for K across the table (K = K\' and K < K\')', () => {
    for (const K of [1, 2, 9, 10, 11, 18, 55, 56, 101, 300]) {
      const data = xorshiftBytes(K * 16, K);
      const enc = new RaptorQBlockEncoder(data, 16);
      const esis = Array.from({ length: K + 2 }, (_, i) => K + 1000 + i * 7);
      const dec = decodeFrom(enc, esis);
      expect(dec.complete, `K=${K}`).toBe(true);
      expect(hex(dec.result()!)).toBe(hex(data));
    }
  });

  it('decodes any loss pattern that leaves K + 2 symbols (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 2 ** 31 }), (K, seed) => {
        const data = xorshiftBytes(K * 8, seed);
        const enc = new RaptorQBlockEncoder(data, 8);
        const rnd = prng(seed);
        const pool = Array.from({ length: 2 * K + 10 }, (_, i) => i);
        for (let i = pool.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [pool[i], pool[j]] = [pool[j]!, pool[i]!];
        }
        const dec = decodeFrom(enc, pool.slice(0, K + 2));
        expect(dec.complete).toBe(true);
        expect(hex(dec.result()!)).toBe(hex(data));
      }),
      { numRuns: 60 },
    );
  });

  it('encodes any ESI up to 2^24 - 1 and decodes from the top of the range', () => {
    const data = xorshiftBytes(20 * 32);
    const enc = new RaptorQBlockEncoder(data, 32);
    const esis = Array.from({ length: 22 }, (_, i) => 0xffffff - i);
    expect(hex(decodeFrom(enc, esis).result()!)).toBe(hex(data));
    expect(() => enc.symbol(0x1000000)).toThrow(RangeError);
    expect(() => enc.symbol(-1)).toThrow(RangeError);
  });

  it('gives the same bytes on the WebAssembly SIMD kernel and the TypeScript kernel', () => {
    for (const [K, T] of [
      [820, 1280],
      [57, 20],
      [3, 4],
    ] as const) {
      const data = xorshiftBytes(K * T - 3, K);
      const wasm = new RaptorQBlockEncoder(data, T, { kernel: 'wasm-simd' });
      const ts = new RaptorQBlockEncoder(data, T, { kernel: 'ts' });
      for (const esi of [K, K + 1, K + 99, 5000]) expect(hex(ts.symbol(esi))).toBe(hex(wasm.symbol(esi)));
      const esis = Array.from({ length: K }, (_, i) => (i % 3 === 0 ? K + i : i));
      const a = decodeFrom(ts, esis, { kernel: 'ts' }).result();
      const b = decodeFrom(wasm, esis, { kernel: 'wasm-simd' }).result();
      expect(a && hex(a.subarray(0, data.length))).toBe(hex(data));
      expect(b && hex(b)).toBe(a && hex(a));
      wasm.dispose();
      ts.dispose();
    }
  });

  it('keeps failing quietly until enough symbols arrive, then completes', () => {
    const K = 40;
    const data = xorshiftBytes(K * 8);
    const enc = new RaptorQBlockEncoder(data, 8);
    const dec = new RaptorQBlockDecoder(K, 8);
    for (let esi = 0; esi < K - 1; esi++) expect(dec.push(esi + K, enc.symbol(esi + K))).toBe(false);
    expect(dec.complete).toBe(false);
    expect(dec.result()).toBeUndefined();
    // Duplicates are dropped and counted.
    expect(dec.push(K, enc.symbol(K))).toBe(false);
    expect(dec.dropped).toBe(1);
    let done = false;
    for (let esi = 2 * K; !done; esi++) done = dec.push(esi, enc.symbol(esi));
    expect(hex(dec.result()!)).toBe(hex(data));
    expect(dec.push(0, enc.symbol(0))).toBe(true);
  });

  it('bounds its memory: while decoding fails it keeps at most K + maxExtraSymbols symbols', () => {
    const K = 10;
    const enc = new RaptorQBlockEncoder(xorshiftBytes(K * 4), 4);
    // Find K ESIs that do not decode (about 1 set in 100), with a fixed seed.
    const rnd = prng(42);
    let dec: RaptorQBlockDecoder | undefined;
    for (let attempt = 0; attempt < 5000 && dec === undefined; attempt++) {
      const d = new RaptorQBlockDecoder(K, 4, { maxExtraSymbols: 0 });
      for (let i = 0; i < K; i++) {
        const esi = K + Math.floor(rnd() * 100000);
        d.push(esi, enc.symbol(esi));
      }
      if (d.received === K && !d.complete) dec = d;
    }
    expect(dec).toBeDefined();
    expect(dec!.failedAttempts).toBe(1);
    const dropped = dec!.dropped;
    expect(dec!.push(200000, enc.symbol(200000))).toBe(false);
    expect(dec!.received).toBe(K);
    expect(dec!.dropped).toBe(dropped + 1);
  });

  it('rejects a symbol of the wrong length or an ESI out of range with MalformedError', () => {
    const dec = new RaptorQBlockDecoder(10, 16);
    expect(() => dec.push(0, new Uint8Array(15))).toThrow(MalformedError);
    expect(() => dec.push(0x1000000, new Uint8Array(16))).toThrow(MalformedError);
    expect(() => dec.push(-1, new Uint8Array(16))).toThrow(MalformedError);
    try {
      dec.push(1, new Uint8Array(17));
    } catch (e) {
      expect((e as MalformedError).field).toBe('length');
      expect((e as MalformedError).value).toBe(17);
    }
    expect(() => new RaptorQBlockDecoder(56404, 16)).toThrow(RangeError);
    expect(() => new RaptorQBlockEncoder(new Uint8Array(10), 0)).toThrow(RangeError);
  });
});

describe('RaptorQ object coders (RFC 6330 §4.4)', () => {
  const roundTrip = (data: Uint8Array, oti: RaptorQOti, loss: number, seed: number): Uint8Array | undefined => {
    const enc = new RaptorQEncoder(data, oti);
    const dec = new RaptorQDecoder(oti);
    const rnd = prng(seed);
    for (let sbn = 0; sbn < enc.sourceBlockCount; sbn++) {
      const K = enc.sourceSymbols(sbn);
      for (let esi = 0; esi < 2 * K + 20; esi++) {
        if (rnd() < loss) continue;
        if (dec.push(enc.packet(sbn, esi))) break;
      }
    }
    enc.dispose();
    return dec.result();
  };

  it('round-trips objects with several source blocks and sub-blocks under loss', () => {
    for (const [F, T, Z, N, Al] of [
      [100_000, 256, 3, 4, 4],
      [12_345, 64, 2, 2, 8],
      [1, 8, 1, 1, 8],
      [65_536, 1024, 5, 16, 16],
    ] as const) {
      const data = xorshiftBytes(F, F);
      const oti: RaptorQOti = { transferLength: F, symbolSize: T, sourceBlocks: Z, subBlocks: N, alignment: Al };
      const out = roundTrip(data, oti, 0.3, F);
      expect(out && hex(out), `${F} ${T} ${Z} ${N}`).toBe(hex(data));
    }
  });

  it('accepts packets carrying several consecutive symbols', () => {
    const data = xorshiftBytes(5000);
    const oti = deriveRaptorQOti({ transferLength: 5000, symbolSize: 100 });
    const enc = new RaptorQEncoder(data, oti);
    const dec = new RaptorQDecoder(oti);
    const K = enc.sourceSymbols(0);
    // Repair symbols K..K+K-1 in packets of 5 symbols.
    for (let esi = K; esi < 2 * K + 10; esi += 5) {
      const p = new Uint8Array(4 + 5 * 100);
      for (let g = 0; g < 5; g++) p.set(enc.packet(0, esi + g).subarray(g === 0 ? 0 : 4), g === 0 ? 0 : 4 + g * 100);
      if (dec.push(p)) break;
    }
    expect(hex(dec.result()!)).toBe(hex(data));
  });

  it('rejects bad packets with typed errors and keeps working', () => {
    const data = xorshiftBytes(3000);
    const oti = deriveRaptorQOti({ transferLength: 3000, symbolSize: 100, alignment: 4 });
    const enc = new RaptorQEncoder(data, oti);
    const dec = new RaptorQDecoder(oti);
    expect(() => dec.push(new Uint8Array(3))).toThrow(TruncatedError);
    expect(() => dec.push(new Uint8Array(4))).toThrow(MalformedError);
    expect(() => dec.push(new Uint8Array(4 + 99))).toThrow(MalformedError);
    const unknownBlock = enc.packet(0, 1);
    unknownBlock[0] = 7;
    expect(() => dec.push(unknownBlock)).toThrow(expect.objectContaining({ name: 'MalformedError', field: 'sbn', value: 7 }));
    const runsOff = new Uint8Array(4 + 200);
    runsOff.set([0, 0xff, 0xff, 0xff]);
    expect(() => dec.push(runsOff)).toThrow(expect.objectContaining({ field: 'esi' }));
    for (let esi = 0; esi < 30; esi++) dec.push(enc.packet(0, esi));
    expect(hex(dec.result()!)).toBe(hex(data));
    expect(() => new RaptorQDecoder({ ...oti, subBlocks: 0 })).toThrow(MalformedError);
    expect(() => new RaptorQDecoder({ ...oti, transferLength: 2 ** 31 }, { maxTransferLength: 2 ** 30 })).toThrow(MalformedError);
    expect(() => new RaptorQEncoder(data.subarray(1), oti)).toThrow(RangeError);
    expect(() => enc.packet(1, 0)).toThrow(RangeError);
  });

  it('never throws anything but TruncatedError or MalformedError on arbitrary packets (property)', () => {
    const oti: RaptorQOti = { transferLength: 2000, symbolSize: 16, sourceBlocks: 2, subBlocks: 2, alignment: 4 };
    const data = xorshiftBytes(2000);
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 50 }), (packets) => {
        const dec = new RaptorQDecoder(oti);
        for (const p of packets) {
          try {
            dec.push(p);
          } catch (e) {
            expect(e instanceof TruncatedError || e instanceof MalformedError).toBe(true);
          }
        }
        // Still usable: real packets complete the object. Symbols already taken from the garbage
        // make the result garbage too, so check only that it completes with the right length.
        const enc = new RaptorQEncoder(data, oti);
        for (let sbn = 0; sbn < 2; sbn++) for (let esi = 0; esi < 200 && !dec.complete; esi++) dec.push(enc.packet(sbn, esi));
        expect(dec.result()?.length).toBe(2000);
      }),
      { numRuns: 100 },
    );
  });

  it('K\' padding: repair ESIs start at K and use ISI = ESI + K\' - K', () => {
    const data = xorshiftBytes(8 * 40);
    const enc = new RaptorQBlockEncoder(data, 40);
    expect(enc.sourceSymbols).toBe(8);
    expect(raptorqKPrime(8)).toBe(10);
    const dec = new RaptorQBlockDecoder(8, 40);
    for (let esi = 8; esi < 16; esi++) dec.push(esi, enc.symbol(esi));
    expect(hex(dec.result()!)).toBe(hex(data));
  });
});

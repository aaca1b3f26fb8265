import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MalformedError,
  Raptor10BlockDecoder,
  Raptor10BlockEncoder,
  Raptor10Decoder,
  Raptor10Encoder,
  TruncatedError,
  decodeRaptor10Oti,
  decodeRaptor10PayloadId,
  deriveRaptor10Oti,
  encodeRaptor10Oti,
  encodeRaptor10PayloadId,
  ypoBlockLayout,
  type Raptor10Oti,
} from '@proto/fec-raptorq';
import { Program } from '../src/core/program.js';
import { solve } from '../src/core/solver.js';
import { raptor10Deg, raptor10Params, raptor10Rand } from '../src/raptor10/params.js';
import { raptor10System } from '../src/raptor10/system.js';
import { SYSTEMATIC_INDICES } from '../src/raptor10/tables.js';
import { V_TABLES } from '../src/raptorq/tables.js';
import { prng, sameBytes, xorshiftBytes } from './support/data.js';
import { hex, loadVector } from './support/vectors.js';

interface RaptorVector {
  K: number;
  T: number;
  symbols: { esi: number; kind: string; hex: string }[];
}

describe('Raptor (RFC 5053) against ypo raptor-code 1.0.10 / google/gofountain (../shared/vectors/raptor)', () => {
  const v = loadVector<RaptorVector>('raptor/raptor5053_rc_K10_T64.json');
  const data = xorshiftBytes(v.K * v.T);

  it('produces every source and repair symbol byte for byte', () => {
    const enc = new Raptor10BlockEncoder(data, v.T);
    expect(enc.sourceSymbols).toBe(10);
    for (const s of v.symbols) expect(hex(enc.symbol(s.esi)), `ESI ${s.esi}`).toBe(s.hex);
  });

  it('decodes from the recorded repair symbols plus source symbols', () => {
    const dec = new Raptor10BlockDecoder(v.K, v.T);
    const byEsi = new Map(v.symbols.map((s) => [s.esi, Uint8Array.from(Buffer.from(s.hex, 'hex'))]));
    for (const esi of [10, 11, 12, 13, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3]) if (dec.push(esi, byEsi.get(esi)!)) break;
    expect(dec.complete).toBe(true);
    expect(hex(dec.result()!)).toBe(hex(data));
  });
});

describe('RFC 5053 tables and parameters', () => {
  it('J(K) has 8193 entries and known values; V0 and V1 are RFC 6330\'s', () => {
    expect(SYSTEMATIC_INDICES.length).toBe(8193);
    expect(Array.from(SYSTEMATIC_INDICES.subarray(4, 12))).toEqual([18, 14, 61, 46, 14, 22, 20, 40]);
    expect(SYSTEMATIC_INDICES[8192]).toBe(2665);
    expect(V_TABLES[0]).toBe(251291136);
    expect(V_TABLES[256]).toBe(807385413);
  });

  it('every J(K) of a sample makes the systematic constraint matrix full rank, and J(K)+1 mostly does not', () => {
    // scripts/check-rfc5053-table.ts runs this for every K = 4..8192.
    const full = (K: number, J: number): boolean => {
      const p = { ...raptor10Params(K), J };
      const program = new Program(K);
      const isis = Int32Array.from({ length: K }, (_, i) => i);
      return solve(raptor10System(p, isis, isis, program), program) !== undefined;
    };
    const sample = [4, 5, 6, 7, 10, 17, 100, 255, 256, 1000, 1023, 2048, 4095];
    for (const K of sample) expect(full(K, SYSTEMATIC_INDICES[K]!), `K = ${K}`).toBe(true);
    const broken = sample.filter((K) => !full(K, SYSTEMATIC_INDICES[K]! + 1)).length;
    expect(broken).toBeGreaterThanOrEqual(sample.length / 2);
  });

  it('derives X, S, H, L (§5.4.2.3) and follows Deg (Table 1) and Rand (§5.4.4.1)', () => {
    expect(raptor10Params(10)).toMatchObject({ K: 10, S: 7, H: 6, Hp: 3, L: 23, Lp: 23 });
    expect(raptor10Params(1000)).toMatchObject({ S: 59, H: 13, L: 1072 });
    expect(raptor10Deg(0)).toBe(1);
    expect(raptor10Deg(10241)).toBe(2);
    expect(raptor10Deg(1048575)).toBe(40);
    // (300 + 2) mod 256 = 46, floor(300 / 256) + 2 = 3.
    expect(raptor10Rand(300, 2, 1000)).toBe(((V_TABLES[46]! ^ V_TABLES[256 + 3]!) >>> 0) % 1000);
    expect(() => raptor10Params(3)).toThrow(RangeError);
    expect(() => raptor10Params(8193)).toThrow(RangeError);
  });
});

describe('Raptor OTI (§3.2.2, §3.2.3) and FEC Payload ID (§3.2)', () => {
  it('round-trips OTIs and rejects unusable ones with the field', () => {
    const oti: Raptor10Oti = { transferLength: 0x12_3456_789a, symbolSize: 1024, sourceBlocks: 10000, subBlocks: 4, alignment: 8 };
    const bytes = encodeRaptor10Oti(oti);
    expect(Array.from(bytes)).toEqual([0x12, 0x34, 0x56, 0x78, 0x9a, 0, 0x04, 0x00, 0x27, 0x10, 4, 8]);
    expect(decodeRaptor10Oti(bytes)).toEqual(oti);
    expect(() => decodeRaptor10Oti(bytes.subarray(0, 11))).toThrow(TruncatedError);
    const field = (patch: (b: Uint8Array) => void): string => {
      const b = bytes.slice();
      patch(b);
      try {
        decodeRaptor10Oti(b);
        return 'accepted';
      } catch (e) {
        return (e as MalformedError).field;
      }
    };
    expect(field((b) => b.fill(0, 0, 5))).toBe('F');
    expect(field((b) => (b[7] = 4))).toBe('T');
    expect(field((b) => b.fill(0, 8, 10))).toBe('Z');
    // A 30874-byte object (31 symbols) in 65535 blocks: blocks under 4 symbols.
    expect(field((b) => b.fill(0, 0, 3).fill(0xff, 8, 10))).toBe('Z');
    expect(field((b) => (b[10] = 0))).toBe('N');
    expect(field((b) => (b[11] = 0))).toBe('Al');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (b) => {
        try {
          expect(decodeRaptor10Oti(encodeRaptor10Oti(decodeRaptor10Oti(b)))).toEqual(decodeRaptor10Oti(b));
        } catch (e) {
          expect(e).toBeInstanceOf(MalformedError);
        }
      }),
    );
  });

  it('derives Z = ceil(Kt / 8192) and N from W (§4.2)', () => {
    expect(deriveRaptor10Oti({ transferLength: 64 << 20, symbolSize: 1280 })).toEqual({ transferLength: 64 << 20, symbolSize: 1280, sourceBlocks: 7, subBlocks: 1, alignment: 4 });
    // 8192 symbols of 1280 bytes are 10 MiB: ten sub-blocks of 1 MiB.
    expect(deriveRaptor10Oti({ transferLength: 10 << 20, symbolSize: 1280, maxSubBlockSize: 1 << 20 }).subBlocks).toBe(10);
    expect(() => deriveRaptor10Oti({ transferLength: 100, symbolSize: 64 })).toThrow(RangeError);
  });

  it('encodes SBN(16) . ESI(16)', () => {
    expect(Array.from(encodeRaptor10PayloadId({ sbn: 0x1234, esi: 0xabcd }))).toEqual([0x12, 0x34, 0xab, 0xcd]);
    expect(decodeRaptor10PayloadId(Uint8Array.of(0, 7, 0xff, 0xff))).toEqual({ sbn: 7, esi: 65535 });
    expect(() => encodeRaptor10PayloadId({ sbn: 65536, esi: 0 })).toThrow(RangeError);
    expect(() => decodeRaptor10PayloadId(new Uint8Array(3))).toThrow(TruncatedError);
  });
});

describe('Raptor coders', () => {
  it('round-trip objects with several blocks and sub-blocks under loss, on both kernels', () => {
    for (const [F, T, N, kernel] of [
      [200_000, 256, 1, 'wasm-simd'],
      [200_000, 256, 4, 'ts'],
      [9_000, 16, 2, 'auto'],
    ] as const) {
      const oti: Raptor10Oti = { ...deriveRaptor10Oti({ transferLength: F, symbolSize: T }), subBlocks: N };
      const data = xorshiftBytes(F, F + N);
      const enc = new Raptor10Encoder(data, oti, { kernel });
      const dec = new Raptor10Decoder(oti, { kernel });
      const rnd = prng(F);
      for (let sbn = 0; sbn < enc.sourceBlockCount; sbn++) {
        const K = enc.sourceSymbols(sbn);
        for (let esi = 0; esi < 2 * K + 30 && !dec.complete; esi++) if (rnd() >= 0.3) dec.push(enc.packet(sbn, esi));
      }
      expect(sameBytes(dec.result(), data), `${F} ${T} ${N}`).toBe(true);
    }
  });

  it('ypoLastBlock: the last block is cut into K nearly equal symbols of ceil(B/K) bytes', () => {
    const F = 10_000;
    const oti = deriveRaptor10Oti({ transferLength: F, symbolSize: 64 });
    const data = xorshiftBytes(F);
    const enc = new Raptor10Encoder(data, oti, { ypoLastBlock: true });
    const K = enc.sourceSymbols(0);
    expect(K).toBe(157);
    // 10000 bytes into 157 pieces: 109 of 64 bytes then 48 of 63, each sent as a 64-byte symbol.
    expect(hex(enc.packet(0, 108).subarray(4))).toBe(hex(data.subarray(108 * 64, 109 * 64)));
    const last = enc.packet(0, 156).subarray(4);
    expect(hex(last.subarray(0, 63))).toBe(hex(data.subarray(F - 63)));
    expect(last[63]).toBe(0);
    // The RFC layout differs: symbol 156 is the last 16 bytes, padded.
    const rfc = new Raptor10Encoder(data, oti);
    expect(hex(rfc.packet(0, 156).subarray(4, 20))).toBe(hex(data.subarray(156 * 64)));
    const dec = new Raptor10Decoder(oti, { ypoLastBlock: true });
    for (let esi = 20; esi < 2 * K && !dec.complete; esi++) dec.push(enc.packet(0, esi));
    expect(sameBytes(dec.result(), data)).toBe(true);
    expect(() => new Raptor10Encoder(data, { ...oti, subBlocks: 2 }, { ypoLastBlock: true })).toThrow(RangeError);
  });

  it('rejects bad input with typed errors and never throws anything else on arbitrary packets', () => {
    const oti = deriveRaptor10Oti({ transferLength: 4000, symbolSize: 16 });
    const dec = new Raptor10Decoder(oti);
    expect(() => dec.push(new Uint8Array(2))).toThrow(TruncatedError);
    expect(() => dec.push(Uint8Array.of(0, 9, 0, 0, ...new Uint8Array(16)))).toThrow(expect.objectContaining({ field: 'sbn' }));
    expect(() => dec.push(new Uint8Array(4 + 15))).toThrow(expect.objectContaining({ field: 'length' }));
    expect(() => new Raptor10BlockDecoder(10, 8).push(70000, new Uint8Array(8))).toThrow(MalformedError);
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 24 }), { maxLength: 40 }), (packets) => {
        const d = new Raptor10Decoder(oti);
        for (const p of packets) {
          try {
            d.push(p);
          } catch (e) {
            expect(e instanceof TruncatedError || e instanceof MalformedError).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('ypoBlockLayout at block level', () => {
  it('cuts like the object coders and is undefined for full blocks', () => {
    const bytes = xorshiftBytes(1000);
    expect(ypoBlockLayout(xorshiftBytes(640), 10, 64)).toBeUndefined();
    const layout = ypoBlockLayout(bytes, 16, 64)!;
    expect(layout.symbolSize).toBe(63); // 1000 = 8 * 63 + 8 * 62
    const enc = new Raptor10BlockEncoder(layout.source, layout.symbolSize);
    const out = new Uint8Array(1000);
    const sink = ypoBlockLayout(out, 16, 64)!.sink;
    const dec = new Raptor10BlockDecoder(16, layout.symbolSize, {}, sink);
    for (let esi = 3; esi < 60 && !dec.complete; esi++) dec.push(esi, enc.symbol(esi));
    expect(hex(out)).toBe(hex(bytes));
  });
});

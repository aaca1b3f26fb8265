// The FLUTE RaptorQ and Raptor schemes (blocking, sub-block interleaving, ESIs) against the shared
// interop vectors: cberner/raptorq 2.0.1 (RaptorQ, incl. Z = 2 and N = 2) and ypo's raptor-code
// (Raptor, as used by ypo/flute). Also ypo/flute's cut of a short last Raptor block.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Raptor10Encoder } from '@proto/fec-raptorq';
import { RaptorQScheme, RaptorScheme } from '../src/fec/fountain.js';
import { makeOti } from '../src/fec/scheme.js';
import { randomBytes } from './support/harness.js';

const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);
const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** xorshift32 from 0x9E3779B9, one byte per step (the vectors' data generator). */
function xorshiftBytes(n: number): Uint8Array {
  let x = 0x9e3779b9;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

interface RaptorQVector {
  readonly F: number;
  readonly T: number;
  readonly Z: number;
  readonly N: number;
  readonly Al: number;
  readonly blocks: readonly { sbn: number; K: number; first_source_packets: string[]; repair_packets_from_esi_K: string[] }[];
}

describe('RaptorQ scheme against cberner/raptorq 2.0.1 (../shared/vectors/raptorq)', () => {
  const files = readdirSync(new URL('raptorq/', VECTORS)).filter((f) => f.startsWith('raptorq_F') && f.endsWith('.json'));
  it('has the vectors', () => expect(files.length).toBeGreaterThanOrEqual(3));
  for (const file of files) {
    it(file, () => {
      const v = JSON.parse(readFileSync(new URL(`raptorq/${file}`, VECTORS), 'utf8')) as RaptorQVector;
      const scheme = new RaptorQScheme();
      const oti = makeOti({ fecEncodingId: 6, transferLength: v.F, symbolLength: v.T, sourceBlocks: v.Z, subBlocks: v.N, alignment: v.Al });
      scheme.checkOti(oti);
      const layout = scheme.layout(oti);
      const data = xorshiftBytes(v.F);
      for (const b of v.blocks) {
        expect(layout.sourceSymbols(b.sbn)).toBe(b.K);
        const enc = scheme.createEncoder(oti, b.sbn, data.subarray(layout.byteOffset(b.sbn), layout.byteOffset(b.sbn) + layout.byteLength(b.sbn)));
        const packets = [...b.first_source_packets, ...b.repair_packets_from_esi_K];
        for (const p of packets) {
          const bytes = fromHex(p);
          const esi = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
          expect(bytes[0]).toBe(b.sbn);
          const out = new Uint8Array(v.T);
          expect(enc.writeSymbol(esi, out, 0)).toBe(v.T);
          expect(hex(out)).toBe(hex(bytes.subarray(4)));
        }
        // And the decoder rebuilds the block from the repair packets plus the rest.
        const dec = scheme.createDecoder(oti, b.sbn);
        const repairs = b.repair_packets_from_esi_K.map(fromHex);
        for (const r of repairs) dec.push((r[1]! << 16) | (r[2]! << 8) | r[3]!, r.subarray(4));
        for (let esi = repairs.length; esi < b.K && !dec.complete; esi++) {
          const out = new Uint8Array(v.T);
          enc.writeSymbol(esi, out, 0);
          dec.push(esi, out);
        }
        expect(dec.complete).toBe(true);
        expect(hex(dec.result())).toBe(hex(data.subarray(layout.byteOffset(b.sbn), layout.byteOffset(b.sbn) + layout.byteLength(b.sbn))));
      }
    });
  }
});

describe("Raptor scheme against ypo's raptor-code 1.0.10 (../shared/vectors/raptor)", () => {
  it('K = 10, T = 64: source and repair symbols', () => {
    const v = JSON.parse(readFileSync(new URL('raptor/raptor5053_rc_K10_T64.json', VECTORS), 'utf8')) as { K: number; T: number; symbols: { esi: number; hex: string }[] };
    const block = Uint8Array.from(v.symbols.slice(0, v.K).flatMap((s) => [...fromHex(s.hex)]));
    const scheme = new RaptorScheme();
    const oti = makeOti({ fecEncodingId: 1, transferLength: block.length, symbolLength: v.T, sourceBlocks: 1, subBlocks: 1, alignment: 4 });
    scheme.checkOti(oti);
    const enc = scheme.createEncoder(oti, 0, block);
    for (const s of v.symbols) {
      const out = new Uint8Array(v.T);
      enc.writeSymbol(s.esi, out, 0);
      expect(hex(out)).toBe(s.hex);
    }
  });

  it("ypoLastBlock: a short last block is cut as ypo/flute's Raptor does, and round-trips", () => {
    const data = randomBytes(64 * 30 + 37);
    const T = 64;
    const scheme = new RaptorScheme({ ypoLastBlock: true });
    const oti = scheme.createOti(data.length, { symbolLength: T, maxSourceBlockLength: 20, repair: { symbols: 5 } });
    expect(oti.sourceBlocks).toBe(2);
    // The reference: @proto/fec-raptorq's object-level encoder in its ypo mode, same OTI.
    const ref = new Raptor10Encoder(data, { transferLength: data.length, symbolSize: T, sourceBlocks: oti.sourceBlocks, subBlocks: 1, alignment: oti.alignment }, { ypoLastBlock: true });
    const layout = scheme.layout(oti);
    for (let sbn = 0; sbn < layout.blockCount; sbn++) {
      const block = data.subarray(layout.byteOffset(sbn), layout.byteOffset(sbn) + layout.byteLength(sbn));
      const enc = scheme.createEncoder(oti, sbn, block);
      const K = layout.sourceSymbols(sbn);
      const dec = scheme.createDecoder(oti, sbn);
      for (let esi = 2; esi < K + 5; esi++) {
        const out = new Uint8Array(T);
        const len = enc.writeSymbol(esi, out, 0);
        const theirs = ref.packet(sbn, esi).subarray(4);
        expect(hex(out.subarray(0, len))).toBe(hex(theirs));
        dec.push(esi, out.subarray(0, len));
      }
      expect(hex(dec.result())).toBe(hex(block));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { RaptorQDecoder, RaptorQEncoder, decodeRaptorQOti, encodeRaptorQOti, raptorqKPrime } from '@proto/fec-raptorq';
import { xorshiftBytes } from './support/data.js';
import { hex, loadVector, unhex, type RaptorQVectorFile } from './support/vectors.js';

const FILES = ['raptorq_F10240_T64_Z1_N1_Al4.json', 'raptorq_F10240_T1280_Z1_N1_Al4.json', 'raptorq_F10240_T64_Z2_N2_Al4.json'];

describe('RaptorQ against cberner/raptorq 2.0.1 (../shared/vectors/raptorq)', () => {
  for (const file of FILES) {
    describe(file, () => {
      const v = loadVector<RaptorQVectorFile>(`raptorq/${file}`);
      const data = xorshiftBytes(v.F);

      it('decodes and re-encodes the OTI byte for byte', () => {
        const oti = decodeRaptorQOti(unhex(v.oti_hex));
        expect(oti).toEqual({ transferLength: v.F, symbolSize: v.T, sourceBlocks: v.Z, subBlocks: v.N, alignment: v.Al });
        expect(hex(encodeRaptorQOti(oti))).toBe(v.oti_hex);
      });

      it('produces every recorded source and repair packet byte for byte', () => {
        const enc = new RaptorQEncoder(data, decodeRaptorQOti(unhex(v.oti_hex)));
        for (const block of v.blocks) {
          expect(enc.sourceSymbols(block.sbn)).toBe(block.K);
          const packets = [...block.first_source_packets, ...block.repair_packets_from_esi_K];
          // Repair ESIs start at K, also where K' > K.
          expect(parseInt(block.repair_packets_from_esi_K[0]!.slice(2, 8), 16)).toBe(block.K);
          for (const p of packets) {
            const esi = parseInt(p.slice(2, 8), 16);
            expect(hex(enc.packet(block.sbn, esi))).toBe(p);
          }
        }
      });

      it('decodes the object from the recorded repair packets plus the missing source packets', () => {
        const oti = decodeRaptorQOti(unhex(v.oti_hex));
        const enc = new RaptorQEncoder(data, oti);
        const dec = new RaptorQDecoder(oti);
        let done = false;
        for (const block of v.blocks) {
          // The recorded repair packets replace the first source symbols.
          for (const p of block.repair_packets_from_esi_K) done = dec.push(unhex(p));
          for (let esi = block.repair_packets_from_esi_K.length; esi < block.K; esi++) done = dec.push(enc.packet(block.sbn, esi));
        }
        expect(done).toBe(true);
        expect(hex(dec.result()!)).toBe(hex(data));
      });
    });
  }

  it('the T = 1280 file has K = 8 and K\' = 10, so its repair ESIs start at 8', () => {
    const v = loadVector<RaptorQVectorFile>('raptorq/raptorq_F10240_T1280_Z1_N1_Al4.json');
    expect(v.blocks[0]!.K).toBe(8);
    expect(raptorqKPrime(8)).toBe(10);
  });
});

describe('the npm raptorq@1.7.24 vector, which labels repair symbols with their ISI', () => {
  const v = loadVector<{ oti_hex: string; packets: string[] }>('raptorq/raptorq_wasm_1.7.24_F10240_T1280_defaults_NONCOMPLIANT_ESI.json');
  const oti = decodeRaptorQOti(unhex(v.oti_hex));
  const data = xorshiftBytes(10240);
  const packets = v.packets.map(unhex);
  const source = packets.filter((p) => ((p[1]! << 16) | (p[2]! << 8) | p[3]!) < 8);
  const repair = packets.filter((p) => ((p[1]! << 16) | (p[2]! << 8) | p[3]!) >= 8);

  it('has the same data as an RFC 6330 encoder, under ESI = label - (K\' - K)', () => {
    const enc = new RaptorQEncoder(data, oti);
    expect(repair.map((p) => (p[1]! << 16) | (p[2]! << 8) | p[3]!)).toEqual([10, 11, 12, 13, 14]);
    for (const p of source) expect(hex(enc.packet(0, p[3]!))).toBe(hex(p));
    for (const p of repair) expect(hex(enc.packet(0, p[3]! - 2).subarray(4))).toBe(hex(p.subarray(4)));
    // The legacy labelling reproduces the packets exactly.
    const legacy = new RaptorQEncoder(data, oti, { legacyRepairEsi: true });
    for (const p of packets) expect(hex(legacy.packet(0, p[3]! >= 8 ? p[3]! - 2 : p[3]!))).toBe(hex(p));
  });

  it('an RFC 6330 decoder taking the labels at face value recovers wrong bytes; the legacy option recovers the object', () => {
    // Five repair packets and three source packets: the decode depends on the repair labels.
    const subset = [...repair, ...source.slice(0, 3)];
    const rfc = new RaptorQDecoder(oti);
    for (const p of subset) rfc.push(p);
    expect(rfc.complete).toBe(true);
    expect(hex(rfc.result()!)).not.toBe(hex(data));

    const legacy = new RaptorQDecoder(oti, { legacyRepairEsi: true });
    for (const p of subset) legacy.push(p);
    expect(hex(legacy.result()!)).toBe(hex(data));
  });

  it('the legacy option refuses labels of padding symbols', () => {
    const legacy = new RaptorQDecoder(oti, { legacyRepairEsi: true });
    const bad = repair[0]!.slice();
    bad[3] = 9;
    expect(() => legacy.push(bad)).toThrow(/padding/);
  });
});

import { describe, expect, it } from 'vitest';
import { RaptorQDecoder, RaptorQEncoder, deriveRaptorQOti } from '@proto/fec-raptorq';
import { raptorqWasm } from './support/anchor.js';
import { prng, sameBytes, xorshiftBytes } from './support/data.js';

// npm raptorq@1.7.24 (cberner/raptorq before 2.0, compiled to WebAssembly) labels repair packets
// with the ISI where K != K': both directions use the decoder's and encoder's legacyRepairEsi
// option, the documented ESI correction (see the NONCOMPLIANT vector).
const anchor = raptorqWasm();

/** The OTI the anchor's with_defaults(F, mtu) chooses. */
const anchorOti = (F: number, mtu: number) => deriveRaptorQOti({ transferLength: F, symbolSize: mtu - (mtu % 8), alignment: 8, minSubSymbolSize: 64, maxSubBlockSize: 10 * 1024 * 1024 });

const CASES = [
  { F: 10_240, mtu: 1280, what: 'K = 8, K\' = 10' },
  { F: 1 << 20, mtu: 1280, what: 'K = 820, K\' = 821' },
  { F: 10 << 20, mtu: 1280, what: 'N = 2 sub-blocks, K = 8192' },
  { F: 3_700_000, mtu: 64, what: 'Z = 2 source blocks of about 28 900 symbols' },
];

describe('interop with npm raptorq@1.7.24 (WebAssembly build of cberner/raptorq)', () => {
  for (const { F, mtu, what } of CASES) {
    it(`we decode what it encodes: ${F} bytes, MTU ${mtu} (${what})`, () => {
      const data = xorshiftBytes(F, F);
      const oti = anchorOti(F, mtu);
      const enc = anchor.Encoder.with_defaults(data, mtu);
      const K = Math.ceil(Math.ceil(F / oti.symbolSize) / oti.sourceBlocks);
      // 50% repair: after a 25% loss about 1.12 K symbols per block remain.
      const packets = enc.encode(Math.ceil(K * 0.5) + 10);
      enc.free();
      // Lose a quarter of the packets, source and repair alike.
      const rnd = prng(F);
      const dec = new RaptorQDecoder(oti, { legacyRepairEsi: true });
      for (const p of packets) if (rnd() >= 0.25 && dec.push(p)) break;
      expect(dec.complete).toBe(true);
      expect(sameBytes(dec.result(), data)).toBe(true);
    });

    it(`it decodes what we encode: ${F} bytes, MTU ${mtu} (${what})`, () => {
      const data = xorshiftBytes(F, F + 1);
      const oti = anchorOti(F, mtu);
      const enc = new RaptorQEncoder(data, oti, { legacyRepairEsi: true });
      const dec = anchor.Decoder.with_defaults(BigInt(F), mtu);
      const rnd = prng(F + 1);
      let out: Uint8Array | undefined;
      for (let sbn = 0; sbn < enc.sourceBlockCount && out === undefined; sbn++) {
        const K = enc.sourceSymbols(sbn);
        for (let esi = 0; esi < K + Math.ceil(K * 0.5) + 10 && out === undefined; esi++) {
          if (rnd() < 0.25) continue;
          out = dec.decode(enc.packet(sbn, esi));
        }
      }
      dec.free();
      enc.dispose();
      expect(out?.length).toBe(F);
      expect(sameBytes(out, data)).toBe(true);
    });
  }
});

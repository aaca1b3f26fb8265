import { describe, expect, it } from 'vitest';
import { parseFdt } from '@proto/fdt';
import { HET_FTI, findExtension } from '@proto/lct';
import { GilbertElliott, patternLoss, randomLoss } from '../src/sim/loss.js';
import { capture } from './support/capture.js';
import { expectBytes, randomBytes, run, setup } from './support/harness.js';

describe('FEC schemes end to end', () => {
  const cases = [
    { name: 'RS GF(2^8), FEC 5', fec: { encodingId: 5, maxSourceBlockLength: 40, repair: { percent: 50 } } },
    { name: 'small-block systematic, FEC 129', fec: { encodingId: 129, maxSourceBlockLength: 40, repair: { percent: 50 } } },
    { name: 'RS GF(2^m), FEC 2, m = 8', fec: { encodingId: 2, m: 8, maxSourceBlockLength: 40, repair: { percent: 50 } } },
    { name: 'RS GF(2^m), FEC 2, m = 4', fec: { encodingId: 2, m: 4, maxSourceBlockLength: 10, repair: { symbols: 5 } } },
    { name: 'RS GF(2^m), FEC 2, m = 16', fec: { encodingId: 2, m: 16, maxSourceBlockLength: 300, repair: { percent: 50 } } },
    { name: 'RaptorQ, FEC 6', fec: { encodingId: 6, maxSourceBlockLength: 1000, repair: { percent: 50 } } },
    { name: 'RaptorQ, FEC 6, Z = 4 blocks, N = 4 sub-blocks', fec: { encodingId: 6, maxSourceBlockLength: 60, repair: { percent: 50 }, subBlocks: 4, alignment: 4 } },
    { name: 'Raptor, FEC 1', fec: { encodingId: 1, maxSourceBlockLength: 1000, repair: { percent: 50 } } },
    { name: 'Raptor, FEC 1, Z = 4 blocks, N = 2 sub-blocks', fec: { encodingId: 1, maxSourceBlockLength: 60, repair: { percent: 50 }, subBlocks: 2 } },
  ] as const;
  for (const c of cases) {
    for (const inBandFti of [true, false]) {
      it(`${c.name}, ${inBandFti ? 'in-band' : 'out-of-band (FDT)'} FTI, 20% random loss`, async () => {
        const p = setup({ sender: { fec: c.fec, inBandFti }, link: { loss: randomLoss(0.2), seed: 11 } });
        const seen = capture(p.link);
        const data = randomBytes(300_000);
        // The FDT is carouselled, the object repeated: the loss must not hit every FDT copy.
        p.sender.addObject({ source: data, contentLocation: 'fec.bin', maxTransfers: 3, carousel: { mode: 'delay', ms: 100 } });
        await run(p, () => p.rec.completed.length === 1, 30_000);
        expectBytes(p.rec.completed[0]!.data, data);
        expect(p.rec.completed[0]!.recoveredSymbols).toBeGreaterThan(0);
        expect(p.rec.completed[0]!.meta.fecEncodingId).toBe(c.fec.encodingId);
        const obj = seen.filter((s) => s.packet.header.toi !== 0n);
        expect(obj.every((s) => (findExtension(s.packet.header.extensions, HET_FTI) !== undefined) === inBandFti)).toBe(true);
        expect(obj.every((s) => s.packet.payload.length === (c.fec.encodingId === 2 && c.fec.m === 16 ? 1424 : 1424))).toBe(true);
        if ('subBlocks' in c.fec) expect(new Set(obj.map((s) => s.packet.payloadId.sbn)).size).toBeGreaterThan(1);
      });
    }
  }

  it('Raptor with one packet in eight lost (ypo/flute scenario), sent once', async () => {
    const p = setup({ sender: { fec: { encodingId: 1, maxSourceBlockLength: 500, repair: { percent: 30 } } }, link: { loss: patternLoss((i) => i > 0 && i % 8 === 0) } });
    const data = randomBytes(400_000);
    p.sender.addObject({ source: data, contentLocation: 'raptor' });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, data);
    expect(p.rec.completed[0]!.recoveredSymbols).toBeGreaterThan(30);
  });

  it('RaptorQ: random loss just below the repair rate, 20 objects sent once each all arrive (lean loss table)', async () => {
    // The full table (200 objects per cell, bench/loss-table.ts) is in the README.
    const p = setup({
      sender: { multiplex: 1, maxDatagramSize: 400, fec: { encodingId: 6, symbolLength: 256, maxSourceBlockLength: 4096, repair: { percent: 20 } }, fdt: { carousel: { mode: 'delay', ms: 20 } } },
      link: { loss: randomLoss(0.1), seed: 21 },
    });
    const files = Array.from({ length: 20 }, (_, i) => randomBytes(256 * 1024, i));
    files.forEach((f, i) => p.sender.addObject({ source: f, contentLocation: `rq${i}` }));
    await run(p, () => p.sender.idle, 600_000, 50);
    await run(p, () => p.rec.completed.length === 20, 5_000);
    files.forEach((f, i) => expectBytes(p.rec.byLocation(`rq${i}`), f));
  });

  it("Raptor with ypo/flute's last-block cut on both sides", async () => {
    const p = setup({ sender: { fec: { encodingId: 1, maxSourceBlockLength: 100, repair: { percent: 40 } }, raptorYpoLastBlock: true }, receiver: { raptorYpoLastBlock: true }, link: { loss: randomLoss(0.1), seed: 3 } });
    const seen = capture(p.link);
    const data = randomBytes(1424 * 150 + 999);
    p.sender.addObject({ source: data, contentLocation: 'ypo-raptor', maxTransfers: 2 });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, data);
    // The last block's symbols are ceil(B/K) bytes, not T.
    expect(new Set(seen.filter((s) => s.packet.header.toi === 1n).map((s) => s.packet.payload.length)).size).toBe(2);
  });

  it('Raptor and RaptorQ: objects too small for the code go out as no-code; big ones get larger blocks', async () => {
    const p = setup({ sender: { fec: { encodingId: 1, repair: { percent: 50 } } } });
    const seen = capture(p.link);
    const tiny = randomBytes(10);
    p.sender.addObject({ source: tiny, contentLocation: 'tiny' });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, tiny);
    expect(seen.filter((s) => s.packet.header.toi !== 0n).map((s) => s.packet.fecEncodingId)).toEqual([0]);
    const q = setup({ sender: { fec: { encodingId: 6, symbolLength: 64, maxSourceBlockLength: 10 } } });
    const big = randomBytes(64 * 10 * 300);
    q.sender.addObject({ source: big, contentLocation: 'big' });
    await run(q, () => q.rec.completed.length === 1);
    expectBytes(q.rec.completed[0]!.data, big);
  });

  it('RS decodes a block from exactly k symbols chosen against it (MDS)', async () => {
    // Lose the first 10 source symbols of every 50: the 10 repair symbols of each block must make up.
    const p = setup({ sender: { fec: { encodingId: 5, maxSourceBlockLength: 40, repair: { symbols: 10 } } }, link: { loss: patternLoss((i) => i > 0 && (i - 1) % 50 < 10) } });
    const data = randomBytes(40 * 1424 * 3);
    p.sender.addObject({ source: data, contentLocation: 'mds' });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, data);
    expect(p.rec.completed[0]!.recoveredSymbols).toBe(30);
  });

  it('Backblaze-matrix RS (ypo/flute compatible) when both sides say so', async () => {
    const p = setup({ sender: { fec: { encodingId: 5, repair: { percent: 30 } }, rsMatrix: 'backblaze' }, receiver: { rsMatrix: 'backblaze' }, link: { loss: randomLoss(0.1), seed: 2 } });
    const data = randomBytes(200_000);
    p.sender.addObject({ source: data, contentLocation: 'bb', maxTransfers: 2 });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, data);
  });

  it('burst loss (Gilbert-Elliott) with block interleaving and RS', async () => {
    const ge = new GilbertElliott({ goodToBad: 0.02, badToGood: 0.2 });
    const p = setup({ sender: { fec: { encodingId: 5, maxSourceBlockLength: 50, repair: { percent: 40 } }, interleave: 8 }, link: { loss: ge, seed: 5 } });
    const data = randomBytes(50 * 8 * 1424);
    p.sender.addObject({ source: data, contentLocation: 'burst', maxTransfers: 2 });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, data);
    expect(p.link.stats.lost).toBeGreaterThan(0);
  });

  it('per-object OTI: an object overrides the session FEC; its File carries its own FEC-OTI', async () => {
    const p = setup({ sender: { fec: { encodingId: 0 } } });
    const seen = capture(p.link);
    const a = randomBytes(20_000, 1);
    const b = randomBytes(20_000, 2);
    p.sender.addObject({ source: a, contentLocation: 'plain' });
    p.sender.addObject({ source: b, contentLocation: 'protected', fec: { encodingId: 5, symbolLength: 1000, maxSourceBlockLength: 30, repair: { symbols: 5 } }, inBandFti: false });
    await run(p, () => p.rec.completed.length === 2);
    expectBytes(p.rec.byLocation('plain'), a);
    expectBytes(p.rec.byLocation('protected'), b);
    const fdtPacket = seen.find((s) => s.packet.header.toi === 0n)!;
    const inst = parseFdt(fdtPacket.packet.payload);
    const f = inst.files.find((x) => x.contentLocation === 'protected')!;
    expect(f.fecOti).toMatchObject({ encodingId: 5, encodingSymbolLength: 1000, maxSourceBlockLength: 30, maxEncodingSymbols: 35 });
  });

  it('codepoint → FEC Encoding ID mapping on both sides', async () => {
    const p = setup({
      sender: { fec: { encodingId: 5, repair: { symbols: 2 } }, codepoint: (id) => id + 100 },
      receiver: { codepointToFecId: (cp) => (cp >= 100 ? cp - 100 : undefined) },
    });
    const seen = capture(p.link, { codepointToFecId: (cp) => cp - 100 });
    const data = randomBytes(10_000);
    p.sender.addObject({ source: data, contentLocation: 'cp' });
    await run(p, () => p.rec.completed.length === 1);
    expectBytes(p.rec.completed[0]!.data, data);
    expect(new Set(seen.map((s) => s.packet.header.codepoint))).toEqual(new Set([100, 105]));
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter } from '@proto/flute/node';
import { HET_FDT, HET_FTI, encodeAlcPacket, type Fti, type LctExtension } from '@proto/lct';
import { encodeContent } from '../src/encoding.js';
import { ReedSolomonScheme } from '../src/fec/reed-solomon.js';
import { otiFromFti, otiToFti } from '../src/oti.js';
import { md5 } from '../src/md5.js';
import { HELD_BLOCK_OVERHEAD } from '../src/receiver/object.js';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { FluteSender } from '../src/sender/sender.js';
import { SimulatedLink, runSimulation, VirtualClock } from '../src/sim/network.js';
import { patternLoss, randomLoss } from '../src/sim/loss.js';
import type { ObjectWriter } from '../src/writer.js';
import { fdtPacket, objectPackets } from './support/craft.js';
import { Recorder, T0, expectBytes, randomBytes, run, setup } from './support/harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'flute-rx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('receiver robustness', () => {
  it('survives reordering, duplication and delay', async () => {
    const p = setup({ link: { reorder: 0.2, reorderDelayMs: 15, duplicate: 0.1, delayMs: 30, jitterMs: 5, seed: 3 } });
    const files = [1, 2, 3].map((i) => randomBytes(150_000, i));
    files.forEach((f, i) => p.sender.addObject({ source: f, contentLocation: `r${i}` }));
    await run(p, () => p.rec.completed.length === 3, 30_000, 2);
    files.forEach((f, i) => expectBytes(p.rec.byLocation(`r${i}`), f));
    expect(p.link.stats.duplicated).toBeGreaterThan(10);
    expect(p.link.stats.reordered).toBeGreaterThan(10);
    expect(p.rec.failed).toHaveLength(0);
  });

  it('demultiplexes sessions by source and TSI, and filters TSIs', async () => {
    const clock = new VirtualClock(T0);
    const s1 = new FluteSender({ tsi: 1 });
    const s2 = new FluteSender({ tsi: 2 });
    const s3 = new FluteSender({ tsi: 1 });
    const all = new Recorder(new FluteReceiver());
    const only1 = new Recorder(new FluteReceiver({ tsi: [1] }));
    const a = randomBytes(5000, 1);
    const b = randomBytes(5000, 2);
    const c = randomBytes(5000, 3);
    s1.addObject({ source: a, contentLocation: 'same-name' });
    s2.addObject({ source: b, contentLocation: 'same-name' });
    s3.addObject({ source: c, contentLocation: 'same-name' });
    await runSimulation({
      clock,
      senders: [
        { sender: s1, link: new SimulatedLink(), from: '10.0.0.1:1' },
        { sender: s2, link: new SimulatedLink(), from: '10.0.0.1:1' },
        { sender: s3, link: new SimulatedLink(), from: '10.0.0.2:1' },
      ],
      receivers: [all.receiver, only1.receiver],
      until: T0 + 10_000,
      done: () => all.completed.length === 3 && only1.completed.length === 2,
    });
    expect(all.completed).toHaveLength(3);
    expect(all.receiver.sessions().map((s) => s.key).sort()).toEqual(['10.0.0.1:1|1', '10.0.0.1:1|2', '10.0.0.2:1|1']);
    expect(new Set(all.completed.map((x) => md5(x.data!).join()))).toEqual(new Set([a, b, c].map((x) => md5(x).join())));
    expect(only1.completed.map((x) => x.meta.session).sort()).toEqual(['10.0.0.1:1|1', '10.0.0.2:1|1']);
    expect(only1.receiver.stats.dropped['tsi-filtered']).toBeGreaterThan(0);
  });

  it('never throws on garbage or mutated datagrams, counts them, and keeps working', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const good = objectPackets({ toi: 5, data: randomBytes(3000), T: 1000 });
    const fdt = fdtPacket({ id: 1, files: [{ contentLocation: 'ok', toi: 5n, contentLength: 3000 }], expiresMs: T0 + 60_000 });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 1500 }), fc.tuple(fc.constantFrom(...good, fdt), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 })).map(([p, flips]) => {
        const m = p.slice();
        for (const [i, v] of flips) m[i % m.length] = v;
        return m;
      })), (d) => {
        expect(() => rx.push(d, T0, 'x')).not.toThrow();
      }),
      { numRuns: 3000 },
    );
    const s = rx.stats.dropped;
    expect(s.malformed + s.truncated + s['unsupported-fec'] + s['bad-symbol'] + s['bad-oti'] + s['fdt-malformed']).toBeGreaterThan(100);
    expect(s.internal).toBe(0);
    // Still works: a clean session on another TSI.
    const data = randomBytes(3000, 9);
    rx.push(fdtPacket({ tsi: 77, id: 3, files: [{ contentLocation: 'clean', toi: 5n, contentLength: 3000 }], expiresMs: T0 + 60_000 }), T0 + 1, 'y');
    for (const d of objectPackets({ tsi: 77, toi: 5, data })) rx.push(d, T0 + 1, 'y');
    expectBytes(rec.completed.find((c) => c.meta.contentLocation === 'clean')?.data, data);
  });

  it('well-formed packets with arbitrary FTI, SBN and ESI values never crash it or pass its memory limits', () => {
    const limits = { maxTotalMemory: 4 << 20, maxObjectMemory: 1 << 20, maxPendingBytes: 1 << 16 };
    const rx = new FluteReceiver({ limits });
    const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** Math.min(bits, 40) - 1 });
    const fti = fc.oneof(
      fc.record({ fecEncodingId: fc.constant(0 as const), transferLength: u(40), symbolLength: u(16), maxSourceBlockLength: u(32) }),
      fc.record({ fecEncodingId: fc.constant(1 as const), transferLength: u(40), symbolLength: u(16), sourceBlocks: u(16), subBlocks: u(8), alignment: u(8) }),
      fc.record({ fecEncodingId: fc.constant(2 as const), transferLength: u(40), m: fc.integer({ min: 2, max: 16 }), g: fc.integer({ min: 1, max: 255 }), symbolLength: u(16), maxSourceBlockLength: u(16), maxEncodingSymbols: u(16) }),
      fc.record({ fecEncodingId: fc.constant(5 as const), transferLength: u(40), symbolLength: u(16), maxSourceBlockLength: u(8), maxEncodingSymbols: u(8) }),
      fc.record({ fecEncodingId: fc.constant(6 as const), transferLength: u(40), symbolLength: u(16), sourceBlocks: u(8), subBlocks: u(16), alignment: u(8) }),
      fc.record({ fecEncodingId: fc.constant(129 as const), transferLength: u(40), fecInstanceId: u(16), symbolLength: u(16), maxSourceBlockLength: u(16), maxEncodingSymbols: u(16) }),
    );
    fc.assert(
      fc.property(fti, fc.integer({ min: 1, max: 20 }), u(16), u(16), fc.integer({ min: 0, max: 3000 }), fc.boolean(), (f, toi, sbn, esi, size, close) => {
        const m = f.fecEncodingId === 2 ? f.m : 8;
        const d = encodeAlcPacket(
          {
            header: { tsi: 3, toi, tsiBits: 32, toiBits: 32, codepoint: f.fecEncodingId, closeObject: close, extensions: [{ het: HET_FTI, fti: f }] },
            payloadId: { sbn: f.fecEncodingId === 6 ? sbn & 0xff : f.fecEncodingId === 2 ? sbn % 2 ** (32 - m) : f.fecEncodingId === 5 ? sbn : sbn, esi: f.fecEncodingId === 5 ? esi & 0xff : f.fecEncodingId === 2 ? esi % 2 ** m : esi, sourceBlockLength: sbn & 0xffff },
            payload: randomBytes(size, sbn ^ esi),
          },
          { fecEncodingId: f.fecEncodingId, m },
        );
        expect(() => rx.push(d, T0, 'fuzz')).not.toThrow();
        expect(rx.memory).toBeLessThanOrEqual(limits.maxTotalMemory + limits.maxPendingBytes);
      }),
      { numRuns: 1500 },
    );
    expect(rx.stats.dropped.internal).toBe(0);
    rx.cleanup(T0 + 3_600_000);
    expect(rx.memory).toBe(0);
  });

  it('holds an object that completes before its FDT until the FDT names it', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const data = randomBytes(5000);
    for (const d of objectPackets({ toi: 9, data })) rx.push(d, T0);
    expect(rec.completed).toHaveLength(0);
    expect(rx.memory).toBe(5000 + HELD_BLOCK_OVERHEAD); // one held block: its bytes and its bookkeeping
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'late-fdt', toi: 9n, contentLength: 5000, contentMd5: md5(data) }], expiresMs: T0 + 60_000 }), T0 + 10);
    expectBytes(rec.completed[0]?.data, data);
    expect(rx.memory).toBe(0);
  });

  it('caches packets without FTI until the FDT arrives, within maxPendingBytes', () => {
    const data = randomBytes(8000);
    const pk = objectPackets({ toi: 4, data, fti: false });
    const fdt = fdtPacket({ id: 1, files: [{ contentLocation: 'oob', toi: 4n, contentLength: 8000, fecOti: { encodingId: 0, encodingSymbolLength: 1000, maxSourceBlockLength: 8 } }], expiresMs: T0 + 60_000 });
    const roomy = new Recorder(new FluteReceiver());
    for (const d of pk) roomy.receiver.push(d, T0);
    roomy.receiver.push(fdt, T0 + 5);
    expectBytes(roomy.completed[0]?.data, data);
    const tight = new Recorder(new FluteReceiver({ limits: { maxPendingBytes: 3000 } }));
    for (const d of pk) tight.receiver.push(d, T0);
    expect(tight.receiver.memory).toBeLessThanOrEqual(3000);
    expect(tight.receiver.stats.dropped['pending-overflow']).toBe(6);
    tight.receiver.push(fdt, T0 + 5);
    expect(tight.completed).toHaveLength(0);
  });

  it('expires held packets in one pass, however many tiny ones a TOI holds', () => {
    // 500,000 one-byte packets without FTI for one TOI (what 10 MiB of maxPendingBytes admits),
    // half of them 6 s later: cleanup at 10 s frees the first half and keeps the second. Done
    // element by element against the kept list this took ~10^11 steps (over the test timeout).
    const rx = new FluteReceiver({ limits: { maxPendingBytes: 16 << 20 } });
    const d = encodeAlcPacket({ header: { tsi: 1, toi: 5, tsiBits: 32, toiBits: 32 }, payloadId: { sbn: 0, esi: 0 }, payload: Uint8Array.of(1) });
    const half = 250_000;
    for (let i = 0; i < half; i++) rx.push(d, T0);
    for (let i = 0; i < half; i++) rx.push(d, T0 + 6_000);
    expect(rx.memory).toBe(2 * half * d.length);
    rx.cleanup(T0 + 10_000);
    expect(rx.memory).toBe(half * d.length);
    expect(rx.nextDeadline()).toBe(T0 + 16_000);
    rx.cleanup(T0 + 16_000);
    expect(rx.memory).toBe(0);
    expect(rx.stats.dropped['pending-overflow']).toBe(0);
  });

  it('fails an object over maxObjectMemory and one over maxTotalMemory, counting the drops', async () => {
    const p = setup({ receiver: { limits: { maxObjectMemory: 50_000 } } });
    p.sender.addObject({ source: randomBytes(200_000), contentLocation: 'big' });
    await run(p, () => p.sender.idle, 10_000);
    // One failure, not one per packet: the rest of the transfer is ignored.
    expect(p.rec.failed.map((f) => f.reason)).toEqual(['memory-limit']);
    expect(p.receiver.stats.dropped['memory-limit']).toBeGreaterThan(0);
    expect(p.receiver.stats.dropped['failed-object']).toBeGreaterThan(0);
    expect(p.receiver.memory).toBe(0);
    // Total: three objects in parallel, one block of 91 KB each, 200 KB for all.
    const q = setup({ receiver: { limits: { maxTotalMemory: 200_000 } }, sender: { multiplex: 3 } });
    for (let i = 0; i < 3; i++) q.sender.addObject({ source: randomBytes(91_136, i), contentLocation: `t${i}` });
    await run(q, () => q.rec.completed.length + q.rec.failed.length === 3, 10_000);
    expect(q.rec.failed.map((f) => f.reason)).toContain('memory-limit');
    expect(q.receiver.memory).toBe(0);
  });

  it('FEC 2 with G = 2 symbols per packet (RFC 5510 §4), in-band FTI, one packet lost in each block', () => {
    const scheme = new ReedSolomonScheme(2);
    const data = randomBytes(3000, 4);
    const oti = { ...scheme.createOti(data.length, { symbolLength: 100, maxSourceBlockLength: 10, repair: { symbols: 4 }, m: 8 }), g: 2 };
    const layout = scheme.layout(oti);
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'g2', toi: 6n, contentLength: data.length }], expiresMs: T0 + 60_000 }), T0);
    for (let sbn = 0; sbn < layout.blockCount; sbn++) {
      const block = data.subarray(layout.byteOffset(sbn), layout.byteOffset(sbn) + layout.byteLength(sbn));
      const enc = scheme.createEncoder(oti, sbn, block);
      const n = scheme.encodingSymbols(oti, layout.sourceSymbols(sbn));
      for (let esi = 0; esi + 1 < n; esi += 2) {
        if (esi === 2) continue; // lose ESIs 2 and 3
        const payload = new Uint8Array(200);
        enc.writeSymbol(esi, payload, 0);
        enc.writeSymbol(esi + 1, payload, 100);
        rx.push(encodeAlcPacket({ header: { tsi: 1, toi: 6, tsiBits: 32, toiBits: 32, codepoint: 2, extensions: [{ het: HET_FTI, fti: otiToFti(oti) }] }, payloadId: { sbn, esi }, payload }, { fecEncodingId: 2 }), T0);
      }
    }
    expectBytes(rec.byLocation('g2'), data);
    expect(rec.completed[0]!.recoveredSymbols).toBe(2 * layout.blockCount);
  });

  it('does not allocate what a hostile OTI or Content-Length asks for', () => {
    const rx = new FluteReceiver({ limits: { maxObjectMemory: 1 << 20 } });
    const rec = new Recorder(rx);
    // One no-code block of 2^40 bytes announced; only 1000 bytes sent.
    const huge = encodeAlcPacket({
      header: { tsi: 1, toi: 8, tsiBits: 32, toiBits: 32, extensions: [{ het: HET_FTI, fti: { fecEncodingId: 0, transferLength: 2 ** 40, symbolLength: 1000, maxSourceBlockLength: 2 ** 32 - 1 } }] },
      payloadId: { sbn: 0, esi: 0 },
      payload: randomBytes(1000),
    });
    rx.push(huge, T0);
    expect(rec.failed.map((f) => f.reason)).toEqual(['memory-limit']);
    expect(rx.memory).toBe(0);
    // A 1 GiB Content-Length on a 100-byte object does not make the MemoryWriter allocate it.
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'liar', toi: 9n, contentLength: 2 ** 30, transferLength: 100 }], expiresMs: T0 + 60_000 }), T0);
    for (const d of objectPackets({ toi: 9, data: randomBytes(100) })) rx.push(d, T0);
    expect(rec.failed.at(-1)?.reason).toBe('size-mismatch');
  });

  it('counts what a block decoder really costs: one small symbol per block cannot outgrow the limits', () => {
    // Each datagram below opens a decoder for a new two-symbol block and fills half of it. Decoders
    // cost 1.3–2 KB of objects while a few bytes were counted, so 20,000 datagrams made ~30 MB that
    // no limit saw. Now the accounted memory covers the real growth, and the default per-object
    // limit stops the flood.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const ftis: Fti[] = [
      { fecEncodingId: 0, transferLength: 40_000, symbolLength: 1, maxSourceBlockLength: 2 },
      { fecEncodingId: 5, transferLength: 40_000, symbolLength: 1, maxSourceBlockLength: 2, maxEncodingSymbols: 4 },
    ];
    for (const fti of ftis) {
      const packets = Array.from({ length: 20_000 }, (_, sbn) => encodeAlcPacket({ header: { tsi: 1, toi: 1, tsiBits: 32, toiBits: 32, codepoint: fti.fecEncodingId, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn, esi: 0 }, payload: new Uint8Array(fti.symbolLength) }, { fecEncodingId: fti.fecEncodingId }));
      const rx = new FluteReceiver({ limits: { maxObjectMemory: 2 ** 40, maxTotalMemory: 2 ** 40 } });
      gc();
      const before = process.memoryUsage();
      for (const d of packets) rx.push(d, T0);
      gc();
      const after = process.memoryUsage();
      const real = after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers;
      expect(real, `FEC ${fti.fecEncodingId}`).toBeLessThan(rx.memory);
      const limited = new Recorder(new FluteReceiver());
      for (const d of packets) limited.receiver.push(d, T0);
      expect(limited.failed.map((f) => f.reason), `FEC ${fti.fecEncodingId}`).toEqual(['memory-limit']);
      expect(limited.receiver.memory).toBe(0);
    }
  });

  it('charges a Raptor/RaptorQ block decoder for its WebAssembly kernel: a flood of blocks stops at the limit', () => {
    // One 4-byte symbol per new Raptor block. Every live decoder holds a WebAssembly memory; past
    // ~12,900 of them V8 ran out of address space and each push stalled for seconds (the flood
    // below never finished). Charged for its kernel, the object fails at the memory limit first.
    const fti: Fti = { fecEncodingId: 1, transferLength: 320_000, symbolLength: 4, sourceBlocks: 20_000, subBlocks: 1, alignment: 4 };
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    for (let sbn = 0; sbn < 20_000; sbn++) {
      rx.push(encodeAlcPacket({ header: { tsi: 1, toi: 1, tsiBits: 32, toiBits: 32, codepoint: 1, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn, esi: 0 }, payload: new Uint8Array(4) }, { fecEncodingId: 1 }), T0);
    }
    expect(rec.failed.map((f) => f.reason)).toEqual(['memory-limit']);
    expect(rx.stats.dropped['failed-object']).toBeGreaterThan(19_000);
    expect(rx.memory).toBe(0);
  });

  it('allocates nothing per block an OTI announces before the blocks arrive (up to 2^30 blocks)', () => {
    // FEC 2 with m = 2 numbers up to 2^30 blocks of three 1-byte symbols. The first packet of an
    // object allocated a byte per block (1 GiB), that of an FDT instance a pointer per block (2.7 MB
    // for 1 MiB): four objects and 64 FDT packets took 4 GiB of buffers and 170 MB of heap.
    const rx = new FluteReceiver();
    const fti = (transferLength: number) => ({ fecEncodingId: 2 as const, transferLength, m: 2, g: 1, symbolLength: 1, maxSourceBlockLength: 3, maxEncodingSymbols: 3 });
    const before = process.memoryUsage();
    for (let toi = 1; toi <= 4; toi++) {
      rx.push(encodeAlcPacket({ header: { tsi: 1, toi, tsiBits: 32, toiBits: 32, codepoint: 2, extensions: [{ het: HET_FTI, fti: fti(3 * 2 ** 30) }] }, payloadId: { sbn: 0, esi: 0 }, payload: new Uint8Array(1) }, { fecEncodingId: 2, m: 2 }), T0);
    }
    for (let i = 0; i < 64; i++) {
      const ext: LctExtension[] = [{ het: HET_FDT, version: 2, fdtInstanceId: i }, { het: HET_FTI, fti: fti(1 << 20) }];
      rx.push(encodeAlcPacket({ header: { tsi: 1, toi: 0, tsiBits: 32, toiBits: 32, codepoint: 2, extensions: ext }, payloadId: { sbn: 0, esi: 0 }, payload: new Uint8Array(1) }, { fecEncodingId: 2, m: 2 }), T0, `10.0.0.${i >> 3}:1`);
    }
    const after = process.memoryUsage();
    expect(rx.sessions().find((s) => s.key === '|1')?.objects).toBe(4);
    expect(rx.stats.dropped.internal).toBe(0);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 << 20);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 << 20);
  });

  it('refuses a Reed-Solomon block length that would make decoding quadratic in a peer-chosen k', () => {
    // FEC 2, m = 16, k = 65,534 symbols of 2 bytes: 94 datagrams of source symbols and one repair
    // symbol made the receiver spend ~18 s in one push (O(k²) set-up). B is capped for decoding.
    const rx = new FluteReceiver();
    const fti = (B: number) => ({ fecEncodingId: 2 as const, transferLength: 2 * B, m: 16, g: 1, symbolLength: 2, maxSourceBlockLength: B, maxEncodingSymbols: 65_535 });
    const first = (B: number) => encodeAlcPacket({ header: { tsi: 1, toi: B, tsiBits: 32, toiBits: 32, codepoint: 2, extensions: [{ het: HET_FTI, fti: fti(B) }] }, payloadId: { sbn: 0, esi: 1 }, payload: new Uint8Array(1400) }, { fecEncodingId: 2, m: 16 });
    rx.push(first(65_534), T0);
    expect(rx.stats.dropped['bad-oti']).toBe(1);
    expect(rx.sessions()[0]!.objects).toBe(0);
    rx.push(first(1024), T0);
    expect(rx.stats.dropped['bad-oti']).toBe(1);
    expect(rx.sessions()[0]!.objects).toBe(1);
    // The limit is the scheme's: a receiver that wants longer blocks says so.
    const oti = otiFromFti(fti(4096));
    expect(() => new ReedSolomonScheme(2).checkOti(oti)).toThrow(/maxDecodeBlockLength/);
    expect(() => new ReedSolomonScheme(2, { maxDecodeBlockLength: 4096 }).checkOti(oti)).not.toThrow();
  });

  it('counts FDT instances being received against maxTotalMemory', () => {
    const rx = new FluteReceiver({ limits: { maxTotalMemory: 100_000 } });
    for (let i = 0; i < 10; i++) {
      // The first packet of a 60 KB FDT instance that never completes, from ten sources.
      const d = encodeAlcPacket({
        header: { tsi: 1, toi: 0, tsiBits: 32, toiBits: 32, extensions: [{ het: HET_FDT, version: 2, fdtInstanceId: i }, { het: HET_FTI, fti: { fecEncodingId: 0, transferLength: 60_000, symbolLength: 1000, maxSourceBlockLength: 60 } }] },
        payloadId: { sbn: 0, esi: 0 },
        payload: randomBytes(1000, i),
      });
      rx.push(d, T0, `10.0.0.${i}:1`);
      expect(rx.memory).toBeLessThanOrEqual(100_000);
    }
    expect(rx.stats.dropped['memory-limit']).toBe(9);
    rx.cleanup(T0 + 60_000);
    expect(rx.memory).toBe(0);
  });

  it('refuses objects over maxObjectBytes and more objects than maxObjectsPerSession', () => {
    const rx = new FluteReceiver({ limits: { maxObjectBytes: 1000, maxObjectsPerSession: 2 } });
    for (const d of objectPackets({ toi: 1, data: randomBytes(2000) })) rx.push(d, T0);
    expect(rx.stats.dropped['object-too-large']).toBe(2);
    for (const toi of [2, 3, 4]) rx.push(objectPackets({ toi, data: randomBytes(900) })[0]!, T0);
    expect(rx.stats.dropped['object-limit']).toBe(1);
  });

  it('detects an MD5 mismatch and fails the object', async () => {
    const p = setup();
    const data = randomBytes(10_000);
    p.sender.addObject({ source: data, contentLocation: 'corrupt' });
    data[5000]! ^= 0xff; // changed after the MD5 was computed
    await run(p, () => p.rec.failed.length === 1);
    expect(p.rec.failed[0]!.reason).toBe('md5-mismatch');
    expect(p.rec.completed).toHaveLength(0);
  });

  it('times out an incomplete object and frees it', async () => {
    const p = setup({ receiver: { objectTimeoutMs: 2000 }, link: { loss: patternLoss((i) => i === 5) } });
    p.sender.addObject({ source: randomBytes(20_000), contentLocation: 'lossy' });
    await run(p, () => p.rec.failed.length === 1, 10_000);
    expect(p.rec.failed[0]!.reason).toBe('timeout');
    expect(p.receiver.memory).toBe(0);
  });

  it('applies a reused FDT Instance ID with different content (GPAC), ignores a repeat', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const a = randomBytes(1500, 1);
    const b = randomBytes(1500, 2);
    const fecOti = { encodingId: 0, encodingSymbolLength: 1000, maxSourceBlockLength: 2 };
    const f1 = fdtPacket({ id: 7, files: [{ contentLocation: 'a', toi: 1n, contentLength: 1500, fecOti }], expiresMs: T0 + 60_000 });
    const f2 = fdtPacket({ id: 7, files: [{ contentLocation: 'b', toi: 2n, contentLength: 1500, fecOti }], expiresMs: T0 + 60_000 });
    rx.push(f1, T0);
    rx.push(f1, T0);
    rx.push(f2, T0);
    expect(rec.fdts).toHaveLength(2);
    for (const d of [...objectPackets({ toi: 1, data: a, fti: false }), ...objectPackets({ toi: 2, data: b, fti: false })]) rx.push(d, T0 + 1);
    expectBytes(rec.completed.find((c) => c.meta.contentLocation === 'a')?.data, a);
    expectBytes(rec.completed.find((c) => c.meta.contentLocation === 'b')?.data, b);
  });

  it('sniffs zlib/gzip behind a "deflate" label; refuses an unknown Content-Encoding', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const text = new TextEncoder().encode('hello '.repeat(1000));
    const z = encodeContent(text, 'zlib');
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'z', toi: 1n, transferLength: z.length, contentEncoding: 'deflate', contentLength: text.length }], expiresMs: T0 + 60_000 }), T0);
    for (const d of objectPackets({ toi: 1, data: z })) rx.push(d, T0);
    expectBytes(rec.byLocation('z'), text);
    rx.push(fdtPacket({ id: 2, files: [{ contentLocation: 'br', toi: 2n, transferLength: 100, contentEncoding: 'br' }], expiresMs: T0 + 60_000 }), T0);
    for (const d of objectPackets({ toi: 2, data: randomBytes(100) })) rx.push(d, T0);
    expect(rec.failed.map((f) => f.reason)).toEqual(['unsupported-encoding']);
  });

  it('uses the sender clock (SCT) for FDT expiry', () => {
    // The local clock is far behind the sender; an FDT valid by the sender clock is accepted.
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'a', toi: 1n }], expiresMs: T0 + 60_000, sctMs: T0 }), T0 - 3_600_000);
    expect(rec.fdts).toHaveLength(1);
    // Expired by the sender clock even though the local clock says otherwise.
    rx.push(fdtPacket({ id: 2, files: [{ contentLocation: 'b', toi: 2n }], expiresMs: T0 - 1000, sctMs: T0 }), T0 - 3_600_000);
    expect(rec.fdts).toHaveLength(1);
    expect(rx.stats.dropped['fdt-expired']).toBe(1);
  });

  it('writes to the filesystem inside the output folder whatever Content-Location says', async () => {
    const out = join(tmp, 'fs');
    const p = setup({ receiver: { writer: new FileWriter(out) } });
    const names = ['../../../../escape.bin', '/etc/passwd', 'file:///root/.ssh/authorized_keys', '%2e%2e%2f%2e%2e%2fx.bin', 'ok/nested/file.bin'];
    const data = names.map((_, i) => randomBytes(3000 + i, i));
    names.forEach((n, i) => p.sender.addObject({ source: data[i]!, contentLocation: n }));
    p.sender.addObject({ source: randomBytes(10), contentLocation: 'bad%00name' });
    expect(() => p.sender.addObject({ source: randomBytes(10), contentLocation: 'nul\u0000' })).toThrow(RangeError);
    await run(p, () => p.rec.completed.length + p.rec.failed.length === 6);
    expect(p.rec.failed.map((f) => f.reason)).toEqual(['bad-location']);
    const expected = ['escape.bin', 'etc/passwd', 'root/.ssh/authorized_keys', 'x.bin', 'ok/nested/file.bin'];
    for (const [i, rel] of expected.entries()) expectBytes(new Uint8Array(readFileSync(join(out, rel))), data[i]!);
    expect(p.rec.completed.every((c) => c.path!.startsWith(out))).toBe(true);
    expect(readdirSync(tmp)).toEqual(['fs']);
  });

  it('deletes the temporary file of a failed object (MD5 mismatch) and reports write errors', async () => {
    const out = join(tmp, 'fail');
    const p = setup({ receiver: { writer: new FileWriter(out) } });
    const data = randomBytes(10_000);
    p.sender.addObject({ source: data, contentLocation: 'bad.bin' });
    data[0]! ^= 1;
    await run(p, () => p.rec.failed.length === 1);
    // Let the abort's unlink run.
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(out)).toEqual([]);
    const failing: ObjectWriter = { open: () => ({ write: () => Promise.reject(new Error('disk full')), complete: () => {}, abort: () => {} }) };
    const q = setup({ receiver: { writer: failing } });
    q.sender.addObject({ source: randomBytes(1000), contentLocation: 'x' });
    await run(q, () => q.rec.failed.length === 1);
    expect(q.rec.failed[0]!.reason).toBe('write-error');
  });

  it('random loss without FEC on a carousel still completes by combining rounds', async () => {
    const p = setup({ link: { loss: randomLoss(0.3), seed: 8 } });
    let transfers = 0;
    p.sender.on('transfer-start', () => transfers++);
    const data = randomBytes(100_000);
    p.sender.addObject({ source: data, contentLocation: 'rounds', maxTransfers: 20, carousel: { mode: 'delay', ms: 200 } });
    await run(p, () => p.rec.completed.length === 1, 60_000);
    expectBytes(p.rec.completed[0]!.data, data);
    // 70 packets at 30% loss: one round almost never carries them all.
    expect(transfers).toBeGreaterThan(1);
  });

  it('closes a silent session after sessionTimeoutMs', async () => {
    const p = setup({ receiver: { sessionTimeoutMs: 5000 } });
    p.sender.addObject({ source: randomBytes(100), contentLocation: 'x' });
    await run(p, () => p.rec.completed.length === 1);
    await runSimulation({ clock: p.clock, senders: [], receivers: [p.receiver], until: p.clock.now + 10_000, done: () => p.rec.sessionsClosed.length === 1 });
    expect(p.rec.sessionsClosed[0]!.reason).toBe('timeout');
  });
});

import { describe, expect, it } from 'vitest';
import { HET_CENC, HET_FTI, findExtension } from '@proto/lct';
import { decodeContent } from '../src/encoding.js';
import { md5 } from '../src/md5.js';
import { ToiAllocator } from '../src/sender/toi.js';
import { FluteSender } from '../src/sender/sender.js';
import { capture } from './support/capture.js';
import { expectBytes, randomBytes, run, setup } from './support/harness.js';

describe('FLUTE end to end: no-code basics', () => {
  it('delivers one object with its FDT metadata and MD5', async () => {
    const p = setup();
    const data = randomBytes(100_000);
    const toi = p.sender.addObject({ source: data, contentLocation: 'file:///a/b.bin', contentType: 'application/octet-stream' });
    const r = await run(p, () => p.rec.completed.length === 1);
    expect(r.reason).toBe('done');
    const c = p.rec.completed[0]!;
    expect(c.meta.toi).toBe(toi);
    expect(c.meta.contentLocation).toBe('file:///a/b.bin');
    expect(c.meta.contentType).toBe('application/octet-stream');
    expect(c.meta.md5).toEqual(md5(data));
    expect(c.meta.contentLength).toBe(data.length);
    expectBytes(c.data, data);
    expect(p.rec.fdts.length).toBeGreaterThan(0);
    expect(p.receiver.stats.dropped.malformed).toBe(0);
  });

  it('works with MD5 off, and sends the last symbol short', async () => {
    const p = setup();
    const seen = capture(p.link);
    const data = randomBytes(1424 * 3 + 17);
    p.sender.addObject({ source: data, contentLocation: 'nomd5', md5: false });
    await run(p, () => p.rec.completed.length === 1);
    expect(p.rec.completed[0]!.meta.md5).toBeUndefined();
    expectBytes(p.rec.completed[0]!.data, data);
    const obj = seen.filter((s) => s.packet.header.toi !== 0n);
    expect(obj.map((s) => s.packet.payload.length)).toEqual([1424, 1424, 1424, 17]);
    // B flag on the last packet only; EXT_FTI on every packet.
    expect(obj.map((s) => s.packet.header.closeObject)).toEqual([false, false, false, true]);
    expect(obj.every((s) => findExtension(s.packet.header.extensions, HET_FTI) !== undefined)).toBe(true);
  });

  it('delivers an empty file', async () => {
    const p = setup();
    p.sender.addObject({ source: new Uint8Array(0), contentLocation: 'empty.txt' });
    await run(p, () => p.rec.completed.length === 1);
    expect(p.rec.completed[0]!.data).toEqual(new Uint8Array(0));
    expect(p.rec.completed[0]!.meta.md5).toEqual(md5(new Uint8Array(0)));
  });

  it('delivers several objects, multiplexed one packet each in turn', async () => {
    const p = setup({ sender: { multiplex: 3 } });
    const seen = capture(p.link);
    const files = [1, 2, 3].map((i) => randomBytes(20_000, i));
    files.forEach((f, i) => p.sender.addObject({ source: f, contentLocation: `f${i}` }));
    await run(p, () => p.rec.completed.length === 3);
    for (const [i, f] of files.entries()) expectBytes(p.rec.byLocation(`f${i}`), f);
    const tois = seen.filter((s) => s.packet.header.toi !== 0n).map((s) => Number(s.packet.header.toi));
    expect(tois.slice(0, 6)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('without multiplexing sends objects one after the other', async () => {
    const p = setup({ sender: { multiplex: 1 } });
    const seen = capture(p.link);
    [1, 2, 3].forEach((i) => p.sender.addObject({ source: randomBytes(10_000, i), contentLocation: `f${i}` }));
    await run(p, () => p.rec.completed.length === 3);
    const tois = seen.filter((s) => s.packet.header.toi !== 0n).map((s) => Number(s.packet.header.toi));
    const changes = tois.filter((t, i) => i > 0 && t !== tois[i - 1]).length;
    expect(changes).toBe(2);
  });

  it('sends a lower priority number first; higher queues send only when lower ones are idle', async () => {
    const p = setup();
    const seen = capture(p.link);
    p.sender.addObject({ source: randomBytes(30_000, 1), contentLocation: 'low', priority: 5 });
    p.sender.addObject({ source: randomBytes(30_000, 2), contentLocation: 'high', priority: 0 });
    await run(p, () => p.rec.completed.length === 2);
    const tois = seen.filter((s) => s.packet.header.toi !== 0n).map((s) => Number(s.packet.header.toi));
    const lastHigh = tois.lastIndexOf(2);
    const firstLow = tois.indexOf(1);
    expect(lastHigh).toBeLessThan(firstLow);
    expect(p.rec.completed.map((c) => c.meta.contentLocation)).toEqual(['high', 'low']);
  });

  for (const encoding of ['gzip', 'deflate', 'zlib'] as const) {
    it(`content encoding ${encoding}: sent encoded, delivered decoded, MD5 of the content`, async () => {
      const p = setup({ sender: { inBandCenc: true } });
      const seen = capture(p.link);
      const text = new TextEncoder().encode(`${encoding} `.repeat(30_000));
      p.sender.addObject({ source: text, contentLocation: 'text.txt', contentEncoding: encoding });
      await run(p, () => p.rec.completed.length === 1);
      const c = p.rec.completed[0]!;
      expectBytes(c.data, text);
      expect(c.meta.contentEncoding).toBe(encoding);
      expect(c.meta.transferLength).toBeLessThan(text.length / 10);
      const obj = seen.filter((s) => s.packet.header.toi !== 0n);
      const cenc = findExtension(obj[0]!.packet.header.extensions, HET_CENC)?.cenc;
      expect(cenc).toBe({ zlib: 1, deflate: 2, gzip: 3 }[encoding]);
      const wire = Uint8Array.from(obj.flatMap((s) => [...s.packet.payload]));
      expectBytes(decodeContent(wire, encoding), text);
    });
  }

  it('keeps a fixed TOI, allocates others around it, and never uses 0', async () => {
    const p = setup({ sender: { toiBits: 16, tsiBits: 16 } });
    const fixed = p.sender.addObject({ source: randomBytes(100, 1), contentLocation: 'fixed', toi: 1 });
    const auto = p.sender.addObject({ source: randomBytes(100, 2), contentLocation: 'auto' });
    const big = p.sender.addObject({ source: randomBytes(100, 3), contentLocation: 'max', toi: 0xffff });
    expect([fixed, auto, big]).toEqual([1n, 2n, 0xffffn]);
    expect(() => p.sender.addObject({ source: randomBytes(1), contentLocation: 'dup', toi: 1 })).toThrow(RangeError);
    expect(() => p.sender.addObject({ source: randomBytes(1), contentLocation: 'zero', toi: 0 })).toThrow(RangeError);
    expect(() => p.sender.addObject({ source: randomBytes(1), contentLocation: 'wide', toi: 0x10000 })).toThrow(RangeError);
    await run(p, () => p.rec.completed.length === 3);
    expect(p.rec.completed.map((c) => c.meta.toi).sort()).toEqual([1n, 2n, 0xffffn]);
  });

  it('TOI allocation wraps at the width and skips 0 and TOIs in use', () => {
    const a = new ToiAllocator(16);
    const used = new Set([1n, 2n]);
    expect(a.allocate((t) => used.has(t))).toBe(3n);
    for (let i = 4; i <= 0xffff; i++) a.allocate(() => false);
    expect(a.allocate((t) => used.has(t))).toBe(3n);
    expect(() => a.allocate(() => true)).toThrow(RangeError);
  });

  for (const [tsiBits, toiBits, tsi, toi] of [
    [16, 16, 0xffff, 0xffffn],
    [32, 32, 0xffffffff, 0xffffffffn],
    [48, 48, 2 ** 48 - 1, 2n ** 48n - 1n],
    [32, 64, 7, 2n ** 64n - 1n],
    [16, 80, 9, 2n ** 80n - 1n],
    [32, 96, 9, 2n ** 96n - 1n],
    [48, 112, 2 ** 40, 2n ** 112n - 1n],
  ] as const) {
    it(`TSI ${tsiBits} bits and TOI ${toiBits} bits at their largest values`, async () => {
      const p = setup({ sender: { tsi, tsiBits, toiBits }, receiver: {} });
      const seen = capture(p.link);
      const data = randomBytes(3000);
      p.sender.addObject({ source: data, contentLocation: 'x', toi });
      await run(p, () => p.rec.completed.length === 1);
      expect(p.rec.completed[0]!.meta.toi).toBe(toi);
      expect(p.rec.completed[0]!.meta.tsi).toBe(BigInt(tsi));
      expectBytes(p.rec.completed[0]!.data, data);
      expect(seen.every((s) => s.packet.header.tsiBits === tsiBits && s.packet.header.toiBits === toiBits)).toBe(true);
    });
  }

  it('refuses TSI/TOI widths and values that do not fit', () => {
    expect(() => new FluteSender({ tsi: 0x10000, tsiBits: 16, toiBits: 16 })).toThrow(RangeError);
    expect(() => new FluteSender({ tsi: 1, tsiBits: 32, toiBits: 16 })).toThrow(RangeError);
    expect(() => new FluteSender({ tsi: 2n ** 48n })).toThrow(RangeError);
    expect(() => new FluteSender({ tsi: 1, toiBits: 24 as 16 })).toThrow(RangeError);
    expect(() => new FluteSender({ tsi: 1, profile: 'interop', toiBits: 64 })).toThrow(RangeError);
    expect(() => new FluteSender({ tsi: 1, fdt: { publishMode: 'sometimes' as 'full' } })).toThrow(RangeError);
    const s = new FluteSender({ tsi: 1, toiBits: 16, tsiBits: 16 });
    expect(() => s.addObject({ source: new Uint8Array(1), contentLocation: 'x', toi: 2n ** 16n })).toThrow(RangeError);
  });

  it('delivers 500 queued objects, each once, in queue order per slot', async () => {
    const p = setup({ sender: { multiplex: 4 } });
    const files = Array.from({ length: 500 }, (_, i) => randomBytes(1000 + i, i));
    files.forEach((f, i) => p.sender.addObject({ source: f, contentLocation: `many/${i}` }));
    await run(p, () => p.rec.completed.length === 500, 600_000);
    files.forEach((f, i) => expectBytes(p.rec.byLocation(`many/${i}`), f));
    expect(p.rec.fdts.at(-1)!.instance.files.length).toBeGreaterThan(0);
  });

  it('refuses a symbol that cannot fit the datagram size', () => {
    expect(() => new FluteSender({ tsi: 1, maxDatagramSize: 1000 }).addObject({ source: new Uint8Array(5000), contentLocation: 'x' })).toThrow(RangeError);
    const s = new FluteSender({ tsi: 1, maxDatagramSize: 1000, fec: { symbolLength: 900 } });
    expect(s.addObject({ source: new Uint8Array(5000), contentLocation: 'x' })).toBe(1n);
  });
});

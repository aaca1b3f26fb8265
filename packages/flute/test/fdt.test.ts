import { describe, expect, it } from 'vitest';
import { HET_FDT, HET_FTI, HET_TIME, findExtension, ntpToUnixMs } from '@proto/lct';
import { FDT_NS_2005, FDT_NS_RFC6726, parseFdt, ntpSecondsToEpochMs } from '@proto/fdt';
import { decodeContent } from '../src/encoding.js';
import { capture, fdtIds } from './support/capture.js';
import { T0, expectBytes, randomBytes, run, setup } from './support/harness.js';

function fdtXml(seen: ReturnType<typeof capture>, id?: number): string {
  const pkts = seen.filter((s) => s.packet.header.toi === 0n && (id === undefined || findExtension(s.packet.header.extensions, HET_FDT)!.fdtInstanceId === id));
  const first = findExtension(pkts[0]!.packet.header.extensions, HET_FDT)!.fdtInstanceId;
  const same = pkts.filter((s) => findExtension(s.packet.header.extensions, HET_FDT)!.fdtInstanceId === first);
  const len = (findExtension(same[0]!.packet.header.extensions, HET_FTI)!.fti as { transferLength: number }).transferLength;
  const bytes = new Uint8Array(len);
  for (const s of same) bytes.set(s.packet.payload, s.packet.payloadId.esi * same[0]!.packet.payload.length);
  return new TextDecoder().decode(bytes);
}

describe('FDT publication and reception', () => {
  it('FDT packets carry EXT_FDT, EXT_CENC, EXT_TIME (SCT) and EXT_FTI, and fit the datagram', async () => {
    const p = setup({ sender: { maxDatagramSize: 1000, fec: { symbolLength: 900 } } });
    const seen = capture(p.link);
    for (let i = 0; i < 40; i++) p.sender.addObject({ source: randomBytes(10, i), contentLocation: `http://example.com/a/rather/long/path/to/file-number-${i}.bin`, contentType: 'application/octet-stream' });
    await run(p, () => p.rec.completed.length === 40);
    const fdt = seen.filter((s) => s.packet.header.toi === 0n);
    expect(fdt.length).toBeGreaterThan(1);
    for (const s of fdt) {
      expect(s.bytes.length).toBeLessThanOrEqual(1000);
      const ext = s.packet.header.extensions;
      expect(findExtension(ext, HET_FDT)?.version).toBe(2);
      expect(findExtension(ext, HET_FTI)).toBeDefined();
      const time = findExtension(ext, HET_TIME);
      expect(Math.abs(ntpToUnixMs(time!.sct!, T0) - s.at)).toBeLessThan(1);
    }
    const instance = parseFdt(fdtXml(seen));
    expect(instance.files.length).toBe(40);
    expect(instance.fullFdt).toBe(true);
  });

  it('profiles: RFC 6726 namespace and FLUTE v2; RFC 3926 and interop: 2005 namespace and v1, FEC-OTI on every File', async () => {
    for (const [profile, ns, version] of [
      ['rfc6726', FDT_NS_RFC6726, 2],
      ['rfc3926', FDT_NS_2005, 1],
      ['interop', FDT_NS_2005, 1],
    ] as const) {
      const p = setup({ sender: { profile, ...(profile === 'interop' ? { tsiBits: 16, toiBits: 16 } : {}) } });
      const seen = capture(p.link);
      const big = randomBytes(200_000);
      p.sender.addObject({ source: big, contentLocation: 'a' });
      await run(p, () => p.rec.completed.length === 1);
      expectBytes(p.rec.completed[0]!.data, big);
      const xml = fdtXml(seen);
      expect(xml).toContain(`xmlns="${ns}"`);
      expect(findExtension(seen[0]!.packet.header.extensions, HET_FDT)!.version).toBe(version);
      const f = parseFdt(xml).files[0]!;
      expect(f.fecOti?.encodingId).toBe(0);
      expect(f.fecOti?.encodingSymbolLength).toBe(1424);
      const sbns = new Set(seen.filter((s) => s.packet.header.toi !== 0n).map((s) => s.packet.payloadId.sbn));
      // The interop profile keeps a no-code object in one source block (GPAC ignores SBN).
      expect(sbns.size).toBe(profile === 'interop' ? 1 : Math.ceil(200_000 / 1424 / 64));
    }
  });

  it('ObjectsBeingTransferred publish mode lists only objects being transferred, re-published before each', async () => {
    const p = setup({ sender: { multiplex: 1, fdt: { publishMode: 'objects-being-transferred' } } });
    const seen = capture(p.link);
    for (let i = 0; i < 3; i++) p.sender.addObject({ source: randomBytes(5000, i), contentLocation: `f${i}` });
    await run(p, () => p.rec.completed.length === 3);
    const ids = fdtIds(seen);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const id of ids.slice(0, 3)) {
      const inst = parseFdt(fdtXml(seen, id));
      expect(inst.files.length).toBe(1);
      expect(inst.fullFdt).toBeUndefined();
    }
    // Each object's first packet follows an FDT naming it.
    const order = seen.map((s) => (s.packet.header.toi === 0n ? `F${findExtension(s.packet.header.extensions, HET_FDT)!.fdtInstanceId}` : `O${s.packet.header.toi}`));
    for (const toi of [1, 2, 3]) {
      const first = order.indexOf(`O${toi}`);
      const before = order.slice(0, first).filter((x) => x.startsWith('F')).pop()!;
      const inst = parseFdt(fdtXml(seen, Number(before.slice(1))));
      expect(inst.files.map((f) => f.toi)).toContain(BigInt(toi));
    }
  });

  it('full mode: objects wait until an FDT listing them has gone out; carousel repeats the FDT', async () => {
    const p = setup({ sender: { fdt: { carousel: { mode: 'delay', ms: 500 } } } });
    const seen = capture(p.link);
    p.sender.addObject({ source: randomBytes(1000), contentLocation: 'a', startAt: T0 + 3000 });
    await run(p, () => p.rec.completed.length === 1);
    const fdtTimes = seen.filter((s) => s.packet.header.toi === 0n).map((s) => s.at - T0);
    expect(fdtTimes.slice(0, 5)).toEqual([0, 500, 1000, 1500, 2000]);
    const firstObj = seen.find((s) => s.packet.header.toi !== 0n)!;
    expect(firstObj.at).toBe(T0 + 3000);
  });

  it('FDT carousel in interval mode keeps start times regular', async () => {
    const p = setup({ sender: { fdt: { carousel: { mode: 'interval', ms: 300 } } } });
    const seen = capture(p.link);
    p.sender.addObject({ source: randomBytes(1000), contentLocation: 'a', startAt: T0 + 1000 });
    await run(p, () => p.rec.completed.length === 1);
    expect(seen.filter((s) => s.packet.header.toi === 0n).map((s) => s.at - T0).slice(0, 4)).toEqual([0, 300, 600, 900]);
  });

  it('FDT updates get new instance ids, wrapping at 2^20, and the receiver applies each', async () => {
    const p = setup();
    const seen = capture(p.link);
    p.sender.fdtInstanceId = 2 ** 20 - 2;
    for (let i = 0; i < 4; i++) {
      p.sender.addObject({ source: randomBytes(3000, i), contentLocation: `u${i}` });
      await run(p, () => p.rec.completed.length === i + 1);
    }
    const ids = fdtIds(seen);
    expect(ids.slice(0, 4)).toEqual([2 ** 20 - 2, 2 ** 20 - 1, 0, 1]);
    expect(p.rec.fdts.map((f) => f.instanceId).slice(0, 4)).toEqual([2 ** 20 - 2, 2 ** 20 - 1, 0, 1]);
    // FullFDT: finished objects stay listed (fdt.keepFinished), so each instance lists the whole session.
    expect(p.rec.fdts[3]!.instance.files.map((f) => f.contentLocation)).toEqual(['u0', 'u1', 'u2', 'u3']);
  });

  it('setComplete marks instances Complete="true"', async () => {
    const p = setup();
    p.sender.addObject({ source: randomBytes(100), contentLocation: 'a' });
    p.sender.setComplete();
    await run(p, () => p.rec.completed.length === 1);
    expect(p.rec.fdts.at(-1)!.instance.complete).toBe(true);
    expect(p.receiver.sessions()[0]!.complete).toBe(true);
  });

  it('re-publishes before Expires', async () => {
    const p = setup({ sender: { fdt: { durationMs: 10_000, carousel: { mode: 'delay', ms: 1000 } } } });
    p.sender.addObject({ source: randomBytes(100), contentLocation: 'a', maxTransfers: 4, carousel: { mode: 'delay', ms: 8000 } });
    await run(p, () => p.rec.completed.length >= 1, 40_000);
    await run(p, () => false, 30_000);
    const expires = p.rec.fdts.map((f) => ntpSecondsToEpochMs(f.instance.expires, T0));
    expect(expires.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < expires.length; i++) expect(expires[i]!).toBeGreaterThan(expires[i - 1]!);
    expect(p.receiver.stats.dropped['fdt-expired']).toBe(0);
  });

  it('drops an FDT that has expired by the sender clock, unless told not to check', async () => {
    for (const check of [true, false]) {
      const p = setup({ sender: { fdt: { durationMs: 0 } }, receiver: { checkFdtExpiry: check } });
      p.sender.addObject({ source: randomBytes(500), contentLocation: 'late', inBandFti: true });
      await run(p, () => p.rec.completed.length === 1, 5_000);
      if (check) {
        expect(p.receiver.stats.dropped['fdt-expired']).toBeGreaterThan(0);
        expect(p.rec.completed).toHaveLength(0);
      } else {
        expect(p.rec.completed).toHaveLength(1);
      }
    }
  });

  it('an FDT content-encoded with gzip (EXT_CENC) is decoded', async () => {
    const p = setup({ sender: { fdt: { contentEncoding: 'gzip' } } });
    const seen = capture(p.link);
    p.sender.addObject({ source: randomBytes(100), contentLocation: 'a' });
    await run(p, () => p.rec.completed.length === 1);
    const first = seen.find((s) => s.packet.header.toi === 0n)!;
    expect(decodeContent(first.packet.payload, 'gzip').length).toBeGreaterThan(first.packet.payload.length);
  });
});

// The receiver defects of ypo/flute listed in ../shared/spec/flute.md, each driven through
// FluteReceiver.push (others are covered beside the feature: pre-FTI cache and reused FDT
// Instance IDs in receiver.test.ts, path traversal in path/file-writer/receiver tests, the early
// B flag in carousel.test.ts, unknown Content-Encoding in receiver.test.ts).
import { describe, expect, it } from 'vitest';
import { epochMsToNtpSeconds } from '@proto/fdt';
import { HET_FTI, encodeAlcPacket, type Fti } from '@proto/lct';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { fdtPacket, objectPackets } from './support/craft.js';
import { Recorder, T0, expectBytes, randomBytes } from './support/harness.js';

describe('known defects of the reference receiver are absent', () => {
  it('an FTI with T = 0 is a counted drop for every FEC scheme, not a crash', () => {
    const rx = new FluteReceiver();
    const ftis: Fti[] = [
      { fecEncodingId: 0, transferLength: 1000, symbolLength: 0, maxSourceBlockLength: 10 },
      { fecEncodingId: 1, transferLength: 1000, symbolLength: 0, sourceBlocks: 1, subBlocks: 1, alignment: 4 },
      { fecEncodingId: 2, transferLength: 1000, m: 8, g: 1, symbolLength: 0, maxSourceBlockLength: 10, maxEncodingSymbols: 20 },
      { fecEncodingId: 5, transferLength: 1000, symbolLength: 0, maxSourceBlockLength: 10, maxEncodingSymbols: 20 },
      { fecEncodingId: 6, transferLength: 1000, symbolLength: 0, sourceBlocks: 1, subBlocks: 1, alignment: 4 },
      { fecEncodingId: 129, transferLength: 1000, fecInstanceId: 0, symbolLength: 0, maxSourceBlockLength: 10, maxEncodingSymbols: 20 },
    ];
    ftis.forEach((fti, i) => {
      const d = encodeAlcPacket({ header: { tsi: 1, toi: i + 1, tsiBits: 32, toiBits: 32, codepoint: fti.fecEncodingId, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn: 0, esi: 0, sourceBlockLength: 10 }, payload: new Uint8Array(100) }, { fecEncodingId: fti.fecEncodingId });
      expect(() => rx.push(d, T0)).not.toThrow();
    });
    expect(rx.stats.dropped['bad-oti']).toBe(ftis.length);
    expect(rx.stats.dropped.internal).toBe(0);
    expect(rx.sessions()[0]!.objects).toBe(0);
  });

  it('a symbol of the wrong length is a counted drop, and the object still completes from good ones', () => {
    for (const fecEncodingId of [0, 6] as const) {
      const rx = new FluteReceiver();
      const rec = new Recorder(rx);
      const data = randomBytes(4000, fecEncodingId);
      const fti: Fti = fecEncodingId === 0 ? { fecEncodingId, transferLength: 4000, symbolLength: 1000, maxSourceBlockLength: 4 } : { fecEncodingId, transferLength: 4000, symbolLength: 1000, sourceBlocks: 1, subBlocks: 1, alignment: 4 };
      const packet = (esi: number, payload: Uint8Array) => encodeAlcPacket({ header: { tsi: 1, toi: 3, tsiBits: 32, toiBits: 32, codepoint: fecEncodingId, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn: 0, esi }, payload }, { fecEncodingId });
      rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'x', toi: 3n, contentLength: 4000 }], expiresMs: T0 + 60_000 }), T0);
      rx.push(packet(1, data.subarray(1000, 1999)), T0); // one byte short
      rx.push(packet(2, new Uint8Array(1001)), T0); // one byte long
      expect(rx.stats.dropped['bad-symbol']).toBe(2);
      for (let esi = 0; esi < 4; esi++) rx.push(packet(esi, data.subarray(esi * 1000, esi * 1000 + 1000)), T0);
      expectBytes(rec.byLocation('x'), data);
      expect(rx.stats.dropped.internal).toBe(0);
    }
  });

  it('accepts several symbols in one packet, the last one short only at the end of the object', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const data = randomBytes(3500, 35);
    const fti: Fti = { fecEncodingId: 0, transferLength: 3500, symbolLength: 1000, maxSourceBlockLength: 4 };
    const packet = (esi: number, payload: Uint8Array) => encodeAlcPacket({ header: { tsi: 1, toi: 4, tsiBits: 32, toiBits: 32, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn: 0, esi }, payload });
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'packed', toi: 4n, contentLength: 3500 }], expiresMs: T0 + 60_000 }), T0);
    rx.push(packet(0, data.subarray(0, 1500)), T0); // ESI 0 whole, ESI 1 cut: dropped whole
    expect(rx.stats.dropped['bad-symbol']).toBe(1);
    rx.push(packet(0, data.subarray(0, 2000)), T0); // ESIs 0 and 1
    rx.push(packet(2, data.subarray(2000)), T0); // ESI 2 and the short last ESI 3
    expectBytes(rec.byLocation('packed'), data);
  });

  it('parses FDTs by namespace, whatever prefixes the sender chose', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const data = randomBytes(3000, 7);
    const expires = epochMsToNtpSeconds(T0 + 60_000);
    // The FLUTE namespace under a prefix, the 3GPP 2007 namespace under another name than mbms2007,
    // and a File in a foreign namespace that must not be taken for a file description.
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?><f:FDT-Instance xmlns:f="urn:IETF:metadata:2005:FLUTE:FDT" xmlns:cc="urn:3GPP:metadata:2007:MBMS:FLUTE:FDT" xmlns:o="urn:example:other" Expires="${expires}">` +
      `<f:File Content-Location="prefixed.bin" TOI="2" Content-Length="3000"><cc:Cache-Control><cc:no-cache>true</cc:no-cache></cc:Cache-Control></f:File>` +
      `<o:File Content-Location="foreign.bin" TOI="3" Content-Length="3000"/></f:FDT-Instance>`;
    rx.push(fdtPacket({ id: 1, files: [], expiresMs: 0, bytes: new TextEncoder().encode(xml) }), T0);
    expect(rec.fdts).toHaveLength(1);
    expect(rec.fdts[0]!.instance.files.map((f) => f.contentLocation)).toEqual(['prefixed.bin']);
    for (const d of objectPackets({ toi: 2, data })) rx.push(d, T0);
    for (const d of objectPackets({ toi: 3, data })) rx.push(d, T0);
    expectBytes(rec.byLocation('prefixed.bin'), data);
    expect(rec.completed[0]!.meta.cacheControl).toEqual({ directive: 'no-cache' });
    // TOI 3 is complete but no FDT names it: it is held, not delivered under a foreign File.
    expect(rec.completed).toHaveLength(1);
  });

  it('reads NTP times after the 2036 era rollover (FDT Expires and the sender clock)', () => {
    const T37 = Date.UTC(2037, 5, 1);
    expect(epochMsToNtpSeconds(T37)).toBeLessThan(2 ** 31); // era 1: small NTP seconds
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const data = randomBytes(2000, 37);
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'after-2036', toi: 1n, contentLength: 2000 }], expiresMs: T37 + 60_000, sctMs: T37 }), T37);
    rx.push(fdtPacket({ id: 2, files: [{ contentLocation: 'no-sct', toi: 2n, contentLength: 2000 }], expiresMs: T37 + 60_000 }), T37);
    rx.push(fdtPacket({ id: 3, files: [{ contentLocation: 'expired', toi: 3n, contentLength: 2000 }], expiresMs: T37 - 1000, sctMs: T37 }), T37);
    expect(rec.fdts.map((f) => f.instanceId)).toEqual([1, 2]);
    expect(rx.stats.dropped['fdt-expired']).toBe(1);
    for (const toi of [1, 2]) for (const d of objectPackets({ toi, data })) rx.push(d, T37);
    expect(rec.completed.map((c) => c.meta.contentLocation)).toEqual(['after-2036', 'no-sct']);
    // The FDT lives until its Expires in 2037, not until a date in 1901.
    rx.cleanup(T37 + 30_000);
    expect(rx.nextDeadline()).toBeGreaterThanOrEqual(T37 + 30_000);
  });
});

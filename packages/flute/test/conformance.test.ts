// Receiver conformance on header extensions that contradict what it knows or cannot be understood:
// an unknown EXT_CENC value (RFC 6726 §3.4.2 defines 0..3) and an EXT_FTI that changes an object's OTI.
import { describe, expect, it } from 'vitest';
import { encodeAlcPacket, HET_CENC, HET_FDT, HET_FTI, type Fti, type LctExtension } from '@proto/lct';
import { buildFdt, epochMsToNtpSeconds } from '@proto/fdt';
import { md5 } from '../src/md5.js';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { blockPackets, fdtPacket, objectPackets } from './support/craft.js';
import { Recorder, T0, expectBytes, randomBytes } from './support/harness.js';

const LONG = T0 + 3_600_000;

function receiver(options: ConstructorParameters<typeof FluteReceiver>[0] = {}): { rx: FluteReceiver; rec: Recorder } {
  const rx = new FluteReceiver(options);
  return { rx, rec: new Recorder(rx) };
}

/** Pushes and fails the test if the receiver throws (it must never). */
function push(rx: FluteReceiver, d: Uint8Array, now = T0, from?: string): void {
  expect(() => rx.push(d, now, from)).not.toThrow();
}

describe('EXT_CENC with an unknown value', () => {
  it('on object packets: the object fails with unsupported-encoding, never malformed, never delivered as null', () => {
    const { rx, rec } = receiver();
    const data = randomBytes(4000, 1);
    push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 'x', toi: 1n, contentLength: 4000, contentMd5: md5(data) }], expiresMs: LONG }));
    const packets = blockPackets({ toi: 1, data, T: 1000, B: 2, cenc: 7 });
    for (const d of packets) push(rx, d);
    expect(rec.failed.map((f) => [f.toi, f.reason])).toEqual([[1n, 'unsupported-encoding']]);
    expect(rec.failed[0]!.meta?.contentLocation).toBe('x');
    expect(rec.completed).toEqual([]);
    expect(rx.stats.dropped['unsupported-encoding']).toBe(1);
    expect(rx.stats.dropped.malformed).toBe(0);
    expect(rx.stats.dropped.internal).toBe(0);
    // The rest of that transfer is dropped as belonging to a failed object; nothing is held.
    expect(rx.stats.dropped['failed-object']).toBe(3);
    expect(rx.memory).toBe(0);
  });

  it('arriving on an object already under way (any value above 3, up to 255) fails it too', () => {
    for (const cenc of [4, 128, 255]) {
      const { rx, rec } = receiver();
      const data = randomBytes(4000, 2);
      push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 'y', toi: 5n, contentLength: 4000 }], expiresMs: LONG }));
      const good = blockPackets({ toi: 5, data, T: 1000, B: 2, cenc: 0 });
      push(rx, good[0]!);
      push(rx, good[1]!);
      push(rx, blockPackets({ toi: 5, data, T: 1000, B: 2, cenc })[2]!);
      push(rx, good[3]!);
      expect(rec.failed.map((f) => f.reason)).toEqual(['unsupported-encoding']);
      expect(rec.completed).toEqual([]);
      expect(rx.stats.dropped['unsupported-encoding']).toBe(1);
    }
  });

  it('an object beside the failed one, with EXT_CENC 0, is delivered', () => {
    const { rx, rec } = receiver();
    const bad = randomBytes(1000, 3);
    push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 'bad', toi: 1n, contentLength: 1000 }, { contentLocation: 'ok', toi: 2n, contentLength: 1000 }], expiresMs: LONG }));
    for (const d of objectPackets({ toi: 1, data: bad, cenc: 4 })) push(rx, d);
    const ok = randomBytes(1000, 4);
    for (const d of objectPackets({ toi: 2, data: ok, cenc: 0 })) push(rx, d);
    expect(rec.failed.map((f) => f.reason)).toEqual(['unsupported-encoding']);
    expectBytes(rec.byLocation('ok'), ok);
  });

  it('on FDT packets: dropped and counted as unsupported-encoding before anything is buffered, not fdt-malformed', () => {
    const { rx, rec } = receiver();
    const files = [{ contentLocation: 'a', toi: 1n, contentLength: 10 }];
    const xml = new TextEncoder().encode(buildFdt({ expires: epochMsToNtpSeconds(LONG), files }));
    // A two-packet FDT instance whose EXT_CENC says 9.
    const half = Math.ceil(xml.length / 2);
    for (let esi = 0; esi < 2; esi++) {
      const ext: LctExtension[] = [
        { het: HET_FDT, version: 2, fdtInstanceId: 3 },
        { het: HET_FTI, fti: { fecEncodingId: 0, transferLength: xml.length, symbolLength: half, maxSourceBlockLength: 2 } },
        { het: HET_CENC, cenc: 9 },
      ];
      push(rx, encodeAlcPacket({ header: { tsi: 1, toi: 0, tsiBits: 32, toiBits: 32, extensions: ext }, payloadId: { sbn: 0, esi }, payload: xml.subarray(esi * half, (esi + 1) * half) }));
      expect(rx.memory).toBe(0);
    }
    push(rx, fdtPacket({ id: 4, files, expiresMs: LONG, cenc: 200 }));
    expect(rec.fdts).toEqual([]);
    expect(rx.stats.dropped['unsupported-encoding']).toBe(3);
    expect(rx.stats.dropped['fdt-malformed']).toBe(0);
    expect(rx.stats.dropped.malformed).toBe(0);
    expect(rec.drops.every((d) => d.reason === 'unsupported-encoding' && d.toi === 0n)).toBe(true);
    // The same instance with a known encoding is applied.
    push(rx, fdtPacket({ id: 4, files, expiresMs: LONG, cenc: 0 }));
    expect(rec.fdts.map((f) => f.instanceId)).toEqual([4]);
  });
});

describe('EXT_FTI that contradicts the OTI of an object being received', () => {
  const T = 1000;
  const data = randomBytes(4000, 10);
  const fti: Fti = { fecEncodingId: 0, transferLength: 4000, symbolLength: T, maxSourceBlockLength: 2 };

  /** One packet of TOI 1 carrying `other` as its EXT_FTI (payload garbage unless given). */
  function liar(other: Fti, sbn = 0, esi = 0, payload = randomBytes(other.symbolLength, 99)): Uint8Array {
    return encodeAlcPacket(
      { header: { tsi: 1, toi: 1, tsiBits: 32, toiBits: 32, codepoint: other.fecEncodingId, extensions: [{ het: HET_FTI, fti: other }] }, payloadId: { sbn, esi, sourceBlockLength: 2 }, payload },
      { fecEncodingId: other.fecEncodingId },
    );
  }

  const contradictions: [string, Fti][] = [
    ['transfer length', { ...fti, transferLength: 5000 }],
    ['symbol length', { ...fti, symbolLength: 500 }],
    ['block length', { ...fti, maxSourceBlockLength: 4 }],
    ['FEC scheme (RS FEC 5)', { fecEncodingId: 5, transferLength: 4000, symbolLength: T, maxSourceBlockLength: 2, maxEncodingSymbols: 4 }],
  ];

  it('in-band OTI: each contradicting packet is dropped as bad-oti and the object completes intact', () => {
    const { rx, rec } = receiver();
    push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 'kept', toi: 1n, contentLength: 4000, contentMd5: md5(data) }], expiresMs: LONG }));
    const good = blockPackets({ toi: 1, data, T, B: 2 });
    // The first packet settles the OTI; the contradicting ones then aim at symbols not received yet.
    push(rx, good[0]!);
    for (const [, other] of contradictions) {
      push(rx, liar(other, 0, 1));
      push(rx, liar(other, 1, 0, randomBytes(other.symbolLength, 98)));
    }
    // A packet of another scheme (its codepoint) without any EXT_FTI contradicts it as well.
    push(rx, encodeAlcPacket({ header: { tsi: 1, toi: 1, tsiBits: 32, toiBits: 32, codepoint: 5, extensions: [] }, payloadId: { sbn: 0, esi: 1 }, payload: randomBytes(T, 97) }, { fecEncodingId: 5 }));
    expect(rx.stats.dropped['bad-oti']).toBe(2 * contradictions.length + 1);
    expect(rec.failed).toEqual([]);
    expect(rx.sessions()[0]!.objects).toBe(1);
    for (const d of good.slice(1)) push(rx, d);
    expect(rec.failed).toEqual([]);
    expectBytes(rec.byLocation('kept'), data);
    // Packets that repeat the right FTI were never counted.
    expect(rx.stats.dropped['bad-oti']).toBe(2 * contradictions.length + 1);
    expect(rx.stats.dropped['bad-symbol']).toBe(0);
  });

  it('out-of-band OTI (from the FDT): a packet whose EXT_FTI says otherwise is dropped as bad-oti', () => {
    const { rx, rec } = receiver();
    const fecOti = { encodingId: 0, encodingSymbolLength: T, maxSourceBlockLength: 2 };
    push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 'oob', toi: 1n, contentLength: 4000, transferLength: 4000, contentMd5: md5(data), fecOti }], expiresMs: LONG }));
    const plain = blockPackets({ toi: 1, data, T, B: 2 }).map((_, i) =>
      encodeAlcPacket({ header: { tsi: 1, toi: 1, tsiBits: 32, toiBits: 32, extensions: [] }, payloadId: { sbn: Math.floor(i / 2), esi: i % 2 }, payload: data.subarray(i * T, (i + 1) * T) }),
    );
    push(rx, plain[0]!);
    push(rx, liar({ ...fti, transferLength: 3000 }, 0, 1));
    expect(rx.stats.dropped['bad-oti']).toBe(1);
    // The same OTI carried in band is fine.
    push(rx, liar(fti, 0, 1, data.subarray(T, 2 * T)));
    for (const d of plain.slice(2)) push(rx, d);
    expectBytes(rec.byLocation('oob'), data);
    expect(rx.stats.dropped['bad-oti']).toBe(1);
  });

  it('is per session: the same TOI in another session may have another OTI', () => {
    const { rx, rec } = receiver();
    const other = randomBytes(3000, 11);
    push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 's1', toi: 1n, contentLength: 4000 }], expiresMs: LONG }), T0, 'a:1');
    push(rx, fdtPacket({ id: 1, files: [{ contentLocation: 's2', toi: 1n, contentLength: 3000 }], expiresMs: LONG }), T0, 'b:1');
    const one = blockPackets({ toi: 1, data, T, B: 2 });
    const two = objectPackets({ toi: 1, data: other, T: 500 });
    push(rx, one[0]!, T0, 'a:1');
    for (const d of two) push(rx, d, T0, 'b:1');
    for (const d of one.slice(1)) push(rx, d, T0, 'a:1');
    expect(rx.stats.dropped['bad-oti']).toBe(0);
    expectBytes(rec.byLocation('s1'), data);
    expectBytes(rec.byLocation('s2'), other);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FEC_RAPTORQ,
  FEC_RS_GF2M,
  HET_FTI,
  MalformedError,
  TruncatedError,
  alcPacketLength,
  decodeAlcPacket,
  decodeFecPayloadId,
  decodeFti,
  encodeAlcPacket,
  encodeAlcPacketInto,
  encodeFecPayloadId,
  encodeFti,
  fecPayloadIdLength,
  ftiBodyLength,
} from '@proto/lct';
import { hex, thrown, toHex } from './helpers.js';

const vectors = new URL('../../../../shared/vectors/', import.meta.url);

describe('ALC packet', () => {
  it('returns the payload as a zero-copy view', () => {
    const bytes = encodeAlcPacket({ header: { tsi: 1, toi: 2 }, payloadId: { sbn: 3, esi: 4 }, payload: Uint8Array.of(5, 6, 7) });
    const p = decodeAlcPacket(bytes);
    expect(p.payload.buffer).toBe(bytes.buffer);
    expect(p.payload.byteOffset).toBe(bytes.byteOffset + 16);
    expect([...p.payload]).toEqual([5, 6, 7]);
    expect(alcPacketLength(p)).toBe(bytes.length);
  });

  it('matches the 32-byte close-session packet of the reference sender', () => {
    const bytes = encodeAlcPacket({
      header: { tsi: 1, toi: 0, tsiBits: 16, toiBits: 16, closeSession: true, extensions: [{ het: HET_FTI, fti: { fecEncodingId: 0, transferLength: 0, symbolLength: 0, maxSourceBlockLength: 0 } }] },
      payloadId: { sbn: 0, esi: 0 },
    });
    expect(toHex(bytes)).toBe('10120700' + '00000000' + '0001' + '0000' + '4004' + '00'.repeat(14) + '00000000');
  });

  it('maps codepoints to FEC Encoding IDs: default identity, override, Map, function', () => {
    const bytes = encodeAlcPacket({ header: { codepoint: 9 }, payloadId: { sbn: 1, esi: 0x020304 } }, { fecEncodingId: FEC_RAPTORQ });
    expect(toHex(bytes.subarray(8))).toBe('01020304');
    expect(decodeAlcPacket(bytes, { fecEncodingId: 6 }).payloadId).toEqual({ sbn: 1, esi: 0x020304 });
    expect(decodeAlcPacket(bytes, { codepointToFecId: new Map([[9, 6]]) }).fecEncodingId).toBe(6);
    expect(decodeAlcPacket(bytes, { codepointToFecId: (cp) => (cp === 9 ? 0 : undefined) }).payloadId).toEqual({ sbn: 0x0102, esi: 0x0304 });
    expect(thrown(() => decodeAlcPacket(bytes))).toMatchObject({ name: 'MalformedError', field: 'FEC Encoding ID', value: 9 });
    expect(thrown(() => decodeAlcPacket(bytes, { codepointToFecId: new Map() }))).toMatchObject({ name: 'MalformedError', field: 'Codepoint', value: 9 });
    expect(() => encodeAlcPacket({ header: { codepoint: 9 }, payloadId: { sbn: 0, esi: 0 } })).toThrow(/^fecEncodingId: 9/);
  });

  it('takes m for FEC ID 2 from the EXT_FTI in the packet, else from options, else 8', () => {
    const fti = { fecEncodingId: 2 as const, transferLength: 100, m: 4, g: 1, symbolLength: 10, maxSourceBlockLength: 10, maxEncodingSymbols: 15 };
    const withFti = encodeAlcPacket({ header: { codepoint: FEC_RS_GF2M, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn: 0xabcdef1, esi: 0xe } });
    expect(toHex(withFti.subarray(withFti.length - 4))).toBe('abcdef1e');
    expect(decodeAlcPacket(withFti).payloadId).toEqual({ sbn: 0xabcdef1, esi: 0xe });
    const bare = encodeAlcPacket({ header: { codepoint: 2 }, payloadId: { sbn: 0x123456, esi: 0x78 } });
    expect(toHex(bare.subarray(8))).toBe('12345678');
    expect(decodeAlcPacket(bare, { m: 12 }).payloadId).toEqual({ sbn: 0x12345, esi: 0x678 });
    expect(() => encodeAlcPacket({ header: { codepoint: 2, extensions: [{ het: HET_FTI, fti }] }, payloadId: { sbn: 0, esi: 16 } })).toThrow(/^payloadId.esi: 16 does not fit 4 bits/);
  });

  it('refuses an EXT_FTI of another scheme than the packet, and payload IDs that do not fit', () => {
    expect(() =>
      encodeAlcPacket({ header: { codepoint: 0, extensions: [{ het: HET_FTI, fti: { fecEncodingId: 5, transferLength: 1, symbolLength: 1, maxSourceBlockLength: 1, maxEncodingSymbols: 1 } }] }, payloadId: { sbn: 0, esi: 0 } }),
    ).toThrow(/^EXT_FTI.fti.fecEncodingId: 5/);
    expect(() => encodeAlcPacket({ header: {}, payloadId: { sbn: 65536, esi: 0 } })).toThrow(/^payloadId.sbn: /);
    expect(() => encodeAlcPacket({ header: { codepoint: 129 }, payloadId: { sbn: 0, esi: 0 } })).toThrow(/^payloadId.sourceBlockLength: /);
    expect(() => encodeAlcPacket({ header: { codepoint: 5 }, payloadId: { sbn: 2 ** 24, esi: 0 } })).toThrow(/^payloadId.sbn: /);
    expect(() => encodeAlcPacket({ header: { codepoint: 6 }, payloadId: { sbn: 0, esi: 2 ** 24 } })).toThrow(/^payloadId.esi: /);
  });

  it('throws TruncatedError when the FEC Payload ID is cut', () => {
    const bytes = encodeAlcPacket({ header: { tsi: 1, toi: 1 }, payloadId: { sbn: 1, esi: 1 } });
    const e = thrown(() => decodeAlcPacket(bytes.subarray(0, 14)));
    expect(e).toBeInstanceOf(TruncatedError);
    expect(e).toMatchObject({ field: 'FEC Payload ID', offset: 12, needed: 4, available: 2 });
    expect(thrown(() => decodeAlcPacket(new Uint8Array(0)))).toBeInstanceOf(TruncatedError);
  });

  it('encodes into a caller buffer without allocating the bytes', () => {
    const target = new Uint8Array(64);
    const n = encodeAlcPacketInto({ header: { tsi: 1 }, payloadId: { sbn: 0, esi: 1 }, payload: Uint8Array.of(9, 9) }, target, 10);
    expect(n).toBe(18);
    expect(decodeAlcPacket(target.subarray(10, 10 + n)).payload).toEqual(Uint8Array.of(9, 9));
    expect(() => encodeAlcPacketInto({ header: {}, payloadId: { sbn: 0, esi: 0 } }, new Uint8Array(8))).toThrow(/^target: /);
  });
});

describe('FEC Payload ID codecs', () => {
  it('lay out SBN and ESI per FEC Encoding ID', () => {
    expect(toHex(encodeFecPayloadId(0, { sbn: 0x0102, esi: 0x0304 }))).toBe('01020304');
    expect(toHex(encodeFecPayloadId(1, { sbn: 0xfffe, esi: 1 }))).toBe('fffe0001');
    expect(toHex(encodeFecPayloadId(2, { sbn: 0x1234, esi: 0x5678 }, 16))).toBe('12345678');
    expect(toHex(encodeFecPayloadId(2, { sbn: 0x123456, esi: 0x78 }))).toBe('12345678');
    expect(toHex(encodeFecPayloadId(5, { sbn: 0x010203, esi: 4 }))).toBe('01020304');
    expect(toHex(encodeFecPayloadId(6, { sbn: 1, esi: 0x020304 }))).toBe('01020304');
    expect(toHex(encodeFecPayloadId(129, { sbn: 0x01020304, esi: 0x0708, sourceBlockLength: 0x0506 }))).toBe('0102030405060708');
    expect([0, 1, 2, 5, 6, 129, 3, 128].map(fecPayloadIdLength)).toEqual([4, 4, 4, 4, 4, 8, -1, -1]);
    expect(decodeFecPayloadId(2, hex('ffffffff'), 0, 16)).toEqual({ sbn: 0xffff, esi: 0xffff });
    expect(decodeFecPayloadId(2, hex('ffffffff'), 0, 2)).toEqual({ sbn: 0x3fffffff, esi: 3 });
    expect(() => decodeFecPayloadId(2, hex('ffffffff'), 0, 17)).toThrow(/^m: /);
    expect(thrown(() => decodeFecPayloadId(129, hex('01020304'), 0))).toBeInstanceOf(TruncatedError);
    expect(thrown(() => decodeFecPayloadId(3, hex('01020304'), 0))).toBeInstanceOf(MalformedError);
  });

  it('read the RaptorQ packets of cberner/raptorq as SBN(8)·ESI(24)', () => {
    const v = JSON.parse(readFileSync(new URL('raptorq/raptorq_F10240_T64_Z2_N2_Al4.json', vectors), 'utf8')) as { blocks: { sbn: number; first_source_packets: string[] }[] };
    for (const block of v.blocks) {
      block.first_source_packets.forEach((p, i) => expect(decodeFecPayloadId(6, hex(p.slice(0, 8)))).toEqual({ sbn: block.sbn, esi: i }));
    }
  });
});

describe('EXT_FTI codecs', () => {
  it('decode the GPAC no-code FTI', () => {
    expect(decodeFti(0, hex('000000000205 0000 0588 000005c0'))).toEqual({ fecEncodingId: 0, transferLength: 517, symbolLength: 1416, maxSourceBlockLength: 1472 });
  });

  it('decode the RaptorQ OTI that cberner/raptorq writes (RFC 6330 §3.3.2-3)', () => {
    for (const name of ['raptorq_F10240_T1280_Z1_N1_Al4.json', 'raptorq_F10240_T64_Z2_N2_Al4.json']) {
      const v = JSON.parse(readFileSync(new URL(`raptorq/${name}`, vectors), 'utf8')) as { F: number; T: number; Z: number; N: number; Al: number; oti_hex: string };
      const body = hex(`${v.oti_hex}0000`);
      const fti = decodeFti(6, body);
      expect(fti).toEqual({ fecEncodingId: 6, transferLength: v.F, symbolLength: v.T, sourceBlocks: v.Z, subBlocks: v.N, alignment: v.Al });
      expect(toHex(encodeFti(fti))).toBe(`${v.oti_hex}0000`);
    }
  });

  it('lay out every scheme', () => {
    expect(toHex(encodeFti({ fecEncodingId: 1, transferLength: 0x0102030405, symbolLength: 0x0607, sourceBlocks: 0x0809, subBlocks: 0x0a, alignment: 0x0b }))).toBe('0102030405000607' + '08090a0b0000');
    expect(toHex(encodeFti({ fecEncodingId: 1, transferLength: 0x010203040506, symbolLength: 0x0708, sourceBlocks: 0x090a, subBlocks: 0x0b, alignment: 0x0c }, { raptorFtiLayout: 'rfc5053' }))).toBe('010203040506000007080' + '90a0b0c');
    expect(toHex(encodeFti({ fecEncodingId: 2, transferLength: 1, m: 8, g: 2, symbolLength: 3, maxSourceBlockLength: 4, maxEncodingSymbols: 5 }))).toBe('000000000001' + '0802' + '0003' + '0004' + '0005');
    expect(toHex(encodeFti({ fecEncodingId: 5, transferLength: 1, symbolLength: 2, maxSourceBlockLength: 3, maxEncodingSymbols: 4 }))).toBe('000000000001' + '0002' + '03' + '04');
    expect(toHex(encodeFti({ fecEncodingId: 129, transferLength: 1, fecInstanceId: 2, symbolLength: 3, maxSourceBlockLength: 4, maxEncodingSymbols: 5 }))).toBe('000000000001' + '0002000300040005');
    expect([0, 1, 2, 5, 6, 129].map(ftiBodyLength)).toEqual([14, 14, 14, 10, 14, 14]);
  });

  it('read both Raptor (FEC ID 1) layouts, in an ALC packet, only with the matching option', () => {
    // Hand-assembled from the figures: RFC 5053 §3.2.2 Figure 2 (F 48 bits, reserved 16, T 16)
    // followed by §3.2.3 Figure 3 (Z 16, N 8, Al 8): HEL 4, no padding.
    const rfc = { fecEncodingId: 1, transferLength: 0x123456789abc, symbolLength: 1400, sourceBlocks: 0x0102, subBlocks: 2, alignment: 4 } as const;
    const rfcExt = '4004' + '123456789abc' + '0000' + '0578' + '0102' + '02' + '04';
    // ypo/flute 1.x (src/common/alccodec/alcraptor.rs): F 40 bits, reserved 8, T 16, Z 16, N 8, Al 8, 16 bits of padding.
    const ypo = { ...rfc, transferLength: 0x3456789abc } as const;
    const ypoExt = '4004' + '3456789abc' + '00' + '0578' + '0102' + '02' + '04' + '0000';
    const packet = (ext: string): Uint8Array => hex('10 a0 08 01' + '00000000' + '00000001' + '00000002' + ext + '0003 0004' + 'ee');
    const fti = (bytes: Uint8Array, options = {}): unknown => (decodeAlcPacket(bytes, options).header.extensions[0] as { fti: unknown }).fti;

    expect(fti(packet(rfcExt), { raptorFtiLayout: 'rfc5053' })).toEqual(rfc);
    expect(fti(packet(ypoExt))).toEqual(ypo);
    expect(fti(packet(ypoExt), { raptorFtiLayout: 'ypo-flute' })).toEqual(ypo);
    expect(decodeAlcPacket(packet(rfcExt), { raptorFtiLayout: 'rfc5053' }).payloadId).toEqual({ sbn: 3, esi: 4 });
    // Both are 14-byte bodies: read with the other layout, the fields shift rather than fail.
    expect(fti(packet(rfcExt))).toMatchObject({ transferLength: 0x123456789a, symbolLength: 0, sourceBlocks: 0x0578 });
    expect(fti(packet(ypoExt), { raptorFtiLayout: 'rfc5053' })).toMatchObject({ transferLength: 0x3456789abc00, symbolLength: 0x0102 });
    // And each layout re-encodes to its own bytes.
    expect(toHex(encodeAlcPacket(decodeAlcPacket(packet(rfcExt), { raptorFtiLayout: 'rfc5053' }), { raptorFtiLayout: 'rfc5053' }))).toBe(toHex(packet(rfcExt)));
    expect(toHex(encodeAlcPacket(decodeAlcPacket(packet(ypoExt))))).toBe(toHex(packet(ypoExt)));
  });

  it('read m = 0 as 8 and G = 0 as 1 for FEC ID 2 (RFC 5510 §4.2)', () => {
    expect(decodeFti(2, hex('000000000001 0000 0003 0004 0005'))).toMatchObject({ m: 8, g: 1 });
    expect(thrown(() => decodeFti(2, hex('000000000001 1100 0003 0004 0005')))).toMatchObject({ name: 'MalformedError', field: 'EXT_FTI m', value: 17 });
  });

  it('refuse bodies of the wrong size and fields that do not fit', () => {
    expect(thrown(() => decodeFti(0, new Uint8Array(10)))).toBeInstanceOf(TruncatedError);
    expect(thrown(() => decodeFti(5, new Uint8Array(14)))).toBeInstanceOf(MalformedError);
    expect(() => decodeFti(3, new Uint8Array(14))).toThrow(/^fecEncodingId: 3/);
    expect(() => encodeFti({ fecEncodingId: 0, transferLength: 2 ** 48, symbolLength: 1, maxSourceBlockLength: 1 })).toThrow(/^fti.transferLength: /);
    expect(() => encodeFti({ fecEncodingId: 6, transferLength: 2 ** 40, symbolLength: 1, sourceBlocks: 1, subBlocks: 1, alignment: 1 })).toThrow(/^fti.transferLength: /);
    expect(() => encodeFti({ fecEncodingId: 6, transferLength: 1, symbolLength: 1, sourceBlocks: 256, subBlocks: 1, alignment: 1 })).toThrow(/^fti.sourceBlocks: /);
    expect(() => encodeFti({ fecEncodingId: 2, transferLength: 1, m: 1, g: 1, symbolLength: 1, maxSourceBlockLength: 1, maxEncodingSymbols: 1 })).toThrow(/^fti.m: /);
    expect(() => encodeFti({ fecEncodingId: 2, transferLength: 1, m: 8, g: 0, symbolLength: 1, maxSourceBlockLength: 1, maxEncodingSymbols: 1 })).toThrow(/^fti.g: /);
    expect(() => encodeFti({ fecEncodingId: 5, transferLength: 1, symbolLength: 1, maxSourceBlockLength: 256, maxEncodingSymbols: 1 })).toThrow(/^fti.maxSourceBlockLength: /);
  });
});

describe('README example', () => {
  it('runs', async () => {
    const log: unknown[][] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void log.push(args);
    try {
      await import('../examples/basic.js');
    } finally {
      console.log = original;
    }
    expect(log).toEqual([[1n, 0n, 7, { sbn: 0, esi: 0 }, 19]]);
  });
});

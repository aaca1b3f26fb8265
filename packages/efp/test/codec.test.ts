import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EFP_EMBEDDED_LAST,
  EFP_FLAG_EMBEDDED,
  EfpContent,
  EfpEmbeddedType,
  MalformedError,
  TruncatedError,
  decodeEfpPacket,
  efpContentName,
  efpPacketLength,
  embeddedDataLength,
  encodeEfpPacket,
  encodeEmbeddedData,
  extractEmbeddedData,
  fourcc,
  fourccToString,
  maskEfpPadding,
  type EfpPacket,
} from '@proto/efp';
import { fromHex, hex } from './helpers.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const flags = fc.constantFrom(0, 0x10, 0x20, 0x40, 0x60, 0x80, 0xf0);
const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

/** Runs `decode` on arbitrary bytes: it may only throw TruncatedError or MalformedError. */
function onlyTypedErrors(decode: (b: Uint8Array) => unknown): void {
  fc.assert(
    fc.property(bytes(80), (b) => {
      try {
        decode(b);
      } catch (e) {
        expect(e instanceof TruncatedError || e instanceof MalformedError).toBe(true);
      }
    }),
  );
}

const packet: fc.Arbitrary<EfpPacket> = fc.oneof(
  fc.record({ type: fc.constant(0 as const), flags, payload: bytes(64) }),
  fc.record({ type: fc.constant(1 as const), flags, streamId: u8, superFrameNo: u16, fragmentNo: u16, ofFragmentNo: u16, payload: bytes(300) }),
  fc.record({
    type: fc.constant(2 as const),
    flags,
    streamId: u8,
    dataContent: u8,
    superFrameNo: u16,
    ofFragmentNo: u16,
    type1PacketSize: u16,
    pts: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    dtsPtsDiff: u32,
    code: u32,
    payload: bytes(300),
  }),
  fc.record({ type: fc.constant(3 as const), flags, streamId: u8, superFrameNo: u16, type1PacketSize: u16, ofFragmentNo: u16, payload: bytes(300) }),
);

describe('packet codec', () => {
  it('decodes the reference Type 2 layout (32-byte header, little-endian)', () => {
    // From efp_type3_path.json: the Type 2 closing superFrameNo 4660, padding carrying stale bytes.
    const p = decodeEfpPacket(fromHex('02020112000034120100a80504050607070000000000000000000000' + '52455355'));
    expect(p).toEqual({
      type: 2,
      flags: 0,
      streamId: 2,
      dataContent: 1,
      superFrameNo: 4660,
      ofFragmentNo: 1,
      type1PacketSize: 1448,
      pts: 7n,
      dtsPtsDiff: 0,
      code: fourcc('USER'),
      payload: new Uint8Array(0),
    });
    const t3 = decodeEfpPacket(fromHex('03023412a80501000001'));
    expect(t3).toMatchObject({ type: 3, streamId: 2, superFrameNo: 4660, type1PacketSize: 1448, ofFragmentNo: 1 });
    const t1 = decodeEfpPacket(fromHex('0101feff01000200aabb'));
    expect(t1).toMatchObject({ type: 1, superFrameNo: 65534, fragmentNo: 1, ofFragmentNo: 2 });
    expect(decodeEfpPacket(fromHex('10ffee'))).toMatchObject({ type: 0, flags: 0x10 });
  });

  it('reads a u64 pts across both halves', () => {
    const p = decodeEfpPacket(fromHex('120502000a00000000000a000000000008070605040302011000000000000000a5a5a5a5a5a5a5a5a5a5'));
    expect(p).toMatchObject({ type: 2, flags: EFP_FLAG_EMBEDDED, pts: 0x0102030405060708n, dtsPtsDiff: 16 });
  });

  it('payloads are zero-copy views', () => {
    const raw = fromHex('0101000000000100aabbcc');
    const p = decodeEfpPacket(raw);
    expect(p.payload.buffer).toBe(raw.buffer);
    expect(p.payload.byteOffset).toBe(8);
  });

  it('round-trips every packet type', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const wire = encodeEfpPacket(p);
        expect(wire.length).toBe(efpPacketLength(p));
        expect(decodeEfpPacket(wire)).toEqual(p);
      }),
    );
  });

  it('decoding arbitrary bytes throws only TruncatedError or MalformedError', () => {
    onlyTypedErrors(decodeEfpPacket);
  });

  it('errors say what and where', () => {
    const t = (() => {
      try {
        decodeEfpPacket(fromHex('0201830005000000'));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(t).toBeInstanceOf(TruncatedError);
    expect(t).toBeInstanceOf(RangeError);
    expect(t).toMatchObject({ name: 'TruncatedError', what: 'type 2 header', offset: 0, needed: 32, available: 8 });
    const short = new Uint8Array(40);
    short[0] = 2;
    short[4] = 9; // sizeOfData 9, 8 available
    expect(() => decodeEfpPacket(short)).toThrow(expect.objectContaining({ what: 'type 2 data', needed: 9, available: 8 }));
    expect(() => decodeEfpPacket(new Uint8Array([0x07]))).toThrow(expect.objectContaining({ name: 'MalformedError', what: 'frame type', value: 7 }));
    expect(() => decodeEfpPacket(new Uint8Array(0))).toThrow(TruncatedError);
  });

  it('the encoder names fields out of range', () => {
    const base = { type: 1 as const, flags: 0, streamId: 1, superFrameNo: 1, fragmentNo: 0, ofFragmentNo: 1, payload: new Uint8Array(1) };
    expect(() => encodeEfpPacket({ ...base, superFrameNo: 65536 })).toThrow(/superFrameNo/);
    expect(() => encodeEfpPacket({ ...base, streamId: -1 })).toThrow(/streamId/);
    expect(() => encodeEfpPacket({ ...base, flags: 0x01 })).toThrow(/flags/);
    const t2 = { type: 2 as const, flags: 0, streamId: 1, dataContent: 0, superFrameNo: 0, ofFragmentNo: 0, type1PacketSize: 0, pts: 0n, dtsPtsDiff: 0, code: 0 };
    expect(() => encodeEfpPacket({ ...t2, payload: new Uint8Array(65536) })).toThrow(/sizeOfData/);
    expect(() => encodeEfpPacket({ ...t2, pts: 1n << 64n, payload: new Uint8Array(0) })).toThrow(/pts/);
    expect(() => encodeEfpPacket({ ...t2, code: 2 ** 32, payload: new Uint8Array(0) })).toThrow(/code/);
  });

  it('masks the Type 2 padding only', () => {
    const p = fromHex('02020112000034120100a805acadaeaf08000000000000000000000052455355');
    expect(hex(maskEfpPadding(p))).toBe('02020100000034120100a8050000000008000000000000000000000052455355');
    expect(hex(p)).toContain('acadaeaf'); // the input is not modified
    const t1 = fromHex('0101feff00000200ffffffffffffffff');
    expect(hex(maskEfpPadding(t1))).toBe(hex(t1));
  });
});

describe('fourcc and content helpers', () => {
  it('maps ANXB to 0x414E5842 and back', () => {
    expect(fourcc('ANXB')).toBe(0x414e5842);
    expect(fourccToString(0x414e5842)).toBe('ANXB');
    expect(fourccToString(0)).toBeUndefined();
    expect(fourccToString(2 ** 32)).toBeUndefined();
    expect(() => fourcc('ANX')).toThrow(RangeError);
    expect(() => fourcc('ANX€')).toThrow(RangeError);
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~]{4}$/), (s) => {
        expect(fourccToString(fourcc(s))).toBe(s);
      }),
    );
  });

  it('names dataContent values', () => {
    expect(efpContentName(0x83)).toBe('h264');
    expect(efpContentName(EfpContent.efpsig)).toBe('efpsig');
    expect(efpContentName(0x0a)).toBe('json');
    expect(efpContentName(0x7f)).toBeUndefined();
  });
});

describe('embedded data', () => {
  it('builds and splits the spec example', () => {
    const want = '0200020009098100030001020304deadbeef'.replace('0304', '03');
    const built = encodeEmbeddedData(
      [
        { type: 2, data: new Uint8Array([9, 9]) },
        { type: 1, data: new Uint8Array([1, 2, 3]) },
      ],
      fromHex('deadbeef'),
    );
    expect(hex(built)).toBe(want);
    const { records, payload } = extractEmbeddedData(built);
    expect(records.map((r) => [r.type, hex(r.data)])).toEqual([[2, '0909'], [1, '010203']]);
    expect(hex(payload)).toBe('deadbeef');
    expect(embeddedDataLength(records)).toBe(built.length - 4);
  });

  it('round-trips arbitrary records', () => {
    const record = fc.record({ type: fc.integer({ min: 1, max: 127 }), data: bytes(40) });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), bytes(40), (records, body) => {
        const { records: got, payload } = extractEmbeddedData(encodeEmbeddedData(records, body));
        expect(got).toEqual(records);
        expect(payload).toEqual(body);
      }),
    );
  });

  it('caps the number of records, so a hostile frame cannot cost more than its own size', () => {
    // A frame of 4-byte empty records, the last one flagged: 2,048 records.
    const frame = new Uint8Array(2048 * 4);
    for (let o = 0; o < frame.length; o += 4) frame[o] = EfpEmbeddedType.privateData;
    frame[frame.length - 4] = EfpEmbeddedType.privateData | EFP_EMBEDDED_LAST;
    expect(() => extractEmbeddedData(frame)).toThrow(expect.objectContaining({ name: 'MalformedError', what: 'embedded record count', offset: 1024 * 4 }));
    expect(extractEmbeddedData(frame, { maxRecords: 2048 }).records).toHaveLength(2048);
    expect(() => extractEmbeddedData(frame, { maxRecords: 2047 })).toThrow(MalformedError);
    expect(extractEmbeddedData(frame.subarray(frame.length - 4 * 1024)).records).toHaveLength(1024); // the default, exactly
    expect(() => extractEmbeddedData(frame, { maxRecords: 0 })).toThrow(RangeError);
  });

  it('rejects illegal records with typed errors', () => {
    expect(() => extractEmbeddedData(fromHex('00000000'))).toThrow(MalformedError);
    expect(() => extractEmbeddedData(fromHex('8100'))).toThrow(TruncatedError);
    expect(() => extractEmbeddedData(fromHex('81000500aabb'))).toThrow(expect.objectContaining({ what: 'embedded record data', offset: 4 }));
    expect(() => extractEmbeddedData(fromHex('01000000'))).toThrow(TruncatedError); // no last record
    expect(() => encodeEmbeddedData([], new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeEmbeddedData([{ type: 0, data: new Uint8Array(0) }], new Uint8Array(0))).toThrow(/type/);
    expect(() => encodeEmbeddedData([{ type: 128, data: new Uint8Array(0) }], new Uint8Array(0))).toThrow(/type/);
    expect(() => encodeEmbeddedData([{ type: 1, data: new Uint8Array(65536) }], new Uint8Array(0))).toThrow(/65535/);
    onlyTypedErrors(extractEmbeddedData);
  });
});

import { describe, expect, it } from 'vitest';
import {
  HET_CENC,
  HET_FDT,
  HET_FTI,
  HET_TIME,
  MalformedError,
  TruncatedError,
  decodeLctHeader,
  encodeLctHeader,
  encodeLctHeaderInto,
  findExtension,
  lctHeaderLength,
  type LctHeaderInit,
} from '@proto/lct';
import { thrown } from './helpers.js';

const widths = (h: LctHeaderInit): [number, number, number, number] => {
  const d = decodeLctHeader(encodeLctHeader(h));
  return [d.cciBits, d.tsiBits, d.toiBits, lctHeaderLength(h)];
};

describe('LCT header widths', () => {
  it('picks the smallest widths by default', () => {
    expect(widths({})).toEqual([32, 0, 0, 8]);
    expect(widths({ tsi: 1, toi: 1 })).toEqual([32, 16, 16, 12]);
    expect(widths({ tsi: 0xffff, toi: 0 })).toEqual([32, 32, 0, 12]); // tie with 16/16: H = 0
    expect(widths({ tsi: 0xffff, toi: 0xffff })).toEqual([32, 16, 16, 12]);
    expect(widths({ tsi: 0x10000 })).toEqual([32, 32, 0, 12]);
    expect(widths({ tsi: 1, toi: 0x12345678 })).toEqual([32, 32, 32, 16]); // tie: H = 0
    expect(widths({ tsi: 1, toi: 0x123456789a })).toEqual([32, 16, 48, 16]);
    expect(widths({ tsi: 2n ** 32n, toi: 5 })).toEqual([32, 48, 16, 16]);
    expect(widths({ toi: 2n ** 64n })).toEqual([32, 0, 96, 20]);
    expect(widths({ tsi: 1, toi: 2n ** 64n })).toEqual([32, 16, 80, 20]);
    expect(widths({ tsi: 1, toi: 2n ** 112n - 1n })).toEqual([32, 16, 112, 24]);
    expect(widths({ cci: 2n ** 32n })).toEqual([64, 0, 0, 12]);
    expect(widths({ cci: 2n ** 128n - 1n })).toEqual([128, 0, 0, 20]);
  });

  it('honours forced widths (16/32-bit TSI/TOI for picky receivers)', () => {
    expect(widths({ tsi: 1, toi: 1, tsiBits: 32 })).toEqual([32, 32, 32, 16]);
    expect(widths({ tsi: 1, toi: 1, toiBits: 32 })).toEqual([32, 32, 32, 16]);
    expect(widths({ tsi: 0, toi: 0, tsiBits: 16, toiBits: 16 })).toEqual([32, 16, 16, 12]);
    expect(widths({ tsi: 1, toi: 1, tsiBits: 48, toiBits: 16 })).toEqual([32, 48, 16, 16]);
    expect(widths({ cci: 1, cciBits: 96 })).toEqual([96, 0, 0, 16]);
  });

  it('refuses values that do not fit, naming the field', () => {
    expect(() => encodeLctHeader({ tsi: 2n ** 48n })).toThrow(/^tsi: /);
    expect(() => encodeLctHeader({ toi: 2n ** 112n })).toThrow(/^toi: /);
    expect(() => encodeLctHeader({ cci: 2n ** 128n })).toThrow(/^cci: /);
    expect(() => encodeLctHeader({ tsi: 0x10000, tsiBits: 16 })).toThrow(/^tsi: 65536n does not fit the forced 16 bits/);
    expect(() => encodeLctHeader({ toi: 0x1_0000_0000, toiBits: 32 })).toThrow(/^toi: /);
    expect(() => encodeLctHeader({ cci: 2n ** 32n, cciBits: 32 })).toThrow(/^cci: /);
    expect(() => encodeLctHeader({ tsiBits: 16, toiBits: 32 })).toThrow(/^tsiBits: .*half-word/);
    expect(() => encodeLctHeader({ toi: 2n ** 100n, tsiBits: 32 })).toThrow(/^toi: /); // H = 0 allows at most 96 bits
    expect(() => encodeLctHeader({ tsiBits: 24 as 16 })).toThrow(/^tsiBits: /);
    expect(() => encodeLctHeader({ tsi: -1 })).toThrow(/^tsi: /);
    expect(() => encodeLctHeader({ tsi: 1.5 })).toThrow(/^tsi: /);
    expect(() => encodeLctHeader({ toi: -1n })).toThrow(/^toi: /);
    expect(() => encodeLctHeader({ codepoint: 256 })).toThrow(/^codepoint: /);
    expect(() => encodeLctHeader({ psi: 4 })).toThrow(/^psi: /);
    expect(() => encodeLctHeader({ version: 3 })).toThrow(/^version: /);
    expect(thrown(() => encodeLctHeader({ tsi: 2n ** 48n }))).toBeInstanceOf(RangeError);
  });

  it('writes V=1 by default, keeps PSI and the A/B flags, and accepts V=2 on receive', () => {
    const bytes = encodeLctHeader({ psi: 3, closeSession: true, closeObject: true, codepoint: 129 });
    expect([...bytes.subarray(0, 4)]).toEqual([0x13, 0x03, 0x02, 129]);
    bytes[0] = 0x23;
    const h = decodeLctHeader(bytes);
    expect([h.version, h.psi, h.closeSession, h.closeObject, h.codepoint]).toEqual([2, 3, true, true, 129]);
  });

  it('ignores the reserved bits on receive and writes them as zero', () => {
    const bytes = encodeLctHeader({ tsi: 1, toi: 1 });
    bytes[1] = bytes[1]! | 0x0c;
    const h = decodeLctHeader(bytes);
    expect([h.tsi, h.toi]).toEqual([1n, 1n]);
    expect(encodeLctHeader(h)[1]! & 0x0c).toBe(0);
  });

  it('checks HDR_LEN against the fixed fields and the buffer', () => {
    const bytes = encodeLctHeader({ tsi: 1, toi: 1 }); // 12 bytes
    const short = bytes.slice();
    short[2] = 2;
    expect(thrown(() => decodeLctHeader(short))).toMatchObject({ name: 'MalformedError', field: 'HDR_LEN', offset: 2, value: 2 });
    const long = bytes.slice();
    long[2] = 4;
    expect(thrown(() => decodeLctHeader(long))).toMatchObject({ name: 'TruncatedError', field: 'LCT header', needed: 16, available: 12 });
    expect(thrown(() => decodeLctHeader(bytes.subarray(0, 3)))).toBeInstanceOf(TruncatedError);
    const v0 = bytes.slice();
    v0[0] = 0x00;
    expect(thrown(() => decodeLctHeader(v0))).toMatchObject({ name: 'MalformedError', field: 'V', value: 0 });
  });

  it('computes HEL*4 in wide arithmetic: HEL 64 is 256 bytes, not a wrapped 0', () => {
    const bytes = encodeLctHeader({ extensions: [{ het: 0, data: new Uint8Array(254).fill(7) }] });
    expect(bytes[9]).toBe(64);
    const ext = decodeLctHeader(bytes).extensions[0] as { data: Uint8Array };
    expect(ext.data.length).toBe(254);
  });

  it('allows a header of 255 words (1020 bytes) and no more', () => {
    const max = encodeLctHeader({ extensions: [{ het: 0, data: new Uint8Array(1010) }] });
    expect(max.length).toBe(1020);
    expect(max[2]).toBe(255);
    expect(decodeLctHeader(max).extensions).toHaveLength(1);
    expect(() => encodeLctHeader({ extensions: [{ het: 0, data: new Uint8Array(1014) }] })).toThrow(/^HDR_LEN: /);
  });
});

describe('LCT header extensions', () => {
  it('decode typed and re-encode unchanged', () => {
    const header: LctHeaderInit = {
      tsi: 3,
      toi: 0,
      extensions: [
        { het: HET_FDT, version: 2, fdtInstanceId: 0xfffff },
        { het: HET_CENC, cenc: 1 },
        { het: HET_TIME, sct: { seconds: 1, fraction: 2 }, ert: 3, slc: 4, piSpecific: 5 },
        { het: HET_TIME, ert: 9 },
        { het: 67, transferLength: 2 ** 48 - 1 },
        { het: 194, transferLength: 2 ** 24 - 1 },
        { het: 0, data: new Uint8Array(2) },
        { het: 1, data: Uint8Array.of(1, 2, 3, 4, 5, 6) },
        { het: 99, raw: Uint8Array.of(9, 8) },
        { het: 255, raw: Uint8Array.of(1, 2, 3) },
      ],
    };
    const bytes = encodeLctHeader(header);
    const decoded = decodeLctHeader(bytes);
    expect(decoded.extensions).toEqual(header.extensions);
    expect(encodeLctHeader(decoded)).toEqual(bytes);
    expect(findExtension(decoded.extensions, HET_FDT)?.fdtInstanceId).toBe(0xfffff);
    expect(findExtension(decoded.extensions, HET_TIME)?.sct).toEqual({ seconds: 1, fraction: 2 });
    expect(findExtension(decoded.extensions, HET_FTI)).toBeUndefined();
    // TSI 3 takes 32 bits (tie with 16/16 goes to H = 0), so extensions start at byte 12.
    // EXT_CENC: CENC in the byte right after HET, then 16 reserved bits (RFC 6726 §3.4.2).
    expect([...bytes.subarray(16, 20)]).toEqual([193, 1, 0, 0]);
    // EXT_FDT: V(4) and the 20-bit instance id.
    expect([...bytes.subarray(12, 16)]).toEqual([192, 0x2f, 0xff, 0xff]);
  });

  it('keeps EXT_FTI raw when the codepoint maps to a FEC scheme without a layout here', () => {
    const body = Uint8Array.from({ length: 14 }, (_, i) => i);
    const bytes = encodeLctHeader({ codepoint: 3, extensions: [{ het: HET_FTI, raw: body }] });
    const h = decodeLctHeader(bytes);
    expect(h.extensions).toEqual([{ het: HET_FTI, raw: body }]);
    expect(findExtension(h.extensions, HET_FTI)).toBeUndefined();
    expect(encodeLctHeader(h)).toEqual(bytes);
  });

  it('views NOP/AUTH/raw bytes in the packet without copying', () => {
    const bytes = encodeLctHeader({ extensions: [{ het: 1, data: Uint8Array.of(7, 7) }] });
    const ext = decodeLctHeader(bytes).extensions[0] as { data: Uint8Array };
    expect(ext.data.buffer).toBe(bytes.buffer);
    expect(ext.data.byteOffset).toBe(bytes.byteOffset + 10);
  });

  it('rejects malformed extension bodies with the field named', () => {
    const base = (ext: number[]): Uint8Array => Uint8Array.from([0x10, 0x00, 2 + ext.length / 4, 0, 0, 0, 0, 0, ...ext]);
    expect(thrown(() => decodeLctHeader(base([2, 1, 0x40, 0])))).toMatchObject({ name: 'MalformedError', field: 'EXT_TIME' }); // SCT-Low alone
    expect(thrown(() => decodeLctHeader(base([2, 1, 0x80, 0])))).toMatchObject({ name: 'MalformedError', field: 'EXT_TIME' }); // SCT-High flagged, no word
    expect(thrown(() => decodeLctHeader(base([2, 2, 0, 0, 1, 2, 3, 4])))).toMatchObject({ name: 'MalformedError', field: 'EXT_TIME' }); // extra word
    expect(thrown(() => decodeLctHeader(base([67, 1, 0, 0])))).toMatchObject({ name: 'MalformedError', field: 'EXT_TOL' });
    expect(thrown(() => decodeLctHeader(base([64, 1, 0, 0])))).toMatchObject({ name: 'MalformedError', field: 'EXT_FTI' });
    expect(thrown(() => decodeLctHeader(base([5, 0, 0, 0])))).toMatchObject({ name: 'MalformedError', field: 'HEL', offset: 9 });
    expect(thrown(() => decodeLctHeader(base([5, 2, 0, 0])))).toMatchObject({ name: 'MalformedError', field: 'HEL' });
  });

  it('refuses extensions whose bytes do not fill 32-bit words, or an unknown HET without raw bytes', () => {
    expect(() => encodeLctHeader({ extensions: [{ het: 0, data: new Uint8Array(3) }] })).toThrow(/^extension 0.data: /);
    expect(() => encodeLctHeader({ extensions: [{ het: 200, raw: new Uint8Array(2) }] })).toThrow(/^extension 200.raw: /);
    expect(() => encodeLctHeader({ extensions: [{ het: 77 } as never] })).toThrow(/^extension.het: /);
    expect(() => encodeLctHeader({ extensions: [{ het: HET_FDT, version: 16, fdtInstanceId: 0 }] })).toThrow(/^EXT_FDT.version: /);
    expect(() => encodeLctHeader({ extensions: [{ het: HET_FDT, version: 1, fdtInstanceId: 2 ** 20 }] })).toThrow(/^EXT_FDT.fdtInstanceId: /);
    expect(() => encodeLctHeader({ extensions: [{ het: HET_CENC, cenc: 256 }] })).toThrow(/^EXT_CENC.cenc: /);
    expect(() => encodeLctHeader({ extensions: [{ het: HET_TIME, sct: { seconds: 2 ** 32 } }] })).toThrow(/^EXT_TIME.sct.seconds: /);
    expect(() => encodeLctHeader({ extensions: [{ het: 194, transferLength: 2 ** 24 }] })).toThrow(/^EXT_TOL.transferLength: /);
  });

  it('encodes into a caller buffer at an offset', () => {
    const target = new Uint8Array(32).fill(0xee);
    const n = encodeLctHeaderInto({ tsi: 1, toi: 2 }, target, 4);
    expect(n).toBe(12);
    expect(target[3]).toBe(0xee);
    expect(decodeLctHeader(target.subarray(4)).toi).toBe(2n);
    expect(() => encodeLctHeaderInto({ tsi: 1 }, new Uint8Array(8), 0)).toThrow(/^target: /);
  });
});

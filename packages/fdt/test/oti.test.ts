import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeSchemeSpecificInfo, encodeBase64, encodeSchemeSpecificInfo, FEC_ENCODING_ID, isFullySpecifiedScheme, resolveFileOti } from '../src/index.js';
import fc from 'fast-check';

describe('scheme-specific info', () => {
  it('decodes RaptorQ Z(8) N(16) Al(8), Raptor Z(16) N(8) Al(8), RS GF(2^m) m(8) G(8)', () => {
    expect(decodeSchemeSpecificInfo(Uint8Array.of(3, 0x01, 0x02, 8), FEC_ENCODING_ID.RAPTORQ)).toEqual({ scheme: 'raptorq', z: 3, n: 0x102, al: 8 });
    expect(decodeSchemeSpecificInfo(Uint8Array.of(0x01, 0x02, 3, 4), FEC_ENCODING_ID.RAPTOR)).toEqual({ scheme: 'raptor', z: 0x102, n: 3, al: 4 });
    expect(decodeSchemeSpecificInfo(Uint8Array.of(4, 2), FEC_ENCODING_ID.REED_SOLOMON_GF2M)).toEqual({ scheme: 'reed-solomon-gf2m', m: 4, g: 2 });
    expect(decodeSchemeSpecificInfo(Uint8Array.of(1, 2, 3), 129)).toEqual({ scheme: 'opaque', bytes: Uint8Array.of(1, 2, 3) });
  });

  it('encodes what it decodes and refuses out-of-range fields', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.constantFrom(1, 6), (bytes, id) => {
        expect(encodeSchemeSpecificInfo(decodeSchemeSpecificInfo(bytes, id))).toEqual(bytes);
      }),
    );
    expect(() => encodeSchemeSpecificInfo({ scheme: 'raptorq', z: 256, n: 1, al: 4 })).toThrow(/RaptorQ Z/);
    expect(() => encodeSchemeSpecificInfo({ scheme: 'raptor', z: 1, n: 256, al: 4 })).toThrow(/Raptor N/);
    expect(() => encodeSchemeSpecificInfo({ scheme: 'reed-solomon-gf2m', m: -1, g: 1 })).toThrow(/Reed-Solomon m/);
  });

  it('knows which schemes are fully specified (RFC 5052 §3)', () => {
    expect(isFullySpecifiedScheme(0)).toBe(true);
    expect(isFullySpecifiedScheme(127)).toBe(true);
    expect(isFullySpecifiedScheme(128)).toBe(false);
    expect(isFullySpecifiedScheme(FEC_ENCODING_ID.SMALL_BLOCK_SYSTEMATIC)).toBe(false);
  });
});

describe('resolveFileOti', () => {
  it('overrides field by field and inherits nothing across encoding IDs', () => {
    const instance = { fecOti: { encodingId: 0, maxSourceBlockLength: 64, encodingSymbolLength: 1424 } };
    expect(resolveFileOti(instance, {})).toEqual(instance.fecOti);
    expect(resolveFileOti(instance, { fecOti: { encodingSymbolLength: 100 } })).toEqual({ encodingId: 0, maxSourceBlockLength: 64, encodingSymbolLength: 100 });
    expect(resolveFileOti(instance, { fecOti: { encodingId: 6, encodingSymbolLength: 100 } })).toEqual({ encodingId: 6, encodingSymbolLength: 100 });
    expect(resolveFileOti({}, {})).toBeUndefined();
  });
});

describe('base64', () => {
  it('round-trips any bytes and refuses non-canonical text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
    expect(decodeBase64(' AQAB\nBA== ')).toEqual(Uint8Array.of(1, 0, 1, 4));
    for (const bad of ['A', 'AB=', 'AB==C', 'AQ==AQ==', 'A===', 'AR==', '****']) expect(decodeBase64(bad), bad).toBeUndefined();
  });
});

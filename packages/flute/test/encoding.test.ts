import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedError } from '../src/errors.js';
import {
  createContentDecoder,
  createContentEncoder,
  decodeContent,
  encodeContent,
  encodingFromCenc,
  encodingFromLabel,
  sniffEncoding,
  type ContentEncoding,
} from '../src/encoding.js';

const text = new TextEncoder().encode('FLUTE file delivery over unidirectional transport. '.repeat(200));
const ENCODINGS: ContentEncoding[] = ['null', 'deflate', 'zlib', 'gzip'];

function decodeChunked(data: Uint8Array, label: ContentEncoding, chunk: number, maxOutput = 1 << 24): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = createContentDecoder(label, { maxOutput }, (c) => parts.push(c.slice()));
  for (let o = 0; o < data.length; o += chunk) d.push(data.subarray(o, o + chunk), o + chunk >= data.length);
  if (data.length === 0) d.push(data, true);
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('content encodings', () => {
  it('encodes what zlib (node:zlib) decodes, for every encoding', () => {
    expect(inflateSync(encodeContent(text, 'zlib'))).toEqual(Buffer.from(text));
    expect(gunzipSync(encodeContent(text, 'gzip'))).toEqual(Buffer.from(text));
    expect(inflateRawSync(encodeContent(text, 'deflate'))).toEqual(Buffer.from(text));
  });

  it('is deterministic (no gzip time stamp), so a stream can be compressed twice', () => {
    for (const e of ENCODINGS) expect(encodeContent(text, e)).toEqual(encodeContent(text, e));
    expect(encodeContent(text, 'gzip').subarray(4, 8)).toEqual(new Uint8Array(4));
  });

  it('streams: chunked encoding equals whole encoding, chunked decoding round-trips', () => {
    for (const e of ENCODINGS) {
      const parts: Uint8Array[] = [];
      const enc = createContentEncoder(e, (c) => parts.push(c.slice()));
      for (let o = 0; o < text.length; o += 777) enc.push(text.subarray(o, o + 777), false);
      enc.push(new Uint8Array(0), true);
      const streamed = Uint8Array.from(parts.flatMap((p) => [...p]));
      expect(decodeContent(streamed, e)).toEqual(text);
      for (const chunk of [7, 100, 100_000]) expect(decodeChunked(encodeContent(text, e), e, chunk)).toEqual(text);
    }
  });

  it('sniffs gzip and zlib headers before trusting the label', () => {
    expect(sniffEncoding(encodeContent(text, 'gzip'))).toBe('gzip');
    expect(sniffEncoding(encodeContent(text, 'zlib'))).toBe('zlib');
    expect(sniffEncoding(encodeContent(text, 'deflate'))).toBe('deflate');
    // Labelled "deflate" but zlib- or gzip-wrapped (what other implementations send): still decoded.
    expect(decodeContent(encodeContent(text, 'zlib'), 'deflate')).toEqual(text);
    expect(decodeContent(encodeContent(text, 'gzip'), 'deflate')).toEqual(text);
    expect(decodeContent(encodeContent(text, 'deflate'), 'gzip')).toEqual(text);
  });

  it('never starts raw deflate output with something that looks like zlib or gzip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 9 }), (data, level) => {
        expect(sniffEncoding(encodeContent(data, 'deflate', level as 0))).toBe('deflate');
      }),
      { numRuns: 200 },
    );
  });

  it('stops a decompression bomb at maxOutput with MalformedError', () => {
    const bomb = encodeContent(new Uint8Array(10 << 20), 'gzip');
    expect(bomb.length).toBeLessThan(20_000);
    expect(() => decodeChunked(bomb, 'gzip', 4096, 1 << 20)).toThrow(MalformedError);
  });

  it('stops a bomb pushed as one large block early: never expands all of it at once', () => {
    // A receiver hands whole FEC blocks to the decoder, and a peer picks the block size: 64 KiB of
    // gzip here inflate to 64 MiB. The limit must be checked long before that much exists.
    const bomb = encodeContent(new Uint8Array(64 << 20), 'gzip');
    expect(bomb.length).toBeLessThan(100_000);
    let error: unknown;
    const d = createContentDecoder('gzip', { maxOutput: 1 << 20 }, () => {});
    try {
      d.push(bomb, false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MalformedError);
    // `value` is the output reached when the limit tripped: one inflate step past 1 MiB.
    expect((error as MalformedError).value).toBeLessThan(32 << 20);
  });

  it('reports corrupt and truncated streams as MalformedError, never anything else', () => {
    for (const e of ['deflate', 'zlib', 'gzip'] as const) {
      const good = encodeContent(text, e);
      expect(() => decodeContent(good.subarray(0, good.length >> 1), e)).toThrow(MalformedError);
      expect(() => decodeContent(good.subarray(0, good.length - 1), e)).toThrow(MalformedError);
      if (e !== 'deflate') {
        const flipped = good.slice();
        flipped[flipped.length - 1]! ^= 1;
        expect(() => decodeContent(flipped, e)).toThrow(MalformedError);
      }
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom<ContentEncoding>('deflate', 'zlib', 'gzip'), (junk, e) => {
        try {
          decodeContent(junk, e, 1 << 20);
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('verifies gzip headers with optional fields, written by node:zlib', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = new Uint8Array(gzipSync(text));
    expect(decodeContent(gz, 'gzip')).toEqual(text);
    // FEXTRA + FNAME + FCOMMENT + FHCRC, hand-built around a raw deflate body.
    const body = encodeContent(text, 'deflate');
    const gzipped = encodeContent(text, 'gzip');
    const trailer = gzipped.subarray(gzipped.length - 8);
    const header = Uint8Array.of(0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, 0x61, 0x62, 0, 0x63, 0, 0xaa, 0xbb);
    const full = Uint8Array.from([...header, ...body, ...trailer]);
    for (const chunk of [1, 5, 1000]) expect(decodeChunked(full, 'gzip', chunk)).toEqual(text);
  });

  it('maps labels and EXT_CENC values, refusing unknown ones', () => {
    expect(encodingFromLabel(undefined)).toBe('null');
    expect(encodingFromLabel('GZIP')).toBe('gzip');
    expect(encodingFromLabel('x-gzip')).toBe('gzip');
    expect(encodingFromLabel('br')).toBeUndefined();
    expect([0, 1, 2, 3, 4].map(encodingFromCenc)).toEqual(['null', 'zlib', 'deflate', 'gzip', undefined]);
  });
});

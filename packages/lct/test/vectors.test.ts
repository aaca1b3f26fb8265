// .bin fixtures: valid packets from an independent sender (GPAC) and hand-assembled ones decode to
// the manifest's values and re-encode to the same bytes; truncated and invalid ones throw the
// manifest's typed error naming the field.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedError, TruncatedError, decodeAlcPacket, encodeAlcPacket } from '@proto/lct';
import { toHex } from './helpers.js';

const dir = new URL('./vectors/', import.meta.url);
interface Manifest {
  valid: Record<string, { header: Record<string, unknown>; extensions: Record<string, unknown>[]; payloadId: object; payloadLength: number }>;
  invalid: Record<string, { error: 'TruncatedError' | 'MalformedError'; field: string }>;
}
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as Manifest;
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, dir)));

/** JSON view of a decoded value: bigints as decimal strings, bytes as hex. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? toHex(x) : x)));
}

describe('.bin fixtures', () => {
  it('covers every file in the folder', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
    expect(files).toEqual([...Object.keys(manifest.valid), ...Object.keys(manifest.invalid)].sort());
  });

  for (const [name, want] of Object.entries(manifest.valid)) {
    it(`${name} decodes to the manifest values and re-encodes byte for byte`, () => {
      const bytes = read(name);
      const p = decodeAlcPacket(bytes);
      const header = plain(p.header) as Record<string, unknown>;
      for (const [k, v] of Object.entries(want.header)) expect([k, header[k]]).toEqual([k, v]);
      expect(plain(p.header.extensions)).toEqual(want.extensions);
      expect(p.payloadId).toEqual(want.payloadId);
      expect(p.payload.length).toBe(want.payloadLength);
      expect(toHex(encodeAlcPacket(p))).toBe(toHex(bytes));
    });
  }

  for (const [name, want] of Object.entries(manifest.invalid)) {
    it(`${name} throws ${want.error} on ${want.field}`, () => {
      const bytes = read(name);
      let caught: unknown;
      try {
        decodeAlcPacket(bytes);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(want.error === 'TruncatedError' ? TruncatedError : MalformedError);
      const err = caught as TruncatedError | MalformedError;
      expect(err.name).toBe(want.error);
      expect(err.field).toBe(want.field);
      expect(err.offset).toBeGreaterThanOrEqual(0);
      expect(err.offset).toBeLessThan(Math.max(bytes.length, 1));
      if (err instanceof TruncatedError) {
        expect(err).toBeInstanceOf(RangeError);
        expect(err.available).toBeLessThan(err.needed);
      }
    });
  }
});

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Md5, md5, toHex } from '../src/md5.js';

const enc = new TextEncoder();

describe('MD5 (RFC 1321)', () => {
  it('matches the RFC 1321 §A.5 test suite', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, digest] of suite) expect(toHex(md5(enc.encode(input)))).toBe(digest);
  });

  it('matches node:crypto on every length around block and padding boundaries', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 31 + 7) & 255);
    for (let n = 0; n <= 300; n++) {
      expect(toHex(md5(data.subarray(0, n)))).toBe(createHash('md5').update(data.subarray(0, n)).digest('hex'));
    }
  });

  it('gives the same digest whatever the chunking, on unaligned views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40_000 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 3 }), (data, cuts, shift) => {
        const backing = new Uint8Array(data.length + shift);
        backing.set(data, shift);
        const view = backing.subarray(shift);
        const h = new Md5();
        let o = 0;
        for (let i = 0; o < view.length; i++) {
          const n = cuts[i % cuts.length]!;
          h.update(view.subarray(o, o + n));
          o += n;
        }
        expect(toHex(h.digest())).toBe(createHash('md5').update(data).digest('hex'));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses to be used after digest', () => {
    const h = new Md5().update(enc.encode('x'));
    h.digest();
    expect(() => h.update(enc.encode('y'))).toThrow(RangeError);
    expect(() => h.digest()).toThrow(RangeError);
  });

  it('reads the fixtures beside the GPAC capture', async () => {
    const { readFileSync } = await import('node:fs');
    const hello = readFileSync(new URL('../../../../shared/fixtures/flute/hello.txt', import.meta.url));
    const rand = readFileSync(new URL('../../../../shared/fixtures/flute/rand5k.bin', import.meta.url));
    expect(toHex(md5(hello))).toBe('0454967ac0b2657d16949b1a4a33a6cc');
    expect(toHex(md5(rand))).toBe('646485497d9f4d1a9a8aae27d21fc8f1');
  });
});

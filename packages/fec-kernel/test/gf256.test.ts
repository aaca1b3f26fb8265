import { describe, expect, it } from 'vitest';
import {
  GF256_EXP,
  GF256_LOG,
  gf256Div,
  gf256Inv,
  gf256Mul,
  gf256MulTable,
  gf256NibbleTables,
  gf256Pow,
} from '../src/gf256.js';

/** Carry-less multiplication reduced by 0x11D, bit by bit: independent of the tables under test. */
function slowMul(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) {
    if (b & (1 << i)) r ^= a << i;
  }
  for (let bit = 14; bit >= 8; bit--) if (r & (1 << bit)) r ^= 0x11d << (bit - 8);
  return r;
}

describe('GF(2^8) with polynomial 0x11D', () => {
  it('has α = 2 generating all 255 non-zero elements', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 255; i++) seen.add(GF256_EXP[i]!);
    expect(seen.size).toBe(255);
    expect(GF256_EXP[8]).toBe(0x1d);
    expect(GF256_EXP[255]).toBe(1);
    for (let a = 1; a < 256; a++) expect(GF256_EXP[GF256_LOG[a]!]).toBe(a);
  });

  it('multiplies like the bitwise reference for every pair, in gf256Mul and the product table', () => {
    const table = gf256MulTable();
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const want = slowMul(a, b);
        if (table[(a << 8) | b] !== want || gf256Mul(a, b) !== want) expect([a, b, gf256Mul(a, b), table[(a << 8) | b]]).toEqual([a, b, want, want]);
      }
    }
  });

  it('divides and inverts', () => {
    for (let a = 1; a < 256; a++) {
      expect(gf256Mul(a, gf256Inv(a))).toBe(1);
      for (const b of [1, 2, 0x53, 0xca, 255]) expect(gf256Mul(gf256Div(a, b), b)).toBe(a);
    }
    expect(gf256Div(0, 7)).toBe(0);
    expect(() => gf256Div(3, 0)).toThrow(RangeError);
    expect(() => gf256Inv(0)).toThrow(RangeError);
    expect(() => gf256Mul(256, 1)).toThrow(RangeError);
    expect(() => gf256Mul(1.5, 1)).toThrow(RangeError);
  });

  it('raises to powers', () => {
    expect(gf256Pow(0, 0)).toBe(1);
    expect(gf256Pow(0, 5)).toBe(0);
    expect(gf256Pow(2, 8)).toBe(0x1d);
    let p = 1;
    for (let e = 0; e < 600; e++) {
      expect(gf256Pow(0x35, e)).toBe(p);
      p = slowMul(p, 0x35);
    }
    expect(() => gf256Pow(2, -1)).toThrow(RangeError);
  });

  it('splits every product into two nibble look-ups', () => {
    for (let c = 0; c < 256; c++) {
      const t = gf256NibbleTables(c);
      for (let b = 0; b < 256; b++) expect(t[b & 15]! ^ t[16 + (b >> 4)]!).toBe(slowMul(c, b));
    }
  });
});

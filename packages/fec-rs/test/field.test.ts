import { GF256_EXP, GF256_LOG } from '@proto/fec-kernel';
import { describe, expect, it } from 'vitest';
import { createReedSolomon, evaluationPoint, galoisField, RFC5510_PRIMITIVE_POLYNOMIALS } from '../src/index.js';

describe('GF(2^m) of RFC 5510 §8.1', () => {
  it.each(Array.from({ length: 15 }, (_, i) => i + 2))('m = %i: the polynomial is primitive (α has order 2^m − 1)', (m) => {
    const f = galoisField(m);
    expect(f.poly).toBe(RFC5510_PRIMITIVE_POLYNOMIALS[m]);
    expect(f.poly >>> m).toBe(1);
    const seen = new Uint8Array(1 << m);
    let problems = 0;
    for (let i = 0; i < f.order; i++) {
      const x = f.exp[i]!;
      if (x === 0 || seen[x] !== 0 || f.log[x] !== i) problems++;
      seen[x] = 1;
    }
    expect(problems).toBe(0);
    expect(seen[0]).toBe(0);
    expect(f.exp[f.order]).toBe(1);
  });

  it('m = 8 shares the tables of @proto/fec-kernel', () => {
    expect(galoisField(8).exp).toBe(GF256_EXP);
    expect(galoisField(8).log).toBe(GF256_LOG);
  });

  it('places the evaluation points of both conventions', () => {
    const f = galoisField(8);
    expect([0, 1, 2, 3, 9].map((e) => evaluationPoint(f, 'rfc5510', e))).toEqual([0, 1, 2, 4, 0x1d]);
    expect([0, 1, 2, 3, 9].map((e) => evaluationPoint(f, 'backblaze', e))).toEqual([0, 1, 2, 3, 9]);
  });
});

describe('symbol layout', () => {
  // k = 2 with points 0 and 1: repair ESI 2 (point α) = (α + 1)·s0 + α·s1 = 3·s0 + 2·s1 element-wise.
  it('m = 16: one big-endian element per two bytes', () => {
    // 3·0x8000 = α^16 + α^15 = 0x100B ^ 0x8000 with x^16 = x^12 + x^3 + x + 1.
    const rs = createReedSolomon({ m: 16, k: 2, n: 3 });
    expect(rs.encode([Uint8Array.of(0x00, 0x01, 0x80, 0x00), new Uint8Array(4)])[0]).toEqual(Uint8Array.of(0x00, 0x03, 0x90, 0x0b));
  });

  it('m = 5: a big-endian bit string of 5-bit elements', () => {
    // First element of s0 is 1 (bits 0..4), last element of s1 is 1 (bits 35..39).
    const rs = createReedSolomon({ m: 5, k: 2, n: 3 });
    expect(rs.encode([Uint8Array.of(0x08, 0, 0, 0, 0), Uint8Array.of(0, 0, 0, 0, 0x01)])[0]).toEqual(Uint8Array.of(0x18, 0, 0, 0, 0x02));
  });

  it('m = 4 and m = 2: every element of a byte is coded alike', () => {
    // Repair = 3·s0 + 2·s1 per element: high nibble 3·1 ^ 2·1 = 1, low nibble 3·1 ^ 2·0 = 3.
    const rs4 = createReedSolomon({ m: 4, k: 2, n: 3 });
    expect(rs4.encode([Uint8Array.of(0x11), Uint8Array.of(0x10)])[0]).toEqual(Uint8Array.of(0x13));
    const rs2 = createReedSolomon({ m: 2, k: 2, n: 3 });
    // GF(4): α + 1 = 3, α = 2; 3·1 ^ 2·1 = 1 in every 2-bit lane.
    expect(rs2.encode([Uint8Array.of(0x55), Uint8Array.of(0x55)])[0]).toEqual(Uint8Array.of(0x55));
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GF256_EXP as OCT_EXP, GF256_LOG as OCT_LOG, gf256Inv, gf256Mul } from '@proto/fec-kernel';
import { isPrime } from '../src/core/primes.js';
import { raptorqDeg, raptorqParams, raptorqRand } from '../src/raptorq/params.js';
import { TABLE2, V_TABLES } from '../src/raptorq/tables.js';

describe('RFC 6330 tables', () => {
  it('Table 2 (§5.6) has 477 rows from K\' = 10 to 56403 and the digest computed from the RFC text', () => {
    expect(TABLE2.length).toBe(477 * 5);
    expect(Array.from(TABLE2.subarray(0, 5))).toEqual([10, 254, 7, 10, 17]);
    expect(Array.from(TABLE2.subarray(476 * 5))).toEqual([56403, 471, 907, 16, 56951]);
    const bytes = new Uint8Array(TABLE2.length * 4);
    const view = new DataView(bytes.buffer);
    TABLE2.forEach((v, i) => view.setUint32(i * 4, v));
    // SHA-256 of the rows as 5 big-endian u32 each, as published alongside a parse of rfc6330.txt.
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('9d3657cf3255cf51f9a93b762a37fbe740598e3b14259acc5641abedcd0da7d6');
    for (let r = 0; r < 477; r++) {
      expect(isPrime(TABLE2[r * 5 + 2]!)).toBe(true);
      expect(isPrime(TABLE2[r * 5 + 4]!)).toBe(true);
      if (r > 0) expect(TABLE2[r * 5]!).toBeGreaterThan(TABLE2[(r - 1) * 5]!);
    }
  });

  it('V0..V3 (§5.5) match first, last, sum and XOR of the RFC text', () => {
    const want = [
      [251291136, 1358307511, 331395769, 2200914733],
      [807385413, 4135048896, 3270332586, 3069643552],
      [1629829892, 3497665928, 1176160967, 620986173],
      [1191369816, 3432275192, 3374522247, 1772968547],
    ];
    for (let t = 0; t < 4; t++) {
      const v = V_TABLES.subarray(t * 256, t * 256 + 256);
      let sum = 0;
      let xor = 0;
      for (const x of v) {
        sum = (sum + x) >>> 0;
        xor = (xor ^ x) >>> 0;
      }
      expect([v[0], v[255], sum, xor]).toEqual(want[t]);
    }
  });

  it('Deg (§5.3.5.2) follows Table 1 and is capped at W - 2', () => {
    expect(raptorqDeg(0, 1000)).toBe(1);
    expect(raptorqDeg(5242, 1000)).toBe(1);
    expect(raptorqDeg(5243, 1000)).toBe(2);
    expect(raptorqDeg(529531, 1000)).toBe(3);
    expect(raptorqDeg(1017661, 1000)).toBe(29);
    expect(raptorqDeg(1017662, 1000)).toBe(30);
    expect(raptorqDeg(1048575, 1000)).toBe(30);
    expect(raptorqDeg(1048575, 17)).toBe(15);
  });

  it('Rand (§5.3.5.1) indexes each V table by one byte of y plus i', () => {
    expect(raptorqRand(0, 0, 2 ** 31)).toBe(((V_TABLES[0]! ^ V_TABLES[256]! ^ V_TABLES[512]! ^ V_TABLES[768]!) >>> 0) % 2 ** 31);
    const y = 0x04030201;
    expect(raptorqRand(y, 5, 1000)).toBe(((V_TABLES[6]! ^ V_TABLES[256 + 7]! ^ V_TABLES[512 + 8]! ^ V_TABLES[768 + 9]!) >>> 0) % 1000);
    expect(raptorqRand(0xffffffff, 1, 7)).toBe(((V_TABLES[0]! ^ V_TABLES[256]! ^ V_TABLES[512]! ^ V_TABLES[768]!) >>> 0) % 7);
  });

  it('derives L, P, P1 and B from Table 2 (§5.3.3.3)', () => {
    const p = raptorqParams(8);
    expect(p).toEqual({ kPrime: 10, J: 254, S: 7, H: 10, W: 17, L: 27, P: 10, P1: 11, B: 10 });
    expect(raptorqParams(56403).P1).toBe(379);
    expect(() => raptorqParams(56404)).toThrow(RangeError);
    expect(() => raptorqParams(0)).toThrow(RangeError);
  });

  // The field is @proto/fec-kernel's (whose tests multiply every pair against a bitwise reference):
  // here, that it is RFC 6330's, entry for entry where the RFC lists OCT_EXP and OCT_LOG.
  it('OCT_EXP and OCT_LOG (§5.7) are the field of x^8 + x^4 + x^3 + x^2 + 1', () => {
    expect(OCT_EXP[0]).toBe(1);
    expect(OCT_EXP[8]).toBe(29);
    expect(OCT_EXP[509]).toBe(142);
    expect(OCT_LOG[2]).toBe(1);
    expect(OCT_LOG[255]).toBe(175);
    for (let a = 1; a < 256; a++) {
      expect(gf256Mul(a, gf256Inv(a))).toBe(1);
      expect(OCT_EXP[OCT_LOG[a]!]).toBe(a);
      expect(OCT_EXP[OCT_LOG[a]! + 255]).toBe(a);
    }
  });
});

import { GF256_EXP, GF256_LOG } from '@proto/fec-kernel';

/**
 * The primitive polynomials of RFC 5510 §8.1, indexed by m (2..16), with the x^m term. They are the
 * ones of Rizzo's fec.c, so OpenFEC and every RFC 5510 implementation build the same fields.
 */
export const RFC5510_PRIMITIVE_POLYNOMIALS: readonly number[] = [
  0, 0,
  0x7, // m = 2:  1 + x + x^2
  0xb, // m = 3:  1 + x + x^3
  0x13, // m = 4:  1 + x + x^4
  0x25, // m = 5:  1 + x^2 + x^5
  0x43, // m = 6:  1 + x + x^6
  0x89, // m = 7:  1 + x^3 + x^7
  0x11d, // m = 8:  1 + x^2 + x^3 + x^4 + x^8
  0x211, // m = 9:  1 + x^4 + x^9
  0x409, // m = 10: 1 + x^3 + x^10
  0x805, // m = 11: 1 + x^2 + x^11
  0x1053, // m = 12: 1 + x + x^4 + x^6 + x^12
  0x201b, // m = 13: 1 + x + x^3 + x^4 + x^13
  0x4443, // m = 14: 1 + x + x^6 + x^10 + x^14
  0x8003, // m = 15: 1 + x + x^15
  0x1100b, // m = 16: 1 + x + x^3 + x^12 + x^16
];

/** GF(2^m) as log/exp tables; α = x is the generator. Tables are shared and read-only. */
export interface GaloisField {
  readonly m: number;
  /** 2^m − 1, the order of α. */
  readonly order: number;
  readonly poly: number;
  /** exp[i] = α^i for 0 ≤ i < 2·order − 1 (two periods: no modulo after adding two logs). */
  readonly exp: Uint8Array | Uint16Array;
  /** log[a] for a ≠ 0; log[0] is meaningless. */
  readonly log: Uint8Array | Uint16Array;
}

const fields = new Map<number, GaloisField>();

/** The field GF(2^m) of RFC 5510 §8.1, m in 2..16. For m = 8 the tables are @proto/fec-kernel's. */
export function galoisField(m: number): GaloisField {
  if (!Number.isInteger(m) || m < 2 || m > 16) throw new RangeError(`m must be an integer 2..16, got ${m}`);
  let f = fields.get(m);
  if (f !== undefined) return f;
  const poly = RFC5510_PRIMITIVE_POLYNOMIALS[m]!;
  const order = (1 << m) - 1;
  if (m === 8) {
    f = { m, order, poly, exp: GF256_EXP, log: GF256_LOG };
  } else {
    const exp = new Uint16Array(2 * order);
    const log = new Uint16Array(order + 1);
    let x = 1;
    for (let i = 0; i < order; i++) {
      exp[i] = x;
      log[x] = i;
      x <<= 1;
      if (x & (1 << m)) x ^= poly;
    }
    for (let i = order; i < 2 * order; i++) exp[i] = exp[i - order]!;
    f = { m, order, poly, exp, log };
  }
  fields.set(m, f);
  return f;
}

/**
 * Arithmetic in GF(2^8) with the reduction polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and the
 * generator alpha = 2: the octet field of RFC 6330 §5.7. Addition is XOR.
 */

/** OCT_EXP (RFC 6330 §5.7.3): alpha^i for i in 0..509, doubled so that exp[log a + log b] needs no modulo. */
export const OCT_EXP: Uint8Array = new Uint8Array(510);
/** OCT_LOG (RFC 6330 §5.7.4): log_alpha(v) for v in 1..255; entry 0 is unused. */
export const OCT_LOG: Uint8Array = new Uint8Array(256);

{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    OCT_EXP[i] = x;
    OCT_EXP[i + 255] = x;
    OCT_LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
}

/** a * b in GF(256). */
export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return OCT_EXP[OCT_LOG[a]! + OCT_LOG[b]!]!;
}

/** a / b in GF(256); b must not be 0. */
export function gfDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero in GF(256)');
  if (a === 0) return 0;
  return OCT_EXP[OCT_LOG[a]! - OCT_LOG[b]! + 255]!;
}

let mulTable: Uint8Array | undefined;

/** The full 256 x 256 product table: `table[(c << 8) | x] = c * x`. Built on first use (64 KiB). */
export function gfMulTable(): Uint8Array {
  if (mulTable === undefined) {
    const t = new Uint8Array(65536);
    for (let c = 1; c < 256; c++) {
      const lc = OCT_LOG[c]!;
      for (let x = 1; x < 256; x++) t[(c << 8) | x] = OCT_EXP[lc + OCT_LOG[x]!]!;
    }
    mulTable = t;
  }
  return mulTable;
}

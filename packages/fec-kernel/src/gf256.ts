/**
 * GF(2^8) with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field of RFC 5510 §8.1
 * (m = 8) and of RFC 6330 §5.7. The generator α is 2 (the polynomial x).
 *
 * Elements are bytes; addition is XOR. Every table here is read-only by contract: it is shared by
 * every codec in the process.
 */

/** The primitive polynomial x^8 + x^4 + x^3 + x^2 + 1, RFC 5510 §8.1 and RFC 6330 §5.7.1. */
export const GF256_POLY = 0x11d;

/** Order of the multiplicative group: α^255 = 1. */
export const GF256_ORDER = 255;

function buildTables(): { exp: Uint8Array; log: Uint8Array } {
  const exp = new Uint8Array(512);
  const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < GF256_ORDER; i++) {
    exp[i] = x;
    log[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= GF256_POLY;
  }
  // A second period (and one spare byte) so that exp[log[a] + log[b]] needs no modulo.
  for (let i = GF256_ORDER; i < 512; i++) exp[i] = exp[i - GF256_ORDER]!;
  return { exp, log };
}

const tables = buildTables();

/**
 * `GF256_EXP[i]` = α^i for 0 ≤ i < 510 (two periods, so `GF256_EXP[GF256_LOG[a] + GF256_LOG[b]]`
 * is the product of non-zero a and b without a modulo). Treat as read-only.
 */
export const GF256_EXP: Uint8Array = tables.exp;

/** `GF256_LOG[a]` = i such that α^i = a, for a ≠ 0. `GF256_LOG[0]` is 0 and meaningless. Read-only. */
export const GF256_LOG: Uint8Array = tables.log;

function checkElement(name: string, a: number): void {
  if (!Number.isInteger(a) || a < 0 || a > 255) throw new RangeError(`${name} must be a GF(2^8) element 0..255, got ${a}`);
}

/** Product a·b in GF(2^8). */
export function gf256Mul(a: number, b: number): number {
  checkElement('a', a);
  checkElement('b', b);
  if (a === 0 || b === 0) return 0;
  return GF256_EXP[GF256_LOG[a]! + GF256_LOG[b]!]!;
}

/** Quotient a/b in GF(2^8); throws RangeError when b = 0. */
export function gf256Div(a: number, b: number): number {
  checkElement('a', a);
  checkElement('b', b);
  if (b === 0) throw new RangeError('division by zero in GF(2^8)');
  if (a === 0) return 0;
  return GF256_EXP[GF256_LOG[a]! + GF256_ORDER - GF256_LOG[b]!]!;
}

/** Multiplicative inverse 1/a in GF(2^8); throws RangeError when a = 0. */
export function gf256Inv(a: number): number {
  return gf256Div(1, a);
}

/** a^e in GF(2^8) for an integer e ≥ 0 (0^0 = 1). */
export function gf256Pow(a: number, e: number): number {
  checkElement('a', a);
  if (!Number.isInteger(e) || e < 0) throw new RangeError(`exponent must be an integer ≥ 0, got ${e}`);
  if (e === 0) return 1;
  if (a === 0) return 0;
  return GF256_EXP[(GF256_LOG[a]! * e) % GF256_ORDER]!;
}

let mulTable: Uint8Array | undefined;

/**
 * The full 64 KiB product table: `table[(c << 8) | x]` = c·x. Built on first use and shared; treat as
 * read-only. `table.subarray(c << 8, (c + 1) << 8)` is the 256-byte "multiply by c" map.
 */
export function gf256MulTable(): Uint8Array {
  if (mulTable !== undefined) return mulTable;
  const t = new Uint8Array(65536);
  for (let c = 1; c < 256; c++) {
    const lc = GF256_LOG[c]!;
    const row = c << 8;
    for (let x = 1; x < 256; x++) t[row | x] = GF256_EXP[lc + GF256_LOG[x]!]!;
  }
  mulTable = t;
  return t;
}

/**
 * The 32-byte nibble tables of the SIMD kernels for the constant c: bytes 0..15 hold c·x and bytes
 * 16..31 hold c·(x << 4) for x = 0..15, so that c·b = low[b & 15] ^ high[b >> 4] for every byte b.
 */
export function gf256NibbleTables(c: number): Uint8Array {
  checkElement('c', c);
  const t = new Uint8Array(32);
  for (let x = 0; x < 16; x++) {
    t[x] = gf256Mul(c, x);
    t[16 + x] = gf256Mul(c, x << 4);
  }
  return t;
}

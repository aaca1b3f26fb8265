/** Big-endian field access on Uint8Array with shifts (no DataView per packet). Internal. */

export function readU16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function readU24(b: Uint8Array, o: number): number {
  return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
}

export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** 40-bit unsigned as a number (exact). */
export function readU40(b: Uint8Array, o: number): number {
  return b[o]! * 0x100000000 + readU32(b, o + 1);
}

/** 48-bit unsigned as a number (exact). */
export function readU48(b: Uint8Array, o: number): number {
  return readU16(b, o) * 0x100000000 + readU32(b, o + 2);
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

export function writeU24(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 16;
  b[o + 1] = v >>> 8;
  b[o + 2] = v;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** Writes an integer below 2^40. */
export function writeU40(b: Uint8Array, o: number, v: number): void {
  b[o] = Math.floor(v / 0x100000000);
  writeU32(b, o + 1, v >>> 0);
}

/** Writes an integer below 2^48. */
export function writeU48(b: Uint8Array, o: number, v: number): void {
  writeU16(b, o, Math.floor(v / 0x100000000));
  writeU32(b, o + 2, v >>> 0);
}

/** Writes an integer below 2^(8*n), n in {2, 4, 6}. */
export function writeShortUint(b: Uint8Array, o: number, n: number, v: number): void {
  if (n === 2) writeU16(b, o, v);
  else if (n === 4) writeU32(b, o, v);
  else writeU48(b, o, v);
}

/** Reads n bytes (n ≤ 16) big-endian as a bigint. */
export function readBigUint(b: Uint8Array, o: number, n: number): bigint {
  let v = 0n;
  let i = 0;
  // Whole 32-bit words first, then the remaining 16 bits (LCT fields are multiples of 16 bits).
  for (; i + 4 <= n; i += 4) v = (v << 32n) | BigInt(readU32(b, o + i));
  for (; i < n; i++) v = (v << 8n) | BigInt(b[o + i]!);
  return v;
}

/** Writes a bigint below 2^(8*n) as n big-endian bytes. */
export function writeBigUint(b: Uint8Array, o: number, n: number, v: bigint): void {
  for (let i = n - 1; i >= 0; i--) {
    b[o + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

const LIMITS: readonly number[] = Array.from({ length: 54 }, (_, i) => 2 ** i);

/** Whether `v` is an integer in [0, 2^bits), bits ≤ 53. */
export function isUint(v: unknown, bits: number): v is number {
  return typeof v === 'number' && v >= 0 && v < LIMITS[bits]! && Math.floor(v) === v;
}

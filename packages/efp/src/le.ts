// Byte helpers for the hot paths: little-endian reads and writes for the short fixed EFP headers (the
// reference copies host-order C structs, and every deployed host is little-endian), and views.
// Callers check lengths first.

/** `b.subarray(start, end)` without the species lookup (noticeably cheaper per packet). */
export function view(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + start, end - start);
}

export function readU16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function readU32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export function readU64(b: Uint8Array, o: number): bigint {
  return BigInt(readU32(b, o)) | (BigInt(readU32(b, o + 4)) << 32n);
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

export function writeU64(b: Uint8Array, o: number, v: bigint): void {
  writeU32(b, o, Number(v & 0xffff_ffffn));
  writeU32(b, o + 4, Number(v >> 32n));
}

/** CRC-32 (ISO 3309, as in gzip RFC 1952 §8) and Adler-32 (RFC 1950 §9), incremental. */

const CRC_TABLE = new Int32Array(256 * 4);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}
// Slicing-by-4 tables.
for (let n = 0; n < 256; n++) {
  let c = CRC_TABLE[n]!;
  for (let t = 1; t < 4; t++) {
    c = CRC_TABLE[c & 0xff]! ^ (c >>> 8);
    CRC_TABLE[t * 256 + n] = c;
  }
}

/** Continues a CRC-32 (start with 0) over `data`. */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const n = data.length;
  const t = CRC_TABLE;
  for (; i + 4 <= n; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Continues an Adler-32 (start with 1) over `data`. */
export function adler32(data: Uint8Array, adler = 1): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  let i = 0;
  while (i < data.length) {
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * MD5 (RFC 1321), incremental, in plain TypeScript (browser-safe: no node:crypto). FLUTE carries it
 * as Content-MD5 (RFC 6726 §3.4.2, base64 of the digest of the content before content encoding).
 * Not a security primitive here: an integrity check against transmission and decoding errors.
 */

const SCRATCH = 16384;
const BIG_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 0;

/** An incremental MD5 hash: `update` any number of times, then `digest` once. */
export class Md5 {
  #a = 0x67452301;
  #b = 0xefcdab89 | 0;
  #c = 0x98badcfe | 0;
  #d = 0x10325476;
  #words = new Int32Array(SCRATCH / 4);
  #bytes = new Uint8Array(this.#words.buffer);
  #view = new DataView(this.#words.buffer);
  #fill = 0;
  #length = 0;
  #done = false;

  /** Adds bytes to the hash. */
  update(data: Uint8Array): this {
    if (this.#done) throw new RangeError('Md5.update after digest');
    this.#length += data.length;
    let i = 0;
    const n = data.length;
    if (this.#fill > 0) {
      const take = Math.min(64 - this.#fill, n);
      this.#bytes.set(data.subarray(0, take), this.#fill);
      this.#fill += take;
      i = take;
      if (this.#fill < 64) return this;
      this.#blocks(64);
      this.#fill = 0;
    }
    // Whole blocks go through an aligned scratch buffer read as little-endian 32-bit words.
    while (n - i >= 64) {
      const len = Math.min(SCRATCH, (n - i) & ~63);
      this.#bytes.set(data.subarray(i, i + len), 0);
      this.#blocks(len);
      i += len;
    }
    if (i < n) {
      this.#bytes.set(data.subarray(i), 0);
      this.#fill = n - i;
    }
    return this;
  }

  /** Compresses the first `len` bytes (a multiple of 64) of the scratch buffer. */
  #blocks(len: number): void {
    const w = this.#words;
    if (BIG_ENDIAN) {
      for (let j = 0; j < len >> 2; j++) w[j] = this.#view.getInt32(j * 4, true);
    }
    for (let o = 0; o < len >> 2; o += 16) this.#compress(w, o);
  }

  /** The 16-byte digest. The hash cannot be updated afterwards. */
  digest(): Uint8Array {
    if (this.#done) throw new RangeError('Md5.digest called twice');
    const bits = this.#length * 8;
    const pad = new Uint8Array(this.#fill < 56 ? 64 - this.#fill : 128 - this.#fill);
    pad[0] = 0x80;
    const lo = bits >>> 0;
    const hi = Math.floor(bits / 2 ** 32) >>> 0;
    const p = pad.length - 8;
    pad[p] = lo & 0xff;
    pad[p + 1] = (lo >>> 8) & 0xff;
    pad[p + 2] = (lo >>> 16) & 0xff;
    pad[p + 3] = lo >>> 24;
    pad[p + 4] = hi & 0xff;
    pad[p + 5] = (hi >>> 8) & 0xff;
    pad[p + 6] = (hi >>> 16) & 0xff;
    pad[p + 7] = hi >>> 24;
    const length = this.#length;
    this.update(pad);
    this.#length = length;
    this.#done = true;
    const out = new Uint8Array(16);
    [this.#a, this.#b, this.#c, this.#d].forEach((w, j) => {
      out[j * 4] = w & 0xff;
      out[j * 4 + 1] = (w >>> 8) & 0xff;
      out[j * 4 + 2] = (w >>> 16) & 0xff;
      out[j * 4 + 3] = (w >>> 24) & 0xff;
    });
    return out;
  }

  // Unrolled RFC 1321 §3.4 rounds: about four times faster than the table-driven loop.
  #compress(w: Int32Array, o: number): void {
    const x0 = w[o]!;
    const x1 = w[o + 1]!;
    const x2 = w[o + 2]!;
    const x3 = w[o + 3]!;
    const x4 = w[o + 4]!;
    const x5 = w[o + 5]!;
    const x6 = w[o + 6]!;
    const x7 = w[o + 7]!;
    const x8 = w[o + 8]!;
    const x9 = w[o + 9]!;
    const x10 = w[o + 10]!;
    const x11 = w[o + 11]!;
    const x12 = w[o + 12]!;
    const x13 = w[o + 13]!;
    const x14 = w[o + 14]!;
    const x15 = w[o + 15]!;
    let a = this.#a;
    let b = this.#b;
    let c = this.#c;
    let d = this.#d;
    let t: number;
    t = (a + ((b & c) | (~b & d)) + -680876936 + x0) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + -389564586 + x1) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + 606105819 + x2) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + -1044525330 + x3) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + -176418897 + x4) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + 1200080426 + x5) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + -1473231341 + x6) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + -45705983 + x7) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + 1770035416 + x8) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + -1958414417 + x9) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + -42063 + x10) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + -1990404162 + x11) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + 1804603682 + x12) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + -40341101 + x13) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + -1502002290 + x14) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + 1236535329 + x15) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((d & b) | (~d & c)) + -165796510 + x1) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((c & a) | (~c & b)) + -1069501632 + x6) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((b & d) | (~b & a)) + 643717713 + x11) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((a & c) | (~a & d)) + -373897302 + x0) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((d & b) | (~d & c)) + -701558691 + x5) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((c & a) | (~c & b)) + 38016083 + x10) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((b & d) | (~b & a)) + -660478335 + x15) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((a & c) | (~a & d)) + -405537848 + x4) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((d & b) | (~d & c)) + 568446438 + x9) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((c & a) | (~c & b)) + -1019803690 + x14) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((b & d) | (~b & a)) + -187363961 + x3) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((a & c) | (~a & d)) + 1163531501 + x8) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((d & b) | (~d & c)) + -1444681467 + x13) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((c & a) | (~c & b)) + -51403784 + x2) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((b & d) | (~b & a)) + 1735328473 + x7) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((a & c) | (~a & d)) + -1926607734 + x12) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + (b ^ c ^ d) + -378558 + x5) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + -2022574463 + x8) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + 1839030562 + x11) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + -35309556 + x14) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + -1530992060 + x1) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + 1272893353 + x4) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + -155497632 + x7) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + -1094730640 + x10) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + 681279174 + x13) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + -358537222 + x0) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + -722521979 + x3) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + 76029189 + x6) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + -640364487 + x9) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + -421815835 + x12) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + 530742520 + x15) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + -995338651 + x2) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (c ^ (b | ~d)) + -198630844 + x0) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + 1126891415 + x7) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + -1416354905 + x14) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + -57434055 + x5) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + 1700485571 + x12) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + -1894986606 + x3) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + -1051523 + x10) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + -2054922799 + x1) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + 1873313359 + x8) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + -30611744 + x15) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + -1560198380 + x6) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + 1309151649 + x13) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + -145523070 + x4) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + -1120210379 + x11) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + 718787259 + x2) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + -343485551 + x9) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;

    this.#a = (this.#a + a) | 0;
    this.#b = (this.#b + b) | 0;
    this.#c = (this.#c + c) | 0;
    this.#d = (this.#d + d) | 0;
  }
}

/** A hash being computed: `update` any number of times, then `digest` once. */
export interface IncrementalHash {
  update(data: Uint8Array): unknown;
  /** The digest (16 bytes for MD5). */
  digest(): Uint8Array;
}

/**
 * Makes a fresh MD5 hash per object, for the receiver's Content-MD5 check (`FluteReceiverOptions.md5`).
 * The default, {@link tsMd5}, runs anywhere; `nodeMd5()` from `@proto/flute/node` uses node:crypto
 * (OpenSSL), several times faster.
 */
export type Md5Hasher = () => IncrementalHash;

/** The TypeScript {@link Md5} as an {@link Md5Hasher} (browser-safe; the receiver's default). */
export const tsMd5: Md5Hasher = () => new Md5();

/** MD5 digest of `data` (16 bytes). */
export function md5(data: Uint8Array): Uint8Array {
  return new Md5().update(data).digest();
}

/** Lower-case hex of bytes (for logs and tests). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

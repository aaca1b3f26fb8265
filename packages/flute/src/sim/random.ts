/** A small seeded PRNG (xorshift128+ on 32-bit halves is overkill here: mulberry32) for reproducible simulations. */
export class Random {
  #s: number;
  constructor(seed = 0x9e3779b9) {
    this.#s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Fills `out` with pseudo-random bytes. */
  fill(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i++) out[i] = (this.next() * 256) | 0;
    return out;
  }
}

/**
 * Fast deterministic filler: xorshift32 (13, 17, 5) words from `seed`, little-endian, the generator
 * the shared interop vectors use, one 32-bit word at a time. Returns the next seed.
 */
export function xorshiftFill(out: Uint8Array, seed = 0x9e3779b9): number {
  let x = seed >>> 0 || 1;
  const words = Math.floor(out.length / 4);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    view.setUint32(i * 4, x >>> 0, true);
  }
  for (let i = words * 4; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return x >>> 0;
}

/** `size` deterministic pseudo-random bytes as chunks of `chunk` bytes, generated lazily (a stream source). */
export async function* pseudoRandomChunks(size: number, chunk = 1 << 20, seed = 0x9e3779b9): AsyncGenerator<Uint8Array> {
  let x = seed;
  for (let o = 0; o < size; o += chunk) {
    const c = new Uint8Array(Math.min(chunk, size - o));
    x = xorshiftFill(c, x);
    yield c;
  }
}

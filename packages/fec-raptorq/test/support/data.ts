/**
 * The source data of ../shared/vectors: xorshift32 from seed 0x9E3779B9, one byte per step
 * (`x ^= x << 13; x ^= x >>> 17; x ^= x << 5; byte = x & 0xff`).
 */
export function xorshiftBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A small deterministic PRNG for loss patterns and trial selection: uniform in [0, 1). */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** True if both arrays hold the same bytes (fast on large arrays, unlike comparing hex strings). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  const n = a.length;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const x = new Uint32Array(a.buffer, a.byteOffset, n >>> 2);
    const y = new Uint32Array(b.buffer, b.byteOffset, n >>> 2);
    for (let w = 0; w < x.length; w++) if (x[w] !== y[w]) return false;
    i = x.length * 4;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

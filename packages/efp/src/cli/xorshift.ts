/** Fills `out` with xorshift32 bytes (x ^= x << 13; x ^= x >>> 17; x ^= x << 5; byte = x & 0xff), as the shared vectors do. */
export function xorshiftFill(out: Uint8Array, seed: number): void {
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
}

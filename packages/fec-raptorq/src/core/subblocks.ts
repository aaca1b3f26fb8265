import { partSize, partStart, type Partition } from './partition.js';

/**
 * Sub-blocking (RFC 6330 §4.4.1.2, RFC 5053 §5.3.1.2): a source block of K symbols of T bytes is
 * split into N contiguous sub-blocks of K sub-symbols each (sub-block n has sub-symbols of
 * `size(n) * Al` bytes); encoding symbol i is the concatenation of sub-symbol i of every sub-block.
 * Because every sub-block uses the same code, coding the concatenated symbols is the same as coding
 * each sub-block: only this byte permutation differs from the unblocked case.
 */
export class SubBlocking {
  constructor(
    private readonly sub: Partition,
    private readonly alignment: number,
  ) {}

  /** True when there is a single sub-block (the permutation is the identity). */
  get trivial(): boolean {
    return this.sub.largeCount + this.sub.smallCount === 1;
  }

  /**
   * Writes the K encoding-order symbols of `block` (K * T bytes of source data, short at the end
   * means zero padding) into `out` (K * T bytes).
   */
  interleave(block: Uint8Array, K: number, T: number, out: Uint8Array): void {
    const N = this.sub.largeCount + this.sub.smallCount;
    const Al = this.alignment;
    for (let n = 0, symOffset = 0; n < N; n++) {
      const size = partSize(this.sub, n) * Al;
      const chunk = K * partStart(this.sub, n) * Al;
      for (let i = 0; i < K; i++) {
        const from = chunk + i * size;
        const to = i * T + symOffset;
        const end = Math.min(from + size, block.length);
        if (end > from) out.set(block.subarray(from, end), to);
        if (end - from < size) out.fill(0, to + Math.max(0, end - from), to + size);
      }
      symOffset += size;
    }
  }

  /** The inverse of `interleave`: symbols in encoding order back to the source block's bytes. */
  deinterleave(symbols: Uint8Array, K: number, T: number, out: Uint8Array): void {
    const N = this.sub.largeCount + this.sub.smallCount;
    const Al = this.alignment;
    for (let n = 0, symOffset = 0; n < N; n++) {
      const size = partSize(this.sub, n) * Al;
      const chunk = K * partStart(this.sub, n) * Al;
      for (let i = 0; i < K; i++) {
        const to = chunk + i * size;
        if (to >= out.length) break;
        const from = i * T + symOffset;
        out.set(symbols.subarray(from, from + Math.min(size, out.length - to)), to);
      }
      symOffset += size;
    }
  }
}

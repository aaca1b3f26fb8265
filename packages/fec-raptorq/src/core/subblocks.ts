import { partSize, partStart, type Partition } from './partition.js';

/** A source block given symbol by symbol, in encoding order. */
export interface SourceBlock {
  /** K: number of source symbols. */
  readonly sourceSymbols: number;
  /** Writes source symbol `esi` (T bytes, zero padded past the object's end) into `out` at `offset`. */
  readSymbol(esi: number, out: Uint8Array, offset: number): void;
}

/** Receives the source symbols of a block, in encoding order. */
export interface SourceBlockSink {
  /** Takes source symbol `esi` (T bytes; the view is only valid during the call). */
  writeSymbol(esi: number, symbol: Uint8Array): void;
}

/**
 * Sub-blocking (RFC 6330 §4.4.1.2, RFC 5053 §5.3.1.2): a source block of K symbols of T bytes is
 * split into N contiguous sub-blocks of K sub-symbols each (sub-block n has sub-symbols of
 * `size(n) * Al` bytes); encoding symbol i is the concatenation of sub-symbol i of every sub-block.
 * Because every sub-block uses the same code, coding the concatenated symbols is the same as coding
 * each sub-block: only this byte permutation differs from the unblocked case. Blocks here are the
 * object's bytes of one source block, shorter than K * T at the object's end (zero padding).
 */
export class SubBlocking {
  private readonly sizes: Int32Array;
  private readonly starts: Int32Array;

  constructor(sub: Partition, alignment: number) {
    const N = sub.largeCount + sub.smallCount;
    this.sizes = Int32Array.from({ length: N }, (_, n) => partSize(sub, n) * alignment);
    this.starts = Int32Array.from({ length: N }, (_, n) => partStart(sub, n) * alignment);
  }

  /** True when there is a single sub-block (the permutation is the identity). */
  get trivial(): boolean {
    return this.sizes.length === 1;
  }

  /** Writes encoding symbol `i` of a block of K symbols (gathered from its sub-blocks) into `out`. */
  gather(block: Uint8Array, K: number, i: number, out: Uint8Array, offset: number): void {
    for (let n = 0, at = offset; n < this.sizes.length; n++) {
      const size = this.sizes[n]!;
      const from = K * this.starts[n]! + i * size;
      const end = Math.min(from + size, block.length);
      if (end > from) out.set(block.subarray(from, end), at);
      if (end - from < size) out.fill(0, at + Math.max(0, end - from), at + size);
      at += size;
    }
  }

  /** Scatters encoding symbol `i` of a block of K symbols into the block's sub-blocks. */
  scatter(block: Uint8Array, K: number, i: number, symbol: Uint8Array): void {
    for (let n = 0, at = 0; n < this.sizes.length; n++) {
      const size = this.sizes[n]!;
      const to = K * this.starts[n]! + i * size;
      const count = Math.min(size, block.length - to);
      if (count > 0) block.set(symbol.subarray(at, at + count), to);
      at += size;
    }
  }

  /** The block as a SourceBlock in encoding order. */
  source(block: Uint8Array, K: number): SourceBlock {
    return { sourceSymbols: K, readSymbol: (esi, out, offset) => this.gather(block, K, esi, out, offset) };
  }

  /** A sink writing encoding-order symbols into the block's sub-blocks. */
  sink(block: Uint8Array, K: number): SourceBlockSink {
    return { writeSymbol: (esi, symbol) => this.scatter(block, K, esi, symbol) };
  }
}

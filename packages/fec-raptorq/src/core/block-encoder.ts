import type { FountainCode } from './code.js';
import type { KernelChoice } from './kernel.js';
import { encodingPlan } from './plan.js';
import { SymbolSlab } from './slab.js';
import type { SourceBlock } from './subblocks.js';

/** Options of the block-level coders. */
export interface BlockCoderOptions {
  /**
   * Symbol kernel: `'wasm-simd'` (@proto/fec-kernel's WebAssembly SIMD kernel), `'ts'` (its
   * TypeScript fallback) or `'auto'` (default: the first where the runtime supports it). Both give
   * the same bytes.
   */
  readonly kernel?: KernelChoice;
}

/**
 * Encoder of one source block of a systematic fountain code: ESIs below K are the source symbols
 * themselves; repair symbols (ESI >= K) are LT rows of ISI = ESI + K' - K. The intermediate
 * symbols are computed on the first repair request, by replaying the code's cached plan.
 */
export class BlockEncoder {
  /** K: source symbols in the block. */
  readonly sourceSymbols: number;
  /** T: bytes per symbol. */
  readonly symbolSize: number;
  /** K': the source symbols plus the code's padding (RaptorQ: the next Table 2 value; Raptor: K). */
  readonly paddedSymbols: number;
  private readonly source: SourceBlock | undefined;
  private readonly bytes: Uint8Array | undefined;
  private readonly kernel: KernelChoice;
  private slab: SymbolSlab | undefined;
  private colSlot: Int32Array | undefined;
  private scratch = 0;
  private disposed = false;
  private readonly cols = new Int32Array(48);

  /**
   * @param source the source block: K * T bytes, or fewer (the last symbol is padded with zeros),
   *   or its symbols one by one. It is read, not copied: keep it unchanged while the encoder is in use.
   * @param symbolSize T, 1..65535.
   */
  protected constructor(
    private readonly code: FountainCode,
    K: number,
    source: Uint8Array | SourceBlock,
    symbolSize: number,
    options: BlockCoderOptions,
  ) {
    this.sourceSymbols = K;
    this.symbolSize = symbolSize;
    this.paddedSymbols = code.paddedSymbols;
    if (source instanceof Uint8Array) this.bytes = source;
    else this.source = source;
    this.kernel = options.kernel ?? 'auto';
  }

  /** The symbol of `esi` as a new array of T bytes. */
  symbol(esi: number): Uint8Array {
    const out = new Uint8Array(this.symbolSize);
    this.writeSymbol(esi, out, 0);
    return out;
  }

  /** Writes the symbol of `esi` into `out` at `offset` (T bytes). */
  writeSymbol(esi: number, out: Uint8Array, offset: number): void {
    const T = this.symbolSize;
    const max = this.code.maxEsi;
    if (!Number.isInteger(esi) || esi < 0 || esi > max) throw new RangeError(`esi = ${esi}: must be 0..${max}`);
    if (offset < 0 || offset + T > out.length) throw new RangeError(`out has no room for ${T} bytes at ${offset}`);
    const K = this.sourceSymbols;
    if (esi < K) {
      this.readSource(esi, out, offset);
      return;
    }
    const slab = this.intermediate();
    const n = this.code.ltColumns(esi + this.paddedSymbols - K, this.cols, 0);
    const colSlot = this.colSlot!;
    for (let i = 0; i < n; i++) this.cols[i] = colSlot[this.cols[i]!]!;
    slab.combine(this.scratch, this.cols, 0, n);
    slab.read(this.scratch, out, offset, T);
  }

  private readSource(esi: number, out: Uint8Array, offset: number): void {
    const bytes = this.bytes;
    if (bytes === undefined) {
      this.source!.readSymbol(esi, out, offset);
      return;
    }
    const T = this.symbolSize;
    const start = esi * T;
    const end = Math.min(start + T, bytes.length);
    out.set(bytes.subarray(start, end), offset);
    if (end - start < T) out.fill(0, offset + end - start, offset + T);
  }

  /**
   * Releases the memory of the intermediate symbols (to a pool other coders reuse). The encoder
   * cannot be used afterwards.
   */
  dispose(): void {
    this.disposed = true;
    this.slab?.release();
    this.slab = undefined;
  }

  /** Computes the intermediate symbols once. */
  private intermediate(): SymbolSlab {
    if (this.slab !== undefined) return this.slab;
    const plan = encodingPlan(this.code);
    const slab = new SymbolSlab(this.symbolSize, plan.program.slots + 1, this.kernel);
    const T = this.symbolSize;
    const K = this.sourceSymbols;
    const mem = slab.bytes();
    const stride = slab.stride;
    // Source symbols, zero padding in the last one and the K' - K padding symbols (the kernel
    // memory may hold an earlier coder's data).
    const bytes = this.bytes;
    if (bytes !== undefined && stride === T) {
      mem.set(bytes, 0);
      mem.fill(0, bytes.length, this.paddedSymbols * stride);
    } else {
      for (let i = 0; i < K; i++) {
        this.readSource(i, mem, i * stride);
        if (stride > T) mem.fill(0, i * stride + T, (i + 1) * stride);
      }
      mem.fill(0, K * stride, this.paddedSymbols * stride);
    }
    slab.run(plan.program.ops);
    this.scratch = plan.program.slots;
    this.colSlot = plan.colSlot;
    this.slab = slab;
    return slab;
  }
}

/** Checks a block coder's symbol size. */
export function checkSymbolSize(symbolSize: number): void {
  if (!Number.isInteger(symbolSize) || symbolSize < 1 || symbolSize > 0xffff) {
    throw new RangeError(`symbolSize = ${symbolSize}: must be 1..65535`);
  }
}

/** K of a source block given as bytes (the last symbol may be short) or symbol by symbol. */
export function sourceSymbolCount(source: Uint8Array | SourceBlock, symbolSize: number): number {
  checkSymbolSize(symbolSize);
  return source instanceof Uint8Array ? Math.max(1, Math.ceil(source.length / symbolSize)) : source.sourceSymbols;
}

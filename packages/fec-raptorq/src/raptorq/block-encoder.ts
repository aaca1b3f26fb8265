import { runProgram } from '../core/program.js';
import type { KernelChoice } from '../core/kernel.js';
import type { SourceBlock } from '../core/subblocks.js';
import { SymbolSlab } from '../core/slab.js';
import { RAPTORQ_MAX_ESI } from './payload-id.js';
import { raptorqLtColumns, raptorqParams, type RaptorQParams } from './params.js';
import { raptorqEncodingPlan } from './plan.js';

/** Options of the block-level coders. */
export interface BlockCoderOptions {
  /**
   * Symbol kernel: `'wasm-simd'` (@proto/fec-kernel's WebAssembly SIMD kernel), `'ts'` (portable
   * TypeScript) or `'auto'` (default: the first where the runtime supports it). Both give the same bytes.
   */
  readonly kernel?: KernelChoice;
}

/**
 * Encoder of one RaptorQ source block (RFC 6330 §5.3): yields the encoding symbol of any ESI in
 * 0..2^24-1. ESIs below K are the source symbols themselves (the code is systematic); repair
 * symbols (ESI >= K) use ISI = ESI + K' - K (§5.3.1). The intermediate symbols are computed on the
 * first repair request, by replaying the cached per-K' plan.
 */
export class RaptorQBlockEncoder {
  /** K: source symbols in the block. */
  readonly sourceSymbols: number;
  /** T: bytes per symbol. */
  readonly symbolSize: number;
  /** K': K padded to the next RFC 6330 Table 2 value. */
  readonly paddedSymbols: number;
  private readonly params: RaptorQParams;
  private readonly source: SourceBlock | undefined;
  private readonly bytes: Uint8Array | undefined;
  private readonly kernel: KernelChoice;
  private slab: SymbolSlab | undefined;
  private colSlot: Int32Array | undefined;
  private scratch = 0;
  private disposed = false;
  private readonly cols = new Int32Array(40);

  /**
   * @param source the source block: K * T bytes, or fewer (the last symbol is padded with zeros),
   *   or its symbols one by one. It is read, not copied: keep it unchanged while the encoder is in use.
   * @param symbolSize T, 1..65535.
   */
  constructor(source: Uint8Array | SourceBlock, symbolSize: number, options: BlockCoderOptions = {}) {
    if (!Number.isInteger(symbolSize) || symbolSize < 1 || symbolSize > 0xffff) {
      throw new RangeError(`symbolSize = ${symbolSize}: must be 1..65535`);
    }
    const K = source instanceof Uint8Array ? Math.max(1, Math.ceil(source.length / symbolSize)) : source.sourceSymbols;
    this.params = raptorqParams(K);
    this.sourceSymbols = K;
    this.symbolSize = symbolSize;
    this.paddedSymbols = this.params.kPrime;
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
    if (!Number.isInteger(esi) || esi < 0 || esi > RAPTORQ_MAX_ESI) throw new RangeError(`esi = ${esi}: must be 0..${RAPTORQ_MAX_ESI}`);
    if (offset < 0 || offset + T > out.length) throw new RangeError(`out has no room for ${T} bytes at ${offset}`);
    const K = this.sourceSymbols;
    if (esi < K) {
      this.readSource(esi, out, offset);
      return;
    }
    const slab = this.intermediate();
    const n = raptorqLtColumns(this.params, esi + this.params.kPrime - K, this.cols);
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
    const plan = raptorqEncodingPlan(this.params);
    const slab = new SymbolSlab(this.symbolSize, plan.program.slots + 1, this.kernel);
    const T = this.symbolSize;
    const K = this.sourceSymbols;
    const mem = slab.kernel.bytes();
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
    runProgram(plan.program, slab.kernel, 0, stride);
    this.scratch = plan.program.slots;
    this.colSlot = plan.colSlot;
    this.slab = slab;
    return slab;
  }
}

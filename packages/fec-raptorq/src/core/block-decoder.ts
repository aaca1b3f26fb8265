import { MalformedError } from '../errors.js';
import { checkSymbolSize, type BlockCoderOptions } from './block-encoder.js';
import type { FountainCode } from './code.js';
import { Program } from './program.js';
import { SymbolSlab } from './slab.js';
import { solve, type SolveStats } from './solver.js';
import type { SourceBlockSink } from './subblocks.js';

/** Options of a block decoder. */
export interface BlockDecoderOptions extends BlockCoderOptions {
  /**
   * Symbols kept beyond K while decoding keeps failing (default 64). The decoder stores at most
   * K + this many symbols, which bounds its memory. A RaptorQ failure after K + h symbols has
   * probability about 256^-(h+1) (RFC 6330 §5.4.1); Raptor, a binary code, needs up to about
   * K + 20 for large K.
   */
  readonly maxExtraSymbols?: number;
  /**
   * Symbols beyond K to wait for before the first decode attempt; after a failed attempt the
   * decoder waits for as many new symbols as independent rows were missing. Default: 0 for
   * RaptorQ (99.5% of blocks decode from K symbols), 3 for Raptor (which decodes from K symbols
   * for at most a quarter of the blocks, so attempts at K would mostly be wasted).
   */
  readonly firstAttemptOverhead?: number;
}

/**
 * Decoder of one source block of a systematic fountain code: accepts (ESI, symbol) pairs in any
 * order, tries an inactivation decode once K symbols are in, and reports completion. Duplicate
 * ESIs are ignored; symbols beyond the memory bound are dropped and counted.
 */
export class BlockDecoder {
  /** K: source symbols in the block. */
  readonly sourceSymbols: number;
  /** T: bytes per symbol. */
  readonly symbolSize: number;
  private readonly maxSymbols: number;
  private slab: SymbolSlab | undefined;
  private readonly options: BlockDecoderOptions;
  /** Slot of each received source symbol, -1 if missing. */
  private readonly sourceSlot: Int32Array;
  private sourceCount = 0;
  private readonly repairEsi: number[] = [];
  private readonly repairSlot: number[] = [];
  private readonly seenRepair = new Set<number>();
  private stored = 0;
  private decoded: Uint8Array | undefined;
  private done = false;
  /** Symbols dropped: duplicates, after completion, or beyond the memory bound. */
  dropped = 0;
  /** Decode attempts that found the received symbols insufficient. */
  failedAttempts = 0;
  /** Where the block goes; source symbols are copied there as they arrive. */
  private output: Uint8Array | undefined;
  private readonly sink: SourceBlockSink | undefined;

  /**
   * @param output where to write the decoded block: its first `output.length` bytes (at most
   *   K * T; fewer drops the end of the last symbol, the object's padding), or a sink taking the
   *   source symbols one by one (then `result()` returns undefined). Default: a new K * T array.
   */
  /** Number of stored symbols at which to try decoding next. */
  private nextAttempt: number;

  protected constructor(
    private readonly code: FountainCode,
    private readonly what: string,
    defaultFirstAttempt: number,
    sourceSymbols: number,
    symbolSize: number,
    options: BlockDecoderOptions,
    output: Uint8Array | SourceBlockSink | undefined,
  ) {
    checkSymbolSize(symbolSize);
    this.sourceSymbols = sourceSymbols;
    this.symbolSize = symbolSize;
    this.options = options;
    const extra = options.maxExtraSymbols ?? 64;
    if (!Number.isInteger(extra) || extra < 0) throw new RangeError(`maxExtraSymbols = ${extra}: must be a non-negative integer`);
    this.maxSymbols = sourceSymbols + extra;
    const first = options.firstAttemptOverhead ?? defaultFirstAttempt;
    if (!Number.isInteger(first) || first < 0) throw new RangeError(`firstAttemptOverhead = ${first}: must be a non-negative integer`);
    this.nextAttempt = sourceSymbols + Math.min(first, extra);
    this.sourceSlot = new Int32Array(sourceSymbols).fill(-1);
    if (output instanceof Uint8Array) {
      if (output.length > sourceSymbols * symbolSize) {
        throw new RangeError(`output has ${output.length} bytes, more than the ${sourceSymbols * symbolSize} of the block`);
      }
      this.output = output;
    } else {
      this.sink = output;
    }
  }

  /** True once the block is decoded. */
  get complete(): boolean {
    return this.done;
  }

  /** Number of distinct symbols received and kept. */
  get received(): number {
    return this.stored;
  }

  /**
   * Adds the symbol of `esi` (exactly T bytes; copied). Returns true once the block is complete.
   * Throws MalformedError for an ESI outside the scheme's range (RaptorQ 0..2^24-1, Raptor
   * 0..65535) or a symbol of the wrong length.
   */
  push(esi: number, symbol: Uint8Array): boolean {
    const max = this.code.maxEsi;
    if (!Number.isInteger(esi) || esi < 0 || esi > max) throw new MalformedError(this.what, 'esi', esi, `must be 0..${max}`);
    if (symbol.length !== this.symbolSize) {
      throw new MalformedError(this.what, 'length', symbol.length, `the symbol size is ${this.symbolSize}`);
    }
    if (this.done) {
      this.dropped++;
      return true;
    }
    const K = this.sourceSymbols;
    if (esi < K ? this.sourceSlot[esi] !== -1 : this.seenRepair.has(esi)) {
      this.dropped++;
      return false;
    }
    if (this.stored >= this.maxSymbols) {
      this.dropped++;
      return false;
    }
    const slab = this.slab ?? (this.slab = new SymbolSlab(this.symbolSize, this.expectedSlots(), this.options.kernel));
    const slot = this.stored++;
    slab.reserve(slot + 1);
    slab.write(slot, symbol);
    if (esi < K) {
      this.sourceSlot[esi] = slot;
      this.sourceCount++;
      // The slab copy may be overwritten by a decode: the source symbol goes to the output now.
      this.deliver(esi, symbol);
    } else {
      this.seenRepair.add(esi);
      this.repairEsi.push(esi);
      this.repairSlot.push(slot);
    }
    if (this.sourceCount === K) {
      this.finish(undefined);
      return true;
    }
    if (this.stored >= this.nextAttempt) return this.tryDecode();
    return false;
  }

  /**
   * The source block once complete (K * T bytes, or the `output` given), else undefined; always
   * undefined with a sink.
   */
  result(): Uint8Array | undefined {
    return this.decoded;
  }

  /** Slots a decode from K + a few symbols needs: the symbols, a work copy of each row, temporaries. */
  private expectedSlots(): number {
    const c = this.code;
    return 2 * (this.sourceSymbols + 16) + 2 * (c.paddedSymbols - this.sourceSymbols) + (c.intermediateSymbols - c.paddedSymbols) + 8;
  }

  private tryDecode(): boolean {
    const code = this.code;
    const K = this.sourceSymbols;
    const Kp = code.paddedSymbols;
    const slab = this.slab!;
    // The symbol operations are recorded while the solver works on coefficients and run only if it
    // succeeds: they modify the received symbols in place (the source symbols are already in the
    // output), which a failed attempt must leave intact.
    const program = new Program(this.stored);
    const n = this.stored + (Kp - K);
    const isis = new Int32Array(n);
    const slots = new Int32Array(n);
    let r = 0;
    for (let esi = 0; esi < K; esi++) {
      const s = this.sourceSlot[esi]!;
      if (s < 0) continue;
      isis[r] = esi;
      slots[r++] = s;
    }
    for (let i = 0; i < this.repairEsi.length; i++) {
      isis[r] = this.repairEsi[i]! + Kp - K;
      slots[r++] = this.repairSlot[i]!;
    }
    for (let isi = K; isi < Kp; isi++) {
      isis[r] = isi;
      slots[r++] = program.newSlot();
    }
    const stats = { deficit: 0 } as SolveStats;
    const colSlot = solve(code.system(isis, slots, program), program, stats);
    if (colSlot === undefined) {
      // At least `deficit` more symbols are needed: no point trying before they are in.
      this.failedAttempts++;
      this.nextAttempt = this.stored + Math.max(1, stats.deficit);
      return false;
    }
    // The missing source symbols, re-encoded from the intermediate symbols.
    const missing = new Int32Array(K - this.sourceCount);
    const cols = new Int32Array(48);
    let m = 0;
    for (let esi = 0; esi < K; esi++) {
      if (this.sourceSlot[esi]! >= 0) continue;
      const out = program.newSlot();
      const c = code.ltColumns(esi, cols, 0);
      for (let i = 0; i < c; i++) program.xor(out, colSlot[cols[i]!]!);
      missing[m++] = program.materialize(out);
    }
    slab.reserve(program.slots);
    slab.run(program.view().ops);
    this.finish(missing);
    return true;
  }

  private deliver(esi: number, symbol: Uint8Array): void {
    if (this.sink !== undefined) {
      this.sink.writeSymbol(esi, symbol);
      return;
    }
    const T = this.symbolSize;
    const out = (this.output ??= new Uint8Array(this.sourceSymbols * T));
    const n = Math.min(T, out.length - esi * T);
    if (n > 0) out.set(n === symbol.length ? symbol : symbol.subarray(0, n), esi * T);
  }

  private finish(missing: Int32Array | undefined): void {
    const K = this.sourceSymbols;
    const T = this.symbolSize;
    const slab = this.slab!;
    const mem = slab.bytes();
    const stride = slab.stride;
    if (missing !== undefined) {
      let m = 0;
      for (let esi = 0; esi < K; esi++) {
        if (this.sourceSlot[esi]! >= 0) continue;
        const slot = missing[m++]!;
        this.deliver(esi, mem.subarray(slot * stride, slot * stride + T));
      }
    }
    this.done = true;
    this.decoded = this.sink === undefined ? (this.output ??= new Uint8Array(K * T)) : undefined;
    // The symbols are no longer needed.
    slab.release();
    this.slab = undefined;
    this.seenRepair.clear();
    this.repairEsi.length = 0;
    this.repairSlot.length = 0;
  }
}

import { KERNEL_OP_COPY, KERNEL_OP_XOR, type FecKernel } from '@proto/fec-kernel';
import { acquireKernel, releaseKernel, type KernelChoice } from './kernel.js';

/** Bytes between the starts of two slots: the symbol size rounded up to 16. */
export function slotStride(symbolSize: number): number {
  return (symbolSize + 15) & ~15;
}

/**
 * Symbols in the slab of one `@proto/fec-kernel` kernel, slot `s` at byte `s * stride`. The kernel
 * comes from a pool and goes back to it on `release()`; its slab starts as garbage.
 */
export class SymbolSlab {
  readonly stride: number;
  private readonly kernel: FecKernel;
  /** The kernel's slab; fetched again whenever `reserve` may have moved it. */
  private view: Uint8Array;
  /** Operation words of `combine`. */
  private combineOps = new Int32Array(2 * 48);
  private released = false;

  constructor(
    readonly symbolSize: number,
    slots: number,
    choice: KernelChoice = 'auto',
  ) {
    this.stride = slotStride(symbolSize);
    this.kernel = acquireKernel(choice, slots * this.stride);
    this.view = this.kernel.slab();
  }

  /** The slab's bytes, slot `s` at `s * stride`. Valid until the next `reserve`. */
  bytes(): Uint8Array {
    return this.view;
  }

  /** Returns the kernel to the pool; the slab must not be used afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    releaseKernel(this.kernel);
  }

  /** Makes room for `slots` slots. */
  reserve(slots: number): void {
    const bytes = slots * this.stride;
    if (bytes <= this.kernel.slabSize) return;
    this.kernel.reserve(bytes);
    this.view = this.kernel.slab();
  }

  /**
   * Runs recorded symbol operations on whole slots (the operation format of `FecKernel.run`, which
   * is the one `Program` records).
   */
  run(ops: Int32Array): void {
    this.kernel.run(ops, 0, this.stride);
  }

  /** Copies `symbol` (at most `symbolSize` bytes; the rest of the slot is zeroed) into a slot. */
  write(slot: number, symbol: Uint8Array): void {
    const mem = this.view;
    const at = slot * this.stride;
    const n = Math.min(symbol.length, this.symbolSize);
    mem.set(n === symbol.length ? symbol : symbol.subarray(0, n), at);
    if (n < this.stride) mem.fill(0, at + n, at + this.stride);
  }

  /** Copies `length` bytes of a slot into `out` at `offset`. */
  read(slot: number, out: Uint8Array, offset: number, length = this.symbolSize): void {
    const at = slot * this.stride;
    out.set(this.view.subarray(at, at + length), offset);
  }

  /**
   * Writes the XOR of the slots `slots[from..to)` into slot `dst` (which must not be among them), in
   * one kernel call.
   */
  combine(dst: number, slots: ArrayLike<number>, from: number, to: number): void {
    if (to <= from) {
      const at = dst * this.stride;
      this.view.fill(0, at, at + this.stride);
      return;
    }
    const n = to - from;
    if (this.combineOps.length < 2 * n) this.combineOps = new Int32Array(2 * n);
    const ops = this.combineOps;
    ops[0] = (KERNEL_OP_COPY << 28) | dst;
    ops[1] = slots[from]!;
    for (let i = 1; i < n; i++) {
      ops[2 * i] = (KERNEL_OP_XOR << 28) | dst;
      ops[2 * i + 1] = slots[from + i]!;
    }
    this.kernel.run(ops.subarray(0, 2 * n), 0, this.stride);
  }
}

import { acquireKernel, releaseKernel, type KernelChoice, type SymbolKernel } from './kernel.js';

/** Bytes between the starts of two slots: the symbol size rounded up to 16. */
export function slotStride(symbolSize: number): number {
  return (symbolSize + 15) & ~15;
}

/**
 * Symbols in one kernel memory, slot `s` at byte `s * stride`. The kernel comes from a pool and
 * goes back to it on `release()`; its memory starts as garbage.
 */
export class SymbolSlab {
  readonly kernel: SymbolKernel;
  readonly stride: number;
  private released = false;

  constructor(
    readonly symbolSize: number,
    slots: number,
    private readonly choice: KernelChoice = 'auto',
  ) {
    this.stride = slotStride(symbolSize);
    this.kernel = acquireKernel(choice, slots * this.stride);
  }

  /** Returns the kernel to the pool; the slab must not be used afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    releaseKernel(this.choice, this.kernel);
  }

  /** Makes room for `slots` slots. */
  reserve(slots: number): void {
    this.kernel.ensureCapacity(slots * this.stride);
  }

  /** Copies `symbol` (at most `symbolSize` bytes; the rest of the slot is zeroed) into a slot. */
  write(slot: number, symbol: Uint8Array): void {
    const mem = this.kernel.bytes();
    const at = slot * this.stride;
    const n = Math.min(symbol.length, this.symbolSize);
    mem.set(n === symbol.length ? symbol : symbol.subarray(0, n), at);
    if (n < this.stride) mem.fill(0, at + n, at + this.stride);
  }

  /** Zeroes a slot. */
  clear(slot: number): void {
    const at = slot * this.stride;
    this.kernel.bytes().fill(0, at, at + this.stride);
  }

  /** Copies `length` bytes of a slot into `out` at `offset`. */
  read(slot: number, out: Uint8Array, offset: number, length = this.symbolSize): void {
    const at = slot * this.stride;
    out.set(this.kernel.bytes().subarray(at, at + length), offset);
  }

  /**
   * Writes the XOR of the slots `slots[from..to)` into slot `dst` (which must not be among them).
   */
  combine(dst: number, slots: ArrayLike<number>, from: number, to: number): void {
    const k = this.kernel;
    const s = this.stride;
    if (to <= from) {
      this.clear(dst);
      return;
    }
    k.copy(dst * s, slots[from]! * s, s);
    let i = from + 1;
    for (; i + 3 <= to; i += 3) k.xor3(dst * s, slots[i]! * s, slots[i + 1]! * s, slots[i + 2]! * s, s);
    if (i + 2 === to) k.xor2(dst * s, slots[i]! * s, slots[i + 1]! * s, s);
    else if (i + 1 === to) k.xor(dst * s, slots[i]! * s, s);
  }
}

import {
  KERNEL_OP_COPY as OP_COPY,
  KERNEL_OP_MAX_DST as DST_MASK,
  KERNEL_OP_MAX_SRC as SRC_MASK,
  KERNEL_OP_MUL as OP_MULCOPY,
  KERNEL_OP_MUL_ADD as OP_MULADD,
  KERNEL_OP_SCALE as OP_SCALE,
  KERNEL_OP_XOR as OP_XOR,
  KERNEL_OP_ZERO as OP_ZERO,
} from '@proto/fec-kernel';

const ZERO = -1;
const OWN = -2;

/**
 * Symbol operations on numbered slots, as a solver issues them while it works on coefficients
 * (RFC 6330 §5.4.2 leaves the order of symbol operations free). `Program` records them, to be
 * pruned and cached (the per-K' encoding plan) or run once the solve has succeeded (decoding).
 * The recording is the operation list of `FecKernel.run` (@proto/fec-kernel), which replays it on
 * the slots of a `SymbolSlab` in one call.
 *
 * Every slot starts in one of three states: its own content (an input written in place), zero, or
 * a lazy copy of a read-only slot (a received symbol that must survive the decode). They are
 * tracked here, so an operation never reads a zero slot, the first write into one is a copy, and a
 * read-only slot is copied only when its copy is first modified. Nothing needs zero-filled memory
 * and no read-only slot is ever written.
 */
export class Program {
  /** Number of operations issued. */
  private n = 0;
  private init: Int32Array;
  /** The state each slot was created in, for `restore`. */
  private origin: Int32Array;
  private slotCount: number;

  /** Starts over `slotCount` existing slots holding their own content. */
  constructor(slotCount: number) {
    this.slotCount = slotCount;
    this.init = new Int32Array(Math.max(16, slotCount * 2)).fill(OWN);
    this.origin = new Int32Array(this.init.length).fill(OWN);
  }

  private ops = new Int32Array(1024);

  /** Number of slots the program uses (existing ones plus those it allocated). */
  get slots(): number {
    return this.slotCount;
  }

  /** Number of operations issued. */
  get length(): number {
    return this.n;
  }

  private grow(): number {
    const s = this.slotCount++;
    if (s >= this.init.length) {
      const z = new Int32Array(this.init.length * 2).fill(OWN);
      z.set(this.init);
      this.init = z;
      const o = new Int32Array(z.length).fill(OWN);
      o.set(this.origin);
      this.origin = o;
    }
    return s;
  }

  /** Allocates a new slot holding zero. */
  newSlot(): number {
    const s = this.grow();
    this.init[s] = ZERO;
    this.origin[s] = ZERO;
    return s;
  }

  /** Allocates a new slot whose value starts as a copy of the read-only slot `source`. */
  copyOf(source: number): number {
    const s = this.grow();
    this.init[s] = source;
    this.origin[s] = source;
    return s;
  }

  /** True if `restore` can bring the slot back to its initial value (zero or a read-only copy). */
  canRestore(slot: number): boolean {
    return this.origin[slot] !== OWN;
  }

  /** Makes the slot hold its initial value again, lazily: no operation is recorded until it changes. */
  restore(slot: number): void {
    const o = this.origin[slot]!;
    if (o === OWN) throw new Error(`slot ${slot} holds an input written in place and cannot be restored`);
    this.init[slot] = o;
  }

  /**
   * A slot from which `slot`'s final value can be read after the program ran: the read-only slot it
   * aliases, or itself (cleared by the program if it is still zero).
   */
  materialize(slot: number): number {
    const i = this.init[slot]!;
    if (i >= 0) return i;
    if (i === ZERO) {
      this.emit(OP_ZERO, slot, 0, 0);
      this.init[slot] = OWN;
    }
    return slot;
  }

  /** Makes `dst` own its content before it is modified; false if it is zero. */
  private own(dst: number): boolean {
    const i = this.init[dst]!;
    if (i === ZERO) return false;
    if (i >= 0) {
      this.emit(OP_COPY, dst, i, 0);
      this.init[dst] = OWN;
    }
    return true;
  }

  /** dst ^= src */
  xor(dst: number, src: number): void {
    const si = this.init[src]!;
    if (si === ZERO) return;
    const from = si >= 0 ? si : src;
    if (this.own(dst)) {
      this.emit(OP_XOR, dst, from, 0);
    } else {
      this.emit(OP_COPY, dst, from, 0);
      this.init[dst] = OWN;
    }
  }

  /** dst ^= c * src */
  mulAdd(dst: number, src: number, c: number): void {
    if (c === 1) {
      this.xor(dst, src);
      return;
    }
    const si = this.init[src]!;
    if (c === 0 || si === ZERO) return;
    const from = si >= 0 ? si : src;
    if (this.own(dst)) {
      this.emit(OP_MULADD, dst, from, c);
    } else {
      this.emit(OP_MULCOPY, dst, from, c);
      this.init[dst] = OWN;
    }
  }

  /** dst = c * dst, c != 0 */
  scale(dst: number, c: number): void {
    if (c === 0) throw new RangeError('scale by zero');
    const i = this.init[dst]!;
    if (c === 1 || i === ZERO) return;
    if (i >= 0) {
      this.emit(OP_MULCOPY, dst, i, c);
      this.init[dst] = OWN;
    } else {
      this.emit(OP_SCALE, dst, 0, c);
    }
  }

  // Each operation takes two integers: (opcode << 28) | dst and (coefficient << 24) | src, the format
  // of FecKernel.run.
  private emit(op: number, dst: number, src: number, c: number): void {
    if (this.n * 2 + 2 > this.ops.length) {
      const o = new Int32Array(this.ops.length * 2);
      o.set(this.ops);
      this.ops = o;
    }
    const i = this.n++ * 2;
    this.ops[i] = (op << 28) | dst;
    this.ops[i + 1] = (c << 24) | src;
  }

  /** Makes room for about `count` more operations at once (avoids repeated growth). */
  expect(count: number): void {
    const need = (this.n + count) * 2;
    if (need > this.ops.length) {
      const o = new Int32Array(need);
      o.set(this.ops.subarray(0, this.n * 2));
      this.ops = o;
    }
  }

  /**
   * Removes every operation whose result cannot reach one of `outputs` (materialized slots) at the end
   * of the program (backward liveness). Returns the number of operations removed.
   */
  prune(outputs: Iterable<number>): number {
    const live = new Uint8Array(this.slots);
    for (const s of outputs) live[s] = 1;
    const ops = this.ops;
    const keep = new Uint8Array(this.n);
    let kept = 0;
    for (let k = this.n - 1; k >= 0; k--) {
      const w0 = ops[k * 2]!;
      const op = w0 >>> 28;
      const dst = w0 & DST_MASK;
      if (live[dst] !== 1) continue;
      keep[k] = 1;
      kept++;
      if (op === OP_SCALE) continue;
      if (op === OP_ZERO) {
        live[dst] = 0;
        continue;
      }
      if (op === OP_COPY || op === OP_MULCOPY) live[dst] = 0;
      live[ops[k * 2 + 1]! & SRC_MASK] = 1;
    }
    let w = 0;
    for (let k = 0; k < this.n; k++) {
      if (keep[k] !== 1) continue;
      if (w !== k) {
        ops[w * 2] = ops[k * 2]!;
        ops[w * 2 + 1] = ops[k * 2 + 1]!;
      }
      w++;
    }
    const removed = this.n - kept;
    this.n = kept;
    return removed;
  }

  /** The operations recorded so far, without copying (valid until the next recording). */
  view(): FrozenProgram {
    return { ops: this.ops.subarray(0, this.n * 2), slots: this.slots };
  }

  /** The operations, for caching: trimmed by a copy unless little room is unused. */
  freeze(): FrozenProgram {
    const used = this.n * 2;
    return { ops: used * 5 >= this.ops.length * 4 ? this.ops.subarray(0, used) : this.ops.slice(0, used), slots: this.slots };
  }
}

/** A recorded program detached from its recorder. */
export interface FrozenProgram {
  /** Operations, two integers each: (opcode << 28) | dst, (coefficient << 24) | src (`FecKernel.run`). */
  readonly ops: Int32Array;
  /** Slots the program uses. */
  readonly slots: number;
}

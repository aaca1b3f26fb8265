/**
 * Memory of decoded blocks, kept for the blocks after them. A block decoded into a fresh Uint8Array
 * has its own backing store: at hundreds of megabytes per second the garbage collector then runs a
 * full collection every few tens of megabytes (it counts backing-store bytes). A block comes back
 * here only when the sink it went to says it lets go of chunks (`ObjectSink.keepsChunks === false`)
 * and its write has settled; anything else is left to the collector as before.
 */
export class BlockPool {
  /** Spare blocks by length. */
  readonly #spare = new Map<number, Uint8Array[]>();
  /** Blocks this pool handed out and has not had back: only those can come back, and only once. */
  readonly #out = new WeakSet<Uint8Array>();
  #bytes = 0;

  /** @param maxBytes spare memory kept at most */
  constructor(readonly maxBytes: number) {}

  /** A zero-filled block of `length` bytes, reused when one of that length is spare. */
  readonly take = (length: number): Uint8Array => {
    const b = this.#spare.get(length)?.pop();
    let block: Uint8Array;
    if (b === undefined) block = new Uint8Array(length);
    else {
      this.#bytes -= length;
      b.fill(0);
      block = b;
    }
    this.#out.add(block);
    return block;
  };

  /** Whether `block` is one this pool handed out and has not had back. */
  owns(block: Uint8Array): boolean {
    return this.#out.has(block);
  }

  /**
   * Takes `block` back for reuse: nothing may read or write it afterwards. Ignored for arrays the
   * pool did not hand out or has had back already. Spare blocks of other lengths make room first
   * (objects of a new size replace those of the last).
   */
  give(block: Uint8Array): void {
    if (!this.#out.delete(block)) return;
    const length = block.length;
    if (length > this.maxBytes) return;
    if (this.#bytes + length > this.maxBytes) {
      for (const [l, list] of this.#spare) {
        if (l === length) continue;
        this.#bytes -= l * list.length;
        this.#spare.delete(l);
      }
      if (this.#bytes + length > this.maxBytes) return;
    }
    let list = this.#spare.get(length);
    if (list === undefined) this.#spare.set(length, (list = []));
    list.push(block);
    this.#bytes += length;
  }

  /** Spare bytes held. */
  get bytes(): number {
    return this.#bytes;
  }
}

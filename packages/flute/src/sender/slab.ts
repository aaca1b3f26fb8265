/**
 * Datagrams handed out by the sender are carved from 64 KiB slabs instead of allocated one by
 * one: a Uint8Array of a datagram's size has its own external backing store, whose allocation and
 * finalisation cost more than filling it. A slab's memory is reused only once every datagram carved
 * from it has been given back with {@link DatagramSlab.release}; a datagram never given back stays
 * valid for as long as anyone holds it (keeping at most its slab alive). Reuse spares the garbage
 * collector: 256 MiB sent through fresh slabs cost about thirty full collections.
 */
export class DatagramSlab {
  static readonly SIZE = 64 * 1024;
  /** Most emptied slabs kept for reuse. */
  static readonly SPARE = 8;
  #buffer: Uint8Array = new Uint8Array(0);
  #offset = 0;
  /** The current slab was used before: its views must be cleared. */
  #reused = false;
  /** Datagrams carved from the current slab and not given back. */
  #out = 0;
  /** Full slabs with datagrams not given back, by their memory (an entry goes with its memory). */
  readonly #owed = new WeakMap<ArrayBufferLike, number>();
  readonly #spare: Uint8Array[] = [];

  /** A fresh, zero-filled view of `length` bytes. */
  take(length: number): Uint8Array {
    if (this.#offset + length > this.#buffer.length) {
      this.#retire();
      const spare = length <= DatagramSlab.SIZE ? this.#spare.pop() : undefined;
      this.#buffer = spare ?? new Uint8Array(Math.max(DatagramSlab.SIZE, length));
      this.#reused = spare !== undefined;
      this.#offset = 0;
      this.#out = 0;
    }
    const view = this.#buffer.subarray(this.#offset, this.#offset + length);
    if (this.#reused) view.fill(0);
    this.#offset += length;
    this.#out++;
    return view;
  }

  /**
   * Gives back a datagram from {@link take} whose bytes nobody needs any more. Each datagram at most
   * once; anything else (another array, a datagram given back before its slab filled up and was
   * reused) is ignored.
   */
  release(datagram: Uint8Array): void {
    const memory = datagram.buffer;
    if (memory === this.#buffer.buffer) {
      if (this.#out > 0) this.#out--;
      return;
    }
    const owed = this.#owed.get(memory);
    if (owed === undefined) return;
    if (owed > 1) this.#owed.set(memory, owed - 1);
    else {
      this.#owed.delete(memory);
      this.#keep(new Uint8Array(memory));
    }
  }

  /** Spare slabs ready for reuse (for tests). */
  get spare(): number {
    return this.#spare.length;
  }

  /** The current slab is full: keep it for reuse when all its datagrams are back, else wait for them. */
  #retire(): void {
    if (this.#buffer.length === 0) return;
    if (this.#out === 0) this.#keep(this.#buffer);
    else this.#owed.set(this.#buffer.buffer, this.#out);
  }

  #keep(slab: Uint8Array): void {
    if (slab.length === DatagramSlab.SIZE && this.#spare.length < DatagramSlab.SPARE) this.#spare.push(slab);
  }
}

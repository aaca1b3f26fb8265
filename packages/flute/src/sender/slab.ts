/**
 * Datagrams handed out by the sender are carved from 64 KiB slabs instead of allocated one by
 * one: a Uint8Array of a datagram's size has its own external backing store, whose allocation and
 * finalisation cost more than filling it. A slab's memory is never reused, so a datagram stays valid
 * for as long as anyone holds it (keeping at most its slab alive).
 */
export class DatagramSlab {
  static readonly SIZE = 64 * 1024;
  #buffer = new Uint8Array(0);
  #offset = 0;

  /** A fresh, zero-filled view of `length` bytes. */
  take(length: number): Uint8Array {
    if (this.#offset + length > this.#buffer.length) {
      this.#buffer = new Uint8Array(Math.max(DatagramSlab.SIZE, length));
      this.#offset = 0;
    }
    const view = this.#buffer.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return view;
  }
}

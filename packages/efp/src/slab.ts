/**
 * Carves small regions out of shared 64 KiB ArrayBuffers, so that small packets and frames cost no
 * allocation of their own (a typed array over 64 bytes otherwise gets its own off-heap buffer, which
 * costs far more than filling it). Regions are handed out once and never reused, so they start zeroed.
 * A region keeps its slab alive, so regions larger than `maxRegion` get buffers of their own.
 * @internal
 */
export class Slab {
  readonly #slabSize: number;
  readonly #maxRegion: number;
  #buf = new Uint8Array(0);
  #off = 0;

  constructor(slabSize = 64 * 1024, maxRegion = 4096) {
    this.#slabSize = slabSize;
    this.#maxRegion = maxRegion;
  }

  alloc(size: number): Uint8Array {
    if (size > this.#maxRegion) return new Uint8Array(size);
    if (this.#off + size > this.#buf.length) {
      this.#buf = new Uint8Array(this.#slabSize);
      this.#off = 0;
    }
    const region = this.#buf.subarray(this.#off, this.#off + size);
    this.#off += (size + 7) & ~7;
    return region;
  }
}

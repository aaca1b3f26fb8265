/**
 * TOI allocation (RFC 5651 §5.1 widths): increments, wraps at the configured width, never gives 0
 * (the FDT) nor a TOI still in use.
 */
export class ToiAllocator {
  readonly #max: bigint;
  #next = 1n;

  constructor(readonly bits: number) {
    this.#max = (1n << BigInt(bits)) - 1n;
  }

  /** Largest TOI of the width. */
  get max(): bigint {
    return this.#max;
  }

  /** Next free TOI; RangeError when every TOI of the width is in use. */
  allocate(inUse: (toi: bigint) => boolean): bigint {
    for (let tries = 0n; tries < this.#max; tries++) {
      const toi = this.#next;
      this.#next = toi >= this.#max ? 1n : toi + 1n;
      if (!inUse(toi)) return toi;
    }
    throw new RangeError(`every ${this.bits}-bit TOI is in use`);
  }

  /** Checks a caller-chosen TOI. */
  check(toi: bigint): bigint {
    if (toi < 1n || toi > this.#max) throw new RangeError(`toi must be 1..${this.#max} (${this.bits}-bit TOI, 0 is the FDT), got ${toi}`);
    return toi;
  }
}

/**
 * A token bucket for pacing datagrams (the FLUTE engines do no pacing). Time is a parameter in
 * milliseconds (any monotonic clock), so it is tested without timers. Tokens are bytes: they fill at
 * `bitrate / 8` per second up to `burst`; a datagram may go when the bucket is not empty, and its size
 * is taken (the bucket may dip below zero by at most one datagram, so the average rate is exact).
 */
export interface TokenBucketOptions {
  /** Bits per second (Infinity: no pacing). */
  readonly bitrate: number;
  /**
   * Bucket depth in bytes: what may leave at once after a pause. Default: 4 ms worth of the rate,
   * at least 16 KiB (timers fire late by a millisecond or two; a shallower bucket would lose rate).
   */
  readonly burst?: number;
}

export class TokenBucket {
  readonly bitrate: number;
  readonly burst: number;
  readonly #bytesPerMs: number;
  #tokens: number;
  #last: number | undefined;

  constructor(options: TokenBucketOptions) {
    const { bitrate } = options;
    if (!(bitrate > 0)) throw new RangeError(`bitrate must be > 0 bits/s (or Infinity), got ${bitrate}`);
    this.bitrate = bitrate;
    this.#bytesPerMs = bitrate / 8000;
    this.burst = options.burst ?? Math.max(16 << 10, this.#bytesPerMs * 4);
    if (!(this.burst > 0)) throw new RangeError(`burst must be > 0 bytes, got ${this.burst}`);
    this.#tokens = this.burst;
  }

  /** Bytes available at `now` (after refilling). */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  #refill(now: number): void {
    if (this.bitrate === Infinity) {
      this.#tokens = Infinity;
      return;
    }
    if (this.#last !== undefined && now > this.#last) this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#last) * this.#bytesPerMs);
    if (this.#last === undefined || now > this.#last) this.#last = now;
  }

  /** Whether something may be sent at `now`. */
  ready(now: number): boolean {
    return this.available(now) > 0;
  }

  /** Takes `bytes` sent at `now`. */
  take(bytes: number, now: number): void {
    this.#refill(now);
    this.#tokens -= bytes;
  }

  /** Milliseconds from `now` until something may be sent (0 when it may now). */
  delay(now: number): number {
    const t = this.available(now);
    return t > 0 ? 0 : (-t + 1) / this.#bytesPerMs;
  }
}

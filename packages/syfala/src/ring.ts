/**
 * Single-producer single-consumer ring buffer on a SharedArrayBuffer, lock-free with Atomics.
 * One side writes, the other reads; hand `sab` to a worker_thread or an AudioWorkletProcessor
 * (through `port.postMessage`) and `SpscRing.attach(sab)` there. Neither side allocates after
 * construction, so it is safe in a real-time audio callback.
 *
 * Layout: Int32 header [readIndex, writeIndex, capacity, kind, consumerWaiting, 0, 0, 0], then
 * `capacity` elements.
 * Indices run freely modulo 2^32; capacity is a power of two ≤ 2^28.
 */
export type RingElement = 'u8' | 'i16' | 'i32' | 'f32' | 'f64';

type RingArray = Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const KINDS: readonly RingElement[] = ['u8', 'i16', 'i32', 'f32', 'f64'];
const CTORS = [Uint8Array, Int16Array, Int32Array, Float32Array, Float64Array] as const;
const HEADER_BYTES = 32;
const READ = 0;
const WRITE = 1;
const WAITING = 4;
const MAX_CAPACITY = 1 << 28;

export class SpscRing<A extends RingArray = Float32Array> {
  /** The shared memory; pass it to the other thread and attach there. */
  readonly sab: SharedArrayBuffer;
  readonly capacity: number;
  readonly kind: RingElement;
  private readonly header: Int32Array;
  private readonly data: A;
  private readonly mask: number;

  private constructor(sab: SharedArrayBuffer) {
    if (sab.byteLength < HEADER_BYTES) throw new RangeError('SharedArrayBuffer too small for a ring header');
    this.sab = sab;
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    const capacity = this.header[2]!;
    const kindIndex = this.header[3]!;
    const Ctor = CTORS[kindIndex];
    if (Ctor === undefined || capacity <= 0 || (capacity & (capacity - 1)) !== 0) throw new RangeError('not a ring buffer header');
    if (sab.byteLength < HEADER_BYTES + capacity * Ctor.BYTES_PER_ELEMENT) throw new RangeError('SharedArrayBuffer smaller than the ring it describes');
    this.capacity = capacity;
    this.kind = KINDS[kindIndex]!;
    this.mask = capacity - 1;
    this.data = new (Ctor as unknown as new (b: SharedArrayBuffer, o: number, n: number) => A)(sab, HEADER_BYTES, capacity);
  }

  /** Allocates a ring of at least `minCapacity` elements (rounded up to a power of two). */
  static create<K extends RingElement = 'f32'>(minCapacity: number, kind?: K): SpscRing<ArrayOf<K>> {
    const k = (kind ?? 'f32') as RingElement;
    if (!Number.isInteger(minCapacity) || minCapacity < 1 || minCapacity > MAX_CAPACITY) throw new RangeError(`capacity must be in [1, ${MAX_CAPACITY}], got ${minCapacity}`);
    const kindIndex = KINDS.indexOf(k);
    if (kindIndex < 0) throw new RangeError(`unknown ring element kind ${String(k)}`);
    let capacity = 1;
    while (capacity < minCapacity) capacity *= 2;
    const sab = new SharedArrayBuffer(HEADER_BYTES + capacity * CTORS[kindIndex]!.BYTES_PER_ELEMENT);
    const header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    header[2] = capacity;
    header[3] = kindIndex;
    return new SpscRing(sab);
  }

  /** Opens a ring another thread created. */
  static attach<A extends RingArray = Float32Array>(sab: SharedArrayBuffer): SpscRing<A> {
    return new SpscRing<A>(sab);
  }

  /** Elements the consumer can read now. */
  availableRead(): number {
    return (Atomics.load(this.header, WRITE) - Atomics.load(this.header, READ)) >>> 0;
  }

  /** Elements the producer can write now. */
  availableWrite(): number {
    return this.capacity - this.availableRead();
  }

  /** Producer: copies as much of `src` as fits; returns the number of elements written. */
  write(src: A): number {
    const w = Atomics.load(this.header, WRITE);
    const r = Atomics.load(this.header, READ);
    const n = Math.min(this.capacity - ((w - r) >>> 0), src.length);
    if (n === 0) return 0;
    const at = w & this.mask;
    const first = Math.min(n, this.capacity - at);
    this.data.set(src.subarray(0, first) as never, at);
    if (n > first) this.data.set(src.subarray(first, n) as never, 0);
    Atomics.store(this.header, WRITE, (w + n) | 0);
    // Sequentially consistent: a consumer that set WAITING before this load sees the new index.
    if (Atomics.load(this.header, WAITING) !== 0) Atomics.notify(this.header, WRITE);
    return n;
  }

  /** Consumer: copies up to `dst.length` elements into `dst`; returns the number read. */
  read(dst: A): number {
    const r = Atomics.load(this.header, READ);
    const w = Atomics.load(this.header, WRITE);
    const n = Math.min((w - r) >>> 0, dst.length);
    if (n === 0) return 0;
    const at = r & this.mask;
    const first = Math.min(n, this.capacity - at);
    dst.set(this.data.subarray(at, at + first) as never, 0);
    if (n > first) dst.set(this.data.subarray(0, n - first) as never, first);
    Atomics.store(this.header, READ, (r + n) | 0);
    return n;
  }

  /**
   * Consumer, where blocking is allowed (worker_threads; not an AudioWorklet or a browser main
   * thread): waits until data is readable or `timeoutMs` passes. Returns the elements readable.
   */
  waitReadable(timeoutMs: number): number {
    Atomics.store(this.header, WAITING, 1);
    const w = Atomics.load(this.header, WRITE);
    if (((w - Atomics.load(this.header, READ)) >>> 0) === 0) Atomics.wait(this.header, WRITE, w, timeoutMs);
    Atomics.store(this.header, WAITING, 0);
    return this.availableRead();
  }
}

export type ArrayOf<K extends RingElement> = K extends 'u8'
  ? Uint8Array
  : K extends 'i16'
    ? Int16Array
    : K extends 'i32'
      ? Int32Array
      : K extends 'f64'
        ? Float64Array
        : Float32Array;

/**
 * Object sources: where a sender reads an object's content, block by block, so that memory does not
 * depend on the object size. A source can be opened any number of times (a length/MD5 pre-pass, then
 * once per carousel transfer); each open gives a sequential reader.
 */
import { createContentEncoder, type ContentEncoding } from './encoding.js';
import { Md5 } from './md5.js';

/** A sequential reader over an object's content. */
export interface SourceReader {
  /**
   * Up to `max` bytes of content (at least one byte unless at the end); `undefined` or an empty array
   * at the end. May answer synchronously (in-memory sources) or with a promise (files, streams).
   */
  read(max: number): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Releases resources; called once when the sender stops reading, at the end or early. */
  close(): void | Promise<void>;
}

/** Where an object's content comes from. */
export interface ObjectSource {
  /** Content length in bytes when known without reading; undefined for a stream of unknown length. */
  readonly size: number | undefined;
  /** Opens a reader at the start of the content. */
  open(): SourceReader;
  /** The whole content when it is already in memory (lets the sender work synchronously). */
  readonly bytes?: Uint8Array;
}

/** A source over bytes in memory. The array is read, not copied: keep it unchanged while sending. */
export function bytesSource(data: Uint8Array): ObjectSource {
  if (!(data instanceof Uint8Array)) throw new RangeError('bytesSource: data must be a Uint8Array');
  return {
    size: data.length,
    bytes: data,
    open() {
      let offset = 0;
      return {
        read(max) {
          if (offset >= data.length) return undefined;
          const chunk = data.subarray(offset, Math.min(data.length, offset + max));
          offset += chunk.length;
          return chunk;
        },
        close() {},
      };
    },
  };
}

/** Anything a stream source can read from. */
export type ByteStream = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * A source over a byte stream (a WHATWG ReadableStream, an async iterable such as a Node readable,
 * or an iterable of chunks). `open` is called for every pass and must return a fresh stream of the
 * same bytes. Give `size` when it is known, to spare the sender a length pre-pass.
 */
export function streamSource(open: () => ByteStream, size?: number): ObjectSource {
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new RangeError(`streamSource: size must be a non-negative integer, got ${size}`);
  return {
    size,
    open() {
      const stream = open();
      const iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
        typeof (stream as ReadableStream<Uint8Array>).getReader === 'function'
          ? readableIterator(stream as ReadableStream<Uint8Array>)
          : Symbol.asyncIterator in stream
            ? (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
            : (stream as Iterable<Uint8Array>)[Symbol.iterator]();
      let pending: Uint8Array | undefined;
      let ended = false;
      const take = (max: number): Uint8Array => {
        const p = pending!;
        if (p.length <= max) {
          pending = undefined;
          return p;
        }
        pending = p.subarray(max);
        return p.subarray(0, max);
      };
      return {
        async read(max) {
          while (pending === undefined || pending.length === 0) {
            if (ended) return undefined;
            const r = await iterator.next();
            if (r.done === true) {
              ended = true;
              return undefined;
            }
            if (!(r.value instanceof Uint8Array)) throw new RangeError('streamSource: the stream yielded something other than a Uint8Array');
            pending = r.value;
          }
          return take(max);
        },
        async close() {
          if (!ended) {
            ended = true;
            await iterator.return?.();
          }
        },
      };
    },
  };
}

function readableIterator(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    async next() {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
    async return() {
      await reader.cancel();
      reader.releaseLock();
      return { done: true, value: undefined };
    },
  };
}

/** What a pre-pass over a source learns. */
export interface SourceMeasure {
  /** Content bytes. */
  readonly contentLength: number;
  /** Bytes after content encoding (the FLUTE transfer length). */
  readonly transferLength: number;
  /** MD5 of the content, when asked for. */
  readonly md5?: Uint8Array;
}

const READ_CHUNK = 1 << 16;

/**
 * Reads a source once, in bounded memory (one chunk at a time; encoded output is counted, not kept),
 * to learn its content length, transfer length after `encoding`, and optionally its MD5.
 * Resolves synchronously-computed results for in-memory sources too.
 */
export async function measureSource(source: ObjectSource, encoding: ContentEncoding, withMd5: boolean): Promise<SourceMeasure> {
  const hash = withMd5 ? new Md5() : undefined;
  let contentLength = 0;
  let transferLength = 0;
  const encoder = createContentEncoder(encoding, (c) => (transferLength += c.length));
  const reader = source.open();
  try {
    for (;;) {
      const r = reader.read(READ_CHUNK);
      const chunk = r instanceof Promise ? await r : r;
      if (chunk === undefined || chunk.length === 0) break;
      contentLength += chunk.length;
      hash?.update(chunk);
      encoder.push(chunk, false);
    }
    encoder.push(new Uint8Array(0), true);
  } finally {
    await reader.close();
  }
  if (source.size !== undefined && source.size !== contentLength) {
    throw new RangeError(`source said ${source.size} bytes but gave ${contentLength}`);
  }
  return hash === undefined ? { contentLength, transferLength } : { contentLength, transferLength, md5: hash.digest() };
}

/**
 * Cuts a source into consecutive blocks of given byte lengths, after content encoding, reading ahead
 * asynchronously by at most `readAhead` blocks. `get(i)` answers synchronously: the block, or
 * undefined while it is still being read (then `onReady` fires when it arrives). Blocks must be
 * requested in non-decreasing order; `release(i)` drops blocks before i.
 */
export class BlockFeed {
  readonly #reader: SourceReader;
  readonly #lengths: readonly number[];
  readonly #readAhead: number;
  readonly #onReady: () => void;
  readonly #onError: (e: unknown) => void;
  readonly #encoder: ReturnType<typeof createContentEncoder>;
  readonly #blocks = new Map<number, Uint8Array>();
  /** Next block to fill, its buffer and fill level. */
  #filling = 0;
  #buffer: Uint8Array | undefined;
  #fill = 0;
  #wanted = 0;
  #busy = false;
  #eof = false;
  #closed = false;
  /** Bytes held in ready blocks and the block being filled. */
  get bufferedBytes(): number {
    let n = this.#buffer?.length ?? 0;
    for (const b of this.#blocks.values()) n += b.length;
    return n;
  }

  constructor(source: ObjectSource, encoding: ContentEncoding, lengths: readonly number[], readAhead: number, onReady: () => void, onError: (e: unknown) => void) {
    this.#reader = source.open();
    this.#lengths = lengths;
    this.#readAhead = Math.max(1, readAhead);
    this.#onReady = onReady;
    this.#onError = onError;
    this.#encoder = createContentEncoder(encoding, (c) => this.#accept(c));
  }

  /** Block `i` when read, else undefined (and reading continues towards it). */
  get(i: number): Uint8Array | undefined {
    this.#wanted = Math.max(this.#wanted, i);
    if (this.#filling <= i + this.#readAhead) this.#pump();
    return this.#blocks.get(i);
  }

  /** Forgets every block before `i`. */
  release(i: number): void {
    for (const k of this.#blocks.keys()) if (k < i) this.#blocks.delete(k);
  }

  /** Stops reading and closes the reader. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#blocks.clear();
    this.#buffer = undefined;
    void Promise.resolve()
      .then(() => this.#reader.close())
      .catch(() => {});
  }

  #accept(chunk: Uint8Array): void {
    let o = 0;
    while (o < chunk.length) {
      if (this.#filling >= this.#lengths.length) throw new RangeError(`the source is longer than announced`);
      const want = this.#lengths[this.#filling]!;
      if (this.#buffer === undefined && this.#fill === 0 && chunk.length - o >= want) {
        // Zero-copy when a chunk covers the whole block.
        this.#complete(chunk.subarray(o, o + want));
        o += want;
        continue;
      }
      const buf = (this.#buffer ??= new Uint8Array(want));
      const n = Math.min(want - this.#fill, chunk.length - o);
      buf.set(chunk.subarray(o, o + n), this.#fill);
      this.#fill += n;
      o += n;
      if (this.#fill === want) {
        this.#buffer = undefined;
        this.#fill = 0;
        this.#complete(buf);
      }
    }
  }

  #complete(block: Uint8Array): void {
    this.#blocks.set(this.#filling++, block);
  }

  #needMore(): boolean {
    return !this.#closed && !this.#eof && this.#filling < this.#lengths.length && this.#filling <= this.#wanted + this.#readAhead;
  }

  #pump(): void {
    if (this.#busy) return;
    // Zero-length blocks (an empty object) are complete without reading.
    while (this.#filling < this.#lengths.length && this.#lengths[this.#filling] === 0 && this.#fill === 0) this.#complete(new Uint8Array(0));
    while (this.#needMore()) {
      const r = this.#reader.read(Math.max(1, this.#lengths[this.#filling]! - this.#fill));
      if (r instanceof Promise) {
        this.#busy = true;
        r.then(
          (chunk) => {
            this.#busy = false;
            if (this.#closed) return;
            const before = this.#filling;
            this.#take(chunk);
            this.#pump();
            if (this.#filling > before) this.#onReady();
          },
          (e: unknown) => {
            this.#busy = false;
            if (!this.#closed) this.#onError(e);
          },
        );
        return;
      }
      this.#take(r);
    }
  }

  #take(chunk: Uint8Array | undefined): void {
    try {
      if (chunk === undefined || chunk.length === 0) {
        this.#eof = true;
        this.#encoder.push(new Uint8Array(0), true);
        if (this.#filling < this.#lengths.length) throw new RangeError(`the source ended ${this.#lengths.length - this.#filling} block(s) early`);
      } else {
        this.#encoder.push(chunk, false);
      }
    } catch (e) {
      this.#closed = true;
      this.#onError(e);
    }
  }
}

/**
 * Object writers: where a receiver puts delivered objects. The receiver hands each object's decoded
 * content to a sink in order (block by block as blocks complete, content-decoded), after checking the
 * size and MD5 calls `complete`, and calls `abort` on any failure. Sink methods may return promises
 * (file I/O); the receiver counts the bytes still pending and calls `complete` only once every write
 * has settled. See {@link ObjectSink} for the contract.
 */

/** Cache-Control of a File (3GPP TS 26.346 §7.2.10.2), as the receiver reports it. */
export type ObjectCacheControl = { readonly directive: 'no-cache' } | { readonly directive: 'max-stale' } | { readonly directive: 'expires'; readonly expiresMs: number };

/** What is known about an object being delivered (from its FDT File entry and the packets). */
export interface ObjectMeta {
  /** Session key: `from` (or `''`) and TSI. */
  readonly session: string;
  readonly tsi: bigint;
  readonly toi: bigint;
  /** Content-Location from the FDT (as sent, not sanitised). */
  readonly contentLocation: string;
  readonly contentType: string | undefined;
  /** Content-Encoding label from the FDT, if any. */
  readonly contentEncoding: string | undefined;
  /** Content-Length from the FDT, if given. */
  readonly contentLength: number | undefined;
  /** Transfer length (bytes on the wire, after content encoding). */
  readonly transferLength: number;
  /** Content-MD5 from the FDT, if given. */
  readonly md5: Uint8Array | undefined;
  readonly etag: string | undefined;
  readonly cacheControl: ObjectCacheControl | undefined;
  readonly groups: readonly string[];
  /** FEC Encoding ID the object was sent with. */
  readonly fecEncodingId: number;
}

/** What a sink may report when it completes. */
export interface SinkResult {
  /** The content, for writers that keep it in memory. */
  readonly data?: Uint8Array;
  /** Where the content was stored, for writers that store it. */
  readonly path?: string;
}

/**
 * One object's destination.
 *
 * Contract: every sink that {@link ObjectWriter.open} returns gets exactly one `complete()` or
 * exactly one `abort()`, never both, never either twice, whatever happens to the object: MD5 or size
 * mismatch, timeout, a B flag or a closed session, `FluteReceiver.close()`, a failed write.
 * - `write` is called only before that, in content order. A write that throws or rejects fails the
 *   object (`write-error`): if `complete()` has not been called yet, `abort('write-error')` follows.
 * - `complete()` is called only after the size and MD5 checks passed and every promise `write`
 *   returned has settled (fulfilled). Once it is called, the object can no longer fail from outside
 *   (a timeout, the session or the receiver closing): it completes or fails on the sink's word alone.
 * - If `complete()` throws or rejects, the object fails with `write-error` and `abort()` is **not**
 *   called: a sink whose completion fails discards what it wrote itself.
 * - `abort(reason)` gets the `FailReason`; what it throws or rejects with is ignored.
 *
 * A sink is opened only once the FDT describes the object and content is ready to write; an object
 * that fails before that (no FDT, unsupported encoding, a timeout) opens no sink at all.
 */
export interface ObjectSink {
  /** The next `chunk.length` bytes of content (called in content order, never after complete/abort). */
  write(chunk: Uint8Array): void | Promise<void>;
  /**
   * false: the sink holds no reference to a chunk once the promise its `write` returned has settled
   * (or once `write` returned, when it returned none), so the receiver may decode later blocks into
   * the chunk's memory. Default true: the receiver assumes chunks are kept (e.g. MemoryWriter's).
   */
  readonly keepsChunks?: boolean;
  /** All content was written and verified: make it visible. Called at most once, never after abort. */
  complete(): SinkResult | void | Promise<SinkResult | void>;
  /** Delivery failed (`reason`): discard what was written. Called at most once, never after complete. */
  abort(reason: string): void | Promise<void>;
}

/** Creates a sink for each object the receiver starts delivering. */
export interface ObjectWriter {
  open(meta: ObjectMeta): ObjectSink;
}

/**
 * Keeps each object in memory until it completes and returns it as `data` in the receiver's
 * `object-completed` event. Holds nothing after that. `maxObjectBytes` caps one object (default 1 GiB).
 */
export class MemoryWriter implements ObjectWriter {
  readonly #max: number;
  constructor(options: { readonly maxObjectBytes?: number } = {}) {
    this.#max = options.maxObjectBytes ?? 2 ** 30;
  }

  open(meta: ObjectMeta): ObjectSink {
    const max = this.#max;
    const expected = meta.contentLength;
    // Content-Length comes from the peer: trust it for the first allocation only up to 16 MiB.
    let buffer = new Uint8Array(Math.min(expected ?? 1 << 16, max, 16 << 20));
    let length = 0;
    return {
      write(chunk) {
        if (length + chunk.length > max) throw new RangeError(`object over the MemoryWriter limit of ${max} bytes`);
        if (length + chunk.length > buffer.length) {
          const grown = new Uint8Array(Math.min(max, Math.max(buffer.length * 2, length + chunk.length)));
          grown.set(buffer.subarray(0, length));
          buffer = grown;
        }
        buffer.set(chunk, length);
        length += chunk.length;
      },
      complete() {
        const data = length === buffer.length ? buffer : buffer.slice(0, length);
        buffer = new Uint8Array(0);
        return { data };
      },
      abort() {
        buffer = new Uint8Array(0);
      },
    };
  }
}

/**
 * One object being received: per-block FEC decoders, completed blocks handed on in order through
 * content decoding and MD5 to the object's sink. Blocks that complete out of order, or before the FDT
 * names the object, are held (and counted against the memory limits).
 */
import { MalformedError } from '../errors.js';
import { createContentDecoder, encodingFromLabel, type ContentDecoder, type ContentEncoding } from '../encoding.js';
import type { BlockDecoder, BlockLayout, FecScheme, Oti } from '../fec/scheme.js';
import type { IncrementalHash, Md5Hasher } from '../md5.js';
import type { ObjectMeta, ObjectSink, SinkResult } from '../writer.js';
import type { BlockPool } from './block-pool.js';
import type { FailReason } from './options.js';

/** Callbacks from an object to its receiver. */
export interface ObjectHost {
  /** Memory held by the object changed by `delta` bytes; false refuses growth (the object fails). */
  memory(delta: number, object: ObjectReception): boolean;
  openSink(meta: ObjectMeta): ObjectSink;
  progress(object: ObjectReception): void;
  completed(object: ObjectReception, result: SinkResult | undefined): void;
  failed(object: ObjectReception, reason: FailReason, error?: unknown): void;
  /** Bytes handed to sinks and not yet written changed by `delta`. */
  pendingWrites(delta: number): void;
  /** Sinks completing or aborting asynchronously changed by `delta`. */
  finishing(delta: number): void;
  readonly maxContentBytes: number;
  readonly verifyMd5: boolean;
  readonly md5: Md5Hasher;
  /** Where blocks are decoded into, and given back to once a sink that keeps no chunks wrote them. */
  readonly blocks: BlockPool | undefined;
}

export type ObjectState = 'receiving' | 'finishing' | 'done' | 'failed';

/**
 * Bytes charged for a block decoder beyond the data it reports: its objects and closures, measured
 * at 1.3 KB (no-code) to 3 KB (RaptorQ). Without it a peer sending one small symbol per block made
 * ~2 KB of real memory per datagram while a few bytes were counted.
 */
export const DECODER_OVERHEAD = 4096;
/** Bytes charged for a decoded block waiting to be handed on, beyond its data (array object, map entry). */
export const HELD_BLOCK_OVERHEAD = 128;

export class ObjectReception {
  readonly layout: BlockLayout;
  state: ObjectState = 'receiving';
  meta: ObjectMeta | undefined;
  /** Content encoding signalled in packets (EXT_CENC), when the FDT does not say. */
  cenc: ContentEncoding | undefined;
  lastPacketAt: number;
  /** When a B flag arrived (undefined: none). */
  closeFlagAt: number | undefined;
  interruptedReported = false;
  memory = 0;
  blocksDone = 0;
  /** Source symbols received and source symbols rebuilt by FEC, in decoded blocks. */
  sourceReceived = 0;
  recovered = 0;
  readonly #decoders = new Map<number, BlockDecoder>();
  /** Decoded blocks not handed on yet (waiting for their predecessors or the FDT). */
  readonly #held = new Map<number, Uint8Array>();
  #next = 0;
  #receivedBytes = 0;
  #sink: ObjectSink | undefined;
  #content: ContentDecoder | undefined;
  #md5: IncrementalHash | undefined;
  #written = 0;
  /** Sink writes whose promise has not settled yet. */
  #writesInFlight = 0;
  /** Called once #writesInFlight drops to 0 (set while completion waits for them). */
  #onWritesSettled: (() => void) | undefined;
  /** complete() or abort() was called on the sink: it gets neither again (the sink contract). */
  #sinkEnded = false;
  /** What a sink's write() threw (the content decoder, which calls it, reports every error as its own). */
  #writeThrew: { readonly error: unknown } | undefined;

  constructor(
    readonly session: string,
    readonly tsi: bigint,
    readonly toi: bigint,
    readonly oti: Oti,
    readonly scheme: FecScheme,
    readonly host: ObjectHost,
    now: number,
  ) {
    this.layout = scheme.layout(oti);
    this.lastPacketAt = now;
  }

  get complete(): boolean {
    return this.blocksDone === this.layout.blockCount;
  }

  /** Bytes of the transfer decoded so far. */
  get receivedBytes(): number {
    return this.#receivedBytes;
  }

  /**
   * Adds the symbols of one packet. Returns 'stored', 'redundant' (block already decoded) or throws
   * MalformedError for an impossible SBN/ESI or symbol size.
   */
  push(sbn: number, esi: number, payload: Uint8Array, now: number): 'stored' | 'redundant' {
    this.lastPacketAt = now;
    if (this.state !== 'receiving') return 'redundant';
    const L = this.layout;
    if (L.blockCount === 0) {
      // Empty object: any packet completes it.
      this.#tryFinish();
      return 'stored';
    }
    if (sbn >= L.blockCount) throw new MalformedError('SBN', `object has ${L.blockCount} blocks`, sbn);
    const T = this.oti.symbolLength;
    const tail = payload.length % T;
    if (payload.length > T && tail !== 0) {
      // Several symbols in one packet are T bytes each; only the object's last source symbol may be
      // short. Check before storing any of them: a malformed packet is dropped whole.
      const k = L.sourceSymbols(sbn);
      const last = sbn === L.blockCount - 1 && esi + Math.floor(payload.length / T) === k - 1 && tail === L.byteLength(sbn) - (k - 1) * T;
      if (!last) throw new MalformedError('encoding symbols', `${payload.length} bytes are not a whole number of ${T}-byte symbols`, payload.length);
    }
    // Decoded blocks are the ones handed on (below #next) and the ones held: nothing is allocated per
    // block of the OTI, whose block count a peer chooses (up to 2^30 for FEC 2 with m = 2).
    if (sbn < this.#next || this.#held.has(sbn)) return 'redundant';
    let dec = this.#decoders.get(sbn);
    if (dec === undefined) {
      // Account for the block before allocating it: a peer's OTI may ask for any block size.
      const need = L.byteLength(sbn) + DECODER_OVERHEAD;
      if (!this.host.memory(need, this)) return 'redundant';
      this.memory += need;
      dec = this.scheme.createDecoder(this.oti, sbn, this.host.blocks?.take);
      this.#decoders.set(sbn, dec);
      const extra = dec.memory + DECODER_OVERHEAD - need;
      if (extra !== 0) {
        if (!this.host.memory(extra, this)) return 'redundant';
        this.memory += extra;
      }
    }
    let o = 0;
    let id = esi;
    do {
      const sym = payload.subarray(o, Math.min(payload.length, o + T));
      o += T;
      const before = dec.memory;
      const done = dec.push(id, sym);
      const after = done ? 0 : dec.memory;
      if (after !== before && !done) {
        if (!this.host.memory(after - before, this)) return 'redundant';
        this.memory += after - before;
      }
      if (done) {
        this.#blockDone(sbn, dec, before);
        break;
      }
      id++;
    } while (o < payload.length);
    return 'stored';
  }

  #blockDone(sbn: number, dec: BlockDecoder, decoderMemory: number): void {
    const block = dec.result();
    this.sourceReceived += dec.sourceReceived;
    this.recovered += this.layout.sourceSymbols(sbn) - dec.sourceReceived;
    this.#decoders.delete(sbn);
    this.blocksDone++;
    this.#receivedBytes += block.length;
    // The decoder's memory becomes the held block's.
    const delta = block.length + HELD_BLOCK_OVERHEAD - (decoderMemory + DECODER_OVERHEAD);
    this.host.memory(delta, this);
    this.memory += delta;
    this.#held.set(sbn, block);
    this.host.progress(this);
    this.#drain();
  }

  /** Attaches the FDT description; delivery starts if blocks are waiting. */
  describe(meta: ObjectMeta): void {
    if (this.meta !== undefined || this.state === 'failed' || this.state === 'done') return;
    this.meta = meta;
    this.#drain();
  }

  #openPipeline(): boolean {
    const meta = this.meta!;
    const label = meta.contentEncoding;
    let encoding: ContentEncoding | undefined = label === undefined ? (this.cenc ?? 'null') : encodingFromLabel(label);
    if (encoding === undefined) {
      this.#fail('unsupported-encoding', new MalformedError('Content-Encoding', 'is not one of null, deflate, zlib, gzip', label));
      return false;
    }
    if (encoding === 'null' && this.cenc !== undefined && this.cenc !== 'null') encoding = this.cenc;
    try {
      this.#sink = this.host.openSink(meta);
    } catch (e) {
      this.#fail('bad-location', e);
      return false;
    }
    if (meta.md5 !== undefined && this.host.verifyMd5) this.#md5 = this.host.md5();
    this.#content = createContentDecoder(encoding, { maxOutput: Math.min(this.host.maxContentBytes, meta.contentLength ?? Infinity) }, (chunk) => this.#write(chunk));
    return true;
  }

  #write(chunk: Uint8Array): void {
    this.#md5?.update(chunk);
    this.#written += chunk.length;
    let r: void | Promise<void>;
    try {
      r = this.#sink!.write(chunk);
    } catch (e) {
      this.#writeThrew = { error: e };
      throw e;
    }
    if (r instanceof Promise) this.#track(r, chunk.length);
    // A decoded block that went to the sink as it is (no content decoding) can serve again once the
    // sink is done with it, if the sink keeps no chunks.
    const pool = this.host.blocks;
    if (pool !== undefined && this.#sink!.keepsChunks === false && pool.owns(chunk)) {
      if (r instanceof Promise) {
        const back = (): void => pool.give(chunk);
        r.then(back, back);
      } else pool.give(chunk);
    }
  }

  #track(p: Promise<unknown>, bytes: number): void {
    this.host.pendingWrites(bytes);
    this.#writesInFlight++;
    const settled = (): void => {
      this.host.pendingWrites(-bytes);
      if (--this.#writesInFlight === 0 && this.#onWritesSettled !== undefined) {
        const go = this.#onWritesSettled;
        this.#onWritesSettled = undefined;
        go();
      }
    };
    p.then(settled, (e: unknown) => {
      // Fail first: completion, if it waits for this write, must see the failure.
      this.#fail('write-error', e);
      settled();
    });
  }

  #drain(): void {
    if (this.meta === undefined || this.state !== 'receiving') return;
    // Open the sink only once there is something to write (in-band CENC may still arrive).
    if (!this.#held.has(this.#next) && !this.complete) return;
    if (this.#sink === undefined && !this.#openPipeline()) return;
    try {
      for (;;) {
        const block = this.#held.get(this.#next);
        if (block === undefined) break;
        this.#held.delete(this.#next);
        this.#next++;
        this.host.memory(-(block.length + HELD_BLOCK_OVERHEAD), this);
        this.memory -= block.length + HELD_BLOCK_OVERHEAD;
        this.#content!.push(block, this.#next === this.layout.blockCount);
      }
    } catch (e) {
      if (this.#writeThrew !== undefined) this.#fail('write-error', this.#writeThrew.error);
      else this.#fail(e instanceof MalformedError ? 'content-decoding' : 'write-error', e);
      return;
    }
    this.#tryFinish();
  }

  #tryFinish(): void {
    if (this.state !== 'receiving' || !this.complete || this.meta === undefined) return;
    if (this.#sink === undefined && !this.#openPipeline()) return;
    if (this.layout.blockCount === 0) {
      try {
        this.#content!.push(new Uint8Array(0), true);
      } catch (e) {
        if (this.#writeThrew !== undefined) this.#fail('write-error', this.#writeThrew.error);
        else this.#fail('content-decoding', e);
        return;
      }
    }
    if (this.#next < this.layout.blockCount) return;
    const meta = this.meta;
    if (meta.contentLength !== undefined && this.#written !== meta.contentLength) {
      this.#fail('size-mismatch', new MalformedError('Content-Length', `FDT says ${meta.contentLength} bytes, decoded ${this.#written}`, this.#written));
      return;
    }
    if (this.#md5 !== undefined) {
      const digest = this.#md5.digest();
      if (!digest.every((b, i) => b === meta.md5![i])) {
        this.#fail('md5-mismatch', new MalformedError('Content-MD5', 'does not match the decoded content'));
        return;
      }
    }
    this.state = 'finishing';
    if (this.#writesInFlight === 0) {
      this.#complete();
      return;
    }
    // complete() only once every write has settled; a write that fails first aborts the sink instead.
    this.host.finishing(1);
    this.#onWritesSettled = () => {
      // Counted down after complete() is under way, so that whenWritten() does not resolve between.
      if (this.state === 'finishing') this.#complete();
      this.host.finishing(-1);
    };
  }

  /** Calls the sink's complete() (once: see ObjectSink) and reports the outcome. */
  #complete(): void {
    const sink = this.#sink!;
    this.#sinkEnded = true;
    let r: ReturnType<ObjectSink['complete']>;
    try {
      r = sink.complete();
    } catch (e) {
      // The sink refused to complete: it was not aborted, and cleans up after itself.
      this.#fail('write-error', e);
      return;
    }
    if (!(r instanceof Promise)) {
      this.#finish(r);
      return;
    }
    this.host.finishing(1);
    r.then(
      (result) => {
        try {
          this.#finish(result);
        } finally {
          this.host.finishing(-1);
        }
      },
      (e: unknown) => {
        this.#fail('write-error', e);
        this.host.finishing(-1);
      },
    );
  }

  #finish(result: SinkResult | void): void {
    if (this.state !== 'finishing') return;
    this.state = 'done';
    this.host.completed(this, result ?? undefined);
  }

  /**
   * Fails the object from outside (timeout, limits, session close…): frees its memory, aborts its
   * sink, tells the host. Only an object still receiving can fail so; one whose content was verified
   * and is being completed finishes (or fails) on its own.
   */
  fail(reason: FailReason, error?: unknown): void {
    if (this.state !== 'receiving') return;
    this.#fail(reason, error);
  }

  #fail(reason: FailReason, error?: unknown): void {
    if (this.state === 'failed' || this.state === 'done') return;
    this.state = 'failed';
    this.release();
    if (this.#sink !== undefined && !this.#sinkEnded) {
      this.#sinkEnded = true;
      try {
        const r = this.#sink.abort(reason);
        if (r instanceof Promise) {
          // whenWritten() waits for the sink to discard what it wrote (a temporary file, say).
          this.host.finishing(1);
          const settled = (): void => this.host.finishing(-1);
          r.then(settled, settled);
        }
      } catch {
        // A sink that cannot abort has nothing more to say.
      }
    }
    this.host.failed(this, reason, error);
  }

  /** Drops every decoder and held block. */
  release(): void {
    if (this.memory !== 0) this.host.memory(-this.memory, this);
    this.memory = 0;
    this.#decoders.clear();
    this.#held.clear();
  }
}

/**
 * FluteSender: the sending side of FLUTE (RFC 6726) as a sans-IO engine. `poll(now)` returns the next
 * datagram (or undefined), `nextDeadline()` says when to call it again; no sockets, timers or clocks.
 *
 * Scheduling (what ypo/flute does, plus target acquisition): the FDT goes first when due; then the
 * lowest-numbered priority queue with a transfer ready sends, its transfers taking turns one packet
 * each (up to `multiplex` in parallel); inside a transfer `interleave` blocks take turns one symbol
 * each, source symbols before repair symbols.
 */
import { HET_CENC, HET_FDT, HET_FTI, HET_TIME, alcPacketLength, encodeAlcPacketInto, encodeFecPayloadId, encodeLctHeader, unixMsToNtp, type LctExtension, type LctHeaderInit, type ToiBits } from '@proto/lct';
import { buildFdt, epochMsToNtpSeconds, type FdtFile, type FdtInstance } from '@proto/fdt';
import { Emitter } from '../emitter.js';
import { CENC, checkEncoding, encodeContent, encodingLabel, type ContentEncoding } from '../encoding.js';
import { FecRegistry } from '../fec/registry.js';
import type { BlockEncoder, BlockLayout, FecParameters, FecScheme, Oti } from '../fec/scheme.js';
import { md5 as md5Of } from '../md5.js';
import { otiToFdt, otiToFti } from '../oti.js';
import { BlockFeed, bytesSource, measureSource, type ObjectSource } from '../source.js';
import { DatagramSlab } from './slab.js';
import { ToiAllocator } from './toi.js';
import type { CarouselTiming, FecOptions, FluteProfile, FluteSenderOptions, ObjectOptions, TargetAcquisition } from './options.js';

/** Events of a {@link FluteSender}. */
export interface FluteSenderEvents {
  /** An object's content is measured (length, MD5) and it can be published. */
  'object-ready': { readonly toi: bigint; readonly transferLength: number };
  /** An object could not be prepared or read; it is dropped. */
  'object-error': { readonly toi: bigint; readonly error: unknown };
  'transfer-start': { readonly toi: bigint; readonly transfer: number; readonly packets: number };
  'transfer-progress': { readonly toi: bigint; readonly transfer: number; readonly sent: number; readonly packets: number };
  'transfer-end': { readonly toi: bigint; readonly transfer: number; readonly sent: number; readonly cut: boolean };
  /** The object's last transfer ended (or it was removed). */
  'object-done': { readonly toi: bigint; readonly transfers: number; readonly removed: boolean };
  'fdt-published': { readonly instanceId: number; readonly files: number; readonly bytes: number };
  /** A block of an asynchronous source became available: call poll again. */
  readable: Record<string, never>;
}

const DEFAULT_SYMBOL = 1424;
const DEFAULT_BLOCK = 64;
/** Object size (in symbols) used to check a FEC configuration before any object exists. */
const PROBE_SYMBOLS = 64;
const FDT_ID_MOD = 1 << 20;
const DEFAULT_CAROUSEL: CarouselTiming = { mode: 'delay', ms: 0 };

type ObjectState = 'preparing' | 'ready' | 'done' | 'removed' | 'failed';

interface SenderObject {
  readonly toi: bigint;
  readonly options: ObjectOptions;
  readonly priority: number;
  readonly seq: number;
  /** Place in its priority queue for the next transfer: `seq` at first, renewed after each transfer. */
  turn: number;
  readonly source: ObjectSource;
  readonly encoding: ContentEncoding;
  state: ObjectState;
  /** Content bytes to send when known in memory (already content-encoded). */
  transferBytes: Uint8Array | undefined;
  contentLength: number;
  transferLength: number;
  md5: Uint8Array | undefined;
  oti: Oti | undefined;
  /** LCT header of the object's packets (without B flag), fixed once the object is ready. */
  header: LctHeaderInit | undefined;
  scheme: FecScheme | undefined;
  params: FecParameters | undefined;
  transfersDone: number;
  readonly maxTransfers: number;
  nextStartAt: number;
  lastStartAt: number;
  /** Listed in an FDT instance that has been sent completely since it became eligible. */
  announced: boolean;
  /** Listed in the instance being built/sent. */
  listed: boolean;
  transfer: Transfer | undefined;
  /** Finished and still listed (FullFDT): listed until this time (epoch ms). */
  listedUntil: number;
}

/** One pass over an object's blocks. */
class Transfer {
  readonly layout: BlockLayout;
  readonly total: number;
  readonly startedAt: number;
  readonly interval: number;
  readonly header: LctHeaderInit;
  readonly lastHeader: LctHeaderInit;
  readonly headerLength: number;
  readonly alcOptions: { readonly fecEncodingId: number; readonly m?: number };
  readonly feed: BlockFeed | undefined;
  readonly counts: number[] = [];
  encoders: (BlockEncoder | undefined)[] = [];
  group = 0;
  groupEnd = 0;
  round = 0;
  pos = 0;
  sent = 0;
  nextSendAt: number;
  cut = false;
  stalled = false;
  #headTemplate: Uint8Array | undefined;
  #lastTemplate: Uint8Array | undefined;

  constructor(
    readonly obj: SenderObject,
    readonly number: number,
    readonly oti: Oti,
    readonly scheme: FecScheme,
    readonly params: FecParameters,
    readonly interleave: number,
    now: number,
    header: LctHeaderInit,
    closeObject: boolean,
    feed: BlockFeed | undefined,
    target: TargetAcquisition,
    readonly slab: DatagramSlab,
  ) {
    this.layout = scheme.layout(oti);
    const L = this.layout;
    let total = 0;
    if (L.blockCount === 0) total = 1;
    else {
      const nLarge = scheme.encodingSymbols(oti, L.largeSize, params);
      const nSmall = L.smallSize > 0 ? scheme.encodingSymbols(oti, L.smallSize, params) : 0;
      total = nLarge * L.largeCount + nSmall * (L.blockCount - L.largeCount);
    }
    this.total = total;
    this.startedAt = now;
    this.nextSendAt = now;
    this.interval = target.mode === 'within' ? target.ms / total : target.mode === 'by' ? Math.max(0, target.time - now) / total : 0;
    this.header = header;
    this.lastHeader = closeObject ? { ...header, closeObject: true } : header;
    this.alcOptions = oti.fecEncodingId === 2 ? { fecEncodingId: 2, m: oti.m } : { fecEncodingId: oti.fecEncodingId };
    this.headerLength = alcPacketLength({ header, payloadId: { sbn: 0, esi: 0, sourceBlockLength: 1 } }, this.alcOptions);
    this.feed = feed;
    this.#openGroup(0);
  }

  /** The LCT header bytes (without FEC Payload ID) for `header`. */
  #template(header: LctHeaderInit): Uint8Array {
    return encodeLctHeader(header, this.alcOptions);
  }

  #openGroup(start: number): void {
    for (const e of this.encoders) e?.dispose?.();
    this.group = start;
    this.groupEnd = Math.min(this.layout.blockCount, start + this.interleave);
    this.encoders = [];
    this.counts.length = 0;
    for (let b = start; b < this.groupEnd; b++) this.counts.push(this.scheme.encodingSymbols(this.oti, this.layout.sourceSymbols(b), this.params));
    this.round = 0;
    this.pos = 0;
    this.feed?.release(start);
  }

  #encoder(i: number): BlockEncoder | undefined {
    let e = this.encoders[i];
    if (e !== undefined) return e;
    const sbn = this.group + i;
    const obj = this.obj;
    let block: Uint8Array | undefined;
    if (obj.transferBytes !== undefined) {
      const off = this.layout.byteOffset(sbn);
      block = obj.transferBytes.subarray(off, off + this.layout.byteLength(sbn));
    } else {
      block = this.feed!.get(sbn);
      // Keep the read-ahead going past this group.
      if (block !== undefined) this.feed!.get(Math.min(this.layout.blockCount - 1, sbn + 1));
    }
    if (block === undefined) return undefined;
    e = this.scheme.createEncoder(this.oti, sbn, block);
    this.encoders[i] = e;
    return e;
  }

  /** Writes the next packet; undefined while its block is being read. */
  next(): Uint8Array | undefined {
    const L = this.layout;
    if (L.blockCount === 0) {
      // An empty object: one packet without payload.
      const out = new Uint8Array(this.headerLength);
      const header = this.cut || this.sent + 1 === this.total ? this.lastHeader : this.header;
      encodeAlcPacketInto({ header, payloadId: { sbn: 0, esi: 0, sourceBlockLength: 0 } }, out, 0, this.alcOptions);
      this.sent++;
      return out;
    }
    // Find the next (block, esi) in the interleaved order.
    for (;;) {
      const width = this.groupEnd - this.group;
      if (this.pos >= width) {
        this.pos = 0;
        this.round++;
      }
      let maxCount = 0;
      for (const c of this.counts) maxCount = Math.max(maxCount, c);
      if (this.round >= maxCount) {
        this.#openGroup(this.groupEnd);
        continue;
      }
      if (this.round < this.counts[this.pos]!) break;
      this.pos++;
    }
    const enc = this.#encoder(this.pos);
    if (enc === undefined) {
      this.stalled = true;
      return undefined;
    }
    this.stalled = false;
    const sbn = this.group + this.pos;
    const esi = this.round;
    const k = enc.sourceSymbols;
    const last = this.cut || this.sent + 1 === this.total;
    const out = this.slab.take(this.headerLength + this.oti.symbolLength);
    // The LCT header is the same for every packet of the transfer but for the B flag: copy it from a
    // template encoded once, and encode only the FEC Payload ID.
    const template = last ? (this.#lastTemplate ??= this.#template(this.lastHeader)) : (this.#headTemplate ??= this.#template(this.header));
    out.set(template, 0);
    out.set(encodeFecPayloadId(this.oti.fecEncodingId, { sbn, esi, sourceBlockLength: k }, this.oti.m || 8), template.length);
    const len = enc.writeSymbol(esi, out, this.headerLength);
    this.pos++;
    this.sent++;
    if (this.interval > 0) this.nextSendAt = this.startedAt + this.sent * this.interval;
    return len === this.oti.symbolLength ? out : out.subarray(0, this.headerLength + len);
  }
}

/** The FDT instance being sent. */
interface FdtSend {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly symbol: number;
  readonly packets: number;
  sent: number;
  readonly startedAt: number;
  readonly listed: readonly SenderObject[];
}

function checkTiming(t: CarouselTiming, field: string): CarouselTiming {
  if ((t.mode !== 'delay' && t.mode !== 'interval') || !(t.ms >= 0) || !Number.isFinite(t.ms)) throw new RangeError(`${field} must be { mode: 'delay' | 'interval', ms >= 0 }`);
  return t;
}

/** A FLUTE sender. */
export class FluteSender extends Emitter<FluteSenderEvents> {
  readonly tsi: bigint;
  readonly profile: FluteProfile;
  readonly tsiBits: 16 | 32 | 48;
  readonly toiBits: ToiBits;
  readonly maxDatagramSize: number;
  readonly #o: FluteSenderOptions;
  readonly #fec: FecRegistry;
  readonly #toi: ToiAllocator;
  readonly #objects = new Map<bigint, SenderObject>();
  /** Finished objects still listed in FullFDT instances, oldest first (see `fdt.keepFinished`). */
  readonly #finished = new Map<bigint, SenderObject>();
  readonly #keepFinished: number;
  /** Where data packets are written (see DatagramSlab). */
  readonly #slab = new DatagramSlab();
  readonly #full: boolean;
  /** An object of the session was dropped from the listing while not removed: no Complete="true" any more. */
  #unlisted = false;
  #seq = 0;
  #fdtId = 0;
  #fdtDirty = true;
  #fdtNextAt = -Infinity;
  #fdtSend: FdtSend | undefined;
  #fdtExpiresAt = 0;
  #complete = false;
  #closing = false;
  #closed = false;
  #lastNow = 0;
  /** Bumped whenever transfers start or end, objects come or go (invalidates #starters). */
  #version = 0;
  #startersCache: Set<SenderObject> | undefined;
  #startersAt = NaN;
  #startersVersion = -1;
  /** Objects with a transfer in flight. */
  readonly #active = new Set<SenderObject>();
  /** Round-robin cursor per priority. */
  readonly #cursor = new Map<number, number>();
  readonly #fdtVersion: number;
  readonly #fdtHeaderLength: number;

  constructor(options: FluteSenderOptions) {
    super();
    this.#o = options;
    const profile = options.profile ?? 'rfc6726';
    if (profile !== 'rfc6726' && profile !== 'rfc3926' && profile !== 'interop') throw new RangeError(`profile must be 'rfc6726', 'rfc3926' or 'interop', got ${String(profile)}`);
    this.profile = profile;
    const tsi = BigInt(options.tsi);
    if (tsi < 0n || tsi >= 1n << 48n) throw new RangeError(`tsi must fit 48 bits, got ${tsi}`);
    this.tsi = tsi;
    const toiBits = options.toiBits ?? 32;
    if (![16, 32, 48, 64, 80, 96, 112].includes(toiBits)) throw new RangeError(`toiBits must be 16, 32, 48, 64, 80, 96 or 112, got ${toiBits}`);
    const half = toiBits % 32 !== 0;
    const tsiBits = options.tsiBits ?? (half ? (tsi < 1n << 16n ? 16 : 48) : 32);
    if (![16, 32, 48].includes(tsiBits)) throw new RangeError(`tsiBits must be 16, 32 or 48, got ${tsiBits}`);
    if (tsiBits % 32 !== 0 !== half) throw new RangeError(`tsiBits ${tsiBits} and toiBits ${toiBits} need different LCT H flags: pick both multiples of 32 or neither`);
    if (tsi >= 1n << BigInt(tsiBits)) throw new RangeError(`tsi ${tsi} does not fit ${tsiBits} bits`);
    if (profile === 'interop' && (tsiBits > 32 || toiBits > 32)) throw new RangeError('the interop profile uses 16- or 32-bit TSI and TOI');
    this.tsiBits = tsiBits;
    this.toiBits = toiBits as ToiBits;
    this.#toi = new ToiAllocator(toiBits);
    this.maxDatagramSize = options.maxDatagramSize ?? 1472;
    if (!Number.isInteger(this.maxDatagramSize) || this.maxDatagramSize < 128 || this.maxDatagramSize > 65507) throw new RangeError(`maxDatagramSize must be 128..65507, got ${this.maxDatagramSize}`);
    this.#fec = new FecRegistry({ rsMatrix: options.rsMatrix ?? 'rfc5510', schemes: options.schemes ?? [], raptorYpoLastBlock: options.raptorYpoLastBlock ?? false });
    this.#fdtVersion = profile === 'rfc6726' ? 2 : 1;
    if (options.fdt?.carousel !== undefined) checkTiming(options.fdt.carousel, 'fdt.carousel');
    const mode = options.fdt?.publishMode ?? 'full';
    if (mode !== 'full' && mode !== 'objects-being-transferred') throw new RangeError(`fdt.publishMode must be 'full' or 'objects-being-transferred', got ${String(mode)}`);
    this.#full = mode === 'full';
    const keep = options.fdt?.keepFinished ?? 1024;
    if (!(keep === Infinity || (Number.isInteger(keep) && keep >= 0))) throw new RangeError(`fdt.keepFinished must be a non-negative integer or Infinity, got ${String(keep)}`);
    this.#keepFinished = keep;
    checkEncoding(options.fdt?.contentEncoding ?? 'null', 'fdt.contentEncoding');
    this.#fdtHeaderLength = alcPacketLength({ header: this.#fdtHeader(FDT_ID_MOD - 1, 0, 2 ** 40, 2 ** 31, 0), payloadId: { sbn: 0, esi: 0 } }, { fecEncodingId: 0 });
    // Refuse at once a session FEC whose packets cannot fit.
    this.#params(options.fec ?? {});
  }

  /** Objects known (preparing, queued, in flight or waiting for a carousel round). */
  get objectCount(): number {
    let n = 0;
    for (const o of this.#objects.values()) if (o.state === 'preparing' || o.state === 'ready') n++;
    return n;
  }

  /** True when nothing remains to send apart from the FDT carousel. */
  get idle(): boolean {
    return this.objectCount === 0;
  }

  /** The FDT Instance ID of the last instance built. */
  get fdtInstanceId(): number {
    return (this.#fdtId + FDT_ID_MOD - 1) % FDT_ID_MOD;
  }

  /** Sets the next FDT Instance ID (mod 2^20), e.g. to resume a session. */
  set fdtInstanceId(id: number) {
    if (!Number.isInteger(id) || id < 0 || id >= FDT_ID_MOD) throw new RangeError(`fdtInstanceId must be 0..2^20-1, got ${id}`);
    this.#fdtId = id;
    this.#fdtDirty = true;
  }

  #params(f: FecOptions, merged?: FecOptions): { scheme: FecScheme; params: FecParameters } {
    const o = { ...this.#o.fec, ...merged, ...f };
    const id = o.encodingId ?? 0;
    const scheme = this.#fec.get(id);
    if (scheme === undefined) throw new RangeError(`FEC Encoding ID ${id} is not available (known: ${this.#fec.ids().join(', ')})`);
    const params: FecParameters = {
      symbolLength: o.symbolLength ?? DEFAULT_SYMBOL,
      maxSourceBlockLength: o.maxSourceBlockLength ?? DEFAULT_BLOCK,
      repair: o.repair ?? { symbols: 0 },
      ...(o.m === undefined ? {} : { m: o.m }),
      ...(o.subBlocks === undefined ? {} : { subBlocks: o.subBlocks }),
      ...(o.alignment === undefined ? {} : { alignment: o.alignment }),
      ...(o.fecInstanceId === undefined ? {} : { fecInstanceId: o.fecInstanceId }),
    };
    // Probe: the parameters must give a valid OTI for an object of a typical size.
    scheme.createOti(PROBE_SYMBOLS * params.symbolLength, params);
    return { scheme, params };
  }

  #objectHeader(toi: bigint, fecId: number, oti: Oti | undefined, inBandFti: boolean, inBandCenc: boolean, encoding: ContentEncoding = 'null'): LctHeaderInit {
    const extensions: LctExtension[] = [];
    if (inBandFti && oti !== undefined) extensions.push({ het: HET_FTI, fti: otiToFti(oti) });
    if (inBandCenc) extensions.push({ het: HET_CENC, cenc: CENC[encoding] });
    return {
      tsi: this.tsi,
      toi,
      tsiBits: this.tsiBits,
      toiBits: this.toiBits,
      codepoint: this.#o.codepoint?.(fecId) ?? fecId,
      extensions,
    };
  }

  #fdtHeader(id: number, sctMs: number, length: number, block: number, symbol: number): LctHeaderInit {
    const ntp = unixMsToNtp(Math.max(0, sctMs));
    const extensions: LctExtension[] = [
      { het: HET_FDT, version: this.#fdtVersion, fdtInstanceId: id },
      { het: HET_CENC, cenc: CENC[this.#o.fdt?.contentEncoding ?? 'null'] },
      { het: HET_TIME, sct: { seconds: ntp.seconds, fraction: ntp.fraction } },
      { het: HET_FTI, fti: { fecEncodingId: 0, transferLength: length, symbolLength: symbol, maxSourceBlockLength: block } },
    ];
    return { tsi: this.tsi, toi: 0n, tsiBits: this.tsiBits, toiBits: this.toiBits, codepoint: this.#o.codepoint?.(0) ?? 0, extensions };
  }

  /**
   * Queues an object; returns its TOI. Objects from bytes are ready at once; stream sources are read
   * once first (bounded memory) when their length, encoded length or MD5 must be known up front, and
   * become ready with the `object-ready` event.
   */
  addObject(options: ObjectOptions): bigint {
    if (this.#closing) throw new RangeError('the session is closed');
    if (this.#complete) throw new RangeError('the session is complete: setComplete() promised that no more objects come');
    if (typeof options.contentLocation !== 'string' || options.contentLocation === '') throw new RangeError('contentLocation is required');
    const encoding = checkEncoding(options.contentEncoding ?? 'null', 'contentEncoding');
    const source = options.source instanceof Uint8Array ? bytesSource(options.source) : options.source;
    if (source === undefined || typeof source.open !== 'function') throw new RangeError('source must be a Uint8Array or an ObjectSource');
    const maxTransfers = options.maxTransfers ?? 1;
    if (!(maxTransfers >= 1) || (!Number.isInteger(maxTransfers) && maxTransfers !== Infinity)) throw new RangeError(`maxTransfers must be a positive integer or Infinity, got ${maxTransfers}`);
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority)) throw new RangeError(`priority must be an integer, got ${priority}`);
    if (options.carousel !== undefined) checkTiming(options.carousel, 'carousel');
    const t = options.target;
    if (t !== undefined && !(t.mode === 'asap' || (t.mode === 'within' && t.ms >= 0) || (t.mode === 'by' && Number.isFinite(t.time)))) throw new RangeError('target must be asap, { within ms } or { by time }');
    // Validate the FEC choice and the FDT fields now, not when the FDT is built.
    this.#params(options.fec ?? {});
    buildFdt({ expires: 0, files: [this.#fdtFile({ options, toi: 1n, contentLength: 0, transferLength: 0, encoding, md5: undefined, oti: undefined } as SenderObject)] });
    let toi: bigint;
    if (options.toi !== undefined) {
      toi = this.#toi.check(BigInt(options.toi));
      const existing = this.#objects.get(toi);
      if (existing !== undefined && (existing.state === 'preparing' || existing.state === 'ready')) throw new RangeError(`TOI ${toi} is in use`);
      // A new object under the TOI of a finished one replaces it in the listing.
      if (this.#finished.delete(toi)) this.#fdtDirty = true;
    } else {
      toi = this.#toi.allocate((v) => {
        if (this.#finished.has(v)) return true;
        const o = this.#objects.get(v);
        return o !== undefined && (o.state === 'preparing' || o.state === 'ready');
      });
    }
    const obj: SenderObject = {
      toi,
      options,
      priority,
      seq: this.#seq,
      turn: this.#seq++,
      source,
      encoding,
      state: 'preparing',
      transferBytes: undefined,
      contentLength: 0,
      transferLength: 0,
      md5: undefined,
      oti: undefined,
      header: undefined,
      scheme: undefined,
      params: undefined,
      transfersDone: 0,
      maxTransfers,
      nextStartAt: options.startAt ?? -Infinity,
      lastStartAt: -Infinity,
      announced: false,
      listed: false,
      transfer: undefined,
      listedUntil: Infinity,
    };
    this.#objects.set(toi, obj);
    const wantMd5 = options.md5 ?? true;
    if (source.bytes !== undefined) {
      const content = source.bytes;
      const encoded = encodeContent(content, encoding, options.compressionLevel ?? 6);
      this.#ready(obj, content.length, encoded, wantMd5 ? md5Of(content) : undefined);
    } else if (source.size !== undefined && encoding === 'null' && !wantMd5) {
      this.#ready(obj, source.size, undefined, undefined);
    } else {
      measureSource(source, encoding, wantMd5).then(
        (m) => {
          if (obj.state !== 'preparing') return;
          this.#ready(obj, m.contentLength, undefined, m.md5, m.transferLength);
          this.emit('readable', {});
        },
        (error: unknown) => this.#fail(obj, error),
      );
    }
    return toi;
  }

  #ready(obj: SenderObject, contentLength: number, encoded: Uint8Array | undefined, md5: Uint8Array | undefined, transferLength = encoded?.length ?? contentLength): void {
    try {
      let { scheme, params } = this.#params(obj.options.fec ?? {});
      if (scheme.fecEncodingId !== 0 && (transferLength === 0 || (transferLength <= params.symbolLength && !this.#codes(scheme, transferLength, params)))) {
        // Nothing to protect, or too little for the scheme (Raptor needs 4 symbols of at least Al
        // bytes): the object goes out as no-code.
        ({ scheme, params } = this.#params({ encodingId: 0 }, obj.options.fec));
      }
      if (this.profile === 'interop' && scheme.fecEncodingId === 0) {
        // GPAC ignores SBN: one source block per object.
        params = { ...params, maxSourceBlockLength: Math.max(params.maxSourceBlockLength, Math.ceil(transferLength / params.symbolLength), 1) };
      }
      const oti = scheme.createOti(transferLength, params);
      const inBandFti = obj.options.inBandFti ?? this.#o.inBandFti ?? true;
      const inBandCenc = obj.options.inBandCenc ?? this.#o.inBandCenc ?? false;
      const header = this.#objectHeader(obj.toi, oti.fecEncodingId, oti, inBandFti, inBandCenc, obj.encoding);
      const hlen = alcPacketLength({ header, payloadId: { sbn: 0, esi: 0, sourceBlockLength: 1 } }, oti.fecEncodingId === 2 ? { fecEncodingId: 2, m: oti.m } : { fecEncodingId: oti.fecEncodingId });
      if (hlen + oti.symbolLength > this.maxDatagramSize) {
        throw new RangeError(`a packet of ${hlen} header bytes + ${oti.symbolLength}-byte symbol exceeds maxDatagramSize ${this.maxDatagramSize}`);
      }
      obj.contentLength = contentLength;
      obj.transferLength = transferLength;
      obj.transferBytes = encoded;
      obj.md5 = md5;
      obj.oti = oti;
      obj.header = header;
      obj.scheme = scheme;
      obj.params = params;
      obj.state = 'ready';
      this.#version++;
      this.#fdtDirty = true;
      this.emit('object-ready', { toi: obj.toi, transferLength });
    } catch (error) {
      this.#fail(obj, error);
      if (obj.source.bytes !== undefined) throw error;
    }
  }

  #codes(scheme: FecScheme, transferLength: number, params: FecParameters): boolean {
    try {
      scheme.createOti(transferLength, params);
      return true;
    } catch {
      return false;
    }
  }

  #fail(obj: SenderObject, error: unknown): void {
    if (obj.state === 'failed' || obj.state === 'removed') return;
    obj.state = 'failed';
    this.#version++;
    obj.transfer?.feed?.close();
    obj.transfer = undefined;
    this.#active.delete(obj);
    this.#objects.delete(obj.toi);
    this.#fdtDirty = true;
    this.emit('object-error', { toi: obj.toi, error });
  }

  /**
   * Removes an object. A transfer in flight is cut: its next packet carries the B flag and is its
   * last. A finished object still listed in FullFDT instances (`fdt.keepFinished`) is unlisted
   * (no event: its `object-done` was emitted). Returns false for an unknown TOI or one no longer listed.
   */
  removeObject(toi: bigint | number): boolean {
    if (this.#finished.delete(BigInt(toi))) {
      this.#fdtDirty = true;
      return true;
    }
    const obj = this.#objects.get(BigInt(toi));
    if (obj === undefined || (obj.state !== 'ready' && obj.state !== 'preparing')) return false;
    obj.state = 'removed';
    this.#version++;
    this.#fdtDirty = true;
    if (obj.transfer !== undefined) obj.transfer.cut = true;
    else {
      // Not in flight: nothing more to send, so nothing to keep (a cut transfer ends in #endTransfer).
      this.#objects.delete(obj.toi);
      this.emit('object-done', { toi: obj.toi, transfers: obj.transfersDone, removed: true });
    }
    return true;
  }

  /**
   * Declares that no further files will be added (`addObject` throws from now on). FDT instances
   * carry Complete="true" whenever they list every object of the session: not while an object is
   * still being measured, and, in `'full'` mode, never again once a finished object was dropped from
   * the listing (see `fdt.keepFinished`).
   */
  setComplete(): void {
    this.#complete = true;
    this.#fdtDirty = true;
  }

  /** Ends the session: the next poll returns the close-session packet (A flag), then nothing. */
  close(): void {
    this.#closing = true;
  }

  /** Whether the close-session packet has gone out. */
  get closed(): boolean {
    return this.#closed;
  }

  #listedNow(now: number): SenderObject[] {
    const out: SenderObject[] = [];
    for (const o of this.#objects.values()) {
      if (o.state !== 'ready') continue;
      if (this.#full || o.transfer !== undefined || this.#wantsStart(o, now)) out.push(o);
    }
    if (this.#full) {
      this.#pruneFinished(now);
      for (const o of this.#finished.values()) out.push(o);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Keeps a finished object listed (FullFDT), within `fdt.keepFinished`; false if it is not kept. */
  #keepListed(o: SenderObject): boolean {
    if (!this.#full || this.#keepFinished === 0) {
      this.#unlisted = true;
      return false;
    }
    // Receivers hold its description until the instance that announced it expires.
    o.listedUntil = this.#fdtExpiresAt;
    this.#finished.set(o.toi, o);
    while (this.#finished.size > this.#keepFinished) {
      this.#finished.delete(this.#finished.keys().next().value!);
      this.#unlisted = true;
    }
    return true;
  }

  /** Drops finished objects whose announcing instance has expired (oldest first: their times only grow). */
  #pruneFinished(now: number): void {
    for (const o of this.#finished.values()) {
      if (o.listedUntil > now) break;
      this.#finished.delete(o.toi);
      this.#unlisted = true;
    }
  }

  /** Whether an instance may say Complete="true": setComplete() was called and it lists every object. */
  #claimComplete(): boolean {
    if (!this.#complete) return false;
    if (!this.#full) return true;
    if (this.#unlisted) return false;
    for (const o of this.#objects.values()) if (o.state === 'preparing') return false;
    return true;
  }

  /** Any object queued, in flight or waiting for a carousel round. */
  #live(): boolean {
    for (const o of this.#objects.values()) if (o.state === 'ready') return true;
    return false;
  }

  /**
   * Whether the FDT carousel has something to announce at `now`. In `'full'` mode: while an object
   * is live, and once after a change of the listing or of Complete (finished objects alone do not
   * keep it running). In `'objects-being-transferred'` mode: while an instance lists an object, or
   * after setComplete().
   */
  #announcing(now: number): boolean {
    if (!this.#full) return this.#complete || this.#listedNow(now).length > 0;
    if (this.#live()) return true;
    return this.#fdtDirty && (this.#claimComplete() || this.#listedNow(now).length > 0);
  }

  #wantsStart(o: SenderObject, now: number): boolean {
    return this.#starters(now).has(o);
  }

  /**
   * Objects that may start a transfer at `now`: per priority queue, the oldest waiting ones, as many
   * as the queue has free slots (`multiplex`). Computed once per time and state change.
   */
  #starters(now: number): Set<SenderObject> {
    if (this.#startersCache !== undefined && this.#startersAt === now && this.#startersVersion === this.#version) return this.#startersCache;
    const max = this.#o.multiplex ?? 3;
    const active = new Map<number, number>();
    const waiting: SenderObject[] = [];
    for (const o of this.#objects.values()) {
      if (o.transfer !== undefined) active.set(o.priority, (active.get(o.priority) ?? 0) + 1);
      else if (o.state === 'ready' && o.nextStartAt <= now) waiting.push(o);
    }
    waiting.sort((a, b) => a.turn - b.turn);
    const out = new Set<SenderObject>();
    for (const o of waiting) {
      const n = active.get(o.priority) ?? 0;
      if (n < max) {
        out.add(o);
        active.set(o.priority, n + 1);
      }
    }
    this.#startersCache = out;
    this.#startersAt = now;
    this.#startersVersion = this.#version;
    return out;
  }

  /** Whether a transfer of `o` could start once its time comes (its queue has a free slot). */
  #slotFree(o: SenderObject): boolean {
    const max = this.#o.multiplex ?? 3;
    let active = 0;
    for (const x of this.#objects.values()) if (x.priority === o.priority && x.transfer !== undefined) active++;
    return active < max;
  }

  #buildFdt(now: number): void {
    const listed = this.#listedNow(now);
    for (const o of this.#objects.values()) o.listed = false;
    const complete = this.#claimComplete();
    if (listed.length === 0 && !complete) {
      this.#fdtSend = undefined;
      return;
    }
    const fdtO = this.#o.fdt ?? {};
    const duration = fdtO.durationMs ?? 3_600_000;
    this.#fdtExpiresAt = now + duration;
    const files: FdtFile[] = listed.map((o) => this.#fdtFile(o));
    const sessionOti = this.#sessionFdtOti();
    const instance: FdtInstance = {
      expires: epochMsToNtpSeconds(this.#fdtExpiresAt),
      ...(complete ? { complete: true } : {}),
      ...(sessionOti === undefined ? {} : { fecOti: sessionOti }),
      ...(this.#full ? { fullFdt: true } : {}),
      files,
    };
    const xml = buildFdt(instance, { flavour: this.profile === 'rfc6726' ? 'rfc6726' : '3gpp', repeatFecOti: fdtO.repeatFecOti ?? true });
    const bytes = encodeContent(new TextEncoder().encode(xml), fdtO.contentEncoding ?? 'null');
    const id = this.#fdtId;
    this.#fdtId = (this.#fdtId + 1) % FDT_ID_MOD;
    const symbol = Math.min(this.#o.fec?.symbolLength ?? DEFAULT_SYMBOL, this.maxDatagramSize - this.#fdtHeaderLength);
    for (const o of listed) o.listed = true;
    this.#fdtSend = { id, bytes, symbol, packets: Math.max(1, Math.ceil(bytes.length / symbol)), sent: 0, startedAt: now, listed };
    this.#fdtDirty = false;
    this.emit('fdt-published', { instanceId: id, files: files.length, bytes: bytes.length });
  }

  #sessionFdtOti(): ReturnType<typeof otiToFdt> | undefined {
    try {
      const { scheme, params } = this.#params({});
      const oti = otiToFdt(scheme.createOti(PROBE_SYMBOLS * params.symbolLength, params));
      return oti;
    } catch {
      return undefined;
    }
  }

  #fdtFile(o: SenderObject): FdtFile {
    const opt = o.options;
    const cc = opt.cacheControl;
    return {
      contentLocation: opt.contentLocation,
      toi: o.toi,
      contentLength: o.contentLength,
      transferLength: o.transferLength,
      ...(opt.contentType === undefined ? {} : { contentType: opt.contentType }),
      ...(encodingLabel(o.encoding) === undefined ? {} : { contentEncoding: encodingLabel(o.encoding)! }),
      ...(o.md5 === undefined ? {} : { contentMd5: o.md5 }),
      ...(o.oti === undefined ? {} : { fecOti: otiToFdt(o.oti) }),
      ...(opt.etag === undefined ? {} : { fileETag: opt.etag }),
      ...(opt.groups === undefined || opt.groups.length === 0 ? {} : { groups: opt.groups }),
      ...(cc === undefined
        ? {}
        : { cacheControl: cc === 'no-cache' || cc === 'max-stale' ? { directive: cc } : { directive: 'expires' as const, expires: epochMsToNtpSeconds(cc.expires) } }),
    };
  }

  #fdtPacket(now: number): Uint8Array {
    const f = this.#fdtSend!;
    const esi = f.sent++;
    const header = this.#fdtHeader(f.id, now, f.bytes.length, f.packets, f.symbol);
    const start = esi * f.symbol;
    const payload = f.bytes.subarray(start, Math.min(f.bytes.length, start + f.symbol));
    const out = new Uint8Array(this.#fdtHeaderLength + payload.length);
    const n = encodeAlcPacketInto({ header, payloadId: { sbn: 0, esi }, payload }, out, 0, { fecEncodingId: 0 });
    if (f.sent >= f.packets) {
      for (const o of f.listed) if (o.listed) o.announced = true;
      const c = this.#o.fdt?.carousel ?? { mode: 'delay', ms: 1000 };
      this.#fdtNextAt = c.mode === 'delay' ? now + c.ms : Math.max(now, f.startedAt + c.ms);
    }
    return n === out.length ? out : out.subarray(0, n);
  }

  #closePacket(): Uint8Array {
    const header: LctHeaderInit = {
      tsi: this.tsi,
      toi: 0n,
      tsiBits: this.tsiBits,
      toiBits: this.toiBits,
      codepoint: this.#o.codepoint?.(0) ?? 0,
      closeSession: true,
      extensions: [{ het: HET_FTI, fti: { fecEncodingId: 0, transferLength: 0, symbolLength: 0, maxSourceBlockLength: 0 } }],
    };
    const out = new Uint8Array(alcPacketLength({ header, payloadId: { sbn: 0, esi: 0 } }, { fecEncodingId: 0 }));
    encodeAlcPacketInto({ header, payloadId: { sbn: 0, esi: 0 } }, out, 0, { fecEncodingId: 0 });
    return out;
  }

  #carouselMs(): number {
    return this.#o.fdt?.carousel?.ms ?? 1000;
  }

  /** Time from which the current FDT instance is rebuilt with a later Expires. */
  #refreshAt(): number {
    return this.#fdtExpiresAt - Math.max(2 * this.#carouselMs(), (this.#o.fdt?.durationMs ?? 3_600_000) / 10);
  }

  #fdtInProgress(): boolean {
    return this.#fdtSend !== undefined && this.#fdtSend.sent > 0 && this.#fdtSend.sent < this.#fdtSend.packets;
  }

  /** An object may start now but has not been announced in a sent FDT instance. */
  #announcementWaiting(now: number): boolean {
    for (const o of this.#starters(now)) if (!o.announced) return true;
    return false;
  }

  /** Whether an FDT instance must be (re)sent at `now`. */
  #fdtDue(now: number): boolean {
    if (this.#fdtInProgress()) return true;
    if (this.#announcementWaiting(now)) return true;
    return now >= this.#fdtNextAt && this.#announcing(now);
  }

  /**
   * Gives back a datagram from {@link poll} once nothing needs its bytes any more (the socket has
   * taken them and nobody keeps the array), so that its memory is reused instead of collected.
   * Optional: a datagram never given back stays valid for as long as it is held. Give each datagram
   * back at most once, and do not read it afterwards.
   */
  release(datagram: Uint8Array): void {
    this.#slab.release(datagram);
  }

  /** The next datagram to send at `now`, or undefined when nothing is due (see nextDeadline). */
  poll(now: number): Uint8Array | undefined {
    this.#lastNow = now;
    if (this.#closed) return undefined;
    if (this.#closing) {
      this.#closed = true;
      for (const o of this.#objects.values()) o.transfer?.feed?.close();
      return this.#closePacket();
    }
    if (this.#fdtDue(now)) {
      if (!this.#fdtInProgress()) {
        if (this.#fdtDirty || now >= this.#refreshAt() || this.#fdtSend === undefined || !this.#sameListing(now)) this.#buildFdt(now);
        else this.#fdtSend = { ...this.#fdtSend, sent: 0, startedAt: now };
      }
      if (this.#fdtSend !== undefined) return this.#fdtPacket(now);
      this.#fdtNextAt = now + this.#carouselMs();
    }
    this.#startTransfers(now);
    return this.#nextObjectPacket(now);
  }

  /** True while a transfer waits for its asynchronous source, or an object is being measured. */
  get waitingForData(): boolean {
    for (const o of this.#objects.values()) if (o.state === 'preparing' || o.transfer?.stalled === true) return true;
    return false;
  }

  #sameListing(now: number): boolean {
    const listed = this.#listedNow(now);
    const prev = this.#fdtSend?.listed ?? [];
    return listed.length === prev.length && listed.every((o, i) => o === prev[i]);
  }

  #startTransfers(now: number): void {
    for (const o of [...this.#starters(now)]) {
      if (!o.announced || !o.listed || !this.#wantsStart(o, now)) continue;
      this.#startTransfer(o, now);
      this.#version++;
    }
  }

  #startTransfer(o: SenderObject, now: number): void {
    const header = o.header!;
    const number = o.transfersDone + 1;
    const lastTransfer = number >= o.maxTransfers;
    const layout = o.scheme!.layout(o.oti!);
    let transfer: Transfer | undefined;
    const onReady = (): void => {
      // The block a stalled transfer waits for may be in: poll again.
      if (transfer !== undefined) transfer.stalled = false;
      this.emit('readable', {});
    };
    const feed =
      o.transferBytes === undefined && layout.blockCount > 0
        ? new BlockFeed(o.source, o.encoding, layout.byteLengths(), this.#o.readAhead ?? 4, onReady, (e) => this.#fail(o, e))
        : undefined;
    const t = new Transfer(o, number, o.oti!, o.scheme!, o.params!, Math.max(1, this.#o.interleave ?? 1), now, header, lastTransfer && (this.#o.closeObjectFlag ?? true), feed, o.options.target ?? { mode: 'asap' }, this.#slab);
    transfer = t;
    o.transfer = t;
    this.#active.add(o);
    o.lastStartAt = now;
    this.emit('transfer-start', { toi: o.toi, transfer: number, packets: t.total });
  }

  #nextObjectPacket(now: number): Uint8Array | undefined {
    const byPriority = new Map<number, SenderObject[]>();
    for (const o of this.#active) {
      let list = byPriority.get(o.priority);
      if (list === undefined) byPriority.set(o.priority, (list = []));
      list.push(o);
    }
    const priorities = [...byPriority.keys()].sort((a, b) => a - b);
    for (const p of priorities) {
      const list = byPriority.get(p)!.sort((a, b) => a.seq - b.seq);
      const start = (this.#cursor.get(p) ?? 0) % list.length;
      for (let i = 0; i < list.length; i++) {
        const idx = (start + i) % list.length;
        const o = list[idx]!;
        const t = o.transfer!;
        if (t.nextSendAt > now) continue;
        const packet = t.next();
        if (packet === undefined) continue;
        this.#cursor.set(p, idx + 1);
        if (t.sent === t.total || t.cut) this.#endTransfer(o, t, now);
        else if (this.listens('transfer-progress') && (t.sent & 63) === 0) this.emit('transfer-progress', { toi: o.toi, transfer: t.number, sent: t.sent, packets: t.total });
        return packet;
      }
    }
    return undefined;
  }

  #endTransfer(o: SenderObject, t: Transfer, now: number): void {
    t.feed?.close();
    o.transfer = undefined;
    this.#active.delete(o);
    o.transfersDone++;
    this.#version++;
    this.emit('transfer-progress', { toi: o.toi, transfer: t.number, sent: t.sent, packets: t.total });
    this.emit('transfer-end', { toi: o.toi, transfer: t.number, sent: t.sent, cut: t.cut });
    if (!this.#full) {
      o.announced = false;
      this.#fdtDirty = true;
    }
    if (o.state === 'removed' || o.transfersDone >= o.maxTransfers) {
      this.#objects.delete(o.toi);
      // A finished object kept in the listing changes nothing in it (FullFDT).
      if (o.state !== 'ready' || !this.#keepListed(o)) this.#fdtDirty = true;
      if (o.state === 'ready') o.state = 'done';
      this.emit('object-done', { toi: o.toi, transfers: o.transfersDone, removed: t.cut });
      return;
    }
    const c = o.options.carousel ?? DEFAULT_CAROUSEL;
    o.nextStartAt = c.mode === 'delay' ? now + c.ms : Math.max(now, o.lastStartAt + c.ms);
    // To the back of its queue: objects waiting for their first (or next) transfer go before it.
    o.turn = this.#seq++;
  }

  /**
   * When to call poll next (epoch ms): a time ≤ now means at once; Infinity means only after new
   * input (addObject, removeObject, setComplete, close) or a `readable` event.
   */
  nextDeadline(): number {
    if (this.#closed) return Infinity;
    if (this.#closing || this.#fdtInProgress()) return -Infinity;
    const now = this.#lastNow;
    let next = Infinity;
    const free = new Map<number, boolean>();
    for (const o of this.#objects.values()) {
      const t = o.transfer;
      if (t !== undefined) next = Math.min(next, t.stalled ? Infinity : t.nextSendAt);
      else if (o.state === 'ready') {
        if (!free.has(o.priority)) free.set(o.priority, this.#slotFree(o));
        if (free.get(o.priority) === true) next = Math.min(next, o.nextStartAt);
      }
    }
    // The same test as poll's, so that a deadline in the past always means poll has something to do.
    if (this.#announcing(now)) next = Math.min(next, this.#fdtNextAt);
    return next;
  }
}

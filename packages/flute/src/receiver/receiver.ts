/**
 * FluteReceiver: the receiving side of FLUTE (RFC 6726) as a sans-IO engine. Feed it datagrams with
 * `push(datagram, now, from?)`, call `cleanup(now)` at `nextDeadline()`, listen to its events. A bad
 * datagram never throws: it is dropped and counted by reason in `stats.dropped`.
 */
import { HET_CENC, HET_FDT, HET_FTI, HET_TIME, MalformedError as LctMalformedError, decodeAlcPacket, decodeFecPayloadId, findExtension, ntpToUnixMs, type AlcOptions, type AlcPacket } from '@proto/lct';
import { ntpSecondsToEpochMs, parseFdt, type FdtFile, type FdtInstance } from '@proto/fdt';
import { Emitter } from '../emitter.js';
import { decodeContent, encodingFromCenc, type ContentEncoding } from '../encoding.js';
import { MalformedError } from '../errors.js';
import { FecRegistry } from '../fec/registry.js';
import { toHex, tsMd5 } from '../md5.js';
import type { BlockDecoder, FecScheme, Oti } from '../fec/scheme.js';
import { otiFromFdt, otiFromFti, sameOti } from '../oti.js';
import { MemoryWriter, type ObjectCacheControl, type ObjectMeta, type ObjectSink, type ObjectWriter, type SinkResult } from '../writer.js';
import { BlockPool } from './block-pool.js';
import { DECODER_OVERHEAD, ObjectReception, type ObjectHost } from './object.js';
import { DEFAULT_RECEIVER_LIMITS, type DropReason, type FailReason, type FluteReceiverOptions, type ReceiverLimits } from './options.js';

/** Events of a {@link FluteReceiver}. */
export interface FluteReceiverEvents {
  'session-opened': { readonly session: string; readonly tsi: bigint; readonly from: string | undefined };
  /** `reason`: the A flag (after `closeGraceMs`), `sessionTimeoutMs` of silence, or {@link FluteReceiver.close}. */
  'session-closed': { readonly session: string; readonly tsi: bigint; readonly reason: 'close-flag' | 'timeout' | 'receiver-closed' };
  /** A new FDT instance (or a reused Instance ID with new content) was received and applied. */
  fdt: { readonly session: string; readonly tsi: bigint; readonly instanceId: number; readonly instance: FdtInstance };
  'object-started': { readonly session: string; readonly tsi: bigint; readonly toi: bigint; readonly transferLength: number; readonly fecEncodingId: number };
  /** A block of the object was decoded. */
  'object-progress': { readonly session: string; readonly toi: bigint; readonly blocks: number; readonly totalBlocks: number; readonly bytes: number; readonly transferLength: number };
  'object-completed': {
    readonly meta: ObjectMeta;
    /** The content, from writers that keep it (MemoryWriter). */
    readonly data: Uint8Array | undefined;
    /** Where it was stored, from writers that store it. */
    readonly path: string | undefined;
    /** Source symbols rebuilt by FEC. */
    readonly recoveredSymbols: number;
  };
  'object-failed': { readonly session: string; readonly tsi: bigint; readonly toi: bigint; readonly reason: FailReason; readonly error: unknown; readonly meta: ObjectMeta | undefined };
  /** A B flag was seen and the object did not complete within the grace time. It may still complete if a later transfer fills it. */
  'object-interrupted': { readonly session: string; readonly tsi: bigint; readonly toi: bigint; readonly bytes: number; readonly transferLength: number };
  /** A datagram (or object) was dropped. */
  drop: { readonly reason: DropReason; readonly session: string | undefined; readonly toi: bigint | undefined; readonly error: unknown };
}

/** Counters of a receiver. */
export interface ReceiverStats {
  datagrams: number;
  bytes: number;
  /** Symbols for blocks already decoded or objects already received. */
  redundant: number;
  objectsCompleted: number;
  objectsFailed: number;
  /** Source symbols rebuilt by FEC, over completed blocks. */
  recoveredSymbols: number;
  dropped: Record<DropReason, number>;
}

interface FileEntry {
  readonly file: FdtFile;
  readonly instance: FdtInstance;
  readonly instanceId: number;
  /** Local time after which the description is stale (Infinity without expiry check). */
  readonly expiresAt: number;
}

interface FdtReception {
  readonly oti: Oti;
  readonly scheme: FecScheme;
  readonly decoders: Map<number, BlockDecoder>;
  /** Decoded blocks by SBN (a map: the block count comes from the peer's FTI). */
  readonly blocks: Map<number, Uint8Array>;
  readonly cenc: number;
  readonly sctMs: number | undefined;
  lastPacketAt: number;
  /** Bytes of its block buffers, counted in the receiver's memory. */
  memory: number;
}

interface Pending {
  readonly datagram: Uint8Array;
  readonly at: number;
}

interface Remembered {
  readonly until: number;
  readonly signature: string;
}

class Session {
  lastSeen: number;
  /** Sender clock minus local clock, from EXT_TIME SCT (undefined until seen). */
  clockOffset: number | undefined;
  closingAt: number | undefined;
  complete = false;
  readonly files = new Map<bigint, FileEntry>();
  readonly fdts = new Map<string, FdtReception>();
  /** Recent FDT instances: id → encoded bytes, to tell repeats from new content under a reused id. */
  readonly history: { id: number; bytes: Uint8Array }[] = [];
  lastFdtId: number | undefined;
  readonly objects = new Map<bigint, ObjectReception>();
  readonly remembered = new Map<bigint, Remembered>();
  /** Failed TOIs ignored until the given local time. */
  readonly failed = new Map<bigint, number>();
  readonly pending = new Map<bigint, Pending[]>();
  pendingBytes = 0;

  constructor(
    readonly key: string,
    readonly tsi: bigint,
    readonly from: string | undefined,
    now: number,
  ) {
    this.lastSeen = now;
  }

  /** Sender time at local `now`. */
  senderNow(now: number): number {
    return now + (this.clockOffset ?? 0);
  }
}

const FDT_HISTORY = 8;
const ID_MOD = 1 << 20;

function zeroDrops(): Record<DropReason, number> {
  const keys: DropReason[] = [
    'truncated', 'malformed', 'unsupported-fec', 'tsi-filtered', 'session-limit', 'object-limit', 'object-too-large', 'bad-oti', 'bad-symbol',
    'unsupported-encoding', 'pending-overflow', 'memory-limit', 'fdt-malformed', 'fdt-expired', 'fdt-too-large', 'failed-object', 'session-closed', 'internal',
  ];
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<DropReason, number>;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}


/** A FLUTE receiver. */
export class FluteReceiver extends Emitter<FluteReceiverEvents> {
  readonly stats: ReceiverStats = { datagrams: 0, bytes: 0, redundant: 0, objectsCompleted: 0, objectsFailed: 0, recoveredSymbols: 0, dropped: zeroDrops() };
  readonly limits: ReceiverLimits;
  readonly #o: FluteReceiverOptions;
  readonly #writer: ObjectWriter;
  readonly #blocks: BlockPool | undefined;
  readonly #fec: FecRegistry;
  readonly #alc: AlcOptions;
  readonly #sessions = new Map<string, Session>();
  readonly #tsiOk: (tsi: bigint, from: string | undefined) => boolean;
  readonly #objectTimeout: number;
  readonly #grace: number;
  readonly #sessionTimeout: number;
  #memory = 0;
  #pendingBytes = 0;
  #pendingWrites = 0;
  #finishing = 0;
  #idleWaiters: (() => void)[] = [];
  #nextCheck = Infinity;
  #closed = false;

  constructor(options: FluteReceiverOptions = {}) {
    super();
    this.#o = options;
    this.limits = { ...DEFAULT_RECEIVER_LIMITS, ...options.limits };
    for (const [k, v] of Object.entries(this.limits)) if (!(typeof v === 'number' && v >= 0)) throw new RangeError(`limits.${k} must be a non-negative number, got ${String(v)}`);
    this.#writer = options.writer ?? new MemoryWriter({ maxObjectBytes: Math.min(this.limits.maxContentBytes, 2 ** 31) });
    const reuse = options.reuseBlockBytes ?? 16 << 20;
    if (!(Number.isSafeInteger(reuse) && reuse >= 0)) throw new RangeError(`reuseBlockBytes must be a non-negative integer, got ${reuse}`);
    this.#blocks = reuse > 0 ? new BlockPool(reuse) : undefined;
    this.#fec = new FecRegistry({ rsMatrix: options.rsMatrix ?? 'rfc5510', schemes: options.schemes ?? [], raptorYpoLastBlock: options.raptorYpoLastBlock ?? false });
    this.#alc = {
      ...(options.codepointToFecId === undefined ? {} : { codepointToFecId: options.codepointToFecId }),
      ...(options.fecEncodingId === undefined ? {} : { fecEncodingId: options.fecEncodingId }),
      ...(options.raptorFtiLayout === undefined ? {} : { raptorFtiLayout: options.raptorFtiLayout }),
    };
    const f = options.tsi;
    if (f === undefined) this.#tsiOk = () => true;
    else if (typeof f === 'function') this.#tsiOk = f;
    else {
      const set = new Set((Array.isArray(f) ? f : [f]).map((v) => BigInt(v as bigint)));
      this.#tsiOk = (tsi) => set.has(tsi);
    }
    this.#objectTimeout = options.objectTimeoutMs ?? 10_000;
    this.#grace = options.closeGraceMs ?? 1_000;
    this.#sessionTimeout = options.sessionTimeoutMs ?? 300_000;
  }

  /** Bytes held in memory by objects being received and packets waiting for their FTI. */
  get memory(): number {
    return this.#memory + this.#pendingBytes;
  }

  /** Bytes handed to writers and not yet written. */
  get pendingWriteBytes(): number {
    return this.#pendingWrites;
  }

  /** Resolves once no write, sink completion or sink abort is pending (backpressure for drivers that can wait). */
  whenWritten(): Promise<void> {
    if (this.#pendingWrites === 0 && this.#finishing === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  #wake(): void {
    if (this.#pendingWrites === 0 && this.#finishing === 0 && this.#idleWaiters.length > 0) {
      const w = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const r of w) r();
    }
  }

  /** Sessions open: key, TSI and source. */
  sessions(): { key: string; tsi: bigint; from: string | undefined; objects: number; complete: boolean }[] {
    return [...this.#sessions.values()].map((s) => ({ key: s.key, tsi: s.tsi, from: s.from, objects: s.objects.size, complete: s.complete }));
  }

  /**
   * Forgets that objects were received, so that the next transfer is delivered again: one TOI, or
   * every TOI, of one session or of all.
   */
  receiveAgain(toi?: bigint | number, session?: string): void {
    for (const s of this.#sessions.values()) {
      if (session !== undefined && s.key !== session) continue;
      if (toi === undefined) s.remembered.clear();
      else s.remembered.delete(BigInt(toi));
    }
  }

  #drop(reason: DropReason, session: Session | undefined, toi: bigint | undefined, error?: unknown): void {
    this.stats.dropped[reason]++;
    if (this.listens('drop')) this.emit('drop', { reason, session: session?.key, toi, error });
  }

  /** Feeds one datagram received at `now` (epoch ms) from `from` (any label of the source, e.g. "ip:port"). */
  push(datagram: Uint8Array, now: number, from?: string): void {
    this.stats.datagrams++;
    this.stats.bytes += datagram.length;
    if (this.#closed) {
      this.#drop('session-closed', undefined, undefined);
      return;
    }
    try {
      this.#push(datagram, now, from, undefined);
    } catch (e) {
      this.#drop('internal', undefined, undefined, e);
    }
  }

  #push(datagram: Uint8Array, now: number, from: string | undefined, known: Session | undefined): void {
    let packet: AlcPacket;
    try {
      packet = decodeAlcPacket(datagram, this.#alc);
    } catch (e) {
      const reason: DropReason = e instanceof RangeError ? 'truncated' : e instanceof LctMalformedError && /FEC Encoding ID|Codepoint/.test(e.field) ? 'unsupported-fec' : 'malformed';
      this.#drop(reason, known, undefined, e);
      return;
    }
    const h = packet.header;
    let session = known;
    if (session === undefined) {
      if (!this.#tsiOk(h.tsi, from)) {
        this.#drop('tsi-filtered', undefined, h.toi);
        return;
      }
      const key = `${from ?? ''}|${h.tsi}`;
      session = this.#sessions.get(key);
      if (session === undefined) {
        if (h.closeSession && h.toi === 0n && packet.payload.length === 0) return;
        if (this.#sessions.size >= this.limits.maxSessions) {
          this.#drop('session-limit', undefined, h.toi);
          return;
        }
        session = new Session(key, h.tsi, from, now);
        this.#sessions.set(key, session);
        this.#schedule(now + this.#sessionTimeout);
        this.emit('session-opened', { session: key, tsi: h.tsi, from });
      }
      session.lastSeen = now;
      const time = findExtension(h.extensions, HET_TIME);
      if (time?.sct !== undefined) session.clockOffset = ntpToUnixMs(time.sct, now) - now;
      if (h.closeSession && session.closingAt === undefined) {
        session.closingAt = now;
        this.#schedule(now + this.#grace);
      }
    }
    if (session.closingAt !== undefined && now > session.closingAt + this.#grace) {
      this.#drop('session-closed', session, h.toi);
      return;
    }
    if (h.closeSession && h.toi === 0n && packet.payload.length === 0 && findExtension(h.extensions, HET_FDT) === undefined) return;
    if (h.toi === 0n) this.#fdtPacket(session, packet, now);
    else this.#objectPacket(session, packet, datagram, now);
  }

  // ---------------------------------------------------------------- FDT

  #fdtPacket(s: Session, packet: AlcPacket, now: number): void {
    const h = packet.header;
    const ext = findExtension(h.extensions, HET_FDT);
    if (ext === undefined) {
      this.#drop('malformed', s, 0n, new MalformedError('EXT_FDT', 'missing on a TOI 0 packet'));
      return;
    }
    const ftiExt = findExtension(h.extensions, HET_FTI);
    let oti: Oti;
    if (ftiExt !== undefined) oti = otiFromFti(ftiExt.fti);
    else if (packet.payloadId.sbn === 0 && packet.payloadId.esi === 0 && packet.fecEncodingId === 0) {
      // No EXT_FTI: only a one-packet no-code FDT can be understood.
      oti = { ...otiFromFti({ fecEncodingId: 0, transferLength: packet.payload.length, symbolLength: Math.max(1, packet.payload.length), maxSourceBlockLength: 1 }) };
    } else {
      this.#drop('bad-oti', s, 0n, new MalformedError('EXT_FTI', 'missing on a multi-packet FDT'));
      return;
    }
    if (oti.transferLength > this.limits.maxFdtBytes) {
      this.#drop('fdt-too-large', s, 0n);
      return;
    }
    const scheme = this.#fec.get(oti.fecEncodingId);
    if (scheme === undefined) {
      this.#drop('unsupported-fec', s, 0n);
      return;
    }
    const cenc = findExtension(h.extensions, HET_CENC)?.cenc ?? 0;
    if (encodingFromCenc(cenc) === undefined) {
      // Nothing could decode the instance: drop its packets before buffering any of them.
      this.#drop('unsupported-encoding', s, 0n, new MalformedError('EXT_CENC', 'unknown content encoding', cenc));
      return;
    }
    const time = findExtension(h.extensions, HET_TIME);
    const key = `${ext.fdtInstanceId}/${oti.transferLength}/${oti.symbolLength}/${cenc}`;
    let r = s.fdts.get(key);
    if (r === undefined) {
      try {
        scheme.checkOti(oti);
      } catch (e) {
        this.#drop('bad-oti', s, 0n, e);
        return;
      }
      // Few FDT instances are in flight at once; bound them.
      if (s.fdts.size >= 8) this.#dropFdt(s, s.fdts.keys().next().value!);
      r = {
        oti,
        scheme,
        decoders: new Map(),
        blocks: new Map(),
        cenc,
        sctMs: time?.sct === undefined ? undefined : ntpToUnixMs(time.sct, now),
        lastPacketAt: now,
        memory: 0,
      };
      s.fdts.set(key, r);
      this.#schedule(now + this.#objectTimeout);
    }
    r.lastPacketAt = now;
    const layout = scheme.layout(r.oti);
    const { sbn, esi } = packet.payloadId;
    if (layout.blockCount === 0 || sbn >= layout.blockCount) {
      this.#drop('bad-symbol', s, 0n);
      return;
    }
    if (r.blocks.has(sbn)) return;
    let dec = r.decoders.get(sbn);
    if (dec === undefined) {
      // FDT blocks count against the total memory like object blocks.
      const need = layout.byteLength(sbn) + DECODER_OVERHEAD;
      if (this.#memory + need > this.limits.maxTotalMemory) {
        this.#drop('memory-limit', s, 0n);
        return;
      }
      this.#memory += need;
      r.memory += need;
      r.decoders.set(sbn, (dec = scheme.createDecoder(r.oti, sbn)));
    }
    let done: boolean;
    try {
      done = dec.push(esi, packet.payload);
    } catch (e) {
      this.#drop('bad-symbol', s, 0n, e);
      return;
    }
    if (!done) return;
    r.blocks.set(sbn, dec.result());
    r.decoders.delete(sbn);
    if (r.blocks.size < layout.blockCount) return;
    this.#dropFdt(s, key);
    const bytes = new Uint8Array(r.oti.transferLength);
    for (let b = 0; b < layout.blockCount; b++) bytes.set(r.blocks.get(b)!, layout.byteOffset(b));
    this.#fdtComplete(s, ext.fdtInstanceId, bytes, r.cenc, r.sctMs, now);
  }

  /** Forgets an FDT instance being received and frees its memory. */
  #dropFdt(s: Session, key: string): void {
    const r = s.fdts.get(key);
    if (r === undefined) return;
    this.#memory -= r.memory;
    s.fdts.delete(key);
  }

  #fdtComplete(s: Session, id: number, bytes: Uint8Array, cenc: number, sctMs: number | undefined, now: number): void {
    // The same id with the same bytes is a carousel repeat; the same id with other bytes is new (GPAC).
    const seen = s.history.find((x) => x.id === id && sameBytes(x.bytes, bytes));
    if (seen !== undefined) return;
    const encoding: ContentEncoding | undefined = encodingFromCenc(cenc);
    if (encoding === undefined) {
      this.#drop('unsupported-encoding', s, 0n, new MalformedError('EXT_CENC', 'unknown content encoding', cenc));
      return;
    }
    let instance: FdtInstance;
    try {
      const xml = decodeContent(bytes, encoding, this.limits.maxFdtBytes);
      instance = parseFdt(xml, { maxBytes: this.limits.maxFdtBytes });
    } catch (e) {
      this.#drop('fdt-malformed', s, 0n, e);
      return;
    }
    const senderNow = sctMs ?? s.senderNow(now);
    const expiresSender = ntpSecondsToEpochMs(instance.expires, senderNow);
    const check = this.#o.checkFdtExpiry ?? true;
    if (check && expiresSender <= senderNow) {
      this.#drop('fdt-expired', s, 0n);
      return;
    }
    s.history.push({ id, bytes });
    if (s.history.length > FDT_HISTORY) s.history.shift();
    // An instance older than the newest one applied (reordering) does not override its files.
    const older = s.lastFdtId !== undefined && id !== s.lastFdtId && (s.lastFdtId - id + ID_MOD) % ID_MOD < ID_MOD / 2;
    if (!older) s.lastFdtId = id;
    const expiresAt = check ? now + (expiresSender - senderNow) : Infinity;
    if (instance.complete === true) s.complete = true;
    for (const file of instance.files) {
      const prev = s.files.get(file.toi);
      if (older && prev !== undefined) continue;
      if (prev === undefined && s.files.size >= this.limits.maxRememberedObjects) s.files.delete(s.files.keys().next().value!);
      s.files.set(file.toi, { file, instance, instanceId: id, expiresAt });
      this.#schedule(expiresAt);
      const signature = this.#signature(file);
      const remembered = s.remembered.get(file.toi);
      if (remembered !== undefined && remembered.signature !== signature) s.remembered.delete(file.toi);
    }
    this.emit('fdt', { session: s.key, tsi: s.tsi, instanceId: id, instance });
    for (const file of instance.files) {
      const obj = s.objects.get(file.toi);
      if (obj !== undefined && obj.meta === undefined) obj.describe(this.#meta(s, file.toi, obj.oti, now)!);
      const pending = s.pending.get(file.toi);
      if (pending !== undefined) {
        s.pending.delete(file.toi);
        for (const p of pending) {
          s.pendingBytes -= p.datagram.length;
          this.#pendingBytes -= p.datagram.length;
        }
        for (const p of pending) this.#push(p.datagram, Math.max(now, p.at), s.from, s);
      }
    }
  }

  #signature(file: FdtFile): string {
    return `${file.transferLength ?? ''}/${file.contentLength ?? ''}/${file.contentMd5 === undefined ? '' : toHex(file.contentMd5)}/${file.fileETag ?? ''}`;
  }

  /** The FDT description of a TOI, or undefined when no current FDT names it. */
  #entry(s: Session, toi: bigint, now: number): FileEntry | undefined {
    const e = s.files.get(toi);
    if (e === undefined) return undefined;
    if (now >= e.expiresAt) {
      s.files.delete(toi);
      return undefined;
    }
    return e;
  }

  #meta(s: Session, toi: bigint, oti: Oti, now: number): ObjectMeta | undefined {
    const e = s.files.get(toi);
    if (e === undefined) return undefined;
    const f = e.file;
    const cc = f.cacheControl;
    let cacheControl: ObjectCacheControl | undefined;
    // The NTP era of Expires is the one nearest the sender's clock (sans-IO: never the wall clock).
    if (cc !== undefined) cacheControl = cc.directive === 'expires' ? { directive: 'expires', expiresMs: ntpSecondsToEpochMs(cc.expires, s.senderNow(now)) } : { directive: cc.directive };
    return {
      session: s.key,
      tsi: s.tsi,
      toi,
      contentLocation: f.contentLocation,
      contentType: f.contentType ?? e.instance.contentType,
      contentEncoding: f.contentEncoding ?? e.instance.contentEncoding,
      contentLength: f.contentLength,
      transferLength: oti.transferLength,
      md5: f.contentMd5,
      etag: f.fileETag,
      cacheControl,
      groups: f.groups ?? [],
      fecEncodingId: oti.fecEncodingId,
    };
  }

  // ---------------------------------------------------------------- objects

  #objectPacket(s: Session, packet: AlcPacket, datagram: Uint8Array, now: number): void {
    const h = packet.header;
    const toi = h.toi;
    const ftiExt = findExtension(h.extensions, HET_FTI);
    let obj = s.objects.get(toi);
    if (obj === undefined) {
      const remembered = s.remembered.get(toi);
      if (remembered !== undefined) {
        if (now < remembered.until) {
          // Received already (receive-once): not an error, just redundant.
          this.stats.redundant++;
          return;
        }
        s.remembered.delete(toi);
      }
      const blocked = s.failed.get(toi);
      if (blocked !== undefined) {
        // A failed object is not retried while its transfer goes on; a later round (after a quiet
        // objectTimeoutMs) tries again.
        if (now < blocked) {
          s.failed.set(toi, now + this.#objectTimeout);
          this.#drop('failed-object', s, toi);
          return;
        }
        s.failed.delete(toi);
      }
      const entry = this.#entry(s, toi, now);
      let oti: Oti | undefined;
      if (ftiExt !== undefined) oti = otiFromFti(ftiExt.fti);
      else if (entry !== undefined) oti = otiFromFdt(entry.instance, entry.file);
      if (oti === undefined) {
        this.#hold(s, toi, datagram, now);
        return;
      }
      if (oti.fecEncodingId !== packet.fecEncodingId) {
        this.#drop('bad-oti', s, toi, new MalformedError('FEC Encoding ID', `packet says ${packet.fecEncodingId}, FTI says ${oti.fecEncodingId}`));
        return;
      }
      const scheme = this.#fec.get(oti.fecEncodingId);
      if (scheme === undefined) {
        this.#drop('unsupported-fec', s, toi);
        return;
      }
      if (oti.transferLength > this.limits.maxObjectBytes) {
        this.#drop('object-too-large', s, toi);
        return;
      }
      try {
        scheme.checkOti(oti);
      } catch (e) {
        this.#drop('bad-oti', s, toi, e);
        return;
      }
      if (s.objects.size >= this.limits.maxObjectsPerSession) {
        this.#drop('object-limit', s, toi);
        return;
      }
      obj = new ObjectReception(s.key, s.tsi, toi, oti, scheme, this.#host(s), now);
      s.objects.set(toi, obj);
      this.#schedule(now + this.#objectTimeout);
      this.emit('object-started', { session: s.key, tsi: s.tsi, toi, transferLength: oti.transferLength, fecEncodingId: oti.fecEncodingId });
      const meta = this.#meta(s, toi, oti, now);
      if (meta !== undefined) obj.describe(meta);
    } else if (packet.fecEncodingId !== obj.oti.fecEncodingId || (ftiExt !== undefined && !sameOti(otiFromFti(ftiExt.fti), obj.oti))) {
      // The object's OTI is settled (its blocks and decoders depend on it): a packet that says
      // otherwise is wrong, whichever of the two is right, and must not touch what was received.
      this.#drop('bad-oti', s, toi, new MalformedError('EXT_FTI', 'differs from the OTI the object is being received with'));
      return;
    }
    const cenc = findExtension(h.extensions, HET_CENC);
    if (cenc !== undefined) {
      const encoding = encodingFromCenc(cenc.cenc);
      if (encoding === undefined) {
        // Content this receiver cannot decode (never taken for null): the object fails.
        const error = new MalformedError('EXT_CENC', 'unknown content encoding', cenc.cenc);
        this.#drop('unsupported-encoding', s, toi, error);
        obj.fail('unsupported-encoding', error);
        return;
      }
      obj.cenc ??= encoding;
    }
    if (h.closeObject && obj.closeFlagAt === undefined) {
      obj.closeFlagAt = now;
      this.#schedule(now + this.#grace);
    }
    let { sbn, esi } = packet.payloadId;
    if (packet.fecEncodingId === 2 && obj.oti.m !== 8 && findExtension(h.extensions, HET_FTI) === undefined) {
      // Out-of-band FTI with m ≠ 8: the Payload ID splits at m bits, which only the FDT told us.
      ({ sbn, esi } = decodeFecPayloadId(2, datagram, datagram[2]! * 4, obj.oti.m));
    }
    if (packet.fecEncodingId === 129 && packet.payloadId.sourceBlockLength !== undefined && sbn < obj.layout.blockCount && packet.payloadId.sourceBlockLength !== obj.layout.sourceSymbols(sbn)) {
      this.#drop('bad-symbol', s, toi, new MalformedError('Source Block Length', `block ${sbn} has ${obj.layout.sourceSymbols(sbn)} symbols`, packet.payloadId.sourceBlockLength));
      return;
    }
    try {
      if (obj.push(sbn, esi, packet.payload, now) === 'redundant') this.stats.redundant++;
    } catch (e) {
      this.#drop('bad-symbol', s, toi, e);
    }
  }

  #hold(s: Session, toi: bigint, datagram: Uint8Array, now: number): void {
    if (this.#pendingBytes + datagram.length > this.limits.maxPendingBytes) {
      this.#drop('pending-overflow', s, toi);
      return;
    }
    let list = s.pending.get(toi);
    if (list === undefined) s.pending.set(toi, (list = []));
    list.push({ datagram: datagram.slice(), at: now });
    s.pendingBytes += datagram.length;
    this.#pendingBytes += datagram.length;
    this.#schedule(now + this.#objectTimeout);
  }

  #host(s: Session): ObjectHost {
    return {
      memory: (delta, obj) => {
        if (delta > 0 && (obj.memory + delta > this.limits.maxObjectMemory || this.#memory + delta > this.limits.maxTotalMemory)) {
          this.#drop('memory-limit', s, obj.toi);
          obj.fail('memory-limit');
          return false;
        }
        this.#memory += delta;
        return true;
      },
      openSink: (meta): ObjectSink => this.#writer.open(meta),
      progress: (obj) => {
        if (this.listens('object-progress')) {
          this.emit('object-progress', { session: s.key, toi: obj.toi, blocks: obj.blocksDone, totalBlocks: obj.layout.blockCount, bytes: obj.receivedBytes, transferLength: obj.oti.transferLength });
        }
      },
      completed: (obj, result: SinkResult | undefined) => {
        s.objects.delete(obj.toi);
        this.stats.objectsCompleted++;
        this.stats.recoveredSymbols += obj.recovered;
        this.#remember(s, obj);
        this.emit('object-completed', { meta: obj.meta!, data: result?.data, path: result?.path, recoveredSymbols: obj.recovered });
      },
      failed: (obj, reason, error) => {
        if (s.objects.get(obj.toi) === obj) s.objects.delete(obj.toi);
        if (reason !== 'timeout' && reason !== 'session-closed') {
          if (s.failed.size >= this.limits.maxRememberedObjects) s.failed.delete(s.failed.keys().next().value!);
          s.failed.set(obj.toi, obj.lastPacketAt + this.#objectTimeout);
        }
        this.stats.objectsFailed++;
        this.emit('object-failed', { session: s.key, tsi: s.tsi, toi: obj.toi, reason, error, meta: obj.meta });
      },
      pendingWrites: (delta) => {
        this.#pendingWrites += delta;
        this.#wake();
      },
      finishing: (delta) => {
        this.#finishing += delta;
        this.#wake();
      },
      maxContentBytes: this.limits.maxContentBytes,
      verifyMd5: this.#o.verifyMd5 ?? true,
      md5: this.#o.md5 ?? tsMd5,
      blocks: this.#blocks,
    };
  }

  #remember(s: Session, obj: ObjectReception): void {
    if (!(this.#o.receiveOnce ?? true)) return;
    const meta = obj.meta!;
    const cc = meta.cacheControl;
    if (cc?.directive === 'no-cache') return;
    const until = cc?.directive === 'expires' ? cc.expiresMs : Infinity;
    const e = s.files.get(obj.toi);
    if (s.remembered.size >= this.limits.maxRememberedObjects) s.remembered.delete(s.remembered.keys().next().value!);
    s.remembered.set(obj.toi, { until, signature: e === undefined ? '' : this.#signature(e.file) });
  }

  // ---------------------------------------------------------------- time

  #schedule(t: number): void {
    if (t < this.#nextCheck) this.#nextCheck = t;
  }

  /** When `cleanup` has something to do (epoch ms), or Infinity. */
  nextDeadline(): number {
    return this.#nextCheck;
  }

  /** Runs timeouts due at `now`: objects, B-flag grace, session close and idle, FDT expiry, held packets. */
  cleanup(now: number): void {
    if (this.#closed || now < this.#nextCheck) return;
    let next = Infinity;
    for (const s of [...this.#sessions.values()]) {
      if (s.closingAt !== undefined && now >= s.closingAt + this.#grace) {
        this.#closeSession(s, 'close-flag');
        continue;
      }
      if (now >= s.lastSeen + this.#sessionTimeout) {
        this.#closeSession(s, 'timeout');
        continue;
      }
      next = Math.min(next, s.lastSeen + this.#sessionTimeout);
      if (s.closingAt !== undefined) next = Math.min(next, s.closingAt + this.#grace);
      for (const obj of [...s.objects.values()]) {
        if (obj.state !== 'receiving') continue;
        if (obj.closeFlagAt !== undefined && !obj.interruptedReported) {
          if (now >= obj.closeFlagAt + this.#grace) {
            obj.interruptedReported = true;
            this.emit('object-interrupted', { session: s.key, tsi: s.tsi, toi: obj.toi, bytes: obj.receivedBytes, transferLength: obj.oti.transferLength });
          } else next = Math.min(next, obj.closeFlagAt + this.#grace);
        }
        if (now >= obj.lastPacketAt + this.#objectTimeout) obj.fail(obj.complete && obj.meta === undefined ? 'no-fdt' : 'timeout');
        else next = Math.min(next, obj.lastPacketAt + this.#objectTimeout);
      }
      for (const [toi, until] of s.failed) {
        if (now >= until) s.failed.delete(toi);
      }
      for (const [toi, e] of s.files) {
        if (now >= e.expiresAt) s.files.delete(toi);
        else next = Math.min(next, e.expiresAt);
      }
      for (const [toi, list] of s.pending) {
        // One pass: a TOI may hold ~10^5 tiny packets (maxPendingBytes), so nothing quadratic here.
        const keep: Pending[] = [];
        for (const p of list) {
          if (now < p.at + this.#objectTimeout) {
            keep.push(p);
            next = Math.min(next, p.at + this.#objectTimeout);
          } else {
            s.pendingBytes -= p.datagram.length;
            this.#pendingBytes -= p.datagram.length;
          }
        }
        if (keep.length === 0) s.pending.delete(toi);
        else if (keep.length < list.length) s.pending.set(toi, keep);
      }
      for (const [key, r] of s.fdts) {
        if (now >= r.lastPacketAt + this.#objectTimeout) this.#dropFdt(s, key);
        else next = Math.min(next, r.lastPacketAt + this.#objectTimeout);
      }
    }
    this.#nextCheck = next;
  }

  /**
   * Closes the receiver: every session closes (`session-closed` with reason `'receiver-closed'`),
   * objects still being received fail with `'session-closed'` and their sinks are aborted, objects
   * already verified finish completing (see `whenWritten()`), and later datagrams are dropped
   * (counted as `'session-closed'`). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#sessions.values()]) this.#closeSession(s, 'receiver-closed');
    this.#nextCheck = Infinity;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #closeSession(s: Session, reason: 'close-flag' | 'timeout' | 'receiver-closed'): void {
    this.#sessions.delete(s.key);
    for (const obj of [...s.objects.values()]) {
      // An object that completed before the close finishes its delivery.
      if (obj.state === 'receiving') obj.fail('session-closed');
    }
    this.#pendingBytes -= s.pendingBytes;
    s.pending.clear();
    for (const key of [...s.fdts.keys()]) this.#dropFdt(s, key);
    this.emit('session-closed', { session: s.key, tsi: s.tsi, reason });
  }
}

import {
  EFP_SLOT_COUNT,
  EFP_SLOT_MASK,
  EFP_TYPE1_HEADER_SIZE,
  EFP_TYPE2_HEADER_SIZE,
  EFP_TYPE3_HEADER_SIZE,
  EFP_UNKNOWN_CODE,
  EFP_UNKNOWN_DTS,
  EFP_UNKNOWN_DTS_PTS_DIFF,
  EFP_UNKNOWN_PTS,
} from './constants.js';
import { readU16, readU32, readU64 } from './le.js';
import { Slab } from './slab.js';

const EMPTY = new Uint8Array(0);

/** A reassembled superframe, as the reference receiver delivers it. */
export interface Superframe {
  /** The frame's bytes. Owned by the caller; missing regions of a broken frame are zeros. */
  readonly data: Uint8Array;
  /** data.length. */
  readonly size: number;
  readonly streamId: number;
  /** From the Type 2, else the last Type 2 seen on the stream (0 if none). */
  readonly dataContent: number;
  /** EFP_UNKNOWN_PTS when the Type 2 is missing. */
  readonly pts: bigint;
  /** EFP_UNKNOWN_DTS when the Type 2 is missing or says so. */
  readonly dts: bigint;
  /** From the Type 2, else the last Type 2 seen on the stream (EFP_UNKNOWN_CODE if none). */
  readonly code: number;
  /** High-nibble flags of the frame's Type 2 (else of its first packet). */
  readonly flags: number;
  /** True when fragments were missing at the deadline. */
  readonly broken: boolean;
  /** The u16 superFrameNo. */
  readonly superFrameNo: number;
  /** The `source` passed to `push` with the frame's first packet. */
  readonly source: number;
}

export interface EfpReceiverOptions {
  /** Superframe timeout: a frame is delivered (broken if incomplete) this long after its first packet. Default 100 ms. */
  readonly timeoutMs?: number;
  /** Head-of-line timeout; > 0 delivers in superFrameNo order, 0 (default) as soon as complete. */
  readonly holTimeoutMs?: number;
  /** Largest superframe accepted, bytes. Default 16 MiB. */
  readonly maxFrameSize?: number;
  /** Most bytes buffered over all frames in flight. Default 64 MiB. */
  readonly maxBufferedBytes?: number;
  /** Most frames in flight. Default 8192 (one per slot). */
  readonly maxFramesInFlight?: number;
  /** Called for each delivered frame; without it, frames queue until `poll` returns them. */
  readonly onFrame?: (frame: Superframe) => void;
  /**
   * Supplies the memory of each frame (at least `size` bytes; `data` is a view of its first bytes),
   * e.g. from a pool the application recycles delivered frames into. Its contents need not be zero:
   * the missing regions of broken frames are zeroed at delivery. Default: fresh zeroed memory.
   */
  readonly allocate?: (size: number) => Uint8Array;
}

/** What `push` did with a packet. Everything but 'accepted' is counted in `stats`. */
export type EfpPushResult =
  /** Stored (the frame may now be complete: call `poll`). */
  | 'accepted'
  /** A Type 0 (private) packet, dropped. */
  | 'type0'
  /** A fragment already received for a frame in flight. */
  | 'duplicate'
  /** A fragment of a frame already delivered or discarded. */
  | 'tooOld'
  /** The slot (superFrameNo mod 8192) is held by another superFrameNo: the packet is dropped. */
  | 'slotBusy'
  /** The packet contradicts the frame in its slot: the whole frame is discarded. */
  | 'inconsistent'
  /** Shorter than its header, or than 32 + sizeOfData for a Type 2. */
  | 'truncated'
  /** Self-contradicting fields (e.g. fragmentNo ≥ ofFragmentNo, empty fragments), or not a Uint8Array. */
  | 'malformed'
  /** Frame type 4..15. */
  | 'unknownType'
  /** The frame would exceed maxFrameSize, maxBufferedBytes or maxFramesInFlight. */
  | 'overLimit';

/** Counters; every dropped packet lands in exactly one of the drop counters. */
export interface EfpReceiverStats {
  packets: number;
  accepted: number;
  type0: number;
  duplicate: number;
  tooOld: number;
  slotBusy: number;
  inconsistent: number;
  truncated: number;
  malformed: number;
  unknownType: number;
  overLimit: number;
  /** Frames discarded because a packet contradicted them. */
  framesDiscarded: number;
  framesDelivered: number;
  framesBroken: number;
}

interface Bucket {
  readonly order: number;
  readonly sfn: number;
  readonly streamId: number;
  readonly source: number;
  readonly of: number;
  /** Payload bytes per Type 1 (0 while unknown, for a single-packet frame). */
  readonly fragSize: number;
  readonly deadline: number;
  /** The frame's memory; dropped (EMPTY) when the frame is released, delivered or not. */
  data: Uint8Array;
  /** Accounted bytes (data capacity + bitmap). */
  readonly cost: number;
  /** One bit per fragment index (undefined for single-packet frames, and once released). */
  seen: Uint8Array | undefined;
  size: number;
  received: number;
  flags: number;
  dataContent: number;
  code: number;
  pts: bigint;
  dts: bigint;
  hasType3: boolean;
  type2HasData: boolean;
  done: boolean;
}

/** A fragment's header fields, read once in `push`. */
interface Fragment {
  kind: 1 | 2 | 3;
  flags: number;
  streamId: number;
  sfn: number;
  index: number;
  of: number;
  /** Type 1 payload size, or the type1PacketSize field of a Type 2/3. */
  fragSize: number;
  dataOffset: number;
  dataLength: number;
}

/**
 * Reassembles EFP superframes with the reference 0.4 semantics: 8192 slots indexed by
 * superFrameNo & 0x1FFF, a deadline of first arrival + timeoutMs per frame, delivery on completion
 * or deadline (broken) or, with holTimeoutMs > 0, in superFrameNo order with a missing head blocking
 * until its deadline + holTimeoutMs. Sans-IO: `push(packet, now)` stores, `poll(now)` delivers, and
 * `nextDeadline()` says when `poll` has work. Call `poll` after each push for the reference's
 * run-to-completion mode, or on a timer for its threaded mode. A bad packet never throws: it is
 * dropped and counted.
 */
export class EfpReceiver {
  readonly timeoutMs: number;
  readonly holTimeoutMs: number;
  readonly maxFrameSize: number;
  readonly maxBufferedBytes: number;
  readonly maxFramesInFlight: number;
  readonly stats: EfpReceiverStats = {
    packets: 0,
    accepted: 0,
    type0: 0,
    duplicate: 0,
    tooOld: 0,
    slotBusy: 0,
    inconsistent: 0,
    truncated: 0,
    malformed: 0,
    unknownType: 0,
    overLimit: 0,
    framesDiscarded: 0,
    framesDelivered: 0,
    framesBroken: 0,
  };

  readonly #onFrame: ((frame: Superframe) => void) | undefined;
  readonly #allocate: ((size: number) => Uint8Array) | undefined;
  readonly #slab = new Slab();
  readonly #slots: (Bucket | undefined)[] = new Array<Bucket | undefined>(EFP_SLOT_COUNT).fill(undefined);
  /** The delivery order each slot last held: a fragment unwrapping to it again is too old. */
  readonly #lastOrder = new Float64Array(EFP_SLOT_COUNT).fill(Number.NaN);
  /** Last Type 2 dataContent and code per stream, for frames whose Type 2 has not arrived. */
  readonly #streamContent = new Uint8Array(256);
  readonly #streamCode = new Uint32Array(256).fill(EFP_UNKNOWN_CODE);
  /** Frames in flight, sorted by delivery order. */
  #active: Bucket[] = [];
  /** Frames in flight by creation, hence by deadline while `now` does not go backwards. */
  #byDeadline: (Bucket | undefined)[] = [];
  #deadlineHead = 0;
  /** Frames released since `#byDeadline` was last compacted (they may still sit in it). */
  #releasedSinceCompaction = 0;
  /** Complete frames waiting for `poll` (no-HOL mode). */
  #complete: Bucket[] = [];
  #queue: Superframe[] = [];
  #buffered = 0;
  #readySince: number | undefined;
  #unwrapStarted = false;
  #lastSfn = 0;
  #unwrapped = 0;
  #holStarted = false;
  #nextOrder = 0;
  readonly #frag: Fragment = { kind: 1, flags: 0, streamId: 0, sfn: 0, index: 0, of: 0, fragSize: 0, dataOffset: 0, dataLength: 0 };

  constructor(options: EfpReceiverOptions = {}) {
    this.timeoutMs = nonNegative('timeoutMs', options.timeoutMs ?? 100);
    this.holTimeoutMs = nonNegative('holTimeoutMs', options.holTimeoutMs ?? 0);
    this.maxFrameSize = nonNegative('maxFrameSize', options.maxFrameSize ?? 16 * 1024 * 1024);
    this.maxBufferedBytes = nonNegative('maxBufferedBytes', options.maxBufferedBytes ?? 64 * 1024 * 1024);
    this.maxFramesInFlight = nonNegative('maxFramesInFlight', options.maxFramesInFlight ?? EFP_SLOT_COUNT);
    this.#onFrame = options.onFrame;
    this.#allocate = options.allocate;
  }

  /** Frames in flight (being reassembled). */
  get framesInFlight(): number {
    return this.#active.length;
  }

  /** Bytes held by frames in flight. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Feeds one datagram received at `now` (milliseconds, any monotonic origin) from `source` (a tag
   * copied into the frame). The bytes are copied; the caller may reuse `packet`. Never throws.
   */
  push(packet: Uint8Array, now: number, source = 0): EfpPushResult {
    const stats = this.stats;
    stats.packets++;
    const r = this.#push(packet, now, source);
    if (r === 'accepted') stats.accepted++;
    else stats[r]++;
    return r;
  }

  /**
   * Delivers what is due at `now`: complete frames, and frames whose deadline passed (broken), in
   * the order of the mode. Returns them unless `onFrame` was given (then it returns []).
   */
  poll(now: number): Superframe[] {
    if (this.holTimeoutMs > 0) this.#deliverHol(now);
    else this.#deliverUnordered(now);
    this.#readySince = undefined;
    if (this.#queue.length === 0) return [];
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  /**
   * When `poll` next has work: a time in ms (possibly ≤ now, meaning at once), or undefined when
   * nothing is in flight.
   */
  nextDeadline(): number | undefined {
    if (this.#readySince !== undefined) return this.#readySince;
    const first = this.#firstByDeadline();
    if (this.holTimeoutMs === 0 || !this.#holStarted) return first?.deadline;
    const head = this.#active[0];
    return head === undefined ? undefined : head.deadline + this.holTimeoutMs;
  }

  #push(p: Uint8Array, now: number, source: number): EfpPushResult {
    if (!(p instanceof Uint8Array)) return 'malformed';
    if (p.length === 0) return 'truncated';
    const b0 = p[0]!;
    const f = this.#frag;
    f.flags = b0 & 0xf0;
    switch (b0 & 0x0f) {
      case 0:
        return 'type0';
      case 1:
        if (p.length < EFP_TYPE1_HEADER_SIZE) return 'truncated';
        f.kind = 1;
        f.sfn = readU16(p, 2);
        f.index = readU16(p, 4);
        f.of = readU16(p, 6);
        f.fragSize = p.length - EFP_TYPE1_HEADER_SIZE;
        f.dataOffset = EFP_TYPE1_HEADER_SIZE;
        f.dataLength = f.fragSize;
        break;
      case 2: {
        if (p.length < EFP_TYPE2_HEADER_SIZE) return 'truncated';
        const sizeOfData = readU16(p, 4);
        if (p.length < EFP_TYPE2_HEADER_SIZE + sizeOfData) return 'truncated';
        f.kind = 2;
        f.sfn = readU16(p, 6);
        f.of = readU16(p, 8);
        f.index = f.of;
        f.fragSize = f.of === 0 ? 0 : readU16(p, 10);
        f.dataOffset = EFP_TYPE2_HEADER_SIZE;
        f.dataLength = sizeOfData;
        // A tail longer than a fragment, or fragments of no size, cannot come from a sender.
        if (f.of > 0 && (f.fragSize === 0 || sizeOfData > f.fragSize)) return 'malformed';
        break;
      }
      case 3:
        if (p.length < EFP_TYPE3_HEADER_SIZE) return 'truncated';
        f.kind = 3;
        f.sfn = readU16(p, 2);
        f.fragSize = readU16(p, 4);
        f.of = readU16(p, 6);
        f.index = f.of - 1;
        f.dataOffset = EFP_TYPE3_HEADER_SIZE;
        f.dataLength = p.length - EFP_TYPE3_HEADER_SIZE;
        if (f.of === 0 || f.fragSize === 0 || f.dataLength > f.fragSize) return 'malformed';
        break;
      default:
        return 'unknownType';
    }
    f.streamId = p[1]!;
    // A Type 1 must have data and sit before the frame's last index.
    const selfInconsistent = f.kind === 1 && (f.fragSize === 0 || f.index >= f.of);
    const slot = f.sfn & EFP_SLOT_MASK;
    const b = this.#slots[slot];
    if (b === undefined) {
      const order = this.#unwrap(f.sfn);
      if (this.#lastOrder[slot] === order) return 'tooOld';
      if (selfInconsistent) return 'malformed';
      return this.#create(slot, order, f, p, now, source);
    }
    if (b.sfn !== f.sfn) return 'slotBusy';
    if (
      f.of !== b.of ||
      f.index > b.of ||
      selfInconsistent ||
      f.streamId !== b.streamId ||
      (f.of > 0 && f.fragSize !== b.fragSize) ||
      (f.kind === 3 && b.type2HasData) ||
      (f.kind === 2 && f.dataLength > 0 && b.hasType3)
    ) {
      this.#discard(b);
      return 'inconsistent';
    }
    // A single-packet frame (no bitmap) already holds its only packet.
    const seen = b.seen;
    const bit = 1 << (f.index & 7);
    if (seen === undefined || (seen[f.index >>> 3]! & bit) !== 0) return 'duplicate';
    seen[f.index >>> 3] = seen[f.index >>> 3]! | bit;
    this.#store(b, f, p);
    if (++b.received === b.of + 1) this.#completed(b, now);
    return 'accepted';
  }

  #create(slot: number, order: number, f: Fragment, p: Uint8Array, now: number, source: number): 'accepted' | 'overLimit' {
    const of = f.of;
    // Capacity: every later write stays inside it once the consistency checks passed.
    let capacity: number;
    if (f.kind === 1) capacity = f.fragSize * (of + 1);
    else if (f.kind === 2) capacity = f.fragSize * of + f.dataLength;
    else capacity = f.fragSize * (of - 1) + f.dataLength;
    const seenBytes = of === 0 ? 0 : (of >>> 3) + 1;
    const cost = capacity + seenBytes;
    if (
      capacity > this.maxFrameSize ||
      this.#active.length >= this.maxFramesInFlight ||
      this.#buffered + cost > this.maxBufferedBytes
    ) {
      return 'overLimit';
    }
    const streamId = f.streamId;
    const b: Bucket = {
      order,
      sfn: f.sfn,
      streamId,
      source,
      of,
      fragSize: f.fragSize,
      deadline: now + this.timeoutMs,
      data: this.#alloc(capacity),
      cost,
      seen: of === 0 ? undefined : new Uint8Array(seenBytes),
      size: 0,
      received: 1,
      flags: f.flags,
      dataContent: this.#streamContent[streamId]!,
      code: this.#streamCode[streamId]!,
      pts: EFP_UNKNOWN_PTS,
      dts: EFP_UNKNOWN_DTS,
      hasType3: false,
      type2HasData: false,
      done: false,
    };
    if (f.kind === 1) b.size = f.fragSize * of;
    else if (f.kind === 2) b.size = f.fragSize * of + f.dataLength;
    if (b.seen !== undefined) b.seen[f.index >>> 3] = 1 << (f.index & 7);
    this.#store(b, f, p);
    this.#buffered += cost;
    this.#lastOrder[slot] = order;
    this.#slots[slot] = b;
    this.#insertActive(b);
    this.#byDeadline.push(b);
    if (of === 0) this.#completed(b, now);
    return 'accepted';
  }

  /** Copies a fragment's data into its frame and applies what it says (the reference's rules). */
  #store(b: Bucket, f: Fragment, p: Uint8Array): void {
    if (f.kind === 1) {
      const at = b.fragSize * f.index;
      const d = b.data;
      if (at < EFP_TYPE1_HEADER_SIZE) {
        d.set(p.subarray(EFP_TYPE1_HEADER_SIZE), at);
        return;
      }
      // Hot path: copy the whole packet so that its header lands on the 8 bytes before `at`, then put
      // those 8 bytes back. Same result as copying the payload view, without creating the view.
      const h = at - EFP_TYPE1_HEADER_SIZE;
      const s0 = d[h]!, s1 = d[h + 1]!, s2 = d[h + 2]!, s3 = d[h + 3]!;
      const s4 = d[h + 4]!, s5 = d[h + 5]!, s6 = d[h + 6]!, s7 = d[h + 7]!;
      d.set(p, h);
      d[h] = s0;
      d[h + 1] = s1;
      d[h + 2] = s2;
      d[h + 3] = s3;
      d[h + 4] = s4;
      d[h + 5] = s5;
      d[h + 6] = s6;
      d[h + 7] = s7;
      return;
    }
    if (f.dataLength > 0) {
      const at = f.kind === 2 ? b.fragSize * b.of : b.fragSize * (b.of - 1);
      b.data.set(p.subarray(f.dataOffset, f.dataOffset + f.dataLength), at);
    }
    if (f.kind === 3) {
      b.hasType3 = true;
      b.size = b.fragSize * (b.of - 1) + f.dataLength;
    } else if (f.kind === 2) {
      const pts = readU64(p, 16);
      const diff = readU32(p, 24);
      const content = p[2]!;
      const code = readU32(p, 28);
      b.pts = pts;
      b.dts = diff === EFP_UNKNOWN_DTS_PTS_DIFF ? EFP_UNKNOWN_DTS : BigInt.asUintN(64, pts - BigInt(diff));
      b.flags = f.flags;
      b.dataContent = content;
      b.code = code;
      this.#streamContent[b.streamId] = content;
      this.#streamCode[b.streamId] = code;
      if (f.dataLength > 0) {
        b.type2HasData = true;
        b.size = b.fragSize * b.of + f.dataLength;
      }
    }
  }

  #alloc(capacity: number): Uint8Array {
    if (this.#allocate === undefined) return this.#slab.alloc(capacity);
    const m = this.#allocate(capacity);
    if (!(m instanceof Uint8Array) || m.length < capacity) {
      throw new TypeError(`EfpReceiver allocate(${capacity}) must return a Uint8Array of at least ${capacity} bytes`);
    }
    return m;
  }

  /** Zeroes the regions of a broken frame whose fragments never came (allocated memory may be stale). */
  #zeroMissing(b: Bucket): void {
    const seen = b.seen;
    if (seen === undefined) return;
    const f = b.fragSize;
    for (let i = 0; i <= b.of; i++) {
      if ((seen[i >>> 3]! & (1 << (i & 7))) !== 0) continue;
      const start = i * f;
      const end = i < b.of ? Math.min(start + f, b.size) : b.size;
      if (end > start) b.data.fill(0, start, end);
    }
  }

  #completed(b: Bucket, now: number): void {
    if (this.holTimeoutMs === 0) this.#complete.push(b);
    this.#readySince ??= now;
  }

  /** The reference's 16-bit to 64-bit superFrameNo recalculation (signed delta from the last value). */
  #unwrap(sfn: number): number {
    if (!this.#unwrapStarted) {
      this.#unwrapStarted = true;
      this.#lastSfn = sfn;
      this.#unwrapped = sfn;
      return sfn;
    }
    const delta = (((sfn - this.#lastSfn) << 16) >> 16);
    this.#lastSfn = sfn;
    this.#unwrapped += delta;
    return this.#unwrapped;
  }

  #insertActive(b: Bucket): void {
    const a = this.#active;
    let i = a.length;
    if (i === 0 || a[i - 1]!.order < b.order) {
      a.push(b);
      return;
    }
    let lo = 0;
    while (lo < i) {
      const mid = (lo + i) >>> 1;
      if (a[mid]!.order < b.order) lo = mid + 1;
      else i = mid;
    }
    a.splice(lo, 0, b);
  }

  #removeActive(b: Bucket): void {
    const a = this.#active;
    if (a[0] === b) {
      a.shift();
      return;
    }
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]!.order < b.order) lo = mid + 1;
      else hi = mid;
    }
    if (a[lo] === b) a.splice(lo, 1);
  }

  /**
   * Ends a frame in flight and lets go of its memory at once: `#byDeadline` and `#complete` may keep
   * the bucket until its turn comes, but not its data, and `#byDeadline` is compacted once released
   * frames make up most of it, so memory stays within the limits whatever a peer sends.
   */
  #release(b: Bucket): void {
    b.done = true;
    b.data = EMPTY;
    b.seen = undefined;
    this.#buffered -= b.cost;
    this.#slots[b.sfn & EFP_SLOT_MASK] = undefined;
    this.#removeActive(b);
    const queued = this.#byDeadline.length - this.#deadlineHead;
    if (++this.#releasedSinceCompaction > 1024 && 2 * this.#releasedSinceCompaction > queued) {
      this.#byDeadline = this.#byDeadline.slice(this.#deadlineHead).filter((q) => !q!.done);
      this.#deadlineHead = 0;
      this.#releasedSinceCompaction = 0;
    }
  }

  #discard(b: Bucket): void {
    this.#release(b);
    this.stats.framesDiscarded++;
  }

  #deliver(b: Bucket): void {
    const broken = b.received !== b.of + 1;
    if (broken && this.#allocate !== undefined) this.#zeroMissing(b);
    const data = b.size === b.data.length ? b.data : b.data.subarray(0, b.size);
    this.#release(b);
    const frame: Superframe = {
      data,
      size: data.length,
      streamId: b.streamId,
      dataContent: b.dataContent,
      pts: b.pts,
      dts: b.dts,
      code: b.code,
      flags: b.flags,
      broken,
      superFrameNo: b.sfn,
      source: b.source,
    };
    this.stats.framesDelivered++;
    if (broken) this.stats.framesBroken++;
    if (this.#onFrame === undefined) this.#queue.push(frame);
    else this.#onFrame(frame);
  }

  #firstByDeadline(): Bucket | undefined {
    const q = this.#byDeadline;
    let head = this.#deadlineHead;
    // Drop finished frames from the front (and their references, so their memory can go).
    while (head < q.length && q[head]!.done) q[head++] = undefined;
    if (head === q.length) {
      q.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > q.length) {
      this.#byDeadline = q.slice(head);
      head = 0;
    }
    this.#deadlineHead = head;
    return this.#byDeadline[head];
  }

  /** No HOL: everything complete or past its deadline, in delivery order. */
  #deliverUnordered(now: number): void {
    let due = this.#complete;
    this.#complete = [];
    for (let b = this.#firstByDeadline(); b !== undefined && b.deadline <= now; b = this.#firstByDeadline()) {
      if (due.length === 0 || due[due.length - 1] !== b) due.push(b);
      b.done = true; // skipped by #firstByDeadline; #deliver below releases it
    }
    if (due.length === 0) return;
    if (due.length > 1) due = due.sort((x, y) => x.order - y.order);
    for (const b of due) {
      if (this.#slots[b.sfn & EFP_SLOT_MASK] === b) this.#deliver(b);
    }
  }

  /** HOL: in order; a missing head blocks until its deadline + holTimeoutMs. */
  #deliverHol(now: number): void {
    const active = this.#active;
    if (active.length === 0) return;
    if (!this.#holStarted) {
      // As the reference's worker: start at the lowest frame once two are in flight or one timed out.
      const first = this.#firstByDeadline();
      if (active.length < 2 && (first === undefined || first.deadline > now)) return;
      this.#holStarted = true;
      this.#nextOrder = active[0]!.order;
    }
    const hol = this.holTimeoutMs;
    for (let b = active[0]; b !== undefined; b = active[0]) {
      if (b.order === this.#nextOrder && b.received === b.of + 1) {
        this.#deliver(b);
        this.#nextOrder++;
      } else if (b.deadline + hol <= now) {
        this.#deliver(b);
        this.#nextOrder = b.order + 1;
      } else {
        break;
      }
    }
  }
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${String(v)}`);
  return v;
}

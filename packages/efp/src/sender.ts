import {
  EFP_MAX_MTU,
  EFP_MIN_MTU,
  EFP_TYPE1_HEADER_SIZE,
  EFP_TYPE2_HEADER_SIZE,
  EFP_TYPE3_HEADER_SIZE,
  EfpContent,
} from './constants.js';
import { fourcc } from './fourcc.js';
import { checkFlags, checkUint, writeType1Header, writeType2Header, writeType3Header, type Type2Meta } from './packet.js';
import { view } from './le.js';
import { Slab } from './slab.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const U32_MAX = 0xffff_ffff;

export interface EfpSenderOptions {
  /** Largest packet to emit, 255..65535. Default 1456 (the SRT maximum payload). */
  readonly mtu?: number;
  /** The first superFrameNo (u16). Default 0. */
  readonly superFrameNo?: number;
}

/** What travels with a superframe (in its Type 2 packet). */
export interface EfpFrameOptions {
  /** EFP stream 1..255; 0 only with dataContent efpsig (0x80). */
  readonly streamId: number;
  /** dataContent (see EfpContent). Default 0 (unknown). */
  readonly dataContent?: number;
  /** Presentation time stamp, u64; 2^64−1 is reserved. */
  readonly pts: bigint | number;
  /** Decode time stamp, ≤ pts and pts − dts < 2^32−1. Default: pts. */
  readonly dts?: bigint | number;
  /** u32 format code or a fourcc string ("ANXB"); 2^32−1 is reserved. Default 0. */
  readonly code?: number | string;
  /** High-nibble flags, e.g. EFP_FLAG_EMBEDDED. Default 0. */
  readonly flags?: number;
}

/** Receives each packet of a superframe, in sending order. */
export type EfpEmit = (packet: Uint8Array) => void;

/** Bytes of headroom `packInPlace` needs in front of the payload. */
export const EFP_IN_PLACE_HEADROOM = EFP_TYPE2_HEADER_SIZE;

/**
 * Cuts superframes into EFP packets exactly as the C++ reference 0.4 does: Type 1 packets of MTU
 * bytes, then a Type 3 when the tail does not fit in the Type 2, then the Type 2 (32-byte header)
 * carrying pts, dts, dataContent and code. One u16 superFrameNo counter is shared by all streams and
 * wraps to 0. Sans-IO: it returns or emits packets and never touches a socket.
 */
export class EfpSender {
  /** The MTU: every Type 1 is exactly this long, no packet is longer. */
  readonly mtu: number;
  #superFrameNo: number;
  readonly #slab = new Slab();
  #viewCache: { readonly buffer: ArrayBufferLike; readonly byteOffset: number; readonly views: Uint8Array[] } | undefined;

  constructor(options: EfpSenderOptions = {}) {
    const mtu = options.mtu ?? 1456;
    if (!Number.isInteger(mtu) || mtu < EFP_MIN_MTU || mtu > EFP_MAX_MTU) {
      throw new RangeError(`mtu must be an integer in ${EFP_MIN_MTU}..${EFP_MAX_MTU}, got ${String(mtu)}`);
    }
    this.mtu = mtu;
    this.#superFrameNo = 0;
    this.superFrameNo = options.superFrameNo ?? 0;
  }

  /** The superFrameNo the next frame gets (u16). Settable, e.g. to resume a stream. */
  get superFrameNo(): number {
    return this.#superFrameNo;
  }

  set superFrameNo(value: number) {
    checkUint('superFrameNo', value, 0xffff);
    this.#superFrameNo = value;
  }

  /** The largest superframe at a given MTU: (MTU − 8) · 65534 + (MTU − 32). */
  static maxFrameSize(mtu: number): number {
    return (mtu - EFP_TYPE1_HEADER_SIZE) * 65534 + (mtu - EFP_TYPE2_HEADER_SIZE);
  }

  /** The largest superframe this sender accepts. */
  get maxFrameSize(): number {
    return EfpSender.maxFrameSize(this.mtu);
  }

  /** Number of packets a superframe of `size` bytes becomes. */
  packetCount(size: number): number {
    if (size + EFP_TYPE2_HEADER_SIZE <= this.mtu) return 1;
    const f = this.mtu - EFP_TYPE1_HEADER_SIZE;
    const n = Math.floor(size / f);
    return n + (size - n * f > this.mtu - EFP_TYPE2_HEADER_SIZE ? 2 : 1);
  }

  /**
   * Packs one superframe. Returns the packets, or hands each to `emit` in order. The packets are
   * views of fresh memory (one buffer per frame, small frames share 64 KiB slabs; the payload is
   * copied once), so they stay valid after the call and may be sent asynchronously.
   * Throws RangeError, with nothing sent and the counter unchanged, for the reference's rejections:
   * reserved pts/dts/code (max values), streamId 0 without efpsig, dts > pts or pts − dts ≥ 2^32−1,
   * a frame over maxFrameSize, and for fields out of range.
   */
  pack(payload: Uint8Array, options: EfpFrameOptions): Uint8Array[];
  pack(payload: Uint8Array, options: EfpFrameOptions, emit: EfpEmit): void;
  pack(payload: Uint8Array, options: EfpFrameOptions, emit?: EfpEmit): Uint8Array[] | void {
    const c = this.#check(payload.length, options);
    const out: Uint8Array[] | undefined = emit === undefined ? [] : undefined;
    const send: EfpEmit = emit ?? ((p) => out!.push(p));
    const mtu = this.mtu;
    const sfn = this.#superFrameNo;
    const size = payload.length;
    if (size + EFP_TYPE2_HEADER_SIZE <= mtu) {
      const packet = this.#slab.alloc(EFP_TYPE2_HEADER_SIZE + size);
      writeType2Header(packet, 0, c, size, sfn, 0, size);
      packet.set(payload, EFP_TYPE2_HEADER_SIZE);
      this.#advance();
      send(packet);
      return out;
    }
    const f = mtu - EFP_TYPE1_HEADER_SIZE;
    const n = Math.floor(size / f);
    const rest = size - n * f;
    const type3 = rest > mtu - EFP_TYPE2_HEADER_SIZE;
    const of = type3 ? n + 1 : n;
    const total = n * mtu + (type3 ? EFP_TYPE3_HEADER_SIZE + rest + EFP_TYPE2_HEADER_SIZE : EFP_TYPE2_HEADER_SIZE + rest);
    const buf = this.#slab.alloc(total);
    this.#advance();
    let o = 0;
    let src = 0;
    const { flags, streamId } = c;
    for (let k = 0; k < n; k++) {
      writeType1Header(buf, o, flags, streamId, sfn, k, of);
      buf.set(view(payload, src, src + f), o + EFP_TYPE1_HEADER_SIZE);
      send(view(buf, o, o + mtu));
      o += mtu;
      src += f;
    }
    let tail = payload.subarray(src);
    if (type3) {
      writeType3Header(buf, o, c.flags, c.streamId, sfn, f, of);
      buf.set(tail, o + EFP_TYPE3_HEADER_SIZE);
      send(buf.subarray(o, o + EFP_TYPE3_HEADER_SIZE + rest));
      o += EFP_TYPE3_HEADER_SIZE + rest;
      tail = tail.subarray(rest);
    }
    writeType2Header(buf, o, c, tail.length, sfn, of, f);
    buf.set(tail, o + EFP_TYPE2_HEADER_SIZE);
    send(buf.subarray(o, o + EFP_TYPE2_HEADER_SIZE + tail.length));
    return out;
  }

  /**
   * Zero-copy, destructive packing (the reference's `destructivePackAndSendFromPtr`): `frame` holds
   * EFP_IN_PLACE_HEADROOM (32) spare bytes followed by the payload, and each packet is written in place
   * by overwriting the bytes in front of its data, so the payload is not copied at all. Each emitted
   * view is valid only until `emit` returns (the next header overwrites its tail), and `frame` is
   * garbage afterwards. Use it when `emit` consumes synchronously (copies or reassembles).
   */
  packInPlace(frame: Uint8Array, options: EfpFrameOptions, emit: EfpEmit): void {
    if (frame.length < EFP_IN_PLACE_HEADROOM) {
      throw new RangeError(`frame must start with ${EFP_IN_PLACE_HEADROOM} bytes of headroom, got ${frame.length} bytes`);
    }
    const base = EFP_IN_PLACE_HEADROOM;
    const size = frame.length - base;
    const c = this.#check(size, options);
    const mtu = this.mtu;
    const sfn = this.#superFrameNo;
    this.#advance();
    if (size + EFP_TYPE2_HEADER_SIZE <= mtu) {
      writeType2Header(frame, 0, c, size, sfn, 0, size);
      emit(frame);
      return;
    }
    const f = mtu - EFP_TYPE1_HEADER_SIZE;
    const n = Math.floor(size / f);
    const rest = size - n * f;
    const type3 = rest > mtu - EFP_TYPE2_HEADER_SIZE;
    const of = type3 ? n + 1 : n;
    let data = base;
    const { flags, streamId } = c;
    const views = this.#type1Views(frame, n);
    for (let k = 0; k < n; k++) {
      writeType1Header(frame, data - EFP_TYPE1_HEADER_SIZE, flags, streamId, sfn, k, of);
      emit(views[k]!);
      data += f;
    }
    if (type3) {
      const h = data - EFP_TYPE3_HEADER_SIZE;
      writeType3Header(frame, h, c.flags, c.streamId, sfn, f, of);
      emit(frame.subarray(h, data + rest));
      data += rest;
    }
    const h = data - EFP_TYPE2_HEADER_SIZE;
    const left = frame.length - data;
    writeType2Header(frame, h, c, left, sfn, of, f);
    emit(frame.subarray(h, frame.length));
  }

  /**
   * The Type 1 packet views of an in-place frame. They depend only on the buffer, the frame's offset
   * and the MTU, so a producer that reuses its frame buffer gets the same views back instead of
   * paying for hundreds of new ones per frame (emitted views are only valid during `emit` anyway).
   */
  #type1Views(frame: Uint8Array, n: number): Uint8Array[] {
    const c = this.#viewCache;
    if (c === undefined || c.buffer !== frame.buffer || c.byteOffset !== frame.byteOffset || c.views.length < n) {
      const views: Uint8Array[] = [];
      const step = this.mtu - EFP_TYPE1_HEADER_SIZE;
      for (let k = 0, h = EFP_IN_PLACE_HEADROOM - EFP_TYPE1_HEADER_SIZE; k < n; k++, h += step) {
        views.push(new Uint8Array(frame.buffer, frame.byteOffset + h, this.mtu));
      }
      this.#viewCache = { buffer: frame.buffer, byteOffset: frame.byteOffset, views };
      return views;
    }
    return c.views;
  }

  #advance(): void {
    this.#superFrameNo = (this.#superFrameNo + 1) & 0xffff;
  }

  #check(size: number, o: EfpFrameOptions): Type2Meta {
    const streamId = o.streamId;
    checkUint('streamId', streamId, 0xff);
    const dataContent = o.dataContent ?? EfpContent.unknown;
    checkUint('dataContent', dataContent, 0xff);
    const pts = toU64('pts', o.pts);
    const dts = o.dts === undefined ? pts : toU64('dts', o.dts);
    const code = typeof o.code === 'string' ? fourcc(o.code) : (o.code ?? 0);
    checkUint('code', code, U32_MAX);
    const flags = o.flags ?? 0;
    checkFlags(flags);
    // The reference's checks, in its order.
    if (pts === U64_MAX) throw new RangeError('pts 2^64-1 is reserved (unknown)');
    if (dts === U64_MAX) throw new RangeError('dts 2^64-1 is reserved (unknown)');
    if (code === U32_MAX) throw new RangeError('code 0xFFFFFFFF is reserved (unknown)');
    if (streamId === 0 && dataContent !== EfpContent.efpsig) {
      throw new RangeError('streamId 0 is reserved for dataContent efpsig (0x80)');
    }
    if (dts > pts) throw new RangeError(`dts ${dts} is after pts ${pts}`);
    const diff = pts - dts;
    if (diff >= BigInt(U32_MAX)) throw new RangeError(`pts - dts = ${diff} must be below 2^32-1`);
    if (size > this.maxFrameSize) {
      throw new RangeError(`frame of ${size} bytes exceeds the maximum of ${this.maxFrameSize} at MTU ${this.mtu}`);
    }
    return { flags, streamId, dataContent, pts, dtsPtsDiff: Number(diff), code };
  }
}

function toU64(field: string, v: bigint | number): bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${field} must be a non-negative safe integer or a bigint, got ${v}`);
    return BigInt(v);
  }
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new RangeError(`${field} must be a u64, got ${String(v)}`);
  return v;
}

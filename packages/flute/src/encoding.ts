/**
 * Content encodings of FLUTE objects (RFC 6726 §3.4.2 Content-Encoding, §3.4.2 EXT_CENC for FDT
 * instances): null, deflate (RFC 1951), zlib (RFC 1950) and gzip (RFC 1952), through fflate.
 *
 * Implementations disagree on what "deflate" means (raw RFC 1951 in ypo/flute, zlib-wrapped
 * elsewhere, and some label gzip data "deflate"), so the decoder sniffs the first bytes of a labelled
 * stream before trusting the label: `1f 8b 08` is gzip, a valid RFC 1950 header is zlib, anything else
 * is raw deflate (a raw deflate stream never starts with a byte whose low nibble is 8 unless it is a
 * stored block with garbage padding bits).
 */
import { Deflate, Gzip, Inflate, Zlib, deflateSync, gzipSync, zlibSync } from 'fflate';
import { adler32, crc32 } from './checksum.js';
import { MalformedError } from './errors.js';

/** Content-Encoding values this package reads and writes. `'null'` is the identity. */
export type ContentEncoding = 'null' | 'deflate' | 'zlib' | 'gzip';

/** EXT_CENC values (RFC 6726 §3.4.2). */
export const CENC = { null: 0, zlib: 1, deflate: 2, gzip: 3 } as const satisfies Record<ContentEncoding, number>;

/** The encoding for an EXT_CENC value, or undefined for an unknown one. */
export function encodingFromCenc(cenc: number): ContentEncoding | undefined {
  return cenc === 0 ? 'null' : cenc === 1 ? 'zlib' : cenc === 2 ? 'deflate' : cenc === 3 ? 'gzip' : undefined;
}

/**
 * The encoding for an FDT Content-Encoding label (case-insensitive; `x-gzip`, `identity` and an absent
 * or empty label are understood), or undefined for a label this package cannot decode.
 */
export function encodingFromLabel(label: string | undefined): ContentEncoding | undefined {
  if (label === undefined) return 'null';
  const l = label.trim().toLowerCase();
  if (l === '' || l === 'null' || l === 'identity') return 'null';
  if (l === 'gzip' || l === 'x-gzip') return 'gzip';
  if (l === 'deflate') return 'deflate';
  if (l === 'zlib') return 'zlib';
  return undefined;
}

/** The FDT Content-Encoding label of an encoding (absent for `'null'`). */
export function encodingLabel(encoding: ContentEncoding): string | undefined {
  return encoding === 'null' ? undefined : encoding;
}

/** Checks an encoding argument. */
export function checkEncoding(encoding: unknown, field: string): ContentEncoding {
  if (encoding !== 'null' && encoding !== 'deflate' && encoding !== 'zlib' && encoding !== 'gzip') {
    throw new RangeError(`${field} must be 'null', 'deflate', 'zlib' or 'gzip', got ${String(encoding)}`);
  }
  return encoding;
}

/**
 * Encodes a whole buffer. Deterministic: the same input always gives the same bytes (gzip headers
 * carry no time stamp), so a stream source can be compressed twice (length pre-pass, then sending).
 */
export function encodeContent(data: Uint8Array, encoding: ContentEncoding, level: CompressionLevel = 6): Uint8Array {
  switch (encoding) {
    case 'null':
      return data;
    case 'deflate':
      return deflateSync(data, { level });
    case 'zlib':
      return zlibSync(data, { level });
    case 'gzip':
      return gzipSync(data, { level, mtime: 0 });
  }
}

/** fflate compression levels. */
export type CompressionLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** A streaming content encoder: push chunks, receive encoded chunks through `onData`. */
export interface ContentEncoder {
  push(chunk: Uint8Array, final: boolean): void;
}

/** Input bytes per fflate push: fixed, so the output does not depend on how the input was chunked. */
const ENCODER_CHUNK = 1 << 16;

/**
 * A streaming encoder for `encoding` (the identity passes chunks through). fflate flushes on every
 * push, so input is regrouped into fixed 64 KiB pushes: the same content gives the same bytes however
 * the reader cut it (a stream pre-pass and the later transfer must agree on the transfer length).
 */
export function createContentEncoder(encoding: ContentEncoding, onData: (chunk: Uint8Array) => void, level: CompressionLevel = 6): ContentEncoder {
  if (encoding === 'null') {
    return {
      push(chunk) {
        if (chunk.length > 0) onData(chunk);
      },
    };
  }
  const stream = encoding === 'deflate' ? new Deflate({ level }) : encoding === 'zlib' ? new Zlib({ level }) : new Gzip({ level, mtime: 0 });
  stream.ondata = (data) => {
    if (data.length > 0) onData(data);
  };
  const buffer = new Uint8Array(ENCODER_CHUNK);
  let fill = 0;
  return {
    push(chunk, final) {
      let o = 0;
      while (o < chunk.length) {
        const n = Math.min(ENCODER_CHUNK - fill, chunk.length - o);
        buffer.set(chunk.subarray(o, o + n), fill);
        fill += n;
        o += n;
        if (fill === ENCODER_CHUNK) {
          stream.push(buffer.slice(), false);
          fill = 0;
        }
      }
      if (final) {
        stream.push(buffer.slice(0, fill), true);
        fill = 0;
      }
    },
  };
}

/** What the first bytes of an encoded stream say it is. */
export function sniffEncoding(head: Uint8Array): 'gzip' | 'zlib' | 'deflate' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 2) {
    const cmf = head[0]!;
    if ((cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | head[1]!) % 31 === 0) return 'zlib';
  }
  return 'deflate';
}

/** Options of {@link createContentDecoder}. */
export interface ContentDecoderOptions {
  /** Most decoded bytes accepted (a decompression bomb stops here with MalformedError). */
  readonly maxOutput: number;
  /** Sniff gzip/zlib headers before trusting the label (default true). */
  readonly sniff?: boolean;
}

/**
 * A streaming content decoder. `push` passes decoded chunks to `onData` and throws MalformedError for
 * a corrupt or truncated stream (at `final`) or when the output would exceed `maxOutput`.
 */
export interface ContentDecoder {
  push(chunk: Uint8Array, final: boolean): void;
  /** Encoding actually decoded (after sniffing); undefined until the first bytes arrived. */
  readonly detected: ContentEncoding | undefined;
  /** Decoded bytes so far. */
  readonly output: number;
}

const GZIP_TRAILER = 8;
const ZLIB_TRAILER = 4;
/** Longest gzip header accepted (FEXTRA, FNAME and FCOMMENT included). */
const MAX_GZIP_HEADER = 1 << 16;
/** Compressed bytes given to the inflater at a time. */
const INFLATE_SLICE = 16 << 10;

/**
 * The gzip (RFC 1952) and zlib (RFC 1950) wrappers are parsed here, around fflate's raw inflater, so
 * that their trailers (CRC-32 and length, Adler-32) are verified and a truncated stream is always
 * caught. The last trailer bytes are held back from the inflater until the stream ends.
 */
class StreamDecoder implements ContentDecoder {
  detected: ContentEncoding | undefined;
  output = 0;
  #label: ContentEncoding;
  #sniff: boolean;
  #max: number;
  #onData: (chunk: Uint8Array) => void;
  #inflate: Inflate | undefined;
  /** Bytes not yet given to the inflater: header being parsed, or the held-back tail. */
  #pending: Uint8Array = new Uint8Array(0);
  #trailer = 0;
  #check = 0;
  #error: MalformedError | undefined;
  #ended = false;

  constructor(label: ContentEncoding, options: ContentDecoderOptions, onData: (chunk: Uint8Array) => void) {
    this.#label = label;
    this.#sniff = options.sniff ?? true;
    this.#max = options.maxOutput;
    this.#onData = onData;
    if (label === 'null') this.detected = 'null';
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.#error !== undefined) throw this.#error;
    try {
      this.#push(chunk, final);
    } catch (e) {
      if (e instanceof MalformedError) throw (this.#error = e);
      throw (this.#error = new MalformedError('Content-Encoding', `${this.detected ?? this.#label} stream is corrupt: ${(e as Error).message}`));
    }
  }

  #push(chunk: Uint8Array, final: boolean): void {
    if (this.#ended) {
      if (chunk.length > 0) throw new MalformedError('Content-Encoding', 'data after the end of the stream');
      return;
    }
    if (this.#label === 'null') {
      this.#emit(chunk);
      if (final) this.#ended = true;
      return;
    }
    let data = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    if (this.#inflate === undefined) {
      const start = this.#header(data, final);
      if (start < 0) {
        this.#pending = data.slice();
        return;
      }
      data = data.subarray(start);
      const inflate = new Inflate();
      inflate.ondata = (d) => this.#emit(d);
      this.#inflate = inflate;
    }
    // Hold back the trailer bytes until the end.
    const keep = final ? 0 : Math.min(data.length, this.#trailer);
    const body = data.subarray(0, data.length - (final ? this.#trailer : keep));
    this.#pending = keep > 0 ? data.slice(data.length - keep) : new Uint8Array(0);
    if (final && data.length < this.#trailer) throw new MalformedError('Content-Encoding', `${this.detected} stream ends inside its trailer`);
    // fflate inflates all the input it is given in one go: fed a whole block, a deflate bomb (ratio
    // up to 1032:1) would be expanded in full before its output could be counted. In slices, the
    // output of one step stays under ~1032 × INFLATE_SLICE bytes and maxOutput is checked between.
    if (body.length === 0) this.#inflate.push(body, final);
    for (let o = 0; o < body.length; o += INFLATE_SLICE) this.#inflate.push(body.subarray(o, o + INFLATE_SLICE), final && o + INFLATE_SLICE >= body.length);
    if (final) {
      this.#ended = true;
      this.#verify(data.subarray(data.length - this.#trailer));
    }
  }

  /** Parses the wrapper header at the start of `data`: offset of the deflate body, or -1 if more bytes are needed. */
  #header(data: Uint8Array, final: boolean): number {
    if (data.length < 2 && !final) return -1;
    const kind = this.#sniff ? sniffEncoding(data) : this.#label;
    this.detected = kind;
    if (kind === 'deflate') {
      this.#trailer = 0;
      return 0;
    }
    if (kind === 'zlib') {
      if (data.length < 2) throw new MalformedError('Content-Encoding', 'zlib stream ends inside its header');
      if ((data[1]! & 0x20) !== 0) throw new MalformedError('Content-Encoding', 'zlib stream needs a preset dictionary');
      if ((data[0]! & 0x0f) !== 8 || ((data[0]! << 8) | data[1]!) % 31 !== 0) throw new MalformedError('Content-Encoding', 'bad zlib header');
      this.#trailer = ZLIB_TRAILER;
      this.#check = 1;
      return 2;
    }
    // gzip: ID1 ID2 CM FLG MTIME(4) XFL OS [XLEN extra] [name\0] [comment\0] [CRC16]
    const need = (n: number): boolean => {
      if (data.length >= n) return true;
      if (final || data.length > MAX_GZIP_HEADER) throw new MalformedError('Content-Encoding', 'gzip stream ends inside its header');
      return false;
    };
    if (!need(10)) return -1;
    if (data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 8) throw new MalformedError('Content-Encoding', 'bad gzip header');
    const flg = data[3]!;
    let o = 10;
    if (flg & 4) {
      if (!need(o + 2)) return -1;
      o += 2 + (data[o]! | (data[o + 1]! << 8));
    }
    for (const bit of [8, 16]) {
      if (flg & bit) {
        for (;;) {
          if (!need(o + 1)) return -1;
          if (data[o++] === 0) break;
        }
      }
    }
    if (flg & 2) o += 2;
    if (!need(o)) return -1;
    this.#trailer = GZIP_TRAILER;
    this.#check = 0;
    return o;
  }

  #verify(trailer: Uint8Array): void {
    if (this.detected === 'zlib') {
      const want = ((trailer[0]! << 24) | (trailer[1]! << 16) | (trailer[2]! << 8) | trailer[3]!) >>> 0;
      if (want !== this.#check) throw new MalformedError('Content-Encoding', 'zlib Adler-32 mismatch');
    } else if (this.detected === 'gzip') {
      const crc = (trailer[0]! | (trailer[1]! << 8) | (trailer[2]! << 16) | (trailer[3]! << 24)) >>> 0;
      const size = (trailer[4]! | (trailer[5]! << 8) | (trailer[6]! << 16) | (trailer[7]! << 24)) >>> 0;
      if (crc !== this.#check) throw new MalformedError('Content-Encoding', 'gzip CRC-32 mismatch');
      if (size !== this.output % 2 ** 32) throw new MalformedError('Content-Encoding', 'gzip ISIZE mismatch');
    }
  }

  #emit(data: Uint8Array): void {
    if (data.length === 0) return;
    this.output += data.length;
    if (this.output > this.#max) {
      throw new MalformedError('Content-Encoding', `decoded content exceeds the limit of ${this.#max} bytes`, this.output);
    }
    if (this.detected === 'gzip') this.#check = crc32(data, this.#check);
    else if (this.detected === 'zlib') this.#check = adler32(data, this.#check);
    this.#onData(data);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A streaming decoder for content labelled `label`. */
export function createContentDecoder(label: ContentEncoding, options: ContentDecoderOptions, onData: (chunk: Uint8Array) => void): ContentDecoder {
  return new StreamDecoder(label, options, onData);
}

/** Decodes a whole buffer (sniffing first); MalformedError for corrupt data or output over `maxOutput`. */
export function decodeContent(data: Uint8Array, label: ContentEncoding, maxOutput = 2 ** 31): Uint8Array {
  if (label === 'null') return data;
  const chunks: Uint8Array[] = [];
  const d = createContentDecoder(label, { maxOutput }, (c) => chunks.push(c));
  d.push(data, true);
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(d.output);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

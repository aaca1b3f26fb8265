import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync, writeSync, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { decodeWavHeader, encodeWavHeader, frameSize, ToneSource, TruncatedError, WAV_UNKNOWN_SIZE, type AudioSink, type AudioSource, type Format } from '../index.js';

const MAX_WAV_HEADER = 1 << 20;

/** Reads a WAV file (U8, I16, I24, I32, F32 or F64 PCM) frame by frame. */
export class WavFileSource implements AudioSource {
  readonly format: Format;
  /** Frames in the file. */
  readonly frames: number;
  private readonly fd: number;
  private readonly frameBytes: number;
  private position: number;
  private readonly end: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    try {
      const size = fstatSync(this.fd).size;
      let want = 4096;
      for (;;) {
        const head = new Uint8Array(Math.min(want, size));
        const n = readSync(this.fd, head, 0, head.length, 0);
        try {
          const info = decodeWavHeader(head.subarray(0, n));
          this.format = info.format;
          this.frameBytes = frameSize(info.format);
          this.position = info.dataOffset;
          const dataEnd = info.dataLength === undefined ? size : Math.min(size, info.dataOffset + info.dataLength);
          this.frames = Math.floor((dataEnd - info.dataOffset) / this.frameBytes);
          this.end = info.dataOffset + this.frames * this.frameBytes;
          break;
        } catch (e) {
          if (!(e instanceof TruncatedError) || n < want || want >= MAX_WAV_HEADER) throw e;
          want *= 4;
        }
      }
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  readSync(maxFrames: number): Uint8Array | null {
    const n = Math.min(maxFrames, (this.end - this.position) / this.frameBytes);
    if (n <= 0) return null;
    const out = new Uint8Array(n * this.frameBytes);
    let got = 0;
    while (got < out.length) {
      const r = readSync(this.fd, out, got, out.length - got, this.position + got);
      if (r === 0) break;
      got += r;
    }
    this.position += got;
    return got === 0 ? null : out.subarray(0, got - (got % this.frameBytes));
  }

  read(maxFrames: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.readSync(maxFrames));
  }

  close(): Promise<void> {
    closeSync(this.fd);
    return Promise.resolve();
  }
}

/** Writes a WAV file; the sizes in its header are filled in on close. */
export class WavFileSink implements AudioSink {
  readonly format: Format;
  private readonly fd: number;
  private readonly headerLength: number;
  private dataLength = 0;
  private closed = false;

  constructor(path: string, format: Format) {
    const header = encodeWavHeader(format, WAV_UNKNOWN_SIZE);
    this.format = format;
    this.headerLength = header.length;
    this.fd = openSync(path, 'w');
    writeSync(this.fd, header, 0, header.length, 0);
  }

  writeSync(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, this.headerLength + this.dataLength + off);
    this.dataLength += bytes.length;
  }

  write(bytes: Uint8Array): Promise<void> {
    this.writeSync(bytes);
    return Promise.resolve();
  }

  /** Bytes of PCM written so far. */
  get bytesWritten(): number {
    return this.dataLength;
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    if ((this.dataLength & 1) === 1) writeSync(this.fd, new Uint8Array(1), 0, 1, this.headerLength + this.dataLength);
    const header = encodeWavHeader(this.format, this.dataLength);
    writeSync(this.fd, header, 0, header.length, 0);
    closeSync(this.fd);
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }
}

/** Raw interleaved PCM from a readable stream (stdin or a file). */
export class RawSource implements AudioSource {
  readonly format: Format;
  private readonly frameBytes: number;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private waiter: (() => void) | undefined;

  constructor(
    private readonly stream: Readable,
    format: Format,
    /** Pause the stream when this many bytes are buffered. */
    private readonly highWater = 1 << 22,
  ) {
    this.format = format;
    this.frameBytes = frameSize(format);
    stream.on('data', (chunk: Uint8Array) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= this.highWater) stream.pause();
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    stream.on('end', end);
    stream.on('error', end);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async read(maxFrames: number): Promise<Uint8Array | null> {
    while (this.buffered < this.frameBytes && !this.ended) await new Promise<void>((resolve) => (this.waiter = resolve));
    const n = Math.min(maxFrames, Math.floor(this.buffered / this.frameBytes)) * this.frameBytes;
    if (n === 0) return null;
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.length, n - off);
      out.set(c.subarray(0, take), off);
      off += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    if (this.buffered < this.highWater) this.stream.resume();
    return out;
  }

  close(): Promise<void> {
    this.stream.destroy();
    return Promise.resolve();
  }
}

/** Raw interleaved PCM to a writable stream (stdout or a file). */
export class RawSink implements AudioSink {
  constructor(
    private readonly stream: NodeJS.WritableStream | WriteStream,
    readonly format: Format,
    private readonly owned: boolean,
  ) {}

  write(bytes: Uint8Array): Promise<void> {
    this.stream.write(bytes.slice());
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.owned) return Promise.resolve();
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}

/**
 * An endpoint argument of the CLI: `tone[:HZ]`, `wav:PATH` (or any `*.wav` path), `raw:PATH`
 * or `raw:-` (stdin/stdout).
 */
export type EndpointSpec = string;

/** Opens a source. `format` applies to tone and raw sources (WAV files carry their own). */
export function openSource(spec: EndpointSpec, format: Format, toneFrames?: number): AudioSource {
  if (spec === 'tone' || spec.startsWith('tone:')) {
    const frequency = spec === 'tone' ? 440 : Number(spec.slice(5));
    return new ToneSource({ format, frequency, ...(toneFrames === undefined ? {} : { frames: toneFrames }) });
  }
  if (spec.startsWith('raw:')) {
    const path = spec.slice(4);
    return new RawSource(path === '-' ? process.stdin : createReadStream(path), format);
  }
  if (spec.startsWith('wav:')) return new WavFileSource(spec.slice(4));
  if (spec.toLowerCase().endsWith('.wav')) return new WavFileSource(spec);
  throw new RangeError(`unknown source ${JSON.stringify(spec)} (tone[:HZ], wav:PATH, raw:PATH, raw:-)`);
}

/** Opens a sink for `format`: `wav:PATH`, `*.wav`, `raw:PATH` or `raw:-` (stdout). */
export function openSink(spec: EndpointSpec, format: Format): AudioSink {
  if (spec.startsWith('raw:')) {
    const path = spec.slice(4);
    return path === '-' ? new RawSink(process.stdout, format, false) : new RawSink(createWriteStream(path), format, true);
  }
  if (spec.startsWith('wav:')) return new WavFileSink(spec.slice(4), format);
  if (spec.toLowerCase().endsWith('.wav')) return new WavFileSink(spec, format);
  throw new RangeError(`unknown sink ${JSON.stringify(spec)} (wav:PATH, *.wav, raw:PATH, raw:-)`);
}



import { fillSilence, fromFloat32, toFloat32 } from './convert.js';
import { frameSize, sampleSize, type Format } from './format.js';

/** Options of a StreamReceiver. Durations are in milliseconds of the local clock. */
export interface ReceiverOptions {
  /** Buffer level the playout steers towards. Default 40. */
  readonly targetLatencyMs?: number;
  /** Highest buffer level tolerated; above it the oldest frames are skipped. Default 3 × target. */
  readonly maxLatencyMs?: number;
  /** A byteIndex jump larger than this restarts the stream there instead of concealing. Default 2000. */
  readonly maxGapMs?: number;
  /** Most disjoint received spans held (reordering depth); a packet adding one more is dropped. Default 256. */
  readonly maxSpans?: number;
  /** Upper bound of the buffer's memory. Default 16 MiB. */
  readonly maxBufferBytes?: number;
  /** Largest drift correction, in ppm. Default 2000. */
  readonly maxCorrectionPpm?: number;
  /**
   * How clock drift is corrected: `'slip'` removes or repeats single frames (the output is the
   * stream's own samples), `'resample'` plays the stream at the corrected rate through a linear
   * interpolator (smooth, but samples are recomputed through Float32), `'off'` only estimates it.
   * Default 'slip'.
   */
  readonly driftCorrection?: 'slip' | 'resample' | 'off';
  /** Byte index the stream starts at (0 after StartIO); default: the first packet's, frame-aligned. */
  readonly startIndex?: number;
  /**
   * Stream-domain tap ("recording"): called once for every byte of the stream the playout
   * passes, in order, with received data or silence (`concealed`). Drift correction does not
   * alter it: it is the sender's byte stream with losses concealed. Views are valid during the call.
   */
  readonly onStream?: (byteIndex: number, bytes: Uint8Array, concealed: boolean) => void;
}

/** Counters of one received stream. Samples are single-channel samples. */
export interface ReceiverStats {
  /** Samples accepted into the buffer (duplicates excluded). */
  readonly receivedSamples: number;
  /** Samples never received: concealed minus those that arrived too late. */
  readonly lostSamples: number;
  /** Samples that arrived after the playout had passed them (discarded). */
  readonly lateSamples: number;
  /** Samples that arrived again while still buffered (discarded). */
  readonly duplicateSamples: number;
  /** Stream samples the playout passed without data and replaced with silence. */
  readonly concealedSamples: number;
  /** Number of concealed spans. */
  readonly concealedSpans: number;
  /** Packets dropped because the reordering window was full. */
  readonly droppedPackets: number;
  /** Output frames of silence because no data was buffered (after playout started). */
  readonly underrunFrames: number;
  /** Frames repeated by drift correction. */
  readonly insertedFrames: number;
  /** Frames removed by drift correction. */
  readonly removedFrames: number;
  /** Frames skipped because the buffer exceeded its maximum latency. */
  readonly overflowFrames: number;
  /** Restarts after a byteIndex jump larger than maxGapMs. */
  readonly resyncs: number;
  /** Frames buffered ahead of the playout (highest received byte − playout position). */
  readonly bufferLevelFrames: number;
  readonly bufferLevelMs: number;
  /** Estimated clock drift of the sender relative to the local clock (positive: sender faster). */
  readonly driftPpm: number;
  /** Correction applied now (ppm of the playout rate; positive: consuming faster). */
  readonly correctionPpm: number;
  /** Next stream byte the playout will output. */
  readonly playoutIndex: number;
  readonly playing: boolean;
}

/** Default upper bound of one receiver's buffer memory. */
export const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;

const FILTER_TAU_S = 0.5;
const LOOP_PERIOD_S = 20;
const LOOP_DAMPING = 0.7;
const RECENT_CONCEALED = 32;
/** Consecutive packets more than maxGapMs behind the playout that restart the stream there. */
const FAR_BEHIND_RESYNC = 8;
const SILENCE_BLOCK = 16_384;
/** Output frames the resampler produces per block. */
const RESAMPLE_BLOCK = 256;

/**
 * Receiver of one stream: a jitter buffer indexed by byteIndex, playout at the local clock with
 * loss concealment, late/duplicate discarding, and drift correction. Sans-IO: `now` is local
 * milliseconds. The playout pulls frames with `read(out, now)`; the recording tap `onStream` sees
 * the stream exactly once, in order.
 *
 * Drift: a PI loop (second order, 20 s period, damping 0.7) on the low-passed buffer level sets
 * a correction ratio; the playout removes (sender fast) or repeats (sender slow) single frames
 * at that rate, so the level stays near the target. The loop integrator is the drift estimate.
 */
export class StreamReceiver {
  readonly format: Format;
  readonly frameBytes: number;
  readonly sampleBytes: number;
  private readonly capacity: number;
  private readonly buffer: Uint8Array;
  private readonly silenceBlock: Uint8Array;
  private readonly targetBytes: number;
  private readonly maxLevelBytes: number;
  private readonly maxGapBytes: number;
  private readonly maxSpans: number;
  private readonly maxCorrection: number;
  private readonly mode: 'slip' | 'resample' | 'off';
  private readonly startIndex: number | undefined;
  private readonly onStream: ReceiverOptions['onStream'];
  private readonly targetS: number;
  private readonly kp: number;
  private readonly ki: number;

  /** Received spans at or after readPos: [s0, e0, s1, e1, ...] sorted and disjoint. */
  private spans: number[] = [];
  private recentConcealed: number[] = [];
  private started = false;
  private playing = false;
  private readPos = 0;
  private highest = 0;
  private lastNow: number | undefined;
  private filtered = 0;
  private integ = 0;
  private correction = 0;
  private slipAcc = 0;
  /** Resampling: fractional position between the frame at readPos and the next. */
  private phase = 0;
  private scratchBytes = new Uint8Array(0);
  private scratchIn = new Float32Array(0);
  private scratchOut = new Float32Array(0);
  private farBehind = 0;

  private received = 0;
  private late = 0;
  private lateConcealed = 0;
  private duplicate = 0;
  private concealed = 0;
  private concealedSpans = 0;
  private droppedPackets = 0;
  private underrunFrames = 0;
  private insertedFrames = 0;
  private removedFrames = 0;
  private overflowFrames = 0;
  private resyncs = 0;

  constructor(format: Format, options: ReceiverOptions = {}) {
    this.format = format;
    this.frameBytes = frameSize(format);
    this.sampleBytes = sampleSize(format.sampleType);
    const bytesPerMs = (format.sampleRate * this.frameBytes) / 1000;
    const targetMs = options.targetLatencyMs ?? 40;
    const maxMs = options.maxLatencyMs ?? 3 * targetMs;
    if (!(targetMs > 0) || !(maxMs >= targetMs)) throw new RangeError(`need 0 < targetLatencyMs <= maxLatencyMs, got ${targetMs}, ${maxMs}`);
    const maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    this.targetS = targetMs / 1000;
    this.targetBytes = this.alignUp(targetMs * bytesPerMs);
    this.maxLevelBytes = this.alignUp(maxMs * bytesPerMs);
    // Room for the maximum level plus a window of reordering and one burst beyond it.
    const wanted = this.alignUp(2 * this.maxLevelBytes + 65_536);
    this.capacity = Math.min(wanted, Math.floor(maxBufferBytes / this.frameBytes) * this.frameBytes);
    if (this.capacity < this.maxLevelBytes + this.frameBytes) throw new RangeError(`maxBufferBytes ${maxBufferBytes} cannot hold maxLatencyMs ${maxMs} of this format`);
    this.buffer = new Uint8Array(this.capacity);
    this.maxGapBytes = this.alignUp((options.maxGapMs ?? 2000) * bytesPerMs);
    this.maxSpans = options.maxSpans ?? 256;
    this.maxCorrection = (options.maxCorrectionPpm ?? 2000) * 1e-6;
    this.mode = options.driftCorrection ?? 'slip';
    this.startIndex = options.startIndex;
    this.onStream = options.onStream;
    const blockFrames = Math.max(1, Math.floor(SILENCE_BLOCK / this.frameBytes));
    this.silenceBlock = new Uint8Array(blockFrames * this.frameBytes + this.sampleBytes);
    fillSilence(format.sampleType, this.silenceBlock);
    const wn = (2 * Math.PI) / LOOP_PERIOD_S;
    this.ki = wn * wn;
    this.kp = 2 * LOOP_DAMPING * wn;
  }

  private alignUp(bytes: number): number {
    return Math.max(this.frameBytes, Math.ceil(bytes / this.frameBytes) * this.frameBytes);
  }

  /** Accepts `payload` at stream offset `byteIndex`. Never throws for any input. */
  push(byteIndex: number, payload: Uint8Array, now: number): void {
    if (payload.length === 0 || !Number.isSafeInteger(byteIndex) || byteIndex < 0 || !Number.isSafeInteger(byteIndex + payload.length)) return;
    const half = this.capacity >>> 1;
    if (payload.length > half) {
      for (let off = 0; off < payload.length; off += half) this.push(byteIndex + off, payload.subarray(off, off + half), now);
      return;
    }
    let start = byteIndex;
    const end = byteIndex + payload.length;
    if (!this.started) {
      this.started = true;
      const base = this.startIndex !== undefined && start >= this.startIndex && start - this.startIndex <= this.maxGapBytes ? this.startIndex : start;
      this.readPos = base - (base % this.frameBytes);
      this.highest = this.readPos;
      this.lastNow = now;
    }
    if (end <= this.readPos) {
      this.countLate(start, end);
      // A sender that restarted its byte stream (or a stale datagram that made us jump ahead)
      // shows up as a run of packets far behind: follow it back after a few in a row.
      if (this.readPos - start > this.maxGapBytes && ++this.farBehind >= FAR_BEHIND_RESYNC) this.resync(start);
      else return;
    }
    this.farBehind = 0;
    if (end - this.readPos > this.capacity) {
      if (start - Math.max(this.highest, this.readPos) > this.maxGapBytes) this.resync(start);
      else {
        const newPos = Math.min(this.alignUp(end - this.capacity), start - (start % this.frameBytes));
        this.overflowFrames += (newPos - this.readPos) / this.frameBytes;
        this.advance(newPos - this.readPos, undefined, 0);
      }
    }
    if (start < this.readPos) {
      this.countLate(start, this.readPos);
      payload = payload.subarray(this.readPos - start);
      start = this.readPos;
    }
    if (!this.insertSpan(start, end)) {
      this.droppedPackets++;
      return;
    }
    const at = start % this.capacity;
    const first = Math.min(payload.length, this.capacity - at);
    this.buffer.set(first === payload.length ? payload : payload.subarray(0, first), at);
    if (first < payload.length) this.buffer.set(payload.subarray(first), 0);
    if (end > this.highest) this.highest = end;
  }

  private countLate(start: number, end: number): void {
    this.late += end - start;
    const r = this.recentConcealed;
    for (let i = 0; i < r.length; i += 2) {
      const a = Math.max(start, r[i]!);
      const b = Math.min(end, r[i + 1]!);
      if (b > a) this.lateConcealed += b - a;
    }
  }

  /** Adds [start, end) to the received spans; false when it would exceed maxSpans. */
  private insertSpan(start: number, end: number): boolean {
    const s = this.spans;
    // Fast path: in-order arrival extending the last span.
    const n = s.length;
    if (n > 0 && start >= s[n - 2]! && start <= s[n - 1]!) {
      const last = s[n - 1]!;
      this.duplicate += Math.min(end, last) - start;
      this.received += Math.max(0, end - last);
      if (end > last) s[n - 1] = end;
      return true;
    }
    let i = 0;
    while (i < s.length && s[i + 1]! < start) i += 2;
    let j = i;
    let overlap = 0;
    let lo = start;
    let hi = end;
    while (j < s.length && s[j]! <= end) {
      overlap += Math.max(0, Math.min(end, s[j + 1]!) - Math.max(start, s[j]!));
      lo = Math.min(lo, s[j]!);
      hi = Math.max(hi, s[j + 1]!);
      j += 2;
    }
    if (j === i && s.length >= 2 * this.maxSpans) return false;
    s.splice(i, j - i, lo, hi);
    this.duplicate += overlap;
    this.received += end - start - overlap;
    return true;
  }

  private resync(start: number): void {
    this.resyncs++;
    this.farBehind = 0;
    this.spans = [];
    this.recentConcealed = [];
    this.readPos = start - (start % this.frameBytes);
    this.highest = this.readPos;
    this.playing = false;
    this.slipAcc = 0;
  }

  /**
   * Moves the playout position `bytes` forward (a multiple of the frame size), reporting every byte
   * to the tap and copying it into `out` at `outOffset` when `out` is given. Gaps become silence.
   */
  private advance(bytes: number, out: Uint8Array | undefined, outOffset: number): void {
    this.copy(this.readPos, bytes, out, outOffset, true);
    this.readPos += bytes;
    const s = this.spans;
    let k = 0;
    while (k < s.length && s[k + 1]! <= this.readPos) k += 2;
    if (k > 0) s.splice(0, k);
    if (s.length > 0 && s[0]! < this.readPos) s[0] = this.readPos;
  }

  private copy(pos: number, bytes: number, out: Uint8Array | undefined, outOffset: number, record: boolean): void {
    const end = pos + bytes;
    const s = this.spans;
    let i = 0;
    while (i < s.length && s[i + 1]! <= pos) i += 2;
    let p = pos;
    while (p < end) {
      const spanStart = i < s.length ? s[i]! : end;
      if (p < spanStart) {
        const gapEnd = Math.min(spanStart, end);
        if (out !== undefined) fillSilence(this.format.sampleType, out, outOffset + (p - pos), outOffset + (gapEnd - pos), p);
        if (record) this.conceal(p, gapEnd);
        p = gapEnd;
        continue;
      }
      const dataEnd = Math.min(s[i + 1]!, end);
      this.emitData(p, dataEnd, out, outOffset + (p - pos), record);
      p = dataEnd;
      i += 2;
    }
  }

  private emitData(from: number, to: number, out: Uint8Array | undefined, outOffset: number, record: boolean): void {
    let p = from;
    while (p < to) {
      const at = p % this.capacity;
      const n = Math.min(to - p, this.capacity - at);
      const view = this.buffer.subarray(at, at + n);
      if (out !== undefined) out.set(view, outOffset + (p - from));
      if (record && this.onStream !== undefined) this.onStream(p, view, false);
      p += n;
    }
  }

  private conceal(from: number, to: number): void {
    this.concealed += to - from;
    const r = this.recentConcealed;
    if (r.length > 0 && r[r.length - 1] === from) r[r.length - 1] = to;
    else {
      this.concealedSpans++;
      r.push(from, to);
      if (r.length > 2 * RECENT_CONCEALED) r.splice(0, 2);
    }
    if (this.onStream === undefined) return;
    const block = this.silenceBlock.length - this.sampleBytes;
    for (let p = from; p < to; ) {
      const n = Math.min(to - p, block);
      const phase = p % this.sampleBytes;
      this.onStream(p, this.silenceBlock.subarray(phase, phase + n), true);
      p += n;
    }
  }

  private updateLoop(now: number): void {
    const last = this.lastNow;
    this.lastNow = now;
    if (last === undefined || !this.playing) return;
    const dt = Math.min((now - last) / 1000, 1);
    if (!(dt > 0)) return;
    const level = this.levelBytes() / this.frameBytes / this.format.sampleRate;
    this.filtered += (level - this.filtered) * (1 - Math.exp(-dt / FILTER_TAU_S));
    const e = this.filtered - this.targetS;
    const max = this.maxCorrection;
    this.integ = Math.max(-max, Math.min(max, this.integ + this.ki * e * dt));
    this.correction = this.mode === 'off' ? 0 : Math.max(-max, Math.min(max, this.kp * e + this.integ));
  }

  private levelBytes(): number {
    return Math.max(0, this.highest - this.readPos);
  }

  /**
   * Playout: fills `out` (a whole number of frames) with the next frames at the local clock and
   * returns the number of frames taken from the stream (silence while buffering or on underrun).
   */
  read(out: Uint8Array, now: number): number {
    const fb = this.frameBytes;
    const frames = Math.floor(out.length / fb);
    this.updateLoop(now);
    if (!this.playing) {
      if (this.started && this.levelBytes() >= this.targetBytes) {
        this.playing = true;
        this.filtered = this.levelBytes() / fb / this.format.sampleRate;
      } else {
        fillSilence(this.format.sampleType, out, 0, frames * fb);
        return 0;
      }
    }
    if (this.levelBytes() > this.maxLevelBytes) {
      const skip = this.levelBytes() - this.targetBytes;
      const aligned = skip - (skip % fb);
      this.overflowFrames += aligned / fb;
      this.advance(aligned, undefined, 0);
    }
    if (this.mode === 'resample') return this.readResampled(out, frames);
    let produced = 0;
    let taken = 0;
    while (produced < frames) {
      const avail = Math.floor(this.levelBytes() / fb);
      if (avail === 0) {
        this.underrun(out, produced, frames);
        break;
      }
      if (this.slipAcc >= 1) {
        this.slipAcc -= 1;
        this.removedFrames++;
        this.advance(fb, undefined, 0);
        taken++;
        continue;
      }
      if (this.slipAcc <= -1) {
        this.slipAcc += 1;
        this.insertedFrames++;
        this.copy(this.readPos, fb, out, produced * fb, false);
        produced++;
        continue;
      }
      let seg = Math.min(frames - produced, avail);
      const c = this.correction;
      if (c > 0) seg = Math.min(seg, Math.max(1, Math.ceil((1 - this.slipAcc) / c)));
      else if (c < 0) seg = Math.min(seg, Math.max(1, Math.ceil((-1 - this.slipAcc) / c)));
      this.advance(seg * fb, out, produced * fb);
      this.slipAcc += c * seg;
      produced += seg;
      taken += seg;
    }
    return taken;
  }

  private underrun(out: Uint8Array, from: number, frames: number): void {
    fillSilence(this.format.sampleType, out, from * this.frameBytes, frames * this.frameBytes);
    this.underrunFrames += frames - from;
    this.playing = false;
    this.phase = 0;
  }

  /**
   * Playout at the rate 1 + correction by linear interpolation between neighbouring frames,
   * in blocks: the input frames are peeked (gaps as silence), converted to Float32, interpolated,
   * converted back, and then the playout position advances over the frames consumed.
   */
  private readResampled(out: Uint8Array, frames: number): number {
    const fb = this.frameBytes;
    const ch = this.format.channelCount;
    const type = this.format.sampleType;
    const step = 1 + this.correction;
    let produced = 0;
    let taken = 0;
    while (produced < frames) {
      const avail = Math.floor(this.levelBytes() / fb);
      // Output frame k reads input frames floor(phase + k·step) and the next one.
      const fit = avail >= 2 ? Math.floor((avail - 2 - this.phase) / step) + 1 : 0;
      const n = Math.min(frames - produced, RESAMPLE_BLOCK, fit);
      if (n <= 0) {
        this.underrun(out, produced, frames);
        break;
      }
      const inFrames = Math.floor(this.phase + (n - 1) * step) + 2;
      if (this.scratchBytes.length < inFrames * fb) {
        this.scratchBytes = new Uint8Array(inFrames * fb);
        this.scratchIn = new Float32Array(inFrames * ch);
        this.scratchOut = new Float32Array(RESAMPLE_BLOCK * ch);
      }
      this.copy(this.readPos, inFrames * fb, this.scratchBytes, 0, false);
      toFloat32(type, this.scratchBytes, this.scratchIn, inFrames * ch);
      const input = this.scratchIn;
      const output = this.scratchOut;
      for (let k = 0; k < n; k++) {
        const x = this.phase + k * step;
        const i = Math.floor(x);
        const f = x - i;
        const a = i * ch;
        for (let c = 0; c < ch; c++) output[k * ch + c] = input[a + c]! + f * (input[a + ch + c]! - input[a + c]!);
      }
      fromFloat32(type, output, out.subarray(produced * fb, (produced + n) * fb), n * ch);
      const end = this.phase + n * step;
      const consumed = Math.floor(end);
      this.phase = end - consumed;
      this.advance(consumed * fb, undefined, 0);
      produced += n;
      taken += consumed;
    }
    return taken;
  }

  /** Passes everything received so far to the tap (end of stream), concealing remaining gaps. */
  flush(): void {
    const bytes = this.levelBytes();
    this.advance(bytes - (bytes % this.frameBytes), undefined, 0);
    const rest = this.levelBytes();
    if (rest > 0) this.advance(rest, undefined, 0);
  }

  /** Bytes of buffer memory this receiver holds. */
  get memoryBytes(): number {
    return this.capacity + this.silenceBlock.length;
  }

  /** True once data has arrived. */
  get active(): boolean {
    return this.started;
  }

  stats(): ReceiverStats {
    const s = this.sampleBytes;
    const level = this.levelBytes() / this.frameBytes;
    return {
      receivedSamples: Math.floor(this.received / s),
      lostSamples: Math.floor(Math.max(0, this.concealed - this.lateConcealed) / s),
      lateSamples: Math.floor(this.late / s),
      duplicateSamples: Math.floor(this.duplicate / s),
      concealedSamples: Math.floor(this.concealed / s),
      concealedSpans: this.concealedSpans,
      droppedPackets: this.droppedPackets,
      underrunFrames: this.underrunFrames,
      insertedFrames: this.insertedFrames,
      removedFrames: this.removedFrames,
      overflowFrames: this.overflowFrames,
      resyncs: this.resyncs,
      bufferLevelFrames: level,
      bufferLevelMs: (level / this.format.sampleRate) * 1000,
      driftPpm: this.integ * 1e6,
      correctionPpm: this.correction * 1e6,
      playoutIndex: this.readPos,
      playing: this.playing,
    };
  }
}

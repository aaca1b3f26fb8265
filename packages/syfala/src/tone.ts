import { fromFloat32 } from './convert.js';
import type { AudioSource } from './endpoint.js';
import { frameSize, type Format } from './format.js';

export interface ToneOptions {
  readonly format: Format;
  /** Frequency of channel 0 in Hz; channel k plays (k + 1) × frequency. Default 440. */
  readonly frequency?: number;
  /** Peak amplitude in [0, 1]. Default 0.5. */
  readonly amplitude?: number;
  /** Length in frames; default endless. */
  readonly frames?: number;
}

/** Largest memory of the per-channel angle tables. */
const MAX_TABLE_BYTES = 4 * 1024 * 1024;

/**
 * Test-tone generator: a sine per channel, converted to the format's sample type. Deterministic:
 * frame n of channel k is amplitude · sin(2π (k + 1) f n / rate), whatever the read sizes.
 * Cheap enough for benchmarks: frame n = jB + i is computed by angle addition from sin/cos at
 * jB (Math.sin once per block of B frames and channel) and tables of sin/cos at i.
 */
export class ToneSource implements AudioSource {
  readonly format: Format;
  private readonly frequency: number;
  private readonly amplitude: number;
  private readonly total: number;
  private readonly block: number;
  private readonly sinTable: Float64Array;
  private readonly cosTable: Float64Array;
  private position = 0;
  private scratch = new Float32Array(0);

  constructor(options: ToneOptions) {
    this.format = options.format;
    this.frequency = options.frequency ?? 440;
    this.amplitude = options.amplitude ?? 0.5;
    this.total = options.frames ?? Infinity;
    if (!(this.amplitude >= 0 && this.amplitude <= 1)) throw new RangeError(`amplitude must be in [0, 1], got ${this.amplitude}`);
    if (!(this.frequency > 0)) throw new RangeError(`frequency must be positive, got ${this.frequency}`);
    const ch = this.format.channelCount;
    this.block = Math.max(1, Math.min(1024, Math.floor(MAX_TABLE_BYTES / (16 * ch))));
    this.sinTable = new Float64Array(this.block * ch);
    this.cosTable = new Float64Array(this.block * ch);
    for (let c = 0; c < ch; c++) {
      const w = this.omega(c);
      for (let i = 0; i < this.block; i++) {
        this.sinTable[c * this.block + i] = Math.sin(w * i);
        this.cosTable[c * this.block + i] = Math.cos(w * i);
      }
    }
  }

  private omega(channel: number): number {
    return (2 * Math.PI * (channel + 1) * this.frequency) / this.format.sampleRate;
  }

  /** Synchronous read, for sans-IO use. */
  readSync(maxFrames: number): Uint8Array | null {
    const n = Math.min(maxFrames, this.total - this.position);
    if (n <= 0) return null;
    const ch = this.format.channelCount;
    const B = this.block;
    if (this.scratch.length < n * ch) this.scratch = new Float32Array(n * ch);
    const out = this.scratch;
    const amp = this.amplitude;
    const cosT = this.cosTable;
    const sinT = this.sinTable;
    for (let c = 0; c < ch; c++) {
      const w = this.omega(c);
      const table = c * B;
      let i = 0;
      while (i < n) {
        const t = this.position + i;
        const base = t - (t % B);
        // Reduce the block's angle modulo 2π before sin/cos to keep precision over long runs.
        const a = (w * base) % (2 * Math.PI);
        const sa = amp * Math.sin(a);
        const ca = amp * Math.cos(a);
        const end = Math.min(n, i + B - (t - base));
        for (let k = table + t - base, o = i * ch + c; i < end; i++, k++, o += ch) out[o] = sa * cosT[k]! + ca * sinT[k]!;
      }
    }
    this.position += n;
    const bytes = new Uint8Array(n * frameSize(this.format));
    fromFloat32(this.format.sampleType, out, bytes, n * ch);
    return bytes;
  }

  read(maxFrames: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.readSync(maxFrames));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

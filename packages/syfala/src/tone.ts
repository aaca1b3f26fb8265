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

/**
 * Test-tone generator: a sine per channel, converted to the format's sample type. Deterministic:
 * frame n of channel k is amplitude · sin(2π (k + 1) f n / rate), whatever the read sizes.
 */
export class ToneSource implements AudioSource {
  readonly format: Format;
  private readonly frequency: number;
  private readonly amplitude: number;
  private readonly total: number;
  private position = 0;
  private scratch = new Float32Array(0);

  constructor(options: ToneOptions) {
    this.format = options.format;
    this.frequency = options.frequency ?? 440;
    this.amplitude = options.amplitude ?? 0.5;
    this.total = options.frames ?? Infinity;
    if (!(this.amplitude >= 0 && this.amplitude <= 1)) throw new RangeError(`amplitude must be in [0, 1], got ${this.amplitude}`);
    if (!(this.frequency > 0)) throw new RangeError(`frequency must be positive, got ${this.frequency}`);
  }

  /** Synchronous read, for sans-IO use. */
  readSync(maxFrames: number): Uint8Array | null {
    const n = Math.min(maxFrames, this.total - this.position);
    if (n <= 0) return null;
    const ch = this.format.channelCount;
    if (this.scratch.length < n * ch) this.scratch = new Float32Array(n * ch);
    const w = (2 * Math.PI * this.frequency) / this.format.sampleRate;
    for (let i = 0; i < n; i++) {
      const t = this.position + i;
      for (let c = 0; c < ch; c++) this.scratch[i * ch + c] = this.amplitude * Math.sin(((c + 1) * w * t) % (2 * Math.PI));
    }
    this.position += n;
    const out = new Uint8Array(n * frameSize(this.format));
    fromFloat32(this.format.sampleType, this.scratch, out, n * ch);
    return out;
  }

  read(maxFrames: number): Promise<Uint8Array | null> {
    return Promise.resolve(this.readSync(maxFrames));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

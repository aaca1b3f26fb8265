import type { Format } from './format.js';

/** A source of interleaved PCM in its `format`. */
export interface AudioSource {
  readonly format: Format;
  /**
   * Up to `maxFrames` whole frames (fewer near the end), or null at the end of the source.
   * The array belongs to the caller.
   */
  read(maxFrames: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

/** A sink of interleaved PCM in its `format`. */
export interface AudioSink {
  readonly format: Format;
  /** Appends bytes (any length, in stream order). `bytes` may be reused once the call returns: a sink copies what it keeps. */
  write(bytes: Uint8Array): Promise<void>;
  /** Finishes the output (e.g. writes a WAV header's sizes). */
  close(): Promise<void>;
}

import type { Format } from './format.js';
import type { PeerId } from './engine.js';
import { DEFAULT_MAX_BUFFER_BYTES, StreamReceiver, type ReceiverOptions } from './receiver.js';
import { AudioSender } from './sender.js';

/** Default memory budget of the receivers of one connection. */
export const DEFAULT_CONNECTION_BUFFER_BYTES = 32 * 1024 * 1024;

/** Builds the options of the receiver for stream `streamIndex` of `peer` (e.g. to attach a recorder). */
export type ReceiverFactory = (peer: PeerId, streamIndex: number, format: Format) => ReceiverOptions;

/**
 * The audio streams of one connection: a sender per stream we send and a receiver per stream we
 * receive. Both restart at byte 0 on every StartIO; receivers are created on first data.
 */
export class ConnectionStreams {
  private senders: AudioSender[] = [];
  private receivers: (StreamReceiver | undefined)[] = [];
  private unusable = new Set<number>();
  private budget: number;

  constructor(
    private readonly peer: PeerId,
    private readonly sendFormats: readonly Format[],
    private readonly recvFormats: readonly Format[],
    private readonly sendTag: number,
    private readonly factory: ReceiverFactory | undefined,
    /** Bytes all receivers of this connection may allocate together. */
    private readonly maxBufferBytes: number = DEFAULT_CONNECTION_BUFFER_BYTES,
  ) {
    this.budget = maxBufferBytes;
  }

  /** Starts every stream afresh at byte 0. */
  reset(): void {
    this.senders = this.sendFormats.map((f, i) => new AudioSender(f, this.sendTag, i));
    this.receivers = this.recvFormats.map(() => undefined);
    this.unusable.clear();
    this.budget = this.maxBufferBytes;
  }

  send(streamIndex: number, bytes: Uint8Array, emit: (datagram: Uint8Array) => void): boolean {
    const s = this.senders[streamIndex];
    if (s === undefined) return false;
    s.push(bytes, emit);
    return true;
  }

  /**
   * Delivers audio; false when the stream index or byteIndex is out of range, or the stream's
   * receiver cannot be built within the connection's memory budget.
   */
  receive(streamIndex: number, byteIndex: bigint, payload: Uint8Array, now: number): boolean {
    if (streamIndex >= this.recvFormats.length || byteIndex > BigInt(Number.MAX_SAFE_INTEGER)) return false;
    let r = this.receivers[streamIndex];
    if (r === undefined) {
      if (this.unusable.has(streamIndex)) return false;
      const format = this.recvFormats[streamIndex]!;
      try {
        const options = this.factory?.(this.peer, streamIndex, format) ?? {};
        r = new StreamReceiver(format, { startIndex: 0, ...options, maxBufferBytes: Math.min(options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES, this.budget) });
      } catch {
        // The format needs more memory than the budget allows, or the application cannot take it.
        this.unusable.add(streamIndex);
        return false;
      }
      this.budget -= r.memoryBytes;
      this.receivers[streamIndex] = r;
    }
    r.push(Number(byteIndex), payload, now);
    return true;
  }

  receiver(streamIndex: number): StreamReceiver | undefined {
    return this.receivers[streamIndex];
  }

  sender(streamIndex: number): AudioSender | undefined {
    return this.senders[streamIndex];
  }

  /** Flushes every receiver to its recording tap (end of IO). */
  flush(): void {
    for (const r of this.receivers) r?.flush();
  }
}

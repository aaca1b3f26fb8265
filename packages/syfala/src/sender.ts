import { encodeAudioDatagram, MAX_AUDIO_PAYLOAD } from './messages.js';
import { frameSize, sampleSize, type Format } from './format.js';

/**
 * Frames one stream's continuous byte stream into audio datagrams. Payloads hold whole frames
 * when a frame fits in `maxPayload` bytes, else whole samples, so the datagram stays within
 * MAX_DATAGRAM (1452) bytes. Input need not be aligned: a partial frame is carried to the next call.
 */
export class AudioSender {
  readonly format: Format;
  readonly tag: number;
  readonly streamIndex: number;
  /** Bytes per full datagram payload. */
  readonly payloadSize: number;
  private readonly unit: number;
  private carry: Uint8Array;
  private carryLength = 0;
  /** Byte index of the next byte to send. */
  byteIndex = 0;

  constructor(format: Format, tag: number, streamIndex: number, maxPayload = MAX_AUDIO_PAYLOAD) {
    const frame = frameSize(format);
    const sample = sampleSize(format.sampleType);
    if (!Number.isInteger(maxPayload) || maxPayload < sample || maxPayload > MAX_AUDIO_PAYLOAD) {
      throw new RangeError(`maxPayload must be in [${sample}, ${MAX_AUDIO_PAYLOAD}], got ${maxPayload}`);
    }
    this.format = format;
    this.tag = tag;
    this.streamIndex = streamIndex;
    this.unit = frame <= maxPayload ? frame : sample;
    this.payloadSize = Math.floor(maxPayload / this.unit) * this.unit;
    this.carry = new Uint8Array(this.unit);
  }

  /** Restarts the byte stream at 0 (a new StartIO) and forgets any carried partial frame. */
  reset(): void {
    this.byteIndex = 0;
    this.carryLength = 0;
  }

  /** Frames `bytes`, calling `emit` with each datagram (a new array the callee may keep). */
  push(bytes: Uint8Array, emit: (datagram: Uint8Array) => void): void {
    let data = bytes;
    if (this.carryLength > 0) {
      data = new Uint8Array(this.carryLength + bytes.length);
      data.set(this.carry.subarray(0, this.carryLength), 0);
      data.set(bytes, this.carryLength);
      this.carryLength = 0;
    }
    const whole = data.length - (data.length % this.unit);
    for (let off = 0; off < whole; off += this.payloadSize) {
      const end = Math.min(off + this.payloadSize, whole);
      emit(encodeAudioDatagram(this.tag, this.streamIndex, this.byteIndex, data.subarray(off, end)));
      this.byteIndex += end - off;
    }
    if (whole < data.length) {
      this.carry.set(data.subarray(whole), 0);
      this.carryLength = data.length - whole;
    }
  }
}

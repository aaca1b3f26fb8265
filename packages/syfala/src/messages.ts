import { checkInteger, Reader } from './cursor.js';
import { MalformedError, TruncatedError } from './errors.js';
import { readStreamFormats, streamFormatsLength, validateStreamFormats, writeStreamFormats, type FormatLimits, type StreamFormats } from './format.js';

/** Client → server variant tags (spec "Client → server"). */
export const CLIENT_TAG = {
  Discovery: 0x00,
  ConnectionSuccess: 0x01,
  ConnectionFailed: 0x02,
  ConnectionRefused: 0x03,
  StartIO: 0x04,
  StopIO: 0x05,
  Audio: 0x06,
  Disconnect: 0x07,
  Heartbeat: 0x08,
} as const;

/** Server → client variant tags (spec "Server → client"). */
export const SERVER_TAG = {
  Connect: 0x00,
  StartIOFailed: 0x01,
  StartIORefused: 0x02,
  StartIOSuccess: 0x03,
  StopIOFailed: 0x04,
  StopIORefused: 0x05,
  StopIOSuccess: 0x06,
  Audio: 0x07,
  Disconnect: 0x08,
  Heartbeat: 0x09,
} as const;

/** Size of the fixed audio header: tag, streamIndex, byteIndex, nBytes. */
export const AUDIO_HEADER_LENGTH = 17;
/** Largest datagram this package sends (Ethernet MTU 1500 − IPv6 40 − UDP 8). */
export const MAX_DATAGRAM = 1452;
/** Largest audio payload in a datagram of MAX_DATAGRAM bytes. */
export const MAX_AUDIO_PAYLOAD = MAX_DATAGRAM - AUDIO_HEADER_LENGTH;

/** The audio header's fields. `byteIndex` is the offset in the stream's continuous byte stream. */
export interface AudioHeader {
  readonly streamIndex: number;
  readonly byteIndex: bigint;
  readonly nBytes: number;
}

/** An audio datagram: header fields and the payload (a zero-copy view into the datagram). */
export interface AudioMessage {
  readonly type: 'Audio';
  readonly streamIndex: number;
  readonly byteIndex: bigint;
  readonly payload: Uint8Array;
}

type Simple<T extends string> = { readonly type: T };

export type ClientMessage =
  | Simple<'Discovery'>
  | Simple<'ConnectionSuccess'>
  | Simple<'ConnectionFailed'>
  | Simple<'ConnectionRefused'>
  | Simple<'StartIO'>
  | Simple<'StopIO'>
  | AudioMessage
  | Simple<'Disconnect'>
  | Simple<'Heartbeat'>;

export type ServerMessage =
  | { readonly type: 'Connect'; readonly formats: StreamFormats }
  | Simple<'StartIOFailed'>
  | Simple<'StartIORefused'>
  | Simple<'StartIOSuccess'>
  | Simple<'StopIOFailed'>
  | Simple<'StopIORefused'>
  | Simple<'StopIOSuccess'>
  | AudioMessage
  | Simple<'Disconnect'>
  | Simple<'Heartbeat'>;

/** A decoded message and the number of bytes it took; bytes after it are ignored by the protocol. */
export interface Decoded<M> {
  readonly message: M;
  readonly length: number;
}

const CLIENT_NAMES = Object.keys(CLIENT_TAG) as ClientMessage['type'][];
const SERVER_NAMES = Object.keys(SERVER_TAG) as ServerMessage['type'][];

/**
 * ```
 *  0     1              5                      13            17
 * +-----+--------------+----------------------+-------------+------------------+
 * | tag | streamIndex  | byteIndex            | nBytes      | payload (nBytes) |
 * | u8  | u32 LE       | u64 LE               | u32 LE      |                  |
 * +-----+--------------+----------------------+-------------+------------------+
 * ```
 * Writes the 17-byte audio header at `offset` of `out`. `tag` is CLIENT_TAG.Audio or SERVER_TAG.Audio.
 */
export function encodeAudioHeader(tag: number, header: AudioHeader, out = new Uint8Array(AUDIO_HEADER_LENGTH), offset = 0): Uint8Array {
  if (tag !== CLIENT_TAG.Audio && tag !== SERVER_TAG.Audio) throw new RangeError(`audio tag must be 6 or 7, got ${tag}`);
  checkInteger('streamIndex', header.streamIndex, 0, 0xffff_ffff);
  checkInteger('nBytes', header.nBytes, 0, 0xffff_ffff);
  if (header.byteIndex < 0n || header.byteIndex > 0xffff_ffff_ffff_ffffn) throw new RangeError(`byteIndex must be a u64, got ${header.byteIndex}`);
  if (out.length - offset < AUDIO_HEADER_LENGTH) throw new RangeError(`output needs ${AUDIO_HEADER_LENGTH} bytes at offset ${offset}`);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[offset] = tag;
  view.setUint32(offset + 1, header.streamIndex, true);
  view.setBigUint64(offset + 5, header.byteIndex, true);
  view.setUint32(offset + 13, header.nBytes, true);
  return out;
}

/**
 * Builds one audio datagram (header + copy of `payload`) with `byteIndex` as a safe integer.
 * The sender's hot path: no bigint, one allocation.
 */
export function encodeAudioDatagram(tag: number, streamIndex: number, byteIndex: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(AUDIO_HEADER_LENGTH + payload.length);
  out[0] = tag;
  const view = new DataView(out.buffer);
  view.setUint32(1, streamIndex, true);
  view.setUint32(5, byteIndex % 0x1_0000_0000, true);
  view.setUint32(9, Math.floor(byteIndex / 0x1_0000_0000), true);
  view.setUint32(13, payload.length, true);
  out.set(payload, AUDIO_HEADER_LENGTH);
  return out;
}

/** Decodes the audio header at the start of `bytes` (tag included) without looking at the payload. */
export function decodeAudioHeader(bytes: Uint8Array): AudioHeader {
  if (bytes.length < AUDIO_HEADER_LENGTH) throw new TruncatedError('AudioHeader', 0, AUDIO_HEADER_LENGTH, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, AUDIO_HEADER_LENGTH);
  const lo = view.getUint32(5, true);
  const hi = view.getUint32(9, true);
  // Most byte indices fit in 53 bits: build the bigint from one exact number then.
  const byteIndex = hi < 0x20_0000 ? BigInt(hi * 0x1_0000_0000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
  return { streamIndex: view.getUint32(1, true), byteIndex, nBytes: view.getUint32(13, true) };
}

function readAudio(bytes: Uint8Array): Decoded<AudioMessage> {
  const h = decodeAudioHeader(bytes);
  const have = bytes.length - AUDIO_HEADER_LENGTH;
  if (h.nBytes > have) throw new TruncatedError('Audio.payload (nBytes longer than the datagram)', AUDIO_HEADER_LENGTH, h.nBytes, have);
  const payload = bytes.subarray(AUDIO_HEADER_LENGTH, AUDIO_HEADER_LENGTH + h.nBytes);
  return { message: { type: 'Audio', streamIndex: h.streamIndex, byteIndex: h.byteIndex, payload }, length: AUDIO_HEADER_LENGTH + h.nBytes };
}

function readTag(bytes: Uint8Array, count: number, direction: string): number {
  if (bytes.length === 0) throw new TruncatedError(`${direction} message tag`, 0, 1, 0);
  const tag = bytes[0]!;
  if (tag >= count) throw new MalformedError(`${direction} message tag`, 0, 'unknown variant', tag);
  return tag;
}

/**
 * Decodes a client → server message from the start of `bytes` (prefix decoding: trailing bytes
 * are not part of the message; `length` says where it ended). Audio payloads are views into `bytes`.
 * Throws TruncatedError or MalformedError.
 */
export function decodeClientMessage(bytes: Uint8Array): Decoded<ClientMessage> {
  const tag = readTag(bytes, CLIENT_NAMES.length, 'client');
  if (tag === CLIENT_TAG.Audio) return readAudio(bytes);
  return { message: { type: CLIENT_NAMES[tag] as Exclude<ClientMessage['type'], 'Audio'> }, length: 1 };
}

/**
 * Decodes a server → client message from the start of `bytes` (prefix decoding, as
 * decodeClientMessage). Connect formats are checked: non-zero channels, positive normal rate,
 * known sample type, and the `limits`.
 */
export function decodeServerMessage(bytes: Uint8Array, limits: FormatLimits = {}): Decoded<ServerMessage> {
  const tag = readTag(bytes, SERVER_NAMES.length, 'server');
  if (tag === SERVER_TAG.Audio) return readAudio(bytes);
  if (tag === SERVER_TAG.Connect) {
    const r = new Reader(bytes, 1);
    const formats = readStreamFormats(r, limits);
    return { message: { type: 'Connect', formats }, length: r.offset };
  }
  return { message: { type: SERVER_NAMES[tag] as Exclude<ServerMessage['type'], 'Audio' | 'Connect'> }, length: 1 };
}

function audioLength(m: AudioMessage): number {
  return AUDIO_HEADER_LENGTH + m.payload.length;
}

function encodeAudio(tag: number, m: AudioMessage): Uint8Array {
  const out = new Uint8Array(audioLength(m));
  encodeAudioHeader(tag, { streamIndex: m.streamIndex, byteIndex: m.byteIndex, nBytes: m.payload.length }, out);
  out.set(m.payload, AUDIO_HEADER_LENGTH);
  return out;
}

/** Encoded size of a client message. */
export function clientMessageLength(message: ClientMessage): number {
  return message.type === 'Audio' ? audioLength(message) : 1;
}

/** Encoded size of a server message. */
export function serverMessageLength(message: ServerMessage): number {
  if (message.type === 'Audio') return audioLength(message);
  if (message.type === 'Connect') return 1 + streamFormatsLength(message.formats);
  return 1;
}

/** Encodes a client → server message (postcard layout). */
export function encodeClientMessage(message: ClientMessage): Uint8Array {
  if (message.type === 'Audio') return encodeAudio(CLIENT_TAG.Audio, message);
  const tag = CLIENT_TAG[message.type];
  if (tag === undefined) throw new RangeError(`unknown client message type ${String((message as { type: unknown }).type)}`);
  return Uint8Array.of(tag);
}

/** Encodes a server → client message (postcard layout). Throws RangeError for invalid formats. */
export function encodeServerMessage(message: ServerMessage): Uint8Array {
  if (message.type === 'Audio') return encodeAudio(SERVER_TAG.Audio, message);
  if (message.type === 'Connect') {
    validateStreamFormats(message.formats);
    const out = new Uint8Array(serverMessageLength(message));
    out[0] = SERVER_TAG.Connect;
    writeStreamFormats(out, new DataView(out.buffer), 1, message.formats);
    return out;
  }
  const tag = SERVER_TAG[message.type];
  if (tag === undefined) throw new RangeError(`unknown server message type ${String((message as { type: unknown }).type)}`);
  return Uint8Array.of(tag);
}

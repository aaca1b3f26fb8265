export { TruncatedError, MalformedError } from './errors.js';
export {
  SampleType,
  SAMPLE_TYPE_COUNT,
  STANDARD_FORMAT,
  sampleSize,
  sampleTypeName,
  parseSampleType,
  isSampleType,
  frameSize,
  isValidSampleRate,
  validateFormat,
  validateStreamFormats,
  formatLength,
  streamFormatsLength,
  formatsEqual,
  streamFormatsEqual,
  type Format,
  type StreamFormats,
  type FormatLimits,
} from './format.js';
export {
  CLIENT_TAG,
  SERVER_TAG,
  AUDIO_HEADER_LENGTH,
  MAX_DATAGRAM,
  MAX_AUDIO_PAYLOAD,
  encodeAudioHeader,
  encodeAudioDatagram,
  decodeAudioHeader,
  decodeClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  clientMessageLength,
  serverMessageLength,
  type AudioHeader,
  type AudioMessage,
  type ClientMessage,
  type ServerMessage,
  type Decoded,
} from './messages.js';
export {
  encodeExtension,
  decodeExtension,
  withExtension,
  frameControlMessage,
  ControlFrameDecoder,
  EXTENSION_LENGTH,
  MAX_CONTROL_FRAME,
  type Extension,
} from './extension.js';
export { toFloat32, fromFloat32, fillSilence, silence } from './convert.js';
export { SpscRing, type RingElement } from './ring.js';
export { AudioSender } from './sender.js';
export { StreamReceiver, type ReceiverOptions, type ReceiverStats } from './receiver.js';
export type { ReceiverFactory } from './streams.js';
export type { PeerId, Transmit, TimingOptions, EngineCounters, DisconnectReason, Decision, CommonEvent } from './engine.js';
export { SyfalaServer, type ServerOptions, type ServerEvent } from './server.js';
export { SyfalaClient, type ClientOptions, type ClientEvent, type IOState } from './client.js';
export { MemoryNetwork, type MemoryNetworkOptions, type MemoryNetworkStats, type Delivery } from './memory-network.js';
export type { AudioSource, AudioSink } from './endpoint.js';
export { ToneSource, type ToneOptions } from './tone.js';
export { encodeWavHeader, decodeWavHeader, wavHeaderLength, WAV_SAMPLE_TYPES, WAV_UNKNOWN_SIZE, type WavInfo } from './wav.js';

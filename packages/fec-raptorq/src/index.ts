export { MalformedError, TruncatedError } from './errors.js';
export { partition, type Partition } from './core/partition.js';
export type { SourceBlock, SourceBlockSink } from './core/subblocks.js';
export {
  RAPTORQ_MAX_SOURCE_SYMBOLS,
  raptorqKPrime,
} from './raptorq/params.js';
export {
  RAPTORQ_MAX_ESI,
  RAPTORQ_MAX_SBN,
  RAPTORQ_PAYLOAD_ID_LENGTH,
  decodeRaptorQPayloadId,
  encodeRaptorQPayloadId,
  type RaptorQPayloadId,
} from './raptorq/payload-id.js';
export {
  RAPTORQ_MAX_TRANSFER_LENGTH,
  RAPTORQ_OTI_LENGTH,
  checkRaptorQOti,
  decodeRaptorQOti,
  decodeRaptorQOti as decodeOti,
  deriveRaptorQOti,
  deriveRaptorQOti as deriveOti,
  encodeRaptorQOti,
  encodeRaptorQOti as encodeOti,
  subBlockPartition,
  type DeriveRaptorQOtiOptions,
  type RaptorQOti,
} from './raptorq/oti.js';
export { sourceBlockLayout, type SourceBlockLayout } from './core/object-coders.js';
export type { BlockCoderOptions } from './core/block-encoder.js';
export type { BlockDecoderOptions } from './core/block-decoder.js';
export type { KernelChoice } from './core/kernel.js';
export { RaptorQBlockDecoder, RaptorQBlockEncoder } from './raptorq/block-coders.js';
export { RaptorQEncoder, type RaptorQObjectOptions } from './raptorq/encoder.js';
export { RaptorQDecoder, type RaptorQDecoderOptions } from './raptorq/decoder.js';
export {
  RAPTOR10_MAX_SOURCE_SYMBOLS,
  RAPTOR10_MIN_SOURCE_SYMBOLS,
} from './raptor10/params.js';
export {
  RAPTOR10_MAX_ESI,
  RAPTOR10_MAX_SBN,
  RAPTOR10_PAYLOAD_ID_LENGTH,
  decodeRaptor10PayloadId,
  encodeRaptor10PayloadId,
  type Raptor10PayloadId,
} from './raptor10/payload-id.js';
export {
  RAPTOR10_MAX_TRANSFER_LENGTH,
  RAPTOR10_OTI_LENGTH,
  checkRaptor10Oti,
  decodeRaptor10Oti,
  deriveRaptor10Oti,
  encodeRaptor10Oti,
  type DeriveRaptor10OtiOptions,
  type Raptor10Oti,
} from './raptor10/oti.js';
export { Raptor10BlockDecoder, Raptor10BlockEncoder } from './raptor10/block-coders.js';
export {
  Raptor10Decoder,
  Raptor10Encoder,
  type Raptor10DecoderOptions,
  type Raptor10ObjectOptions,
  ypoBlockLayout,
} from './raptor10/object-coders.js';
export type { BlockLayout } from './core/object-coders.js';

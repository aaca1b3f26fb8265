// @proto/flute: FLUTE (RFC 6726) sans-IO sender and receiver engines.
export { MalformedError, TruncatedError } from './errors.js';
export { Emitter, type Listener } from './emitter.js';
export { Md5, md5, toHex, tsMd5, type IncrementalHash, type Md5Hasher } from './md5.js';
export { adler32, crc32 } from './checksum.js';
export {
  CENC,
  checkEncoding,
  createContentDecoder,
  createContentEncoder,
  decodeContent,
  encodeContent,
  encodingFromCenc,
  encodingFromLabel,
  encodingLabel,
  sniffEncoding,
  type CompressionLevel,
  type ContentDecoder,
  type ContentDecoderOptions,
  type ContentEncoder,
  type ContentEncoding,
} from './encoding.js';
export { BlockFeed, bytesSource, measureSource, streamSource, type ByteStream, type ObjectSource, type SourceMeasure, type SourceReader } from './source.js';
export { MemoryWriter, type ObjectCacheControl, type ObjectMeta, type ObjectSink, type ObjectWriter, type SinkResult } from './writer.js';
export { contentLocationToPath, type SafePathOptions } from './path.js';
export { BlockLayout, makeOti, repairCount, type BlockDecoder, type BlockEncoder, type FecParameters, type FecScheme, type Oti } from './fec/scheme.js';
export { NoCodeScheme } from './fec/no-code.js';
export { RaptorQScheme, RaptorScheme } from './fec/fountain.js';
export { ReedSolomonScheme, type ReedSolomonVariant } from './fec/reed-solomon.js';
export { FecRegistry, type FecRegistryOptions } from './fec/registry.js';
export * from './sim/index.js';
export { otiFromFdt, otiFromFti, otiToFdt, otiToFti } from './oti.js';
export { FluteSender, type FluteSenderEvents } from './sender/sender.js';
export type {
  CacheControlOption,
  CarouselTiming,
  FdtOptions,
  FecOptions,
  FluteProfile,
  FluteSenderOptions,
  ObjectOptions,
  TargetAcquisition,
} from './sender/options.js';
export { FluteReceiver, type FluteReceiverEvents, type ReceiverStats } from './receiver/receiver.js';
export { DEFAULT_RECEIVER_LIMITS, type DropReason, type FailReason, type FluteReceiverOptions, type ReceiverLimits } from './receiver/options.js';

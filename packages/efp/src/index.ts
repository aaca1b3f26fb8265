export {
  EFP_EMBEDDED_HEADER_SIZE,
  EFP_EMBEDDED_LAST,
  EFP_FLAG_EMBEDDED,
  EFP_FLAG_NONE,
  EFP_FLAG_PRIORITY_1,
  EFP_FLAG_PRIORITY_2,
  EFP_FLAG_PRIORITY_3,
  EFP_FLAG_UNDEFINED,
  EFP_MAX_MTU,
  EFP_MIN_MTU,
  EFP_SLOT_COUNT,
  EFP_SLOT_MASK,
  EFP_TYPE0,
  EFP_TYPE1,
  EFP_TYPE1_HEADER_SIZE,
  EFP_TYPE2,
  EFP_TYPE2_HEADER_SIZE,
  EFP_TYPE3,
  EFP_TYPE3_HEADER_SIZE,
  EFP_UNKNOWN_CODE,
  EFP_UNKNOWN_DTS,
  EFP_UNKNOWN_DTS_PTS_DIFF,
  EFP_UNKNOWN_PTS,
  EfpContent,
  EfpEmbeddedType,
  efpContentName,
  type EfpContentName,
} from './constants.js';
export { MalformedError, TruncatedError } from './errors.js';
export { fourcc, fourccToString } from './fourcc.js';
export {
  decodeEfpPacket,
  efpPacketLength,
  encodeEfpPacket,
  maskEfpPadding,
  type EfpPacket,
  type EfpType0Packet,
  type EfpType1Packet,
  type EfpType2Packet,
  type EfpType3Packet,
} from './packet.js';
export {
  EFP_MAX_EMBEDDED_RECORDS,
  embeddedDataLength,
  encodeEmbeddedData,
  extractEmbeddedData,
  type EmbeddedData,
  type EmbeddedRecord,
  type ExtractEmbeddedDataOptions,
} from './embedded.js';
export { EFP_IN_PLACE_HEADROOM, EfpSender, type EfpEmit, type EfpFrameOptions, type EfpSenderOptions } from './sender.js';
export {
  EfpReceiver,
  type EfpPushResult,
  type EfpReceiverOptions,
  type EfpReceiverStats,
  type Superframe,
} from './receiver.js';

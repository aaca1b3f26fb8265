// @proto/fdt: the FLUTE File Delivery Table (RFC 6726 §3.4.2, 3GPP TS 26.346 §7.2.10).
export { MalformedError, TruncatedError, type MalformedReason } from './errors.js';
export {
  DEFAULT_SCHEMA_VERSION,
  MAX_TOI,
  MAX_TRANSFER_LENGTH,
  type AlternateContentLocations,
  type CacheControl,
  type FdtFile,
  type FdtInstance,
  type SessionIdentityExpiry,
  type XmlAttribute,
  type XmlElement,
  type XmlNode,
} from './model.js';
export {
  FEC_ENCODING_ID,
  FEC_OTI_ATTRIBUTES,
  decodeSchemeSpecificInfo,
  encodeSchemeSpecificInfo,
  isFullySpecifiedScheme,
  resolveFileOti,
  schemeSpecificInfoLength,
  schemeSpecificInfoScheme,
  type FecOti,
  type SchemeSpecificInfo,
} from './oti.js';
export {
  NTP_ERA_SECONDS,
  NTP_UNIX_OFFSET_SECONDS,
  dateToNtpSeconds,
  epochMsToNtpSeconds,
  fdtExpiresAt,
  isExpired,
  ntpSecondsToDate,
  ntpSecondsToEpochMs,
} from './ntp.js';
export * from './namespaces.js';
export { DEFAULT_FDT_LIMITS, MAX_DEPTH_LIMIT, type FdtLimits, type ParseFdtOptions } from './limits.js';
export { parseFdt } from './parse.js';
export { buildFdt, type BuildFdtOptions, type FdtFlavour } from './build.js';
export { decodeBase64, encodeBase64 } from './base64.js';

// The FDT model: RFC 6726 §3.4.2 FDT-Instance and File, with the 3GPP TS 26.346 §7.2.10 extensions.
//
// Conventions:
// - An optional field is absent (not `undefined`) when the document does not carry it, so parsed
//   instances compare with `toEqual`/`deepStrictEqual` without noise.
// - TOI is a `bigint` (1 .. 2^112 - 1, RFC 5651 allows 112-bit TOIs; TOI 0 is the FDT itself).
// - Lengths and byte positions are `number`, at most MAX_TRANSFER_LENGTH = 2^48 - 1 (the 48-bit
//   transfer length of EXT_FTI, RFC 5775 §5.1.1). Larger values are refused as MalformedError.
// - Expires values are NTP seconds (the 32 most significant bits of an NTP timestamp) as written;
//   see ntp.ts for conversions that handle the 2036 era rollover.

import type { FecOti } from './oti.js';

/** The largest Content-Length / Transfer-Length the model holds: 2^48 - 1. */
export const MAX_TRANSFER_LENGTH = 2 ** 48 - 1;
/** The largest TOI: 2^112 - 1 (RFC 5651 §5.1, O=3 and H=1). */
export const MAX_TOI = (1n << 112n) - 1n;
/**
 * Schema version assumed when a document has no `sv:schemaVersion` (the schemas before 3GPP
 * introduced the element are version 1). The builder writes it in the 3GPP flavour, where the
 * element is required.
 */
export const DEFAULT_SCHEMA_VERSION = 1;

/** An attribute the model has no field for, kept so it survives a parse/build round trip. */
export interface XmlAttribute {
  /** Namespace URI; `''` for an unprefixed attribute (attributes never take the default namespace). */
  readonly namespace: string;
  /** Local name. */
  readonly name: string;
  /** Value with references resolved. */
  readonly value: string;
}

/** A text node inside an extension element. */
export type XmlNode = XmlElement | string;

/** An element the model has no field for, kept (with its subtree) so it survives a round trip. */
export interface XmlElement {
  /** Namespace URI; `''` for no namespace. */
  readonly namespace: string;
  /** Local name. */
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  /** Child elements and text, in document order. Whitespace-only text between elements is dropped. */
  readonly children: readonly XmlNode[];
}

/** mbms2007:Cache-Control (3GPP TS 26.346 §7.2.10.2): exactly one directive. */
export type CacheControl =
  | { readonly directive: 'no-cache'; readonly extensionAttributes?: readonly XmlAttribute[] }
  | { readonly directive: 'max-stale'; readonly extensionAttributes?: readonly XmlAttribute[] }
  | {
      readonly directive: 'expires';
      /** NTP seconds until which the file may be cached. */
      readonly expires: number;
      readonly extensionAttributes?: readonly XmlAttribute[];
    };

/** mbms2012:Alternate-Content-Location-1 / -2: where else the file can be fetched. */
export interface AlternateContentLocations {
  /** `Availability-Time` (xs:dateTime, kept as written). */
  readonly availabilityTime?: string;
  /** The `Alternate-Content-Location` URIs, in order. */
  readonly locations: readonly string[];
  readonly extensionAttributes?: readonly XmlAttribute[];
}

/** mbms2005:MBMS-Session-Identity-Expiry: a session identity (0..255) and its expiry (NTP seconds). */
export interface SessionIdentityExpiry {
  readonly sessionIdentity: number;
  readonly expires: number;
}

/** One `File` element of an FDT instance. */
export interface FdtFile {
  /** Content-Location (xs:anyURI), required. */
  readonly contentLocation: string;
  /** TOI, required, 1 .. 2^112 - 1. */
  readonly toi: bigint;
  /** Content-Length in bytes, up to 2^48 - 1. */
  readonly contentLength?: number;
  /** Transfer-Length in bytes (after content encoding), up to 2^48 - 1. */
  readonly transferLength?: number;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** Content-MD5: the 16-byte MD5 digest of the content before content encoding. */
  readonly contentMd5?: Uint8Array;
  /** FEC-OTI-* attributes written on this File (override the instance-level ones). */
  readonly fecOti?: FecOti;
  /** mbms2009:Decryption-KEY-URI. */
  readonly decryptionKeyUri?: string;
  /** mbms2012:FEC-Redundancy-Level (xs:unsignedInt). */
  readonly fecRedundancyLevel?: number;
  /** mbms2012:File-ETag. */
  readonly fileETag?: string;
  /** mbms2015:IndependentUnitPositions: byte positions of independently decodable units. */
  readonly independentUnitPositions?: readonly number[];
  /** mbms2007:Cache-Control. */
  readonly cacheControl?: CacheControl;
  /** mbms2012:Alternate-Content-Location-1 elements. */
  readonly alternateContentLocations1?: readonly AlternateContentLocations[];
  /** mbms2012:Alternate-Content-Location-2 elements. */
  readonly alternateContentLocations2?: readonly AlternateContentLocations[];
  /** Group elements (group identifiers). */
  readonly groups?: readonly string[];
  /** MBMS-Session-Identity elements (0..255 each). */
  readonly sessionIdentities?: readonly number[];
  readonly extensionAttributes?: readonly XmlAttribute[];
  readonly extensionElements?: readonly XmlElement[];
}

/** An FDT-Instance (RFC 6726 §3.4.2). */
export interface FdtInstance {
  /** Expires: NTP seconds, required. Use `ntpSecondsToEpochMs` / `isExpired`. */
  readonly expires: number;
  /** Complete: no further files will be declared in this session. */
  readonly complete?: boolean;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** FEC-OTI-* attributes at instance level (apply to every File that does not override them). */
  readonly fecOti?: FecOti;
  /** mbms2008:FullFDT: this instance lists every file of the session. */
  readonly fullFdt?: boolean;
  /**
   * sv:schemaVersion. The parser always sets it (DEFAULT_SCHEMA_VERSION when the document has
   * none); on input to the builder it may be left out.
   */
  readonly schemaVersion?: number;
  /** mbms2012:Base-URL-1 elements. */
  readonly baseUrls1?: readonly string[];
  /** mbms2012:Base-URL-2 elements. */
  readonly baseUrls2?: readonly string[];
  /** Group elements. */
  readonly groups?: readonly string[];
  /** MBMS-Session-Identity-Expiry elements. */
  readonly sessionIdentityExpiries?: readonly SessionIdentityExpiry[];
  readonly files: readonly FdtFile[];
  readonly extensionAttributes?: readonly XmlAttribute[];
  readonly extensionElements?: readonly XmlElement[];
}

// FEC Object Transmission Information carried in FDT attributes (RFC 6726 §3.4.2, RFC 5052 §4.2):
// FEC-OTI-FEC-Encoding-ID, -FEC-Instance-ID, -Maximum-Source-Block-Length, -Encoding-Symbol-Length,
// -Max-Number-of-Encoding-Symbols and -Scheme-Specific-Info (base64), the last one decoded for the
// schemes that define it.

/** FEC Encoding IDs registered for ALC/FLUTE (RFC 5052 §7, IANA "FEC Encoding IDs"). */
export const FEC_ENCODING_ID = {
  /** Compact No-Code (RFC 5445). */
  NO_CODE: 0,
  /** Raptor (RFC 5053). */
  RAPTOR: 1,
  /** Reed-Solomon over GF(2^m) (RFC 5510 §4). */
  REED_SOLOMON_GF2M: 2,
  /** LDPC Staircase (RFC 5170). */
  LDPC_STAIRCASE: 3,
  /** LDPC Triangle (RFC 5170). */
  LDPC_TRIANGLE: 4,
  /** Reed-Solomon over GF(2^8) (RFC 5510 §5). */
  REED_SOLOMON_GF28: 5,
  /** RaptorQ (RFC 6330). */
  RAPTORQ: 6,
  /** Small Block Systematic, under-specified (RFC 5445 / RFC 5510 §6). */
  SMALL_BLOCK_SYSTEMATIC: 129,
} as const;

/**
 * RFC 5052 §3: encoding IDs 0..127 are fully specified schemes, which carry no FEC Instance ID
 * (RFC 5052 §6.2.4: it must not be sent).
 */
export function isFullySpecifiedScheme(encodingId: number): boolean {
  return encodingId < 128;
}

/** FEC-OTI-Scheme-Specific-Info, decoded according to the FEC Encoding ID in force. */
export type SchemeSpecificInfo =
  /** RaptorQ, RFC 6330 §3.3.3: Z (8 bits) source blocks, N (16) sub-blocks, Al (8) alignment. */
  | { readonly scheme: 'raptorq'; readonly z: number; readonly n: number; readonly al: number }
  /** Raptor, RFC 5053 §3.2.3: Z (16 bits) source blocks, N (8) sub-blocks, Al (8) alignment. */
  | { readonly scheme: 'raptor'; readonly z: number; readonly n: number; readonly al: number }
  /** Reed-Solomon GF(2^m), RFC 5510 §4.2.3: m (8 bits) and G (8) symbols per packet, as written. */
  | { readonly scheme: 'reed-solomon-gf2m'; readonly m: number; readonly g: number }
  /** Any other scheme (or no encoding ID in force): the decoded bytes. */
  | { readonly scheme: 'opaque'; readonly bytes: Uint8Array };

/** The FEC-OTI-* attributes of an FDT-Instance or a File. Every field is optional in the FDT. */
export interface FecOti {
  /** FEC-OTI-FEC-Encoding-ID (0..255). */
  readonly encodingId?: number;
  /**
   * FEC-OTI-FEC-Instance-ID (0..65535). Only meaningful for under-specified schemes (ID >= 128):
   * the parser drops it and the builder never writes it for fully specified ones.
   */
  readonly instanceId?: number;
  /** FEC-OTI-Maximum-Source-Block-Length, in symbols (0..2^32-1). */
  readonly maxSourceBlockLength?: number;
  /** FEC-OTI-Encoding-Symbol-Length, in bytes (0..65535). */
  readonly encodingSymbolLength?: number;
  /** FEC-OTI-Max-Number-of-Encoding-Symbols, per source block (0..2^32-1). */
  readonly maxEncodingSymbols?: number;
  /** FEC-OTI-Scheme-Specific-Info, decoded. */
  readonly schemeSpecificInfo?: SchemeSpecificInfo;
}

/** The FEC-OTI-* attribute names (RFC 6726 §3.4.2), the same on FDT-Instance and File. */
export const FEC_OTI_ATTRIBUTES = [
  'FEC-OTI-FEC-Encoding-ID',
  'FEC-OTI-FEC-Instance-ID',
  'FEC-OTI-Maximum-Source-Block-Length',
  'FEC-OTI-Encoding-Symbol-Length',
  'FEC-OTI-Max-Number-of-Encoding-Symbols',
  'FEC-OTI-Scheme-Specific-Info',
] as const;

/** The decoded form of the scheme-specific info for an encoding ID, undefined for opaque ones. */
export function schemeSpecificInfoScheme(encodingId: number | undefined): 'raptorq' | 'raptor' | 'reed-solomon-gf2m' | undefined {
  if (encodingId === FEC_ENCODING_ID.RAPTORQ) return 'raptorq';
  if (encodingId === FEC_ENCODING_ID.RAPTOR) return 'raptor';
  if (encodingId === FEC_ENCODING_ID.REED_SOLOMON_GF2M) return 'reed-solomon-gf2m';
  return undefined;
}

/** Decoded length of the scheme-specific info of a scheme that defines one, else undefined. */
export function schemeSpecificInfoLength(encodingId: number | undefined): number | undefined {
  const scheme = schemeSpecificInfoScheme(encodingId);
  return scheme === undefined ? undefined : scheme === 'reed-solomon-gf2m' ? 2 : 4;
}

/**
 * Decodes scheme-specific info bytes for the given encoding ID. The caller has checked the
 * length with `schemeSpecificInfoLength`; other schemes yield the bytes as `opaque`.
 */
export function decodeSchemeSpecificInfo(bytes: Uint8Array, encodingId: number | undefined): SchemeSpecificInfo {
  if (bytes.length !== schemeSpecificInfoLength(encodingId)) return { scheme: 'opaque', bytes };
  if (encodingId === FEC_ENCODING_ID.RAPTORQ) {
    return { scheme: 'raptorq', z: bytes[0]!, n: (bytes[1]! << 8) | bytes[2]!, al: bytes[3]! };
  }
  if (encodingId === FEC_ENCODING_ID.RAPTOR) {
    return { scheme: 'raptor', z: (bytes[0]! << 8) | bytes[1]!, n: bytes[2]!, al: bytes[3]! };
  }
  return { scheme: 'reed-solomon-gf2m', m: bytes[0]!, g: bytes[1]! };
}

function checkField(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field} must be an integer in 0..${max}, got ${value}`);
  return value;
}

/** Encodes scheme-specific info to its wire bytes. Throws RangeError for out-of-range fields. */
export function encodeSchemeSpecificInfo(info: SchemeSpecificInfo): Uint8Array {
  switch (info.scheme) {
    case 'raptorq': {
      const n = checkField('RaptorQ N', info.n, 0xffff);
      return Uint8Array.of(checkField('RaptorQ Z', info.z, 0xff), n >>> 8, n & 0xff, checkField('RaptorQ Al', info.al, 0xff));
    }
    case 'raptor': {
      const z = checkField('Raptor Z', info.z, 0xffff);
      return Uint8Array.of(z >>> 8, z & 0xff, checkField('Raptor N', info.n, 0xff), checkField('Raptor Al', info.al, 0xff));
    }
    case 'reed-solomon-gf2m':
      return Uint8Array.of(checkField('Reed-Solomon m', info.m, 0xff), checkField('Reed-Solomon G', info.g, 0xff));
    case 'opaque':
      return info.bytes;
  }
}

/**
 * The FEC OTI in force for a File: its own FEC-OTI-* attributes over the instance-level ones,
 * field by field. When the File names a different FEC Encoding ID than the instance, nothing is
 * inherited (the instance-level values describe another scheme). Undefined when neither level
 * carries any FEC-OTI-* attribute.
 */
export function resolveFileOti(instance: { readonly fecOti?: FecOti }, file: { readonly fecOti?: FecOti }): FecOti | undefined {
  const own = file.fecOti;
  const inherited = instance.fecOti;
  if (inherited === undefined) return own;
  if (own === undefined) return inherited;
  if (own.encodingId !== undefined && own.encodingId !== inherited.encodingId) return own;
  return { ...inherited, ...own };
}

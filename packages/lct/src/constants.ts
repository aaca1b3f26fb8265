/** Wire constants of LCT (RFC 5651), ALC (RFC 5775), FLUTE (RFC 6726) and their FEC schemes. */

/** LCT version written by encoders (RFC 5651 §5.1). Decoders also accept {@link LCT_VERSION_2}. */
export const LCT_VERSION = 1;
/** Version some senders write; accepted on receive. */
export const LCT_VERSION_2 = 2;

/** EXT_NOP, no-operation padding (RFC 5651 §5.2.1, variable length). */
export const HET_NOP = 0;
/** EXT_AUTH, packet authentication; opaque here (RFC 5651 §5.2.1, variable length). */
export const HET_AUTH = 1;
/** EXT_TIME: SCT, ERT, SLC (RFC 5651 §5.2.2, variable length). */
export const HET_TIME = 2;
/** EXT_FTI, FEC Object Transmission Information (RFC 5775 §5.1.1, variable length). */
export const HET_FTI = 64;
/** EXT_TOL, 48-bit transfer length (ATSC A/331 §A.3.8.1, HEL = 2). */
export const HET_TOL48 = 67;
/** EXT_FDT, FLUTE version and FDT Instance ID (RFC 6726 §3.4.1, fixed length). */
export const HET_FDT = 192;
/** EXT_CENC, content encoding of the FDT instance (RFC 6726 §3.4.2, fixed length). */
export const HET_CENC = 193;
/** EXT_TOL, 24-bit transfer length (3GPP / ATSC A/331 §A.3.8.1, fixed length). */
export const HET_TOL24 = 194;

/** Compact No-Code FEC scheme (RFC 5445 §3). */
export const FEC_NO_CODE = 0;
/** Raptor (RFC 5053). */
export const FEC_RAPTOR = 1;
/** Reed-Solomon over GF(2^m) (RFC 5510 §4). */
export const FEC_RS_GF2M = 2;
/** Reed-Solomon over GF(2^8) (RFC 5510 §5). */
export const FEC_RS_GF28 = 5;
/** RaptorQ (RFC 6330). */
export const FEC_RAPTORQ = 6;
/** Small Block Systematic FEC codes, under-specified (RFC 5445 §2 / RFC 5510 §6). */
export const FEC_SMALL_BLOCK_SYSTEMATIC = 129;

/** The FEC Encoding IDs this codec has Payload ID and EXT_FTI layouts for. */
export type FecEncodingId = 0 | 1 | 2 | 5 | 6 | 129;

/** Whether `id` is one of the FEC Encoding IDs this package can lay out. */
export function isSupportedFecEncodingId(id: number): id is FecEncodingId {
  return id === 0 || id === 1 || id === 2 || id === 5 || id === 6 || id === 129;
}

/** EXT_CENC values (RFC 6726 §3.4.2). */
export const CENC_NULL = 0;
/** ZLIB (RFC 1950). */
export const CENC_ZLIB = 1;
/** DEFLATE (RFC 1951). */
export const CENC_DEFLATE = 2;
/** GZIP (RFC 1952). */
export const CENC_GZIP = 3;

/** TOI of FDT instances in FLUTE (RFC 6726 §3.3). */
export const TOI_FDT = 0n;

/** FLUTE version carried in EXT_FDT by RFC 6726 senders (RFC 3926 senders write 1). */
export const FLUTE_VERSION = 2;

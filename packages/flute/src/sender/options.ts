import type { ContentEncoding, CompressionLevel } from '../encoding.js';
import type { FecScheme } from '../fec/scheme.js';
import type { ObjectSource } from '../source.js';

/**
 * Wire profile of a sender.
 * - `'rfc6726'`: FLUTE v2 (EXT_FDT V = 2), FDT namespace urn:ietf:params:xml:ns:fdt.
 * - `'rfc3926'`: FLUTE v1 (V = 1), FDT namespace urn:IETF:metadata:2005:FLUTE:FDT.
 * - `'interop'`: what GPAC/DVB-MABR and 3GPP receivers accept: v1, 2005 namespace, FEC-OTI on every
 *   File, 16/32-bit TSI and TOI, and no-code objects in a single source block (GPAC ignores SBN).
 */
export type FluteProfile = 'rfc6726' | 'rfc3926' | 'interop';

/** FEC choice of a session or an object. */
export interface FecOptions {
  /** FEC Encoding ID: 0 no-code, 1 Raptor, 2 RS GF(2^m), 5 RS GF(2^8), 6 RaptorQ, 129 small-block RS. Default 0. */
  readonly encodingId?: number;
  /** Encoding symbol length in bytes (default 1424, ypo/flute's). */
  readonly symbolLength?: number;
  /** Largest source block in symbols (default 64; raised when the SBN field cannot number the blocks). */
  readonly maxSourceBlockLength?: number;
  /** Repair symbols per block, percent of k or a count (default none). */
  readonly repair?: { readonly percent: number } | { readonly symbols: number };
  /** m for FEC 2 (default 8). */
  readonly m?: number;
  /** Sub-blocks N for Raptor(Q) (default 1). */
  readonly subBlocks?: number;
  /** Symbol alignment Al for Raptor(Q) (default 4). */
  readonly alignment?: number;
  /** FEC Instance ID for 129 (0). */
  readonly fecInstanceId?: number;
}

/** When a carouselled object starts again. */
export type CarouselTiming =
  /** `ms` after the previous transfer ended (ypo/flute DelayBetweenTransfers). */
  | { readonly mode: 'delay'; readonly ms: number }
  /** `ms` after the previous transfer started, or at once if it is still running then (IntervalBetweenStartTimes). */
  | { readonly mode: 'interval'; readonly ms: number };

/** How fast one transfer of an object goes out. Repair symbols count: the target holds with FEC too. */
export type TargetAcquisition =
  | { readonly mode: 'asap' }
  /** Spread the transfer's packets evenly over `ms`. */
  | { readonly mode: 'within'; readonly ms: number }
  /** Spread the packets so that the last one leaves by `time` (epoch ms). */
  | { readonly mode: 'by'; readonly time: number };

/** Cache-Control to declare for a File (3GPP TS 26.346 §7.2.10.2). */
export type CacheControlOption = 'no-cache' | 'max-stale' | { readonly expires: number };

/** One object to send. */
export interface ObjectOptions {
  /** The content: bytes, or a source read block by block. */
  readonly source: ObjectSource | Uint8Array;
  /** Content-Location (required). */
  readonly contentLocation: string;
  readonly contentType?: string;
  /** Content-Encoding applied by the sender (default 'null'). */
  readonly contentEncoding?: ContentEncoding;
  /** Compression level for deflate/zlib/gzip (default 6). */
  readonly compressionLevel?: CompressionLevel;
  /** Declare Content-MD5 (computed on the content before encoding; default true). */
  readonly md5?: boolean;
  readonly cacheControl?: CacheControlOption;
  /** mbms2005:Group values. */
  readonly groups?: readonly string[];
  /** mbms2012:File-ETag. */
  readonly etag?: string;
  /** Per-object FEC (OTI override): merged over the session's. */
  readonly fec?: FecOptions;
  /** A fixed TOI (default: allocated). */
  readonly toi?: bigint | number;
  /** Queue priority, lower first (default 0). */
  readonly priority?: number;
  /** Transfers of the object (default 1; Infinity for an endless carousel). */
  readonly maxTransfers?: number;
  /** When a repeated transfer starts (default { mode: 'delay', ms: 0 }). */
  readonly carousel?: CarouselTiming;
  /** Do not start before this time (epoch ms). */
  readonly startAt?: number;
  /** Pace of each transfer (default as fast as possible). */
  readonly target?: TargetAcquisition;
  /** EXT_CENC on the object's packets (default the session's `inBandCenc`). */
  readonly inBandCenc?: boolean;
  /** EXT_FTI on the object's packets (default the session's `inBandFti`). */
  readonly inBandFti?: boolean;
}

/** FDT publication. */
export interface FdtOptions {
  /**
   * `'full'` (default, ypo/flute FullFDT): every FDT instance lists every object of the session
   * (mbms2008:FullFDT) and an object waits until it has been published.
   * `'objects-being-transferred'` (ypo/flute ObjectsBeingTransferred): an instance lists only the
   * objects being transferred, and is re-published before each transfer starts.
   */
  readonly publishMode?: 'full' | 'objects-being-transferred';
  /** Expires = publication time + this (default 3,600,000 ms); re-published before it runs out. */
  readonly durationMs?: number;
  /** FDT carousel timing (default { mode: 'delay', ms: 1000 }). */
  readonly carousel?: CarouselTiming;
  /** Content encoding of the FDT instance, signalled in EXT_CENC (default 'null'). */
  readonly contentEncoding?: ContentEncoding;
  /** Repeat the instance-level FEC-OTI on every File (default true; GPAC needs it). */
  readonly repeatFecOti?: boolean;
  /**
   * `'full'` mode: how many finished objects (last transfer ended) stay listed, so that an instance
   * still describes the whole session (default 1024). A finished object is listed until the FDT
   * instance current when it finished expires, or until more than `keepFinished` objects have
   * finished after it, oldest dropped first; `removeObject` unlists it at once. `0`: dropped as soon
   * as its last transfer ends. Once one has been dropped so, instances no longer list the whole
   * session and never carry Complete="true". Finished objects alone do not keep the FDT carousel
   * running. No effect in `'objects-being-transferred'` mode.
   */
  readonly keepFinished?: number;
}

/** Options of a {@link FluteSender}. */
export interface FluteSenderOptions {
  /** Transport Session Identifier. */
  readonly tsi: bigint | number;
  /** Default 'rfc6726'. */
  readonly profile?: FluteProfile;
  /** TSI width in bits (default 16 for the interop profile when it fits, else 32, or 48 if needed). */
  readonly tsiBits?: 16 | 32 | 48;
  /** TOI width in bits, 16..112 (default 32; 16 or 32 for the interop profile). */
  readonly toiBits?: 16 | 32 | 48 | 64 | 80 | 96 | 112;
  /** Largest datagram (UDP payload) produced (default 1472). FDT symbols shrink to fit. */
  readonly maxDatagramSize?: number;
  /** Session FEC (default no-code, 1424-byte symbols, 64-symbol blocks). */
  readonly fec?: FecOptions;
  /** EXT_FTI on object packets (default true). */
  readonly inBandFti?: boolean;
  /** EXT_CENC on object packets (default false). */
  readonly inBandCenc?: boolean;
  readonly fdt?: FdtOptions;
  /** Objects of one priority queue transferred in parallel, one packet each in turn (default 3). */
  readonly multiplex?: number;
  /** Blocks of one object interleaved, one symbol each in turn (default 1: block after block). */
  readonly interleave?: number;
  /** Blocks read ahead from asynchronous sources (default 4). */
  readonly readAhead?: number;
  /** Set the B flag on the last packet of an object's last transfer (default true). */
  readonly closeObjectFlag?: boolean;
  /** Codepoint written for a FEC Encoding ID (default: the ID itself). */
  readonly codepoint?: (fecEncodingId: number) => number;
  /** Reed-Solomon generator matrix (default 'rfc5510'; 'backblaze' for ypo/flute receivers). */
  readonly rsMatrix?: 'rfc5510' | 'backblaze';
  /** Raptor (FEC 1): cut the object's short last block into K equal symbols as ypo/flute does (default false, RFC 5053). */
  readonly raptorYpoLastBlock?: boolean;
  /** Extra FEC schemes (replacing built-in ones of the same ID). */
  readonly schemes?: readonly FecScheme[];
}

import type { CodepointToFecId, RaptorFtiLayout } from '@proto/lct';
import type { FecScheme } from '../fec/scheme.js';
import type { Md5Hasher } from '../md5.js';
import type { ObjectWriter } from '../writer.js';

/** Bounds on what peers can make a receiver hold. Every one is enforced and its drops counted. */
export interface ReceiverLimits {
  /** Sessions (source, TSI) at once (default 64). */
  readonly maxSessions: number;
  /** Objects being received at once in one session (default 256). */
  readonly maxObjectsPerSession: number;
  /** Largest transfer length accepted for an object (default 2^40 bytes). */
  readonly maxObjectBytes: number;
  /** Largest decoded content of an object (default 2^40 bytes; bounds decompression). */
  readonly maxContentBytes: number;
  /** Bytes of symbols and blocks one object may hold in memory (default 64 MiB). */
  readonly maxObjectMemory: number;
  /** Bytes all objects together may hold (default 256 MiB). */
  readonly maxTotalMemory: number;
  /** Bytes of packets cached while their FTI is unknown, all sessions (default 4 MiB). */
  readonly maxPendingBytes: number;
  /** Largest FDT instance, encoded or decoded (default 1 MiB). */
  readonly maxFdtBytes: number;
  /** FDT File entries, completed TOIs (receive-once) and failed TOIs remembered per session, each (default 100,000). */
  readonly maxRememberedObjects: number;
}

export const DEFAULT_RECEIVER_LIMITS: ReceiverLimits = Object.freeze({
  maxSessions: 64,
  maxObjectsPerSession: 256,
  maxObjectBytes: 2 ** 40,
  maxContentBytes: 2 ** 40,
  maxObjectMemory: 64 << 20,
  maxTotalMemory: 256 << 20,
  maxPendingBytes: 4 << 20,
  maxFdtBytes: 1 << 20,
  maxRememberedObjects: 100_000,
});

/** Options of a {@link FluteReceiver}. */
export interface FluteReceiverOptions {
  /** Where objects go (default a MemoryWriter: content in the `object-completed` event). */
  readonly writer?: ObjectWriter;
  /** Accept only these TSIs (a value, a list, or a predicate on TSI and source). Default: all. */
  readonly tsi?: bigint | number | readonly (bigint | number)[] | ((tsi: bigint, from: string | undefined) => boolean);
  /** Codepoint → FEC Encoding ID mapping (default: codepoint = FEC Encoding ID). */
  readonly codepointToFecId?: CodepointToFecId;
  /** FEC Encoding ID of every packet regardless of codepoint. */
  readonly fecEncodingId?: number;
  /** Raptor EXT_FTI layout (default 'ypo-flute'). */
  readonly raptorFtiLayout?: RaptorFtiLayout;
  /** Reed-Solomon generator matrix of the senders (default 'rfc5510'; 'backblaze' for ypo/flute). */
  readonly rsMatrix?: 'rfc5510' | 'backblaze';
  /** Raptor (FEC 1): cut the object's short last block into K equal symbols as ypo/flute does (default false, RFC 5053). */
  readonly raptorYpoLastBlock?: boolean;
  /** Extra FEC schemes (replacing built-in ones of the same ID). */
  readonly schemes?: readonly FecScheme[];
  /** Drop FDT instances that have expired, by the sender clock (EXT_TIME SCT) when known (default true). */
  readonly checkFdtExpiry?: boolean;
  /** An object with no packet for this long fails with 'timeout' (default 10,000 ms). */
  readonly objectTimeoutMs?: number;
  /** After a B flag, how long an incomplete object may still complete before 'object-interrupted' (default 1,000 ms). */
  readonly closeGraceMs?: number;
  /** A session with no packet for this long is closed (default 300,000 ms). */
  readonly sessionTimeoutMs?: number;
  /** Deliver each TOI once per session, until its FDT entry changes or its cache time runs out (default true). */
  readonly receiveOnce?: boolean;
  /** Check Content-MD5 when the FDT gives one (default true). */
  readonly verifyMd5?: boolean;
  /** The MD5 used for that check (default {@link tsMd5}, browser-safe; `nodeMd5()` in Node is faster). */
  readonly md5?: Md5Hasher;
  /**
   * Memory of written blocks kept to decode later blocks into, for sinks that let go of what they
   * wrote (`ObjectSink.keepsChunks === false`, as FileWriter's): far fewer garbage collections at
   * high rates. Spare blocks beyond this are left to the garbage collector. Default 16 MiB; 0: off.
   */
  readonly reuseBlockBytes?: number;
  readonly limits?: Partial<ReceiverLimits>;
}

/** Why a datagram was dropped (each has a counter in `stats.dropped`). */
export type DropReason =
  | 'truncated'
  | 'malformed'
  | 'unsupported-fec'
  | 'tsi-filtered'
  | 'session-limit'
  | 'object-limit'
  | 'object-too-large'
  | 'bad-oti'
  | 'bad-symbol'
  | 'unsupported-encoding'
  | 'pending-overflow'
  | 'memory-limit'
  | 'fdt-malformed'
  | 'fdt-expired'
  | 'fdt-too-large'
  | 'failed-object'
  | 'session-closed'
  | 'internal';

/** Why an object failed. */
export type FailReason =
  | 'timeout'
  | 'no-fdt'
  | 'memory-limit'
  | 'md5-mismatch'
  | 'size-mismatch'
  | 'content-decoding'
  | 'unsupported-encoding'
  | 'bad-location'
  | 'write-error'
  | 'session-closed';

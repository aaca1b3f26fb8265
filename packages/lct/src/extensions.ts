/**
 * LCT header extensions (RFC 5651 §5.2). HET < 128: variable length, HEL counts 32-bit words of
 * the whole extension. HET >= 128: fixed 32 bits.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   HET (<=127) |       HEL     |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * .                  Header Extension Content (HEC)               .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   HET (>=128) |       Header Extension Content (HEC)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * EXT_TIME (HET 2, RFC 5651 §5.2.2): HEL, Use(16) = SCT-High SCT-Low ERT SLC reserved(4)
 * PI-specific(8), then one 32-bit value per set flag in that order.
 * EXT_FDT (HET 192, RFC 6726 §3.4.1): V(4) FDT Instance ID(20).
 * EXT_CENC (HET 193, RFC 6726 §3.4.2): CENC(8) reserved(16).
 * EXT_TOL (HET 194: TOL(24); HET 67: HEL = 2, TOL(48)).
 */
import { HET_AUTH, HET_CENC, HET_FDT, HET_FTI, HET_NOP, HET_TIME, HET_TOL24, HET_TOL48 } from './constants.js';
import { MalformedError, invalidArgument } from './errors.js';
import { ftiBodyLength, readFti, writeFti, type Fti } from './fti.js';
import type { NtpTime } from './ntp.js';
import { resolveSupportedFecId, type FecIdOptions } from './options.js';
import { isUint, readU16, readU24, readU32, readU48, writeU16, writeU24, writeU32, writeU48 } from './bytes.js';

/** EXT_NOP: padding; `data` is the content after HEL (zero-copy view on decode). */
export interface ExtNop {
  readonly het: 0;
  readonly data: Uint8Array;
}

/** EXT_AUTH: authentication data, opaque here; `data` is the content after HEL (zero-copy view). */
export interface ExtAuth {
  readonly het: 1;
  readonly data: Uint8Array;
}

/** EXT_TIME (RFC 5651 §5.2.2). Absent fields were not flagged in the Use field. */
export interface ExtTime {
  readonly het: 2;
  /** Sender Current Time: SCT-High as `seconds`, SCT-Low as `fraction` (NTP format). */
  readonly sct?: NtpTime;
  /** Expected Residual Time in seconds. */
  readonly ert?: number;
  /** Session Last Changed, NTP seconds. */
  readonly slc?: number;
  /** PI-specific low 8 bits of the Use field (0 when absent). */
  readonly piSpecific?: number;
}

/** EXT_FTI (RFC 5775 §5.1.1), decoded for the packet's FEC Encoding ID. */
export interface ExtFti {
  readonly het: 64;
  readonly fti: Fti;
}

/** EXT_TOL, 48-bit transfer length (HET 67). */
export interface ExtTol48 {
  readonly het: 67;
  readonly transferLength: number;
}

/** EXT_FDT (RFC 6726 §3.4.1). */
export interface ExtFdt {
  readonly het: 192;
  /** FLUTE version V (4 bits): 1 for RFC 3926, 2 for RFC 6726. */
  readonly version: number;
  /** FDT Instance ID (20 bits). */
  readonly fdtInstanceId: number;
}

/** EXT_CENC (RFC 6726 §3.4.2): content encoding of the FDT instance (see CENC_*). */
export interface ExtCenc {
  readonly het: 193;
  readonly cenc: number;
}

/** EXT_TOL, 24-bit transfer length (HET 194). */
export interface ExtTol24 {
  readonly het: 194;
  readonly transferLength: number;
}

/**
 * Any other extension, or EXT_FTI of a FEC scheme without a layout here, kept as bytes and
 * re-encoded unchanged. `raw` is everything after HEL (HET < 128) or after HET (HET >= 128, 3 bytes).
 */
export interface ExtRaw {
  readonly het: number;
  readonly raw: Uint8Array;
}

/** A header extension. Known ones are typed by `het`; use {@link findExtension} to pick one out. */
export type LctExtension = ExtNop | ExtAuth | ExtTime | ExtFti | ExtTol48 | ExtFdt | ExtCenc | ExtTol24 | ExtRaw;

/** Typed extension for each known HET. */
export interface KnownExtensions {
  0: ExtNop;
  1: ExtAuth;
  2: ExtTime;
  64: ExtFti;
  67: ExtTol48;
  192: ExtFdt;
  193: ExtCenc;
  194: ExtTol24;
}

/** The first decoded (not raw) extension with this HET, typed; undefined when there is none. */
export function findExtension<H extends keyof KnownExtensions>(extensions: readonly LctExtension[], het: H): KnownExtensions[H] | undefined {
  for (const ext of extensions) {
    if (ext.het === het && !('raw' in ext)) return ext as KnownExtensions[H];
  }
  return undefined;
}

const USE_SCT_HIGH = 0x8000;
const USE_SCT_LOW = 0x4000;
const USE_ERT = 0x2000;
const USE_SLC = 0x1000;

/**
 * Decodes the extensions in `bytes[start, end)`. `codepoint` and `options` select the EXT_FTI layout.
 * Both bounds are multiples of 4 inside `bytes`, so every 32-bit extension head is readable.
 */
export function readExtensions(bytes: Uint8Array, start: number, end: number, codepoint: number, options: FecIdOptions): LctExtension[] {
  const out: LctExtension[] = [];
  let o = start;
  while (o < end) {
    const het = bytes[o]!;
    let len = 4;
    if (het < 128) {
      const hel = bytes[o + 1]!;
      if (hel === 0) throw new MalformedError('HEL', o + 1, `HEL 0 in extension HET ${het}`, 0);
      len = hel * 4;
      if (o + len > end) throw new MalformedError('HEL', o + 1, `extension HET ${het} of ${len} bytes runs past HDR_LEN (${end - o} bytes left)`, hel);
    }
    out.push(readExtension(bytes, o, len, het, codepoint, options));
    o += len;
  }
  return out;
}

function readExtension(bytes: Uint8Array, o: number, len: number, het: number, codepoint: number, options: FecIdOptions): LctExtension {
  switch (het) {
    case HET_FTI: {
      const fecId = resolveSupportedFecId(codepoint, options);
      if (fecId === undefined) return { het, raw: bytes.subarray(o + 2, o + len) };
      return { het: HET_FTI, fti: readFti(fecId, bytes, o + 2, len - 2, options.raptorFtiLayout === 'rfc5053') };
    }
    case HET_FDT: {
      const w = readU32(bytes, o);
      return { het: HET_FDT, version: (w >>> 20) & 0xf, fdtInstanceId: w & 0xfffff };
    }
    case HET_CENC:
      return { het: HET_CENC, cenc: bytes[o + 1]! };
    case HET_TIME:
      return readTime(bytes, o, len);
    case HET_NOP:
      return { het: HET_NOP, data: bytes.subarray(o + 2, o + len) };
    case HET_AUTH:
      return { het: HET_AUTH, data: bytes.subarray(o + 2, o + len) };
    case HET_TOL24:
      return { het: HET_TOL24, transferLength: readU24(bytes, o + 1) };
    case HET_TOL48:
      if (len !== 8) throw new MalformedError('EXT_TOL', o + 1, `HEL must be 2 for the 48-bit EXT_TOL, got ${len / 4}`, len / 4);
      return { het: HET_TOL48, transferLength: readU48(bytes, o + 2) };
    default:
      return { het, raw: het < 128 ? bytes.subarray(o + 2, o + len) : bytes.subarray(o + 1, o + 4) };
  }
}

function readTime(bytes: Uint8Array, o: number, len: number): ExtTime {
  const use = readU16(bytes, o + 2);
  if ((use & USE_SCT_LOW) !== 0 && (use & USE_SCT_HIGH) === 0) {
    throw new MalformedError('EXT_TIME', o + 2, 'SCT-Low is set without SCT-High (RFC 5651 §5.2.2)', use);
  }
  const count = ((use >>> 15) & 1) + ((use >>> 14) & 1) + ((use >>> 13) & 1) + ((use >>> 12) & 1);
  if (len !== 4 + 4 * count) {
    throw new MalformedError('EXT_TIME', o + 1, `HEL ${len / 4} does not match the ${count} time values flagged in Use`, len / 4);
  }
  let p = o + 4;
  let sct: NtpTime | undefined;
  if ((use & USE_SCT_HIGH) !== 0) {
    const seconds = readU32(bytes, p);
    p += 4;
    if ((use & USE_SCT_LOW) !== 0) {
      sct = { seconds, fraction: readU32(bytes, p) };
      p += 4;
    } else {
      sct = { seconds };
    }
  }
  const ext: { het: 2; sct?: NtpTime; ert?: number; slc?: number; piSpecific?: number } = { het: HET_TIME };
  if (sct !== undefined) ext.sct = sct;
  if ((use & USE_ERT) !== 0) {
    ext.ert = readU32(bytes, p);
    p += 4;
  }
  if ((use & USE_SLC) !== 0) ext.slc = readU32(bytes, p);
  const pi = use & 0xff;
  if (pi !== 0) ext.piSpecific = pi;
  return ext;
}

function checkU(field: string, v: unknown, bits: number): number {
  if (!isUint(v, bits)) invalidArgument(field, v, `is not an unsigned ${bits}-bit integer`);
  return v;
}

function checkBody(field: string, data: unknown, head: number): Uint8Array {
  if (!(data instanceof Uint8Array)) return invalidArgument(field, data, 'must be a Uint8Array');
  const total = head + data.length;
  if (total % 4 !== 0 || total > 1020) {
    invalidArgument(field, data, `plus ${head} header bytes must be a multiple of 4 bytes and at most 1020 (HEL is in 32-bit words)`);
  }
  return data;
}

/** Encoded size in bytes of one extension; validates its shape. */
export function extensionLength(ext: LctExtension): number {
  const het = checkU('extension.het', ext.het, 8);
  if ('raw' in ext) {
    if (het >= 128) {
      if (!(ext.raw instanceof Uint8Array) || ext.raw.length !== 3) invalidArgument(`extension ${het}.raw`, ext.raw, 'must be 3 bytes for a fixed-length extension (HET >= 128)');
      return 4;
    }
    return 2 + checkBody(`extension ${het}.raw`, ext.raw, 2).length;
  }
  switch (ext.het) {
    case HET_NOP:
    case HET_AUTH:
      return 2 + checkBody(`extension ${het}.data`, ext.data, 2).length;
    case HET_TIME: {
      let n = 4;
      if (ext.sct !== undefined) n += ext.sct.fraction === undefined ? 4 : 8;
      if (ext.ert !== undefined) n += 4;
      if (ext.slc !== undefined) n += 4;
      return n;
    }
    case HET_FTI:
      return 2 + ftiBodyLength(ext.fti.fecEncodingId);
    case HET_TOL48:
      return 8;
    case HET_FDT:
    case HET_CENC:
    case HET_TOL24:
      return 4;
    default:
      return invalidArgument('extension.het', het, 'is not a known extension; give its bytes as { het, raw }');
  }
}

/** Writes one extension at `o` (its length was computed by {@link extensionLength}); returns the length. */
export function writeExtension(ext: LctExtension, target: Uint8Array, o: number, rfc5053: boolean): number {
  const het = ext.het;
  target[o] = het;
  if ('raw' in ext) {
    if (het >= 128) {
      target.set(ext.raw, o + 1);
      return 4;
    }
    const len = 2 + ext.raw.length;
    target[o + 1] = len / 4;
    target.set(ext.raw, o + 2);
    return len;
  }
  switch (ext.het) {
    case HET_NOP:
    case HET_AUTH: {
      const len = 2 + ext.data.length;
      target[o + 1] = len / 4;
      target.set(ext.data, o + 2);
      return len;
    }
    case HET_TIME:
      return writeTime(ext, target, o);
    case HET_FTI: {
      const len = 2 + writeFti(ext.fti, target, o + 2, rfc5053);
      target[o + 1] = len / 4;
      return len;
    }
    case HET_TOL48:
      target[o + 1] = 2;
      writeU48(target, o + 2, checkU('EXT_TOL.transferLength', ext.transferLength, 48));
      return 8;
    case HET_FDT: {
      const v = checkU('EXT_FDT.version', ext.version, 4);
      const id = checkU('EXT_FDT.fdtInstanceId', ext.fdtInstanceId, 20);
      writeU32(target, o, ((HET_FDT << 24) | (v << 20) | id) >>> 0);
      return 4;
    }
    case HET_CENC:
      target[o + 1] = checkU('EXT_CENC.cenc', ext.cenc, 8);
      writeU16(target, o + 2, 0);
      return 4;
    case HET_TOL24:
      writeU24(target, o + 1, checkU('EXT_TOL.transferLength', ext.transferLength, 24));
      return 4;
    default:
      return invalidArgument('extension.het', het, 'is not a known extension; give its bytes as { het, raw }');
  }
}

function writeTime(ext: ExtTime, target: Uint8Array, o: number): number {
  let use = checkU('EXT_TIME.piSpecific', ext.piSpecific ?? 0, 8);
  let p = o + 4;
  if (ext.sct !== undefined) {
    use |= USE_SCT_HIGH;
    writeU32(target, p, checkU('EXT_TIME.sct.seconds', ext.sct.seconds, 32));
    p += 4;
    if (ext.sct.fraction !== undefined) {
      use |= USE_SCT_LOW;
      writeU32(target, p, checkU('EXT_TIME.sct.fraction', ext.sct.fraction, 32));
      p += 4;
    }
  }
  if (ext.ert !== undefined) {
    use |= USE_ERT;
    writeU32(target, p, checkU('EXT_TIME.ert', ext.ert, 32));
    p += 4;
  }
  if (ext.slc !== undefined) {
    use |= USE_SLC;
    writeU32(target, p, checkU('EXT_TIME.slc', ext.slc, 32));
    p += 4;
  }
  const len = p - o;
  target[o + 1] = len / 4;
  writeU16(target, o + 2, use);
  return len;
}

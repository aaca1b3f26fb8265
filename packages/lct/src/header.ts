/**
 * LCT header (RFC 5651 §5.1), network byte order.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   V   | C |PSI|S| O |H|Res|A|B|   HDR_LEN     | Codepoint (CP)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Congestion Control Information (CCI, length = 32*(C+1) bits)  |
 * |                          ...                                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Transport Session Identifier (TSI, length = 32*S+16*H bits)  |
 * |                          ...                                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Transport Object Identifier (TOI, length = 32*O+16*H bits)  |
 * |                          ...                                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Header Extensions (if applicable)              |
 * |                          ...                                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * HDR_LEN counts 32-bit words of the whole header including extensions. Res is written 0 and
 * ignored on receive.
 */
import { LCT_VERSION } from './constants.js';
import { MalformedError, TruncatedError, invalidArgument } from './errors.js';
import { extensionLength, readExtensions, writeExtension, type LctExtension } from './extensions.js';
import type { FecIdOptions } from './options.js';
import { isUint, readBigUint, readU16, readU32, readU48, writeBigUint, writeShortUint, writeU32 } from './bytes.js';

/** CCI width in bits: 32 * (C + 1). */
export type CciBits = 32 | 64 | 96 | 128;
/** TSI width in bits: 32 * S + 16 * H. */
export type TsiBits = 0 | 16 | 32 | 48;
/** TOI width in bits: 32 * O + 16 * H. */
export type ToiBits = 0 | 16 | 32 | 48 | 64 | 80 | 96 | 112;

/** A decoded LCT header. Every field is present; widths are the ones seen on the wire. */
export interface LctHeader {
  /** LCT version V: 1 (RFC 5651), or 2 as some senders write. */
  readonly version: number;
  /** Congestion Control Information. */
  readonly cci: bigint;
  /** Protocol-Specific Indication (2 bits). */
  readonly psi: number;
  /** Transport Session Identifier. */
  readonly tsi: bigint;
  /** Transport Object Identifier. */
  readonly toi: bigint;
  /** Codepoint (8 bits): by default the FEC Encoding ID of the payload. */
  readonly codepoint: number;
  /** A flag: the sender is about to stop sending packets for the session. */
  readonly closeSession: boolean;
  /** B flag: the sender is about to stop sending packets for the object. */
  readonly closeObject: boolean;
  /** Header extensions in wire order. */
  readonly extensions: readonly LctExtension[];
  /** CCI width on the wire. */
  readonly cciBits: CciBits;
  /** TSI width on the wire. */
  readonly tsiBits: TsiBits;
  /** TOI width on the wire. */
  readonly toiBits: ToiBits;
}

/**
 * What encoders take: any subset of {@link LctHeader} (a decoded header re-encodes byte for byte,
 * apart from reserved bits). Defaults: version 1, everything else zero/false/empty, and the
 * smallest widths that hold the values. Give `cciBits`/`tsiBits`/`toiBits` to force a width.
 */
export interface LctHeaderInit {
  readonly version?: number;
  readonly cci?: bigint | number;
  readonly psi?: number;
  readonly tsi?: bigint | number;
  readonly toi?: bigint | number;
  readonly codepoint?: number;
  readonly closeSession?: boolean;
  readonly closeObject?: boolean;
  readonly extensions?: readonly LctExtension[];
  readonly cciBits?: CciBits;
  readonly tsiBits?: TsiBits;
  readonly toiBits?: ToiBits;
}

/** Options of the LCT header decoder: how to find the FEC Encoding ID for EXT_FTI. */
export type LctDecodeOptions = FecIdOptions;

/** Options of the LCT header encoder. */
export type LctEncodeOptions = FecIdOptions;

const NO_EXTENSIONS: readonly LctExtension[] = Object.freeze([]);
const DEFAULT_OPTIONS: LctDecodeOptions = Object.freeze({});

// Consecutive packets of one session share TSI and mostly TOI: reuse the last bigint built.
let lastTsiNumber = 0;
let lastTsi = 0n;
let lastToiNumber = 0;
let lastToi = 0n;
let lastCciNumber = 0;
let lastCci = 0n;

function tsiBig(v: number): bigint {
  if (v !== lastTsiNumber) {
    lastTsiNumber = v;
    lastTsi = BigInt(v);
  }
  return lastTsi;
}

function toiBig(v: number): bigint {
  if (v !== lastToiNumber) {
    lastToiNumber = v;
    lastToi = BigInt(v);
  }
  return lastToi;
}

function cciBig(v: number): bigint {
  if (v !== lastCciNumber) {
    lastCciNumber = v;
    lastCci = BigInt(v);
  }
  return lastCci;
}

function readShortId(bytes: Uint8Array, o: number, len: number): number {
  return len === 2 ? readU16(bytes, o) : len === 4 ? readU32(bytes, o) : readU48(bytes, o);
}

/**
 * Decodes the LCT header at the start of `bytes`. The header occupies `bytes[2] * 4` bytes
 * (= {@link lctHeaderLength} of the result). NOP/AUTH/raw extension bytes are zero-copy views.
 * @throws TruncatedError when `bytes` is shorter than HDR_LEN says; MalformedError for a version
 *   other than 1 or 2, HDR_LEN shorter than the fixed fields, HEL 0, an extension crossing HDR_LEN,
 *   or an extension body that does not match its layout.
 */
export function decodeLctHeader(bytes: Uint8Array, options: LctDecodeOptions = DEFAULT_OPTIONS): LctHeader {
  const n = bytes.length;
  if (n < 4) throw new TruncatedError('LCT header', 0, 4, n);
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  const version = b0 >>> 4;
  if (version !== 1 && version !== 2) throw new MalformedError('V', 0, 'LCT version must be 1 or 2', version);
  const c = (b0 >>> 2) & 3;
  const h = (b1 >>> 4) & 1;
  const cciLen = (c + 1) << 2;
  const tsiLen = ((b1 >>> 7) << 2) | (h << 1);
  const toiLen = (((b1 >>> 5) & 3) << 2) | (h << 1);
  const hdrLen = bytes[2]! << 2;
  const fixedEnd = 4 + cciLen + tsiLen + toiLen;
  if (hdrLen < fixedEnd) throw new MalformedError('HDR_LEN', 2, `${hdrLen} bytes is shorter than the ${fixedEnd} bytes of fixed fields`, bytes[2]);
  if (n < hdrLen) throw new TruncatedError('LCT header', 0, hdrLen, n);
  const codepoint = bytes[3]!;
  const cci = c === 0 ? cciBig(readU32(bytes, 4)) : readBigUint(bytes, 4, cciLen);
  let o = 4 + cciLen;
  const tsi = tsiLen === 0 ? 0n : tsiBig(readShortId(bytes, o, tsiLen));
  o += tsiLen;
  const toi = toiLen === 0 ? 0n : toiLen <= 6 ? toiBig(readShortId(bytes, o, toiLen)) : readBigUint(bytes, o, toiLen);
  o += toiLen;
  return {
    version,
    cci,
    psi: b0 & 3,
    tsi,
    toi,
    codepoint,
    closeSession: (b1 & 2) !== 0,
    closeObject: (b1 & 1) !== 0,
    extensions: o < hdrLen ? readExtensions(bytes, o, hdrLen, codepoint, options) : NO_EXTENSIONS,
    cciBits: (cciLen * 8) as CciBits,
    tsiBits: (tsiLen * 8) as TsiBits,
    toiBits: (toiLen * 8) as ToiBits,
  };
}

/** Widths and sizes an encoder settled on for a header. Internal. */
export interface HeaderPlan {
  readonly version: number;
  readonly cci: bigint;
  readonly tsi: bigint;
  readonly toi: bigint;
  readonly c: number;
  readonly s: number;
  readonly o: number;
  readonly h: number;
  readonly length: number;
  readonly extensions: readonly LctExtension[];
}

function toBig(field: string, v: bigint | number | undefined): bigint {
  if (v === undefined) return 0n;
  if (typeof v === 'bigint') {
    if (v < 0n) invalidArgument(field, v, 'is negative');
    return v;
  }
  if (!Number.isSafeInteger(v) || v < 0) invalidArgument(field, v, 'is not a non-negative safe integer');
  return BigInt(v);
}

function bitLength(v: bigint): number {
  const n = Number(v);
  if (n <= 0xffffffff) return 32 - Math.clz32(n);
  if (n < 2 ** 53) return 64 - Math.clz32(Math.floor(n / 0x100000000));
  let bits = 0;
  while (v > 0xffffffffn) {
    v >>= 32n;
    bits += 32;
  }
  return bits + 32 - Math.clz32(Number(v));
}

/** Smallest k in [0, maxK] with v < 2^(32k + 16h), or -1. */
function words(bits: number, h: number, maxK: number): number {
  for (let k = 0; k <= maxK; k++) if (bits <= 32 * k + 16 * h) return k;
  return -1;
}

function forcedHalf(field: string, bits: number | undefined, allowed: readonly number[]): number | undefined {
  if (bits === undefined) return undefined;
  if (!allowed.includes(bits)) invalidArgument(field, bits, `is not one of ${allowed.join(', ')}`);
  return (bits % 32) / 16;
}

const TSI_WIDTHS: readonly number[] = [0, 16, 32, 48];
const TOI_WIDTHS: readonly number[] = [0, 16, 32, 48, 64, 80, 96, 112];
const CCI_WIDTHS: readonly number[] = [32, 64, 96, 128];

/** Validates `header`, chooses widths and computes the encoded length. Internal. */
export function planLctHeader(header: LctHeaderInit): HeaderPlan {
  const version = header.version ?? LCT_VERSION;
  if (version !== 1 && version !== 2) invalidArgument('version', version, 'must be 1 (or 2)');
  const psi = header.psi ?? 0;
  if (!isUint(psi, 2)) invalidArgument('psi', psi, 'does not fit 2 bits');
  const codepoint = header.codepoint ?? 0;
  if (!isUint(codepoint, 8)) invalidArgument('codepoint', codepoint, 'does not fit 8 bits');
  const cci = toBig('cci', header.cci);
  const tsi = toBig('tsi', header.tsi);
  const toi = toBig('toi', header.toi);

  const cciBitsNeeded = bitLength(cci);
  let c: number;
  if (header.cciBits !== undefined) {
    if (!CCI_WIDTHS.includes(header.cciBits)) invalidArgument('cciBits', header.cciBits, 'is not one of 32, 64, 96, 128');
    if (cciBitsNeeded > header.cciBits) invalidArgument('cci', cci, `does not fit the forced ${header.cciBits} bits`);
    c = header.cciBits / 32 - 1;
  } else {
    if (cciBitsNeeded > 128) invalidArgument('cci', cci, 'does not fit 128 bits');
    c = Math.max(0, Math.ceil(cciBitsNeeded / 32) - 1);
  }

  const tsiNeeded = bitLength(tsi);
  const toiNeeded = bitLength(toi);
  const tsiH = forcedHalf('tsiBits', header.tsiBits, TSI_WIDTHS);
  const toiH = forcedHalf('toiBits', header.toiBits, TOI_WIDTHS);
  if (tsiH !== undefined && toiH !== undefined && tsiH !== toiH) {
    invalidArgument('tsiBits', header.tsiBits, `and toiBits ${header.toiBits} disagree on the half-word flag H (both must be multiples of 32, or both not)`);
  }
  let s = -1;
  let o = -1;
  let h = 0;
  if (header.tsiBits !== undefined) {
    if (tsiNeeded > header.tsiBits) invalidArgument('tsi', tsi, `does not fit the forced ${header.tsiBits} bits`);
    s = header.tsiBits >= 32 ? 1 : 0;
  }
  if (header.toiBits !== undefined) {
    if (toiNeeded > header.toiBits) invalidArgument('toi', toi, `does not fit the forced ${header.toiBits} bits`);
    o = Math.floor(header.toiBits / 32);
  }
  const hChoices = tsiH ?? toiH;
  if (hChoices !== undefined) {
    h = hChoices;
    if (s < 0) s = words(tsiNeeded, h, 1);
    if (o < 0) o = words(toiNeeded, h, 3);
    if (s < 0) invalidArgument('tsi', tsi, `does not fit ${h ? 16 : 0} or ${h ? 48 : 32} bits (H = ${h}, set by the forced TOI width)`);
    if (o < 0) invalidArgument('toi', toi, `does not fit any TOI width with H = ${h} (set by the forced TSI width)`);
  } else {
    // Smallest total TSI + TOI; on a tie prefer H = 0 (32-bit multiples suit more receivers).
    let best = Infinity;
    for (let hh = 0; hh <= 1; hh++) {
      const ss = words(tsiNeeded, hh, 1);
      const oo = words(toiNeeded, hh, 3);
      if (ss < 0 || oo < 0) continue;
      const size = 32 * (ss + oo) + 32 * hh;
      if (size < best) {
        best = size;
        s = ss;
        o = oo;
        h = hh;
      }
    }
    if (best === Infinity) {
      if (tsiNeeded > 48) invalidArgument('tsi', tsi, 'does not fit 48 bits');
      invalidArgument('toi', toi, 'does not fit 112 bits');
    }
  }

  const extensions = header.extensions ?? NO_EXTENSIONS;
  let length = 4 + 4 * (c + 1) + 4 * s + 4 * o + 4 * h;
  for (const ext of extensions) length += extensionLength(ext);
  if (length > 1020) invalidArgument('HDR_LEN', length, 'bytes exceeds the 255 words HDR_LEN can count');
  return { version, cci, tsi, toi, c, s, o, h, length, extensions };
}

/** Encoded length in bytes of `header` (a multiple of 4, at most 1020). */
export function lctHeaderLength(header: LctHeaderInit): number {
  return planLctHeader(header).length;
}

/** Writes a planned header at `offset`. Internal. */
export function writePlannedHeader(header: LctHeaderInit, plan: HeaderPlan, target: Uint8Array, offset: number, options: LctEncodeOptions): number {
  const { c, s, o, h } = plan;
  const b0 = (plan.version << 4) | (c << 2) | (header.psi ?? 0);
  const b1 = (s << 7) | (o << 5) | (h << 4) | (header.closeSession === true ? 2 : 0) | (header.closeObject === true ? 1 : 0);
  target[offset] = b0;
  target[offset + 1] = b1;
  target[offset + 2] = plan.length / 4;
  target[offset + 3] = header.codepoint ?? 0;
  let p = offset + 4;
  const cciLen = 4 * (c + 1);
  if (cciLen === 4) writeU32(target, p, Number(plan.cci));
  else writeBigUint(target, p, cciLen, plan.cci);
  p += cciLen;
  const tsiLen = 4 * s + 2 * h;
  if (tsiLen > 0) writeShortUint(target, p, tsiLen, Number(plan.tsi));
  p += tsiLen;
  const toiLen = 4 * o + 2 * h;
  if (toiLen > 0 && toiLen <= 6) writeShortUint(target, p, toiLen, Number(plan.toi));
  else if (toiLen > 6) writeBigUint(target, p, toiLen, plan.toi);
  p += toiLen;
  const rfc5053 = options.raptorFtiLayout === 'rfc5053';
  for (const ext of plan.extensions) p += writeExtension(ext, target, p, rfc5053);
  return p - offset;
}

/**
 * Writes `header` into `target` at `offset` and returns the number of bytes written.
 * @throws RangeError naming the field when a value does not fit, or when `target` is too small.
 */
export function encodeLctHeaderInto(header: LctHeaderInit, target: Uint8Array, offset = 0, options: LctEncodeOptions = DEFAULT_OPTIONS): number {
  const plan = planLctHeader(header);
  if (!Number.isInteger(offset) || offset < 0 || target.length - offset < plan.length) {
    invalidArgument('target', target, `has no room for ${plan.length} bytes at offset ${offset}`);
  }
  return writePlannedHeader(header, plan, target, offset, options);
}

/** Encodes `header` into a new array. Throws RangeError naming the field when a value does not fit. */
export function encodeLctHeader(header: LctHeaderInit, options: LctEncodeOptions = DEFAULT_OPTIONS): Uint8Array {
  const plan = planLctHeader(header);
  const out = new Uint8Array(plan.length);
  writePlannedHeader(header, plan, out, 0, options);
  return out;
}


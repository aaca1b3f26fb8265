/**
 * FEC Object Transmission Information as carried in EXT_FTI (RFC 5775 §5.1.1), one layout per FEC
 * Encoding ID. These codecs handle the extension *body*: the bytes after HET and HEL.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   HET = 64    |      HEL      |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                 FEC-scheme-specific FTI body                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Bodies (bits): no-code 0: L(48) reserved(16) E(16) B(32)             HEL 4
 *                Raptor 1:  F(40) reserved(8) T(16) Z(16) N(8) Al(8) pad(16)   HEL 4 (ypo/flute)
 *                           F(48) reserved(16) T(16) Z(16) N(8) Al(8)          HEL 4 (RFC 5053 §3.2.3, Wireshark)
 *                RS 2^m 2:  L(48) m(8) G(8) E(16) B(16) max_n(16)       HEL 4 (RFC 5510 §4.2.3)
 *                RS 2^8 5:  L(48) E(16) B(8) max_n(8)                   HEL 3 (RFC 5510 §5.2.3)
 *                RaptorQ 6: F(40) reserved(8) T(16) Z(8) N(16) Al(8) pad(16)   HEL 4 (RFC 6330 §3.3.2-3)
 *                SBS 129:   L(48) FEC Instance ID(16) E(16) B(16) max_n(16)    HEL 4 (RFC 5445 §2.2)
 */
import { MalformedError, TruncatedError, invalidArgument } from './errors.js';
import { isSupportedFecEncodingId } from './constants.js';
import { isUint, readU16, readU32, readU40, readU48, writeU16, writeU32, writeU40, writeU48 } from './bytes.js';

/** Compact No-Code (FEC Encoding ID 0, RFC 5445 §3). */
export interface NoCodeFti {
  readonly fecEncodingId: 0;
  /** Transfer length L in bytes (48 bits). */
  readonly transferLength: number;
  /** Encoding symbol length E in bytes (16 bits). */
  readonly symbolLength: number;
  /** Maximum source block length B in symbols (32 bits). */
  readonly maxSourceBlockLength: number;
}

/** Raptor (FEC Encoding ID 1, RFC 5053). */
export interface RaptorFti {
  readonly fecEncodingId: 1;
  /** Transfer length F in bytes (40 bits in the ypo/flute layout, 48 in the RFC 5053 layout). */
  readonly transferLength: number;
  /** Symbol size T in bytes (16 bits). */
  readonly symbolLength: number;
  /** Number of source blocks Z (16 bits). */
  readonly sourceBlocks: number;
  /** Number of sub-blocks N (8 bits). */
  readonly subBlocks: number;
  /** Symbol alignment Al (8 bits). */
  readonly alignment: number;
}

/** Reed-Solomon over GF(2^m) (FEC Encoding ID 2, RFC 5510 §4). */
export interface RsGf2mFti {
  readonly fecEncodingId: 2;
  /** Transfer length L in bytes (48 bits). */
  readonly transferLength: number;
  /** Field size exponent m, 2..16 (8 bits; 0 on the wire means 8). */
  readonly m: number;
  /** Symbols per packet G, ≥ 1 (8 bits; 0 on the wire means 1). */
  readonly g: number;
  /** Encoding symbol length E in bytes (16 bits). */
  readonly symbolLength: number;
  /** Maximum source block length B in symbols (16 bits). */
  readonly maxSourceBlockLength: number;
  /** Maximum number of encoding symbols max_n (16 bits). */
  readonly maxEncodingSymbols: number;
}

/** Reed-Solomon over GF(2^8) (FEC Encoding ID 5, RFC 5510 §5). */
export interface RsGf28Fti {
  readonly fecEncodingId: 5;
  /** Transfer length L in bytes (48 bits). */
  readonly transferLength: number;
  /** Encoding symbol length E in bytes (16 bits). */
  readonly symbolLength: number;
  /** Maximum source block length B in symbols (8 bits). */
  readonly maxSourceBlockLength: number;
  /** Maximum number of encoding symbols max_n (8 bits). */
  readonly maxEncodingSymbols: number;
}

/** RaptorQ (FEC Encoding ID 6, RFC 6330 §3.3). */
export interface RaptorQFti {
  readonly fecEncodingId: 6;
  /** Transfer length F in bytes (40 bits). */
  readonly transferLength: number;
  /** Symbol size T in bytes (16 bits). */
  readonly symbolLength: number;
  /** Number of source blocks Z (8 bits). */
  readonly sourceBlocks: number;
  /** Number of sub-blocks N (16 bits). */
  readonly subBlocks: number;
  /** Symbol alignment Al (8 bits). */
  readonly alignment: number;
}

/** Small Block Systematic, under-specified (FEC Encoding ID 129, RFC 5445 §2). */
export interface SmallBlockSystematicFti {
  readonly fecEncodingId: 129;
  /** Transfer length L in bytes (48 bits). */
  readonly transferLength: number;
  /** FEC Instance ID (16 bits). */
  readonly fecInstanceId: number;
  /** Encoding symbol length E in bytes (16 bits). */
  readonly symbolLength: number;
  /** Maximum source block length B in symbols (16 bits). */
  readonly maxSourceBlockLength: number;
  /** Maximum number of encoding symbols max_n (16 bits). */
  readonly maxEncodingSymbols: number;
}

/** EXT_FTI contents for every supported FEC Encoding ID, discriminated by `fecEncodingId`. */
export type Fti = NoCodeFti | RaptorFti | RsGf2mFti | RsGf28Fti | RaptorQFti | SmallBlockSystematicFti;

/**
 * Raptor (FEC ID 1) EXT_FTI layout. `'ypo-flute'` (default) is what ypo/flute emits and demands:
 * F(40) reserved(8) T(16) Z(16) N(8) Al(8) + 16 bits padding. `'rfc5053'` is RFC 5053 §3.2.3 as
 * Wireshark dissects it: F(48) reserved(16) T(16) Z(16) N(8) Al(8).
 */
export type RaptorFtiLayout = 'ypo-flute' | 'rfc5053';

export interface FtiCodecOptions {
  /** Layout of the Raptor (FEC ID 1) body. Default `'ypo-flute'`. */
  readonly raptorFtiLayout?: RaptorFtiLayout;
}

/** Length in bytes of the EXT_FTI body (after HET and HEL) for a FEC Encoding ID: 14, or 10 for ID 5. */
export function ftiBodyLength(fecEncodingId: number): number {
  if (!isSupportedFecEncodingId(fecEncodingId)) invalidArgument('fecEncodingId', fecEncodingId, 'has no EXT_FTI layout here (0, 1, 2, 5, 6, 129)');
  return fecEncodingId === 5 ? 10 : 14;
}

/**
 * Reads an FTI body of `length` bytes at `offset`. Internal entry point of the header decoder;
 * `length` must already be known to lie inside `bytes`.
 */
export function readFti(fecEncodingId: number, bytes: Uint8Array, offset: number, length: number, rfc5053: boolean): Fti {
  const expected = fecEncodingId === 5 ? 10 : 14;
  if (length !== expected) {
    throw new MalformedError('EXT_FTI', offset - 2, `body is ${length} bytes, FEC Encoding ID ${fecEncodingId} needs ${expected}`, length);
  }
  const o = offset;
  switch (fecEncodingId) {
    case 0:
      return { fecEncodingId: 0, transferLength: readU48(bytes, o), symbolLength: readU16(bytes, o + 8), maxSourceBlockLength: readU32(bytes, o + 10) };
    case 1:
      if (rfc5053) {
        return {
          fecEncodingId: 1,
          transferLength: readU48(bytes, o),
          symbolLength: readU16(bytes, o + 8),
          sourceBlocks: readU16(bytes, o + 10),
          subBlocks: bytes[o + 12]!,
          alignment: bytes[o + 13]!,
        };
      }
      return {
        fecEncodingId: 1,
        transferLength: readU40(bytes, o),
        symbolLength: readU16(bytes, o + 6),
        sourceBlocks: readU16(bytes, o + 8),
        subBlocks: bytes[o + 10]!,
        alignment: bytes[o + 11]!,
      };
    case 2: {
      const m = bytes[o + 6]! === 0 ? 8 : bytes[o + 6]!;
      if (m < 2 || m > 16) throw new MalformedError('EXT_FTI m', o + 6, 'must be 2..16 (RFC 5510 §4.1)', m);
      return {
        fecEncodingId: 2,
        transferLength: readU48(bytes, o),
        m,
        g: bytes[o + 7]! === 0 ? 1 : bytes[o + 7]!,
        symbolLength: readU16(bytes, o + 8),
        maxSourceBlockLength: readU16(bytes, o + 10),
        maxEncodingSymbols: readU16(bytes, o + 12),
      };
    }
    case 5:
      return {
        fecEncodingId: 5,
        transferLength: readU48(bytes, o),
        symbolLength: readU16(bytes, o + 6),
        maxSourceBlockLength: bytes[o + 8]!,
        maxEncodingSymbols: bytes[o + 9]!,
      };
    case 6:
      return {
        fecEncodingId: 6,
        transferLength: readU40(bytes, o),
        symbolLength: readU16(bytes, o + 6),
        sourceBlocks: bytes[o + 8]!,
        subBlocks: readU16(bytes, o + 9),
        alignment: bytes[o + 11]!,
      };
    case 129:
      return {
        fecEncodingId: 129,
        transferLength: readU48(bytes, o),
        fecInstanceId: readU16(bytes, o + 6),
        symbolLength: readU16(bytes, o + 8),
        maxSourceBlockLength: readU16(bytes, o + 10),
        maxEncodingSymbols: readU16(bytes, o + 12),
      };
    default:
      throw new MalformedError('FEC Encoding ID', offset, 'has no EXT_FTI layout here', fecEncodingId);
  }
}

/**
 * Decodes an EXT_FTI body (the bytes after HET and HEL) for `fecEncodingId`.
 * @throws TruncatedError when `body` is shorter than the layout, MalformedError when it is longer
 *   or a field is out of range, RangeError for an unsupported FEC Encoding ID.
 */
export function decodeFti(fecEncodingId: number, body: Uint8Array, options: FtiCodecOptions = {}): Fti {
  const needed = ftiBodyLength(fecEncodingId);
  if (body.length < needed) throw new TruncatedError('EXT_FTI', 0, needed, body.length);
  return readFti(fecEncodingId, body, 0, body.length, options.raptorFtiLayout === 'rfc5053');
}

function u(v: number, field: string, bits: number): number {
  if (!isUint(v, bits)) invalidArgument(`fti.${field}`, v, `is not an unsigned ${bits}-bit integer`);
  return v;
}

/** Validates `fti` and writes its body at `offset`. Returns the body length. */
export function writeFti(fti: Fti, target: Uint8Array, offset: number, rfc5053: boolean): number {
  const o = offset;
  switch (fti.fecEncodingId) {
    case 0:
      writeU48(target, o, u(fti.transferLength, 'transferLength', 48));
      writeU16(target, o + 6, 0);
      writeU16(target, o + 8, u(fti.symbolLength, 'symbolLength', 16));
      writeU32(target, o + 10, u(fti.maxSourceBlockLength, 'maxSourceBlockLength', 32));
      return 14;
    case 1:
      if (rfc5053) {
        writeU48(target, o, u(fti.transferLength, 'transferLength', 48));
        writeU16(target, o + 6, 0);
        writeU16(target, o + 8, u(fti.symbolLength, 'symbolLength', 16));
        writeU16(target, o + 10, u(fti.sourceBlocks, 'sourceBlocks', 16));
        target[o + 12] = u(fti.subBlocks, 'subBlocks', 8);
        target[o + 13] = u(fti.alignment, 'alignment', 8);
        return 14;
      }
      writeU40(target, o, u(fti.transferLength, 'transferLength', 40));
      target[o + 5] = 0;
      writeU16(target, o + 6, u(fti.symbolLength, 'symbolLength', 16));
      writeU16(target, o + 8, u(fti.sourceBlocks, 'sourceBlocks', 16));
      target[o + 10] = u(fti.subBlocks, 'subBlocks', 8);
      target[o + 11] = u(fti.alignment, 'alignment', 8);
      writeU16(target, o + 12, 0);
      return 14;
    case 2: {
      const m = u(fti.m, 'm', 8);
      if (m < 2 || m > 16) invalidArgument('fti.m', m, 'is outside 2..16 (RFC 5510 §4.1)');
      const g = u(fti.g, 'g', 8);
      if (g < 1) invalidArgument('fti.g', g, 'must be at least 1');
      writeU48(target, o, u(fti.transferLength, 'transferLength', 48));
      target[o + 6] = m;
      target[o + 7] = g;
      writeU16(target, o + 8, u(fti.symbolLength, 'symbolLength', 16));
      writeU16(target, o + 10, u(fti.maxSourceBlockLength, 'maxSourceBlockLength', 16));
      writeU16(target, o + 12, u(fti.maxEncodingSymbols, 'maxEncodingSymbols', 16));
      return 14;
    }
    case 5:
      writeU48(target, o, u(fti.transferLength, 'transferLength', 48));
      writeU16(target, o + 6, u(fti.symbolLength, 'symbolLength', 16));
      target[o + 8] = u(fti.maxSourceBlockLength, 'maxSourceBlockLength', 8);
      target[o + 9] = u(fti.maxEncodingSymbols, 'maxEncodingSymbols', 8);
      return 10;
    case 6:
      writeU40(target, o, u(fti.transferLength, 'transferLength', 40));
      target[o + 5] = 0;
      writeU16(target, o + 6, u(fti.symbolLength, 'symbolLength', 16));
      target[o + 8] = u(fti.sourceBlocks, 'sourceBlocks', 8);
      writeU16(target, o + 9, u(fti.subBlocks, 'subBlocks', 16));
      target[o + 11] = u(fti.alignment, 'alignment', 8);
      writeU16(target, o + 12, 0);
      return 14;
    case 129:
      writeU48(target, o, u(fti.transferLength, 'transferLength', 48));
      writeU16(target, o + 6, u(fti.fecInstanceId, 'fecInstanceId', 16));
      writeU16(target, o + 8, u(fti.symbolLength, 'symbolLength', 16));
      writeU16(target, o + 10, u(fti.maxSourceBlockLength, 'maxSourceBlockLength', 16));
      writeU16(target, o + 12, u(fti.maxEncodingSymbols, 'maxEncodingSymbols', 16));
      return 14;
    default:
      return invalidArgument('fti.fecEncodingId', (fti as { fecEncodingId: unknown }).fecEncodingId, 'has no EXT_FTI layout here (0, 1, 2, 5, 6, 129)');
  }
}

/** Encodes the EXT_FTI body (without HET and HEL) for `fti`. Throws RangeError naming a field that does not fit. */
export function encodeFti(fti: Fti, options: FtiCodecOptions = {}): Uint8Array {
  const out = new Uint8Array(ftiBodyLength(fti.fecEncodingId));
  writeFti(fti, out, 0, options.raptorFtiLayout === 'rfc5053');
  return out;
}

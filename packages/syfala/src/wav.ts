import { Reader } from './cursor.js';
import { MalformedError, TruncatedError } from './errors.js';
import { sampleSize, SampleType, type Format } from './format.js';

/*
 * RIFF/WAVE headers (Microsoft "Multimedia Programming Interface and Data Specifications 1.0",
 * WAVEFORMATEXTENSIBLE). WAV carries U8, I16, I24, I32 (integer PCM, 8-bit unsigned, wider
 * signed) and F32, F64 (IEEE float); the other Syfala sample types have no WAV encoding.
 *
 *  0       4          8       12      20                  20+fmtLen
 * +-------+----------+-------+-------+-------------------+--------+--------+------+
 * | RIFF  | size u32 | WAVE  | fmt   | fmt chunk         | data   | size   | PCM  |
 * +-------+----------+-------+-------+-------------------+--------+--------+------+
 * fmt: u16 formatTag (1 PCM, 3 float, 0xFFFE extensible) · u16 channels · u32 sampleRate ·
 *      u32 byteRate · u16 blockAlign · u16 bitsPerSample [· u16 cbSize · u16 validBits ·
 *      u32 channelMask · 16-byte subformat GUID whose first u16 is 1 or 3]
 */

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Tail shared by the KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT GUIDs after their first u16. */
const GUID_TAIL = Uint8Array.of(0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71);
/** Data size written by streaming writers that cannot seek back; read as "until the end". */
export const WAV_UNKNOWN_SIZE = 0xffff_ffff;

/** Sample types a WAV file can carry. */
export const WAV_SAMPLE_TYPES: readonly SampleType[] = [SampleType.U8, SampleType.I16, SampleType.I24, SampleType.I32, SampleType.F32, SampleType.F64];

export interface WavInfo {
  readonly format: Format;
  /** Offset of the first PCM byte. */
  readonly dataOffset: number;
  /** PCM bytes, or undefined when the header says "unknown" (read to the end). */
  readonly dataLength: number | undefined;
}

function tagOf(type: SampleType): number {
  if (type === SampleType.F32 || type === SampleType.F64) return WAVE_FORMAT_IEEE_FLOAT;
  if (WAV_SAMPLE_TYPES.includes(type)) return WAVE_FORMAT_PCM;
  throw new RangeError(`sample type ${type} has no WAV encoding (WAV carries U8, I16, I24, I32, F32, F64)`);
}

function typeOf(tag: number, bits: number, at: number): SampleType {
  if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits === 32) return SampleType.F32;
    if (bits === 64) return SampleType.F64;
  } else if (tag === WAVE_FORMAT_PCM) {
    if (bits === 8) return SampleType.U8;
    if (bits === 16) return SampleType.I16;
    if (bits === 24) return SampleType.I24;
    if (bits === 32) return SampleType.I32;
  } else {
    throw new MalformedError('WAV fmt.formatTag', at, 'only PCM, IEEE float and extensible are supported', tag);
  }
  throw new MalformedError('WAV fmt.bitsPerSample', at, `unsupported for format tag ${tag}`, bits);
}

/** Length of the header encodeWavHeader writes for `format`. */
export function wavHeaderLength(format: Format): number {
  return 20 + fmtLength(format) + 8;
}

function useExtensible(format: Format): boolean {
  return format.channelCount > 2 || (tagOf(format.sampleType) === WAVE_FORMAT_PCM && sampleSize(format.sampleType) > 2);
}

function fmtLength(format: Format): number {
  return useExtensible(format) ? 40 : tagOf(format.sampleType) === WAVE_FORMAT_PCM ? 16 : 18;
}

/**
 * A WAV header for `dataLength` PCM bytes (WAV_UNKNOWN_SIZE when not known yet). Uses
 * WAVE_FORMAT_EXTENSIBLE for more than two channels or integer samples wider than 16 bits.
 */
export function encodeWavHeader(format: Format, dataLength: number): Uint8Array {
  const tag = tagOf(format.sampleType);
  if (!Number.isInteger(format.sampleRate) || format.sampleRate > 0xffff_ffff) throw new RangeError(`WAV needs an integer sample rate, got ${format.sampleRate}`);
  if (format.channelCount > 0xffff) throw new RangeError(`WAV carries at most 65535 channels, got ${format.channelCount}`);
  const size = sampleSize(format.sampleType);
  const block = size * format.channelCount;
  if (block > 0xffff) throw new RangeError(`WAV block align ${block} exceeds 65535`);
  const fmtLen = fmtLength(format);
  const out = new Uint8Array(wavHeaderLength(format));
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  const riffSize = dataLength === WAV_UNKNOWN_SIZE ? WAV_UNKNOWN_SIZE : Math.min(WAV_UNKNOWN_SIZE, 4 + 8 + fmtLen + 8 + dataLength + (dataLength & 1));
  ascii(0, 'RIFF');
  v.setUint32(4, riffSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, fmtLen, true);
  const ext = fmtLen === 40;
  v.setUint16(20, ext ? WAVE_FORMAT_EXTENSIBLE : tag, true);
  v.setUint16(22, format.channelCount, true);
  v.setUint32(24, format.sampleRate, true);
  v.setUint32(28, format.sampleRate * block, true);
  v.setUint16(32, block, true);
  v.setUint16(34, size * 8, true);
  if (fmtLen >= 18) v.setUint16(36, ext ? 22 : 0, true);
  if (ext) {
    v.setUint16(38, size * 8, true);
    v.setUint32(40, 0, true);
    v.setUint16(44, tag, true);
    out.set(GUID_TAIL, 46);
  }
  const d = 20 + fmtLen;
  ascii(d, 'data');
  v.setUint32(d + 4, Math.min(dataLength, WAV_UNKNOWN_SIZE), true);
  return out;
}

/**
 * Parses a WAV header from the start of a file (`bytes` must reach the data chunk's header).
 * Unknown chunks before `data` are skipped. Throws TruncatedError when more bytes are needed.
 */
export function decodeWavHeader(bytes: Uint8Array): WavInfo {
  const r = new Reader(bytes);
  const id = (what: string): string => {
    r.need(4, what);
    const s = String.fromCharCode(bytes[r.offset]!, bytes[r.offset + 1]!, bytes[r.offset + 2]!, bytes[r.offset + 3]!);
    r.offset += 4;
    return s;
  };
  if (id('RIFF id') !== 'RIFF') throw new MalformedError('RIFF id', 0, 'not a RIFF file');
  r.u32le('RIFF size');
  if (id('WAVE id') !== 'WAVE') throw new MalformedError('WAVE id', 8, 'not a WAVE file');
  let format: Format | undefined;
  for (;;) {
    const at = r.offset;
    const chunk = id('chunk id');
    const size = r.u32le('chunk size');
    if (chunk === 'data') {
      if (format === undefined) throw new MalformedError('WAV data', at, 'data chunk before fmt chunk');
      return { format, dataOffset: r.offset, dataLength: size === WAV_UNKNOWN_SIZE ? undefined : size };
    }
    if (chunk === 'fmt ') {
      if (size < 16) throw new MalformedError('WAV fmt size', at + 4, 'shorter than 16 bytes', size);
      r.need(size, 'WAV fmt chunk');
      const f = r.offset;
      const v = r.view;
      let tag = v.getUint16(f, true);
      const channelCount = v.getUint16(f + 2, true);
      const sampleRate = v.getUint32(f + 4, true);
      const bits = v.getUint16(f + 14, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) throw new MalformedError('WAV fmt size', at + 4, 'extensible format needs 40 bytes', size);
        tag = v.getUint16(f + 24, true);
        for (let i = 0; i < GUID_TAIL.length; i++) {
          if (bytes[f + 26 + i] !== GUID_TAIL[i]) throw new MalformedError('WAV fmt.subFormat', f + 24, 'unknown subformat GUID');
        }
      }
      if (channelCount === 0) throw new MalformedError('WAV fmt.channels', f + 2, 'must be non-zero', 0);
      if (sampleRate === 0) throw new MalformedError('WAV fmt.sampleRate', f + 4, 'must be non-zero', 0);
      format = { sampleRate, channelCount, bufferSize: 0, sampleType: typeOf(tag, bits, f) };
    }
    const skip = size + (size & 1);
    if (r.remaining < skip) throw new TruncatedError(`WAV ${chunk.trim()} chunk`, r.offset, skip, r.remaining);
    r.offset += skip;
  }
}

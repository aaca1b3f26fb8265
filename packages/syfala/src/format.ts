import { checkInteger, Reader, varintLength, writeVarint } from './cursor.js';
import { MalformedError } from './errors.js';

/**
 * Sample types, by their wire tag (spec "StreamFormats"). Samples are little-endian, packed,
 * interleaved; U24/I24 take 3 bytes. Silence of an unsigned type is its midpoint.
 */
export const SampleType = {
  U8: 0,
  U16: 1,
  U24: 2,
  U32: 3,
  U64: 4,
  I8: 5,
  I16: 6,
  I24: 7,
  I32: 8,
  I64: 9,
  F32: 10,
  F64: 11,
} as const;
export type SampleType = (typeof SampleType)[keyof typeof SampleType];

/** Number of sample types (tags 0..11). */
export const SAMPLE_TYPE_COUNT = 12;

const SIZES = [1, 2, 3, 4, 8, 1, 2, 3, 4, 8, 4, 8] as const;
const NAMES = ['U8', 'U16', 'U24', 'U32', 'U64', 'I8', 'I16', 'I24', 'I32', 'I64', 'F32', 'F64'] as const;

/** Bytes per sample of `type`. */
export function sampleSize(type: SampleType): number {
  return SIZES[type];
}

/** The name of a sample type, e.g. `"I24"`. */
export function sampleTypeName(type: SampleType): (typeof NAMES)[number] {
  return NAMES[type];
}

/** Parses a sample type name (case-insensitive; `"F32"`, `"f32"`, `"i24"`). */
export function parseSampleType(name: string): SampleType {
  const i = (NAMES as readonly string[]).indexOf(name.toUpperCase());
  if (i < 0) throw new RangeError(`unknown sample type ${JSON.stringify(name)} (expected one of ${NAMES.join(', ')})`);
  return i as SampleType;
}

export function isSampleType(value: number): value is SampleType {
  return Number.isInteger(value) && value >= 0 && value < SAMPLE_TYPE_COUNT;
}

/** One audio stream's format, fixed for the lifetime of a connection. */
export interface Format {
  /** Frames per second; positive and normal (not zero, subnormal, infinite or NaN). */
  readonly sampleRate: number;
  /** Interleaved channels per frame; at least 1. */
  readonly channelCount: number;
  /** Advisory period in frames; 0 means not given. */
  readonly bufferSize: number;
  readonly sampleType: SampleType;
}

/** The formats a server offers in Connect: its inputs (server → client) and outputs (client → server). */
export interface StreamFormats {
  readonly inputs: readonly Format[];
  readonly outputs: readonly Format[];
}

/** `Format::standard()` of the reference: 48 kHz, 2 channels, buffer 32, F32. */
export const STANDARD_FORMAT: Format = Object.freeze({ sampleRate: 48_000, channelCount: 2, bufferSize: 32, sampleType: SampleType.F32 });

/** Bytes per interleaved frame of `format`. */
export function frameSize(format: Format): number {
  return format.channelCount * SIZES[format.sampleType];
}

/** Limits applied when decoding formats from the network. */
export interface FormatLimits {
  /** Most formats accepted per direction. Default 256. */
  readonly maxFormats?: number;
  /** Most channels accepted per format. Default 65536. */
  readonly maxChannels?: number;
}

const DEFAULT_MAX_FORMATS = 256;
const DEFAULT_MAX_CHANNELS = 65_536;
const MIN_NORMAL = 2.2250738585072014e-308;

/** True for a positive normal f64 (spec: "sampleRate must be positive and normal"). */
export function isValidSampleRate(rate: number): boolean {
  return Number.isFinite(rate) && rate >= MIN_NORMAL;
}

/** Throws RangeError when `format` cannot be encoded. */
export function validateFormat(format: Format, field = 'format'): void {
  if (!isValidSampleRate(format.sampleRate)) throw new RangeError(`${field}.sampleRate must be positive and normal, got ${format.sampleRate}`);
  checkInteger(`${field}.channelCount`, format.channelCount, 1, Number.MAX_SAFE_INTEGER);
  checkInteger(`${field}.bufferSize`, format.bufferSize, 0, Number.MAX_SAFE_INTEGER);
  if (!isSampleType(format.sampleType)) throw new RangeError(`${field}.sampleType must be 0..11, got ${String(format.sampleType)}`);
}

/** Encoded size of one Format: f64 · varint channelCount · varint bufferSize · varint sampleType. */
export function formatLength(format: Format): number {
  return 8 + varintLength(format.channelCount) + varintLength(format.bufferSize) + 1;
}

/** Encoded size of StreamFormats. */
export function streamFormatsLength(formats: StreamFormats): number {
  let n = varintLength(formats.inputs.length) + varintLength(formats.outputs.length);
  for (const f of formats.inputs) n += formatLength(f);
  for (const f of formats.outputs) n += formatLength(f);
  return n;
}

/**
 * ```
 * Format:  f64 LE sampleRate | varint channelCount | varint bufferSize | varint sampleType
 * ```
 */
export function writeFormat(out: Uint8Array, view: DataView, offset: number, format: Format): number {
  view.setFloat64(offset, format.sampleRate, true);
  offset = writeVarint(out, offset + 8, format.channelCount);
  offset = writeVarint(out, offset, format.bufferSize);
  out[offset++] = format.sampleType;
  return offset;
}

/**
 * ```
 * StreamFormats:  varint nInputs | Format × nInputs | varint nOutputs | Format × nOutputs
 * ```
 */
export function writeStreamFormats(out: Uint8Array, view: DataView, offset: number, formats: StreamFormats): number {
  offset = writeVarint(out, offset, formats.inputs.length);
  for (const f of formats.inputs) offset = writeFormat(out, view, offset, f);
  offset = writeVarint(out, offset, formats.outputs.length);
  for (const f of formats.outputs) offset = writeFormat(out, view, offset, f);
  return offset;
}

/** Throws RangeError when any format in `formats` cannot be encoded. */
export function validateStreamFormats(formats: StreamFormats): void {
  formats.inputs.forEach((f, i) => validateFormat(f, `inputs[${i}]`));
  formats.outputs.forEach((f, i) => validateFormat(f, `outputs[${i}]`));
}

/** Reads one Format at the cursor. */
export function readFormat(r: Reader, limits: FormatLimits = {}): Format {
  const rateAt = r.offset;
  const sampleRate = r.f64le('Format.sampleRate');
  if (!isValidSampleRate(sampleRate)) throw new MalformedError('Format.sampleRate', rateAt, 'must be positive and normal', sampleRate);
  const channelsAt = r.offset;
  const channelCount = r.varint('Format.channelCount');
  if (channelCount === 0) throw new MalformedError('Format.channelCount', channelsAt, 'must be non-zero', 0);
  const maxChannels = limits.maxChannels ?? DEFAULT_MAX_CHANNELS;
  if (channelCount > maxChannels) throw new MalformedError('Format.channelCount', channelsAt, `exceeds the limit ${maxChannels}`, channelCount);
  const bufferSize = r.varint('Format.bufferSize');
  const typeAt = r.offset;
  const sampleType = r.varint('Format.sampleType');
  if (!isSampleType(sampleType)) throw new MalformedError('Format.sampleType', typeAt, 'unknown sample type', sampleType);
  return { sampleRate, channelCount, bufferSize, sampleType };
}

function readFormatList(r: Reader, what: string, limits: FormatLimits): Format[] {
  const at = r.offset;
  const n = r.varint(`${what}.length`);
  const max = limits.maxFormats ?? DEFAULT_MAX_FORMATS;
  if (n > max) throw new MalformedError(`${what}.length`, at, `exceeds the limit ${max}`, n);
  const list: Format[] = [];
  for (let i = 0; i < n; i++) list.push(readFormat(r, limits));
  return list;
}

/** Reads StreamFormats at the cursor. */
export function readStreamFormats(r: Reader, limits: FormatLimits = {}): StreamFormats {
  const inputs = readFormatList(r, 'StreamFormats.inputs', limits);
  const outputs = readFormatList(r, 'StreamFormats.outputs', limits);
  return { inputs, outputs };
}

/** True when two formats are identical field by field. */
export function formatsEqual(a: Format, b: Format): boolean {
  return a.sampleRate === b.sampleRate && a.channelCount === b.channelCount && a.bufferSize === b.bufferSize && a.sampleType === b.sampleType;
}

/** True when two StreamFormats are identical. */
export function streamFormatsEqual(a: StreamFormats, b: StreamFormats): boolean {
  const same = (x: readonly Format[], y: readonly Format[]): boolean => x.length === y.length && x.every((f, i) => formatsEqual(f, y[i]!));
  return same(a.inputs, b.inputs) && same(a.outputs, b.outputs);
}

import { sampleSize, SampleType } from './format.js';

/*
 * Sample-format conversion to and from Float32 in [-1, 1).
 * Signed N-bit integers map v → v / 2^(N-1); unsigned types are offset binary (silence is the
 * midpoint 2^(N-1)), which is the signed value with its top bit flipped. From Float32, values are
 * scaled by 2^(N-1), rounded to nearest, and clamped to the type's range; NaN becomes silence.
 * Every integer type of 24 bits or fewer round-trips exactly through Float32.
 */

const TWO_POW_32 = 0x1_0000_0000;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const TWO_POW_63 = 2 ** 63;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes silence (0, or the midpoint for unsigned types) over `out[start, end)`. `phase` is the
 * position of `out[start]` in the sample grid (its byte offset in the stream); default `start`.
 */
export function fillSilence(type: SampleType, out: Uint8Array, start = 0, end = out.length, phase = start): void {
  out.fill(0, start, end);
  if (type > SampleType.U64) return;
  const size = sampleSize(type);
  // Offset binary: the most significant (last, little-endian) byte of each sample is 0x80.
  const first = start + ((size - 1 - (phase % size) + size) % size);
  for (let i = first; i < end; i += size) out[i] = 0x80;
}

/** A new array of `byteLength` bytes of silence in `type`. */
export function silence(type: SampleType, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  fillSilence(type, out);
  return out;
}

function clampRound(x: number, scale: number): number {
  if (!(x === x)) return 0;
  const v = Math.round(x * scale);
  if (v >= scale) return scale - 1;
  if (v < -scale) return -scale;
  return v;
}

/**
 * Converts `count` samples from `bytes` (packed little-endian `type`) into `out` as Float32.
 * `count` defaults to every whole sample that fits both arrays. Returns the number converted.
 */
export function toFloat32(type: SampleType, bytes: Uint8Array, out: Float32Array, count = Math.min(Math.floor(bytes.length / sampleSize(type)), out.length)): number {
  const size = sampleSize(type);
  if (count * size > bytes.length || count > out.length) throw new RangeError(`count ${count} exceeds the input or output`);
  const dv = view(bytes);
  switch (type) {
    case SampleType.U8:
      for (let i = 0; i < count; i++) out[i] = (bytes[i]! - 128) / 128;
      break;
    case SampleType.I8:
      for (let i = 0; i < count; i++) out[i] = ((bytes[i]! << 24) >> 24) / 128;
      break;
    case SampleType.U16:
      for (let i = 0; i < count; i++) out[i] = (dv.getUint16(2 * i, true) - 32768) / 32768;
      break;
    case SampleType.I16:
      for (let i = 0; i < count; i++) out[i] = dv.getInt16(2 * i, true) / 32768;
      break;
    case SampleType.U24:
    case SampleType.I24: {
      const flip = type === SampleType.U24 ? 0x80 : 0;
      for (let i = 0, o = 0; i < count; i++, o += 3) {
        const v = (bytes[o]! | (bytes[o + 1]! << 8) | ((bytes[o + 2]! ^ flip) << 16)) << 8;
        out[i] = (v >> 8) / 8388608;
      }
      break;
    }
    case SampleType.U32:
      for (let i = 0; i < count; i++) out[i] = (dv.getUint32(4 * i, true) - 2147483648) / 2147483648;
      break;
    case SampleType.I32:
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(4 * i, true) / 2147483648;
      break;
    case SampleType.U64:
    case SampleType.I64: {
      const flip = type === SampleType.U64 ? 0x8000_0000 : 0;
      for (let i = 0; i < count; i++) {
        const lo = dv.getUint32(8 * i, true);
        const hi = (dv.getUint32(8 * i + 4, true) ^ flip) | 0;
        out[i] = (hi * TWO_POW_32 + lo) / TWO_POW_63;
      }
      break;
    }
    case SampleType.F32:
      if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
      else for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
      break;
    case SampleType.F64:
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, true);
      break;
  }
  return count;
}

/**
 * Converts `count` Float32 samples from `input` into `out` as packed little-endian `type`.
 * Returns the number converted.
 */
export function fromFloat32(type: SampleType, input: Float32Array, out: Uint8Array, count = Math.min(input.length, Math.floor(out.length / sampleSize(type)))): number {
  const size = sampleSize(type);
  if (count * size > out.length || count > input.length) throw new RangeError(`count ${count} exceeds the input or output`);
  const dv = view(out);
  switch (type) {
    case SampleType.U8:
      for (let i = 0; i < count; i++) out[i] = clampRound(input[i]!, 128) + 128;
      break;
    case SampleType.I8:
      for (let i = 0; i < count; i++) out[i] = clampRound(input[i]!, 128) & 0xff;
      break;
    case SampleType.U16:
      for (let i = 0; i < count; i++) dv.setUint16(2 * i, clampRound(input[i]!, 32768) + 32768, true);
      break;
    case SampleType.I16:
      for (let i = 0; i < count; i++) dv.setInt16(2 * i, clampRound(input[i]!, 32768), true);
      break;
    case SampleType.U24:
    case SampleType.I24: {
      const flip = type === SampleType.U24 ? 0x80 : 0;
      for (let i = 0, o = 0; i < count; i++, o += 3) {
        const v = clampRound(input[i]!, 8388608);
        out[o] = v & 0xff;
        out[o + 1] = (v >> 8) & 0xff;
        out[o + 2] = ((v >> 16) & 0xff) ^ flip;
      }
      break;
    }
    case SampleType.U32:
      for (let i = 0; i < count; i++) dv.setUint32(4 * i, clampRound(input[i]!, 2147483648) + 2147483648, true);
      break;
    case SampleType.I32:
      for (let i = 0; i < count; i++) dv.setInt32(4 * i, clampRound(input[i]!, 2147483648), true);
      break;
    case SampleType.U64:
    case SampleType.I64: {
      const flip = type === SampleType.U64 ? 0x8000_0000 : 0;
      for (let i = 0; i < count; i++) {
        const x = input[i]!;
        let hi: number;
        let lo: number;
        if (!(x === x)) {
          hi = 0;
          lo = 0;
        } else if (x >= 1) {
          hi = 0x7fff_ffff;
          lo = 0xffff_ffff;
        } else {
          // x is a float32, so x * 2^63 has at most 24 significant bits: the split is exact.
          const v = Math.max(x, -1) * TWO_POW_63;
          hi = Math.floor(v / TWO_POW_32);
          lo = v - hi * TWO_POW_32;
        }
        dv.setUint32(8 * i, lo, true);
        dv.setUint32(8 * i + 4, ((hi | 0) ^ flip) >>> 0, true);
      }
      break;
    }
    case SampleType.F32:
      if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) new Float32Array(out.buffer, out.byteOffset, count).set(input.subarray(0, count));
      else for (let i = 0; i < count; i++) dv.setFloat32(4 * i, input[i]!, true);
      break;
    case SampleType.F64:
      for (let i = 0; i < count; i++) dv.setFloat64(8 * i, input[i]!, true);
      break;
  }
  return count;
}

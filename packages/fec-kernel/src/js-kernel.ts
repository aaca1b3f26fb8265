import { checkConstant, checkPair, checkRun, checkSlabSize, startMatrix } from './check.js';
import { gf256MulTable } from './gf256.js';
import {
  KERNEL_OP_COPY,
  KERNEL_OP_MUL,
  KERNEL_OP_MUL_ADD,
  KERNEL_OP_SCALE,
  KERNEL_OP_XOR,
  type FecKernel,
} from './kernel.js';

// The TypeScript backend. Three widths of the same arithmetic:
// - XOR and multiplication by α = 2 on 64-bit lanes (`BigInt64Array`, which V8's optimizing compiler
//   turns into plain 64-bit integer instructions), when source and destination share an 8-byte
//   alignment: about 10 GB/s for XOR;
// - multiplication by any other constant on 32-bit words, one look-up per byte in the constant's
//   256-byte row of the product table, each byte put back in its own lane (so byte order does not
//   matter), when they share a 4-byte alignment;
// - single bytes for the rest: unaligned heads and tails, mutually misaligned ranges.
// Every loop is its own monomorphic function (no function-valued parameters): V8 inlines them.

const ROWS: readonly Uint8Array[] = (() => {
  const table = gf256MulTable();
  return Array.from({ length: 256 }, (_, c) => table.subarray(c << 8, (c + 1) << 8));
})();


// ---- byte loops: the reference semantics ----

function xorBytes(m: Uint8Array, d: number, s: number, len: number): void {
  for (let i = 0; i < len; i++) m[d + i]! ^= m[s + i]!;
}

function mulAddBytes(m: Uint8Array, d: number, s: number, len: number, row: Uint8Array): void {
  for (let i = 0; i < len; i++) m[d + i]! ^= row[m[s + i]!]!;
}

function mulBytes(m: Uint8Array, d: number, s: number, len: number, row: Uint8Array): void {
  for (let i = 0; i < len; i++) m[d + i] = row[m[s + i]!]!;
}

// ---- 64-bit lanes; d, s, a, b, c and n count 8-byte words ----

function xor64(w: BigInt64Array, d: number, s: number, n: number): void {
  const end4 = d + (n & ~3);
  for (; d < end4; d += 4, s += 4) {
    w[d] = w[d]! ^ w[s]!;
    w[d + 1] = w[d + 1]! ^ w[s + 1]!;
    w[d + 2] = w[d + 2]! ^ w[s + 2]!;
    w[d + 3] = w[d + 3]! ^ w[s + 3]!;
  }
  for (let i = 0; i < (n & 3); i++) w[d + i] = w[d + i]! ^ w[s + i]!;
}

function xor64x2(w: BigInt64Array, d: number, a: number, b: number, n: number): void {
  const end2 = d + (n & ~1);
  for (; d < end2; d += 2, a += 2, b += 2) {
    w[d] = w[d]! ^ w[a]! ^ w[b]!;
    w[d + 1] = w[d + 1]! ^ w[a + 1]! ^ w[b + 1]!;
  }
  if ((n & 1) !== 0) w[d] = w[d]! ^ w[a]! ^ w[b]!;
}

function xor64x3(w: BigInt64Array, d: number, a: number, b: number, c: number, n: number): void {
  const end2 = d + (n & ~1);
  for (; d < end2; d += 2, a += 2, b += 2, c += 2) {
    w[d] = w[d]! ^ w[a]! ^ w[b]! ^ w[c]!;
    w[d + 1] = w[d + 1]! ^ w[a + 1]! ^ w[b + 1]! ^ w[c + 1]!;
  }
  if ((n & 1) !== 0) w[d] = w[d]! ^ w[a]! ^ w[b]! ^ w[c]!;
}

// α·x on eight octets at once: shift each left by one and fold each carried-out bit 7 back as 0x1D,
// the low byte of the polynomial. The constants are literals: V8 lowers such BigInt expressions to
// 64-bit integer instructions only when it sees the values.

function mulAdd2x64(w: BigInt64Array, d: number, s: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = w[s + i]!;
    w[d + i] = w[d + i]! ^ ((x & 0x7f7f7f7f7f7f7f7fn) << 1n) ^ (((x >> 7n) & 0x0101010101010101n) * 0x1dn);
  }
}

function mul2x64(w: BigInt64Array, d: number, s: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = w[s + i]!;
    w[d + i] = ((x & 0x7f7f7f7f7f7f7f7fn) << 1n) ^ (((x >> 7n) & 0x0101010101010101n) * 0x1dn);
  }
}

// ---- 32-bit words; d, s and n count 4-byte words ----

const map32 = (x: number, row: Uint8Array): number =>
  row[x & 255]! | (row[(x >>> 8) & 255]! << 8) | (row[(x >>> 16) & 255]! << 16) | (row[x >>> 24]! << 24);

function xor32(w: Int32Array, d: number, s: number, n: number): void {
  for (let i = 0; i < n; i++) w[d + i]! ^= w[s + i]!;
}

function mulAdd32(w: Int32Array, d: number, s: number, n: number, row: Uint8Array): void {
  const end2 = d + (n & ~1);
  for (; d < end2; d += 2, s += 2) {
    const x = w[s]!;
    const y = w[s + 1]!;
    w[d]! ^= map32(x, row);
    w[d + 1]! ^= map32(y, row);
  }
  if ((n & 1) !== 0) w[d]! ^= map32(w[s]!, row);
}

function mul32(w: Int32Array, d: number, s: number, n: number, row: Uint8Array): void {
  const end2 = d + (n & ~1);
  for (; d < end2; d += 2, s += 2) {
    const x = w[s]!;
    const y = w[s + 1]!;
    w[d] = map32(x, row);
    w[d + 1] = map32(y, row);
  }
  if ((n & 1) !== 0) w[d] = map32(w[s]!, row);
}

/** mulAdd32 between two arrays, for mulMatrix (sources outside the slab). */
function mulAdd32From(w: Int32Array, src: Int32Array, n: number, row: Uint8Array): void {
  const end2 = n & ~1;
  let i = 0;
  for (; i < end2; i += 2) {
    const x = src[i]!;
    const y = src[i + 1]!;
    w[i]! ^= map32(x, row);
    w[i + 1]! ^= map32(y, row);
  }
  if (i < n) w[i]! ^= map32(src[i]!, row);
}

function xor32From(w: Int32Array, src: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) w[i]! ^= src[i]!;
}

/** The three operations of `#apply`. */
const XOR = 0;
const MUL_ADD = 1;
const MUL = 2;
type Kind = typeof XOR | typeof MUL_ADD | typeof MUL;

function bytes(kind: Kind, m: Uint8Array, d: number, s: number, len: number, row: Uint8Array): void {
  if (kind === XOR) xorBytes(m, d, s, len);
  else if (kind === MUL_ADD) mulAddBytes(m, d, s, len, row);
  else mulBytes(m, d, s, len, row);
}

/** Below this many bytes, word loops do not pay for their head and tail handling. */
const WORDS_FROM = 16;

/** The plain TypeScript backend: 64-bit XOR lanes, a 64 KiB product table, one look-up per byte. */
export class JsKernel implements FecKernel {
  readonly backend = 'js' as const;
  #mem = new Uint8Array(0);
  #mem32 = new Int32Array(0);
  #mem64 = new BigInt64Array(0);
  #size = 0;
  /** Aligned scratch for mulMatrix: one accumulator and copies of misaligned inputs. */
  #scratch = new Int32Array(0);

  constructor(slabSize: number) {
    this.reserve(slabSize);
  }

  get slabSize(): number {
    return this.#size;
  }

  reserve(byteLength: number): void {
    checkSlabSize(byteLength);
    if (byteLength <= this.#size) return;
    if (byteLength > this.#mem.length) {
      const capacity = Math.ceil(Math.max(byteLength, Math.min(this.#mem.length * 2, 2 ** 30)) / 8) * 8;
      const grown = new Uint8Array(capacity);
      grown.set(this.#mem.subarray(0, this.#size));
      this.#mem = grown;
      this.#mem32 = new Int32Array(grown.buffer);
      this.#mem64 = new BigInt64Array(grown.buffer);
    }
    this.#size = byteLength;
  }

  slab(): Uint8Array {
    return this.#mem.subarray(0, this.#size);
  }

  xor(dst: number, src: number, len: number): void {
    checkPair('xor', dst, src, len, this.#size);
    this.#xor(dst, src, len);
  }

  mulAdd(dst: number, src: number, len: number, c: number): void {
    checkConstant(c);
    checkPair('mulAdd', dst, src, len, this.#size);
    this.#mulAdd(dst, src, len, c);
  }

  mul(dst: number, src: number, len: number, c: number): void {
    checkConstant(c);
    checkPair('mul', dst, src, len, this.#size);
    this.#mul(dst, src, len, c);
  }

  scale(dst: number, len: number, c: number): void {
    this.mul(dst, dst, len, c);
  }

  run(ops: Int32Array, base: number, stride: number, len: number = stride): void {
    checkRun(ops, base, stride, len, this.#size);
    // With a stride of whole words every symbol has base's alignment: XORs fuse on 64-bit lanes.
    const fuse = (stride & 7) === 0 && len >= WORDS_FROM;
    const head = (8 - (base & 7)) & 7;
    const words = (len - head) >>> 3;
    const tail = head + words * 8;
    const m = this.#mem;
    const n = ops.length;
    for (let i = 0; i < n; i += 2) {
      const w0 = ops[i]!;
      const w1 = ops[i + 1]!;
      const slot = w0 & 0x0fffffff;
      const dst = base + slot * stride;
      const src = base + (w1 & 0x00ffffff) * stride;
      switch (w0 >>> 28) {
        case KERNEL_OP_XOR: {
          // dst ^= a; dst ^= b; dst ^= c  as one pass, while the next XORs target the same symbol
          // (w0 === slot: opcode 0) and do not read it (x ^= x would zero it midway).
          if (fuse && i + 2 < n && ops[i + 2] === w0 && (ops[i + 3]! & 0x00ffffff) !== slot) {
            const b = base + (ops[i + 3]! & 0x00ffffff) * stride;
            const w64 = this.#mem64;
            if (i + 4 < n && ops[i + 4] === w0 && (ops[i + 5]! & 0x00ffffff) !== slot) {
              const c = base + (ops[i + 5]! & 0x00ffffff) * stride;
              for (let k = 0; k < head; k++) m[dst + k]! ^= m[src + k]! ^ m[b + k]! ^ m[c + k]!;
              xor64x3(w64, (dst + head) >>> 3, (src + head) >>> 3, (b + head) >>> 3, (c + head) >>> 3, words);
              for (let k = tail; k < len; k++) m[dst + k]! ^= m[src + k]! ^ m[b + k]! ^ m[c + k]!;
              i += 4;
            } else {
              for (let k = 0; k < head; k++) m[dst + k]! ^= m[src + k]! ^ m[b + k]!;
              xor64x2(w64, (dst + head) >>> 3, (src + head) >>> 3, (b + head) >>> 3, words);
              for (let k = tail; k < len; k++) m[dst + k]! ^= m[src + k]! ^ m[b + k]!;
              i += 2;
            }
          } else {
            this.#xor(dst, src, len);
          }
          break;
        }
        case KERNEL_OP_COPY:
          if (dst !== src) m.copyWithin(dst, src, src + len);
          break;
        case KERNEL_OP_MUL_ADD:
          this.#mulAdd(dst, src, len, w1 >>> 24);
          break;
        case KERNEL_OP_MUL:
          this.#mul(dst, src, len, w1 >>> 24);
          break;
        case KERNEL_OP_SCALE:
          this.#mul(dst, dst, len, w1 >>> 24);
          break;
        default:
          m.fill(0, dst, dst + len);
      }
    }
  }

  #xor(dst: number, src: number, len: number): void {
    this.#apply(XOR, dst, src, len, 0);
  }

  #mulAdd(dst: number, src: number, len: number, c: number): void {
    if (c === 0) return;
    this.#apply(c === 1 ? XOR : MUL_ADD, dst, src, len, c);
  }

  #mul(dst: number, src: number, len: number, c: number): void {
    if (c === 0) this.#mem.fill(0, dst, dst + len);
    else if (c !== 1) this.#apply(MUL, dst, src, len, c);
    else if (dst !== src) this.#mem.copyWithin(dst, src, src + len);
  }

  /**
   * One operation over [dst, dst + len) from [src, src + len): single bytes up to the first aligned
   * one, then the widest word loop both ranges allow (64-bit lanes for XOR and for c = 2 when they
   * share an 8-byte alignment, else 32-bit words when they share a 4-byte one), then the last bytes.
   */
  #apply(kind: Kind, dst: number, src: number, len: number, c: number): void {
    const m = this.#mem;
    const row = ROWS[c]!;
    const shift = (dst ^ src) & 7;
    if (len < WORDS_FROM || (shift & 3) !== 0) {
      bytes(kind, m, dst, src, len, row);
      return;
    }
    const unit = shift === 0 && (kind === XOR || c === 2) ? 8 : 4;
    const head = (unit - (dst & (unit - 1))) & (unit - 1);
    bytes(kind, m, dst, src, head, row);
    const n = Math.floor((len - head) / unit);
    const d = dst + head;
    const s = src + head;
    if (unit === 8) {
      const w = this.#mem64;
      if (kind === XOR) xor64(w, d >>> 3, s >>> 3, n);
      else if (kind === MUL_ADD) mulAdd2x64(w, d >>> 3, s >>> 3, n);
      else mul2x64(w, d >>> 3, s >>> 3, n);
    } else {
      const w = this.#mem32;
      if (kind === XOR) xor32(w, d >>> 2, s >>> 2, n);
      else if (kind === MUL_ADD) mulAdd32(w, d >>> 2, s >>> 2, n, row);
      else mul32(w, d >>> 2, s >>> 2, n, row);
    }
    const done = head + n * unit;
    bytes(kind, m, dst + done, src + done, len - done, row);
  }

  mulMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
    const len = startMatrix(coeffs, rows, cols, inputs, outputs);
    if (len === undefined) return;
    const words = len >>> 2;
    const tail = words * 4;
    // Word views of the inputs: in place when aligned, else copied into scratch after the accumulator.
    let misaligned = 0;
    for (const input of inputs) if ((input.byteOffset & 3) !== 0) misaligned++;
    const need = words * (1 + misaligned);
    if (this.#scratch.length < need) this.#scratch = new Int32Array(need);
    const scratch = this.#scratch;
    const acc = scratch.subarray(0, words);
    const acc8 = new Uint8Array(scratch.buffer, 0, tail);
    let next = words;
    const in32 = inputs.map((input) => {
      if ((input.byteOffset & 3) === 0) return new Int32Array(input.buffer, input.byteOffset, words);
      const copy = scratch.subarray(next, next + words);
      next += words;
      new Uint8Array(copy.buffer, copy.byteOffset, tail).set(input.subarray(0, tail));
      return copy;
    });
    for (let r = 0; r < rows; r++) {
      const out = outputs[r]!;
      const base = r * cols;
      acc.fill(0);
      for (let c = 0; c < cols; c++) {
        const k = coeffs[base + c]!;
        if (k === 0) continue;
        if (k === 1) xor32From(acc, in32[c]!, words);
        else mulAdd32From(acc, in32[c]!, words, ROWS[k]!);
      }
      out.set(acc8);
      // The last len % 4 bytes, byte by byte.
      for (let i = tail; i < len; i++) {
        let x = 0;
        for (let c = 0; c < cols; c++) x ^= ROWS[coeffs[base + c]!]![inputs[c]![i]!]!;
        out[i] = x;
      }
    }
  }
}

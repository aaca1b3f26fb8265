import { createFecKernel, type FecKernel } from '@proto/fec-kernel';
import type { GaloisField } from './field.js';

/** Which implementation multiplies GF(2^8) symbols: see @proto/fec-kernel. */
export type Backend = 'auto' | 'wasm-simd' | 'js';

/**
 * Symbol × coefficient-matrix products for one field. Symbols are byte strings (RFC 5510 §5/§8):
 * - m = 8: one element per byte, through the SIMD kernel;
 * - m = 2, 4: four or two elements per byte; every element of a byte is multiplied alike, so a
 *   constant multiplies a byte through one 256-entry map;
 * - other m: the symbol is a big-endian bit string of m-bit elements (m = 16: one big-endian element
 *   per two bytes), its length in bits a multiple of m.
 */
export interface SymbolArithmetic {
  /** Why T bytes cannot be a symbol of this field, or undefined when they can. */
  sizeProblem(T: number): string | undefined;
  /** outputs[r] = Σ_c coeffs[r·cols + c] · inputs[c]; all of one valid size. */
  mulMatrix(coeffs: Uint8Array | Uint16Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void;
  readonly backend: 'wasm-simd' | 'js';
}

const kernels = new Map<Backend, FecKernel>();

function sharedKernel(backend: Backend): FecKernel {
  let k = kernels.get(backend);
  if (k === undefined) {
    k = createFecKernel({ backend });
    kernels.set(backend, k);
  }
  return k;
}

class Gf256Arithmetic implements SymbolArithmetic {
  readonly #kernel: FecKernel;
  constructor(backend: Backend) {
    this.#kernel = sharedKernel(backend);
  }
  get backend(): 'wasm-simd' | 'js' {
    return this.#kernel.backend;
  }
  sizeProblem(): string | undefined {
    return undefined;
  }
  mulMatrix(coeffs: Uint8Array | Uint16Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
    this.#kernel.mulMatrix(coeffs instanceof Uint8Array ? coeffs : Uint8Array.from(coeffs), rows, cols, inputs, outputs);
  }
}

/** m = 2 or 4: elements packed in bytes; multiplication by c is a byte → byte map. */
class PackedArithmetic implements SymbolArithmetic {
  readonly backend = 'js' as const;
  /** maps[c << 8 | b] = c applied to every element of byte b. */
  readonly #maps: Uint8Array;
  constructor(f: GaloisField) {
    const q = f.order + 1;
    const perByte = 8 / f.m;
    const mask = f.order;
    const maps = new Uint8Array(q * 256);
    for (let c = 1; c < q; c++) {
      for (let b = 0; b < 256; b++) {
        let out = 0;
        for (let e = 0; e < perByte; e++) {
          const x = (b >>> (e * f.m)) & mask;
          const p = x === 0 ? 0 : f.exp[f.log[c]! + f.log[x]!]!;
          out |= p << (e * f.m);
        }
        maps[(c << 8) | b] = out;
      }
    }
    this.#maps = maps;
  }
  sizeProblem(): string | undefined {
    return undefined;
  }
  mulMatrix(coeffs: Uint8Array | Uint16Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
    const maps = this.#maps;
    for (let r = 0; r < rows; r++) {
      const out = outputs[r]!;
      out.fill(0);
      const len = out.length;
      for (let c = 0; c < cols; c++) {
        const k = coeffs[r * cols + c]!;
        if (k === 0) continue;
        const input = inputs[c]!;
        const base = k << 8;
        for (let i = 0; i < len; i++) out[i]! ^= maps[base | input[i]!]!;
      }
    }
  }
}

/** Any other m: unpack big-endian m-bit elements, multiply with log/exp, pack. */
class ElementArithmetic implements SymbolArithmetic {
  readonly backend = 'js' as const;
  readonly #f: GaloisField;
  constructor(f: GaloisField) {
    this.#f = f;
  }
  sizeProblem(T: number): string | undefined {
    const m = this.#f.m;
    return (T * 8) % m === 0 ? undefined : `a symbol of GF(2^${m}) must hold a whole number of ${m}-bit elements; ${T} bytes do not`;
  }
  #unpack(bytes: Uint8Array, out: Uint16Array): void {
    const m = this.#f.m;
    if (m === 16) {
      for (let i = 0; i < out.length; i++) out[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
      return;
    }
    let acc = 0;
    let bits = 0;
    let j = 0;
    const mask = (1 << m) - 1;
    for (let i = 0; i < bytes.length; i++) {
      acc = ((acc << 8) | bytes[i]!) & 0xffffff;
      bits += 8;
      while (bits >= m) {
        bits -= m;
        out[j++] = (acc >>> bits) & mask;
      }
    }
  }
  #pack(elements: Uint16Array, out: Uint8Array): void {
    const m = this.#f.m;
    if (m === 16) {
      for (let i = 0; i < elements.length; i++) {
        out[2 * i] = elements[i]! >>> 8;
        out[2 * i + 1] = elements[i]! & 255;
      }
      return;
    }
    let acc = 0;
    let bits = 0;
    let j = 0;
    for (let i = 0; i < elements.length; i++) {
      acc = ((acc << m) | elements[i]!) & 0xffffff;
      bits += m;
      while (bits >= 8) {
        bits -= 8;
        out[j++] = (acc >>> bits) & 255;
      }
    }
  }
  mulMatrix(coeffs: Uint8Array | Uint16Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
    const { exp, log, m } = this.#f;
    const T = inputs[0]?.length ?? outputs[0]?.length ?? 0;
    const E = (T * 8) / m;
    const elems = inputs.map((input) => {
      const e = new Uint16Array(E);
      this.#unpack(input, e);
      // Store logs, with 0xffff for zero elements, so the inner loop does one look-up less.
      for (let i = 0; i < E; i++) e[i] = e[i] === 0 ? 0xffff : log[e[i]!]!;
      return e;
    });
    const acc = new Uint16Array(E);
    for (let r = 0; r < rows; r++) {
      acc.fill(0);
      for (let c = 0; c < cols; c++) {
        const k = coeffs[r * cols + c]!;
        if (k === 0) continue;
        const lk = log[k]!;
        const src = elems[c]!;
        for (let i = 0; i < E; i++) {
          const l = src[i]!;
          if (l !== 0xffff) acc[i]! ^= exp[lk + l]!;
        }
      }
      this.#pack(acc, outputs[r]!);
    }
  }
}

/** The arithmetic for a field; for m = 8 the backend chooses the kernel. */
export function symbolArithmetic(f: GaloisField, backend: Backend): SymbolArithmetic {
  if (f.m === 8) return new Gf256Arithmetic(backend);
  if (f.m === 2 || f.m === 4) return new PackedArithmetic(f);
  return new ElementArithmetic(f);
}

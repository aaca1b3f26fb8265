import { KERNEL_OP_SCALE, KERNEL_OP_ZERO, MAX_SLAB_SIZE } from './kernel.js';

const isIndex = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= MAX_SLAB_SIZE;

/** Throws RangeError unless [off, off + len) lies inside [0, size). */
export function checkSpan(what: string, off: number, len: number, size: number): void {
  if (!isIndex(off) || !isIndex(len) || off + len > size) {
    throw new RangeError(`${what}: range [${off}, ${off} + ${len}) is outside the slab of ${size} bytes`);
  }
}

/** Checks a dst/src pair of slab ranges: both inside the slab, identical or disjoint. */
export function checkPair(what: string, dst: number, src: number, len: number, size: number): void {
  checkSpan(`${what} dst`, dst, len, size);
  checkSpan(`${what} src`, src, len, size);
  checkOverlap(dst, src, len);
}

/** Throws RangeError when two ranges of one length overlap without being equal. */
export function checkOverlap(dst: number, src: number, len: number): void {
  if (dst !== src && dst < src + len && src < dst + len) {
    throw new RangeError(`dst ${dst} and src ${src} overlap partially over ${len} bytes`);
  }
}

export function checkConstant(c: number): void {
  if (!Number.isInteger(c) || c < 0 || c > 255) throw new RangeError(`constant must be a GF(2^8) element 0..255, got ${c}`);
}

export function checkSlabSize(byteLength: number): void {
  if (!isIndex(byteLength)) throw new RangeError(`slab size must be an integer 0..${MAX_SLAB_SIZE}, got ${byteLength}`);
}

/**
 * Validates the arguments of `run` against a slab of `size` bytes: operation words in pairs, known
 * opcodes, `len ≤ stride`, and every symbol an operation touches inside the slab.
 */
export function checkRun(ops: Int32Array, base: number, stride: number, len: number, size: number): void {
  if (!(ops instanceof Int32Array)) throw new RangeError('ops must be an Int32Array');
  if ((ops.length & 1) !== 0) throw new RangeError(`ops holds ${ops.length} words: two per operation expected`);
  if (!isIndex(base)) throw new RangeError(`base must be an integer 0..${MAX_SLAB_SIZE}, got ${base}`);
  if (!isIndex(stride)) throw new RangeError(`stride must be an integer 0..${MAX_SLAB_SIZE}, got ${stride}`);
  if (!isIndex(len) || len > stride) throw new RangeError(`len must be an integer 0..stride (${stride}), got ${len}`);
  let top = -1;
  for (let i = 0; i < ops.length; i += 2) {
    const w0 = ops[i]!;
    const op = w0 >>> 28;
    if (op > KERNEL_OP_ZERO) throw new RangeError(`operation ${i >>> 1}: unknown opcode ${op}`);
    const dst = w0 & 0x0fffffff;
    if (dst > top) top = dst;
    if (op < KERNEL_OP_SCALE) {
      const src = ops[i + 1]! & 0x00ffffff;
      if (src > top) top = src;
    }
  }
  if (top >= 0 && base + top * stride + len > size) {
    throw new RangeError(`run: symbol ${top} at ${base} + ${top}·${stride} (+ ${len} bytes) is outside the slab of ${size} bytes`);
  }
}

function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.length > 0 && b.length > 0 && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;
}

/**
 * Validates mulMatrix arguments and completes the degenerate products (no rows, empty symbols, no
 * inputs: all-zero outputs). Returns the common symbol length, or undefined when nothing is left to do.
 */
export function startMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): number | undefined {
  const len = checkMatrix(coeffs, rows, cols, inputs, outputs);
  if (rows === 0 || len === 0) return undefined;
  if (cols === 0) {
    for (const out of outputs) out.fill(0);
    return undefined;
  }
  return len;
}

/** Validates mulMatrix arguments; returns the common symbol length. */
function checkMatrix(coeffs: Uint8Array, rows: number, cols: number, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): number {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be an integer ≥ 0, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 0) throw new RangeError(`cols must be an integer ≥ 0, got ${cols}`);
  if (coeffs.length < rows * cols) throw new RangeError(`coeffs holds ${coeffs.length} bytes, rows·cols = ${rows * cols}`);
  if (inputs.length !== cols) throw new RangeError(`expected ${cols} inputs, got ${inputs.length}`);
  if (outputs.length !== rows) throw new RangeError(`expected ${rows} outputs, got ${outputs.length}`);
  const len = (inputs[0] ?? outputs[0])?.length ?? 0;
  for (let c = 0; c < cols; c++) {
    if (inputs[c]!.length !== len) throw new RangeError(`input ${c} has ${inputs[c]!.length} bytes, expected ${len}`);
  }
  for (let r = 0; r < rows; r++) {
    const out = outputs[r]!;
    if (out.length !== len) throw new RangeError(`output ${r} has ${out.length} bytes, expected ${len}`);
    for (let c = 0; c < cols; c++) if (overlaps(out, inputs[c]!)) throw new RangeError(`output ${r} overlaps input ${c}`);
    for (let q = 0; q < r; q++) if (overlaps(out, outputs[q]!)) throw new RangeError(`output ${r} overlaps output ${q}`);
  }
  return len;
}

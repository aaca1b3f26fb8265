// Kernel throughput, MB/s of symbol bytes processed (for mulMatrix: rows × cols × T multiply-adds).
// Table 1: the WebAssembly SIMD128 backend against the TypeScript fallback, same process.
// Table 2: `run` (a whole operation list in one call) against the same operations issued one call
// each, on each backend: what batching saves on lists of many small operations.
import { runBench, type BenchCase } from '@proto/bench';
import {
  createFecKernel,
  KERNEL_OP_COPY,
  KERNEL_OP_MUL_ADD,
  KERNEL_OP_SCALE,
  KERNEL_OP_XOR,
  type FecKernel,
} from '@proto/fec-kernel';

const simd = createFecKernel({ backend: 'wasm-simd' });
const js = createFecKernel({ backend: 'js' });

function fill(k: FecKernel, bytes: number): void {
  k.reserve(bytes);
  const s = k.slab();
  for (let i = 0; i < s.length; i++) s[i] = (i * 167) ^ (i >>> 9);
}

function slabCase(k: FecKernel, name: string, T: number, count: number, op: 'mulAdd' | 'xor', c = 0x8e): BenchCase {
  return {
    name: `${k.backend} ${name}`,
    bytes: T * count,
    setup: () => fill(k, 2 * T * count),
    fn: () => {
      for (let j = 0; j < count; j++) {
        if (op === 'xor') k.xor(j * T, (count + j) * T, T);
        else k.mulAdd(j * T, (count + j) * T, T, c);
      }
    },
  };
}

function matrixCase(k: FecKernel, rows: number, cols: number, T: number): BenchCase {
  const inputs = Array.from({ length: cols }, (_, c) => Uint8Array.from({ length: T }, (_, i) => i * 7 + c));
  const outputs = Array.from({ length: rows }, () => new Uint8Array(T));
  const coeffs = Uint8Array.from({ length: rows * cols }, (_, i) => (i * 29 + 3) & 255);
  return { name: `${k.backend} mulMatrix ${rows}x${cols} T=${T}`, bytes: rows * cols * T, fn: () => k.mulMatrix(coeffs, rows, cols, inputs, outputs) };
}

await runBench('@proto/fec-kernel: wasm-simd (ours) vs TypeScript fallback (anchor), MB/s of symbol data', [
  { name: 'mulAdd T=1424 (64 symbols)', ours: slabCase(simd, 'mulAdd', 1424, 64, 'mulAdd'), anchor: slabCase(js, 'mulAdd', 1424, 64, 'mulAdd') },
  { name: 'mulAdd c=2 T=1280 (64 symbols)', ours: slabCase(simd, 'mulAdd', 1280, 64, 'mulAdd', 2), anchor: slabCase(js, 'mulAdd', 1280, 64, 'mulAdd', 2) },
  { name: 'mulAdd T=65536 (4 symbols)', ours: slabCase(simd, 'mulAdd', 65536, 4, 'mulAdd'), anchor: slabCase(js, 'mulAdd', 65536, 4, 'mulAdd') },
  { name: 'xor T=1424 (64 symbols)', ours: slabCase(simd, 'xor', 1424, 64, 'xor'), anchor: slabCase(js, 'xor', 1424, 64, 'xor') },
  { name: 'mulMatrix 8x64 T=1424', ours: matrixCase(simd, 8, 64, 1424), anchor: matrixCase(js, 8, 64, 1424) },
  { name: 'mulMatrix 16x64 T=1424', ours: matrixCase(simd, 16, 64, 1424), anchor: matrixCase(js, 16, 64, 1424) },
]);

// An operation list shaped like a RaptorQ plan replay: 256 symbols of T bytes, 4096 operations,
// about 83% XOR (often several into one symbol), 9% copy, 5% scale by α, 3% multiply-add.
const SYMBOLS = 256;
function operationList(count: number): Int32Array {
  const ops = new Int32Array(2 * count);
  let x = 0x9e3779b9;
  const next = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  let dst = 0;
  for (let i = 0; i < count; i++) {
    const p = next(100);
    if (p >= 40) dst = next(SYMBOLS);
    let src = next(SYMBOLS);
    if (src === dst) src = (src + 1) % SYMBOLS;
    const [op, c] = p < 83 ? [KERNEL_OP_XOR, 0] : p < 92 ? [KERNEL_OP_COPY, 0] : p < 97 ? [KERNEL_OP_SCALE, 2] : [KERNEL_OP_MUL_ADD, 1 + next(255)];
    ops[2 * i] = (op << 28) | dst;
    ops[2 * i + 1] = (c << 24) | src;
  }
  return ops;
}

/** The same list through the single-operation methods (what a caller without `run` does). */
function oneByOne(k: FecKernel, ops: Int32Array, T: number): void {
  for (let i = 0; i < ops.length; i += 2) {
    const dst = (ops[i]! & 0x0fffffff) * T;
    const src = (ops[i + 1]! & 0x00ffffff) * T;
    const c = ops[i + 1]! >>> 24;
    switch (ops[i]! >>> 28) {
      case KERNEL_OP_XOR:
        k.xor(dst, src, T);
        break;
      case KERNEL_OP_COPY:
        k.mul(dst, src, T, 1);
        break;
      case KERNEL_OP_SCALE:
        k.scale(dst, T, c);
        break;
      default:
        k.mulAdd(dst, src, T, c);
    }
  }
}

const runRows = [];
for (const T of [1280, 256]) {
  const ops = operationList(4096);
  for (const k of [simd, js]) {
    const setup = (): void => fill(k, SYMBOLS * T);
    runRows.push({
      name: `${k.backend} 4096 operations, T=${T}`,
      ours: { name: `${k.backend} run`, bytes: 4096 * T, setup, fn: () => k.run(ops, 0, T) },
      anchor: { name: `${k.backend} one call each`, bytes: 4096 * T, setup, fn: () => oneByOne(k, ops, T) },
    });
  }
}
await runBench('@proto/fec-kernel: run (ours) vs one call per operation (anchor), MB/s of symbol data', runRows);

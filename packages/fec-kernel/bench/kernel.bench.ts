// Kernel throughput: the WebAssembly SIMD128 backend against the TypeScript fallback, same process.
// Bytes are symbol bytes processed (for mulMatrix: rows × cols × T multiply-adds).
import { runBench, type BenchCase } from '@proto/bench';
import { createFecKernel, type FecKernel } from '@proto/fec-kernel';

const simd = createFecKernel({ backend: 'wasm-simd' });
const js = createFecKernel({ backend: 'js' });

function slabCase(k: FecKernel, name: string, T: number, count: number, op: 'mulAdd' | 'xor'): BenchCase {
  return {
    name: `${k.backend} ${name}`,
    bytes: T * count,
    setup: () => {
      k.reserve(2 * T * count);
      const s = k.slab();
      for (let i = 0; i < s.length; i++) s[i] = (i * 167) ^ (i >>> 9);
    },
    fn: () => {
      for (let j = 0; j < count; j++) {
        if (op === 'xor') k.xor(j * T, (count + j) * T, T);
        else k.mulAdd(j * T, (count + j) * T, T, 0x8e);
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

const rows = [
  { name: 'mulAdd T=1424 (64 symbols)', ours: slabCase(simd, 'mulAdd', 1424, 64, 'mulAdd'), anchor: slabCase(js, 'mulAdd', 1424, 64, 'mulAdd') },
  { name: 'mulAdd T=65536 (4 symbols)', ours: slabCase(simd, 'mulAdd', 65536, 4, 'mulAdd'), anchor: slabCase(js, 'mulAdd', 65536, 4, 'mulAdd') },
  { name: 'xor T=1424 (64 symbols)', ours: slabCase(simd, 'xor', 1424, 64, 'xor'), anchor: slabCase(js, 'xor', 1424, 64, 'xor') },
  { name: 'mulMatrix 8x64 T=1424', ours: matrixCase(simd, 8, 64, 1424), anchor: matrixCase(js, 8, 64, 1424) },
  { name: 'mulMatrix 16x64 T=1424', ours: matrixCase(simd, 16, 64, 1424), anchor: matrixCase(js, 16, 64, 1424) },
];

await runBench('@proto/fec-kernel: wasm-simd (ours) vs TypeScript fallback (anchor), MB/s of symbol data', rows);

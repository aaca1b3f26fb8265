// The full count behind the lean tests: decodes every erasure pattern of small codes and many random
// patterns for every m, both matrices, both GF(2^8) backends, and prints one line per configuration.
// Run: pnpm exec tsx --conditions=@proto/source packages/fec-rs/tools/erasure-sweep.ts
import { createReedSolomon, type Backend, type MatrixConvention } from '@proto/fec-rs';

let x = 0x2545f491;
const rand = (): number => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
};

function* keptSets(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (let i = start; i <= n - (k - prefix.length); i++) yield* keptSets(n, k, i + 1, [...prefix, i]);
}

const equal = (a: Uint8Array[], b: Uint8Array[]): boolean => a.length === b.length && a.every((s, i) => s.length === b[i]!.length && s.every((v, j) => v === b[i]![j]));

function run(m: number, k: number, n: number, T: number, matrix: MatrixConvention, backend: Backend, patterns: 'all' | number): void {
  const rs = createReedSolomon({ m, k, n, matrix, backend });
  const sources = Array.from({ length: k }, () => Uint8Array.from({ length: T }, () => rand() & 255));
  const all = [...sources, ...rs.encode(sources)].map((data, esi) => ({ esi, data }));
  let ok = 0;
  let tried = 0;
  const t0 = performance.now();
  const check = (kept: number[]): void => {
    tried++;
    if (equal(rs.decode(kept.map((i) => all[i]!)), sources)) ok++;
  };
  if (patterns === 'all') for (const kept of keptSets(n, k)) check(kept);
  else {
    for (let p = 0; p < patterns; p++) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rand() % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      check(order.slice(0, k));
    }
  }
  const ms = (performance.now() - t0).toFixed(0);
  console.log(`m=${m} k=${k} n=${n} T=${T} ${matrix} ${backend}: ${ok}/${tried} ${patterns === 'all' ? 'patterns (all)' : 'random patterns'} decoded, ${ms} ms`);
  if (ok !== tried) process.exitCode = 1;
}

for (const matrix of ['rfc5510', 'backblaze'] as const) {
  for (const backend of ['wasm-simd', 'js'] as const) run(8, 8, 16, 64, matrix, backend, 'all');
  run(4, 6, 15, 32, matrix, 'auto', 'all');
  for (let m = 2; m <= 16; m++) {
    const max = (1 << m) - 1;
    const k = Math.min(max - 1, 100);
    const n = Math.min(max, k + 40);
    const step = Array.from({ length: 16 }, (_, i) => i + 1).find((t) => (t * 8) % m === 0)!;
    run(m, k, n, step * 4, matrix, 'auto', 500);
  }
  run(8, 200, 255, 256, matrix, 'wasm-simd', 500);
  run(16, 1000, 1200, 64, matrix, 'auto', 50);
}

// Acceptance check 3 of the RaptorQ issue: decoding success from exactly K and K + 2 random
// symbols over >= 2000 trials for K in {10, 101, 1000, 8192}. Each trial receives the symbols of
// random ESIs among 0..2K+19 in random order (T = 4 bytes: the outcome depends only on the ESIs).
//
//   pnpm exec tsx --conditions=@proto/source bench/raptorq-statistics.ts [trials]
import { RaptorQBlockDecoder, RaptorQBlockEncoder } from '@proto/fec-raptorq';
import { decodingRates, type Coder } from '../test/support/statistics.js';

const trials = Number(process.argv[2] ?? 2000);
const raptorq: Coder = {
  encoder: (data, T) => new RaptorQBlockEncoder(data, T),
  decoder: (K, T) => new RaptorQBlockDecoder(K, T),
};
console.log(`| K | trials | decoded from K | decoded from K + 1 | decoded from K + 2 |`);
console.log(`|---|---|---|---|---|`);
for (const K of [10, 101, 1000, 8192]) {
  const r = decodingRates(raptorq, K, trials, [0, 1, 2], 20240601 + K);
  const pct = (s: number): string => `${((100 * s) / trials).toFixed(2)}% (${trials - s} failed)`;
  console.log(`| ${K} | ${trials} | ${pct(r.successes[0]!)} | ${pct(r.successes[1]!)} | ${pct(r.successes[2]!)} |`);
}

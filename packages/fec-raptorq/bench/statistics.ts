// Decoding statistics (acceptance checks 3 of the RaptorQ issue and 2 of the Raptor issue):
// success from exactly K, K + 1, K + 2 (RaptorQ) or K, K + 2, K + 5 (Raptor) random symbols over
// >= 2000 trials per K. Each trial receives the symbols of random ESIs among 0..2K+19 in random
// order (T = 4 bytes: the outcome depends only on the ESIs); the decoder tries from K symbols on.
//
//   pnpm exec tsx --conditions=@proto/source bench/statistics.ts [raptorq|raptor] [trials] [K,K,...]
import { Raptor10BlockDecoder, Raptor10BlockEncoder, RaptorQBlockDecoder, RaptorQBlockEncoder } from '@proto/fec-raptorq';
import { decodingRates, type Coder } from '../test/support/statistics.js';

const scheme = process.argv[2] ?? 'raptorq';
const trials = Number(process.argv[3] ?? 2000);
const raptorq: Coder = {
  encoder: (data, T) => new RaptorQBlockEncoder(data, T),
  decoder: (K, T) => new RaptorQBlockDecoder(K, T),
};
const raptor: Coder = {
  encoder: (data, T) => new Raptor10BlockEncoder(data, T),
  decoder: (K, T) => new Raptor10BlockDecoder(K, T, { firstAttemptOverhead: 0, maxExtraSymbols: 16 }),
};
const [coder, defaultSizes, extras] = scheme === 'raptor' ? [raptor, [10, 100, 1000, 8192], [0, 2, 5]] : [raptorq, [10, 101, 1000, 8192], [0, 1, 2]];
const sizes = process.argv[4] === undefined ? defaultSizes : process.argv[4].split(',').map(Number);
console.log(`${scheme}: ${trials} trials per K\n`);
console.log(`| K | ${extras.map((h) => `decoded from K${h === 0 ? '' : ` + ${h}`}`).join(' | ')} |`);
console.log(`|---|${extras.map(() => '---').join('|')}|`);
for (const K of sizes) {
  const r = decodingRates(coder, K, trials, extras, 20240601 + K);
  const pct = (s: number): string => `${((100 * s) / trials).toFixed(2)}% (${trials - s} failed)`;
  console.log(`| ${K} | ${r.successes.map(pct).join(' | ')} |`);
}

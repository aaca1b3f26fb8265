import { describe, expect, it } from 'vitest';
import { Raptor10BlockDecoder, Raptor10BlockEncoder } from '@proto/fec-raptorq';
import { decodingRates, type Coder } from './support/statistics.js';

// The lean version of the Raptor issue's check 2; bench/statistics.ts raptor runs >= 2000 trials
// per K (figures in the README). A binary code: each extra symbol roughly halves the failures.
const raptor: Coder = {
  encoder: (data, T) => new Raptor10BlockEncoder(data, T, { kernel: 'ts' }),
  decoder: (K, T) => new Raptor10BlockDecoder(K, T, { kernel: 'ts', firstAttemptOverhead: 0, maxExtraSymbols: 20 }),
};

describe('Raptor decoding probability from K, K + 5 and K + 10 symbols', () => {
  for (const [K, trials] of [
    [10, 600],
    [100, 200],
    [1000, 20],
  ] as const) {
    it(`K = ${K}: ${trials} random selections`, () => {
      const r = decodingRates(raptor, K, trials, [0, 5, 10], K * 104729);
      expect(r.successes[0]! / trials).toBeGreaterThan(0.1);
      expect(r.successes[1]! / trials).toBeGreaterThanOrEqual(0.85);
      expect(r.successes[2]! / trials).toBeGreaterThanOrEqual(0.97);
    });
  }
});

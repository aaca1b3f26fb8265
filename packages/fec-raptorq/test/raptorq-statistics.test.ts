import { describe, expect, it } from 'vitest';
import { RaptorQBlockDecoder, RaptorQBlockEncoder } from '@proto/fec-raptorq';
import { decodingRates, type Coder } from './support/statistics.js';

// The lean version of acceptance check 3: bench/statistics.ts runs >= 2000 trials for
// K = 10, 101, 1000 and 8192 (figures in the README). Fixed seeds keep this test deterministic.
const raptorq: Coder = {
  encoder: (data, T) => new RaptorQBlockEncoder(data, T, { kernel: 'ts' }),
  decoder: (K, T) => new RaptorQBlockDecoder(K, T, { kernel: 'ts' }),
};

describe('RaptorQ decoding probability (RFC 6330 §5.4.1: about 1 - 1/256^(h+1) after K + h symbols)', () => {
  for (const [K, trials] of [
    [10, 2000],
    [101, 600],
    [1000, 60],
  ] as const) {
    it(`K = ${K}: ${trials} random selections`, () => {
      const r = decodingRates(raptorq, K, trials, [0, 2], K * 7919);
      // At K the RFC's figure is 99.6%; allow a few failures in a small sample.
      expect(r.successes[0]! / trials).toBeGreaterThanOrEqual(0.97);
      expect(r.successes[1]).toBe(trials);
    });
  }
});

import { prng, xorshiftBytes } from './data.js';

/** A block coder pair under test: RaptorQ or Raptor. */
export interface Coder {
  encoder(data: Uint8Array, T: number): { symbol(esi: number): Uint8Array };
  decoder(K: number, T: number): { push(esi: number, symbol: Uint8Array): boolean; result(): Uint8Array | undefined };
}

/** Decoding success counts after exactly K + h received symbols, for each h in `extras`. */
export interface Rates {
  readonly K: number;
  readonly trials: number;
  /** successes[i]: trials decoded (with the right bytes) after K + extras[i] symbols. */
  readonly successes: number[];
  readonly extras: number[];
}

/**
 * Runs `trials` decodes of one block of K symbols of T bytes: each trial receives the symbols of a
 * random selection of ESIs among 0..2K+19 (sources and repairs alike), in random order, and
 * records after how many symbols the block decoded correctly.
 */
export function decodingRates(coder: Coder, K: number, trials: number, extras: number[], seed: number, T = 4, esiRange = 2 * K + 20): Rates {
  const data = xorshiftBytes(K * T, seed);
  const enc = coder.encoder(data, T);
  const symbols = Array.from({ length: esiRange }, (_, esi) => enc.symbol(esi));
  const rnd = prng(seed ^ 0x5bd1e995);
  const order = Array.from({ length: esiRange }, (_, i) => i);
  const successes = extras.map(() => 0);
  const maxExtra = Math.max(...extras);
  for (let t = 0; t < trials; t++) {
    // A fresh random selection: partial Fisher-Yates over the ESIs.
    for (let i = 0; i < K + maxExtra; i++) {
      const j = i + Math.floor(rnd() * (esiRange - i));
      const x = order[i]!;
      order[i] = order[j]!;
      order[j] = x;
    }
    const dec = coder.decoder(K, T);
    let doneAt = -1;
    for (let n = 0; n < K + maxExtra && doneAt < 0; n++) {
      if (dec.push(order[n]!, symbols[order[n]!]!)) doneAt = n + 1;
    }
    const out = dec.result();
    const right = out !== undefined && out.every((b, i) => b === data[i]);
    extras.forEach((h, i) => {
      if (right && doneAt >= 0 && doneAt <= K + h) successes[i]!++;
    });
  }
  return { K, trials, successes, extras };
}

import type { Random } from './random.js';

/** Decides, packet by packet, whether the network loses it. */
export interface LossModel {
  lose(rng: Random): boolean;
}

/** Independent (Bernoulli) loss with probability `p`. */
export function randomLoss(p: number): LossModel {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`loss probability must be 0..1, got ${p}`);
  return { lose: (rng) => p > 0 && rng.next() < p };
}

/** Parameters of the Gilbert-Elliott two-state burst loss channel. */
export interface GilbertElliottParameters {
  /** Probability of moving from the good to the bad state, per packet. */
  readonly goodToBad: number;
  /** Probability of moving from the bad to the good state, per packet (1 / mean burst length). */
  readonly badToGood: number;
  /** Loss probability in the good state (default 0). */
  readonly lossInGood?: number;
  /** Loss probability in the bad state (default 1). */
  readonly lossInBad?: number;
}

/**
 * Gilbert-Elliott burst loss: a two-state Markov chain, losing with `lossInGood` in the good state and
 * `lossInBad` in the bad one. Mean loss = (goodToBad·lossInBad + badToGood·lossInGood) / (goodToBad + badToGood).
 */
export class GilbertElliott implements LossModel {
  #bad = false;
  readonly #p: Required<GilbertElliottParameters>;
  constructor(p: GilbertElliottParameters) {
    this.#p = { lossInGood: 0, lossInBad: 1, ...p };
    for (const [k, v] of Object.entries(this.#p)) if (!(v >= 0 && v <= 1)) throw new RangeError(`${k} must be 0..1, got ${v}`);
  }
  /** Long-run loss rate. */
  get meanLoss(): number {
    const { goodToBad: a, badToGood: b, lossInGood: g, lossInBad: h } = this.#p;
    return a + b === 0 ? g : (a * h + b * g) / (a + b);
  }
  lose(rng: Random): boolean {
    this.#bad = this.#bad ? rng.next() >= this.#p.badToGood : rng.next() < this.#p.goodToBad;
    return rng.next() < (this.#bad ? this.#p.lossInBad : this.#p.lossInGood);
  }
}

/** Loses exactly the packets whose 0-based send index `drop(index)` says (deterministic tests). */
export function patternLoss(drop: (index: number) => boolean): LossModel {
  let i = 0;
  return { lose: () => drop(i++) };
}

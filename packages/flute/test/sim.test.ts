import { describe, expect, it } from 'vitest';
import { GilbertElliott, Random, SimulatedLink, patternLoss, randomLoss } from '../src/sim/index.js';

function pass(link: SimulatedLink, count: number, spacingMs = 1): { index: number; at: number }[] {
  const got: { index: number; at: number }[] = [];
  for (let i = 0; i < count; i++) link.send(Uint8Array.of(i & 255, i >> 8, i >> 16), i * spacingMs);
  link.deliver(Infinity, (d, at) => got.push({ index: d[0]! | (d[1]! << 8) | (d[2]! << 16), at }));
  return got;
}

describe('simulated network', () => {
  it('loses about p of the packets at random, reproducibly from the seed', () => {
    const a = pass(new SimulatedLink({ loss: randomLoss(0.1), seed: 5 }), 50_000);
    expect(a.length / 50_000).toBeGreaterThan(0.88);
    expect(a.length / 50_000).toBeLessThan(0.92);
    const b = pass(new SimulatedLink({ loss: randomLoss(0.1), seed: 5 }), 50_000);
    expect(b).toEqual(a);
  });

  it('Gilbert-Elliott loses in bursts at its stationary rate', () => {
    const ge = new GilbertElliott({ goodToBad: 0.01, badToGood: 0.25 });
    expect(ge.meanLoss).toBeCloseTo(0.01 / 0.26, 6);
    const rng = new Random(3);
    let lost = 0;
    let bursts = 0;
    let prev = false;
    for (let i = 0; i < 100_000; i++) {
      const l = ge.lose(rng);
      if (l) lost++;
      if (l && !prev) bursts++;
      prev = l;
    }
    expect(lost / 100_000).toBeGreaterThan(0.03);
    expect(lost / 100_000).toBeLessThan(0.047);
    // Mean burst length 1 / badToGood = 4, far above the ~1.04 of independent loss at that rate.
    expect(lost / bursts).toBeGreaterThan(3);
  });

  it('duplicates, reorders and delays', () => {
    const link = new SimulatedLink({ duplicate: 0.1, reorder: 0.2, reorderDelayMs: 10, delayMs: 50, jitterMs: 2, seed: 9 });
    const got = pass(link, 10_000);
    expect(link.stats.duplicated).toBeGreaterThan(800);
    expect(got.length).toBe(10_000 + link.stats.duplicated);
    let inversions = 0;
    for (let i = 1; i < got.length; i++) if (got[i]!.index < got[i - 1]!.index) inversions++;
    expect(inversions).toBeGreaterThan(1000);
    expect(got.every((g) => g.at >= g.index + 50)).toBe(true);
    for (let i = 1; i < got.length; i++) expect(got[i]!.at).toBeGreaterThanOrEqual(got[i - 1]!.at);
  });

  it('pattern loss drops exactly the chosen packets; capacity bounds what is in flight', () => {
    const got = pass(new SimulatedLink({ loss: patternLoss((i) => i % 3 === 0) }), 30);
    expect(got.map((g) => g.index)).toEqual([...Array(30).keys()].filter((i) => i % 3 !== 0));
    const small = new SimulatedLink({ capacity: 5, delayMs: 100 });
    for (let i = 0; i < 10; i++) small.send(new Uint8Array(1), 0);
    expect(small.inFlight).toBe(5);
    expect(small.stats.overflow).toBe(5);
  });
});

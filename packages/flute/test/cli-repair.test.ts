// Repair planning of `flute send --design-loss`, and the command-line value parsers.
import { describe, expect, it } from 'vitest';
import { decodeAlcPacket } from '@proto/lct';
import { FluteReceiver, FluteSender, Random, randomLoss } from '@proto/flute';
import { UsageError, bitrate, bytes, fecId, formatBytes, formatRate, fraction, int, repair, seconds } from '../src/cli/args.js';
import { lossTail, plannedRepair, receptionOverhead } from '../src/cli/repair.js';
import { randomBytes } from './support/harness.js';

describe('loss tail and planned repair', () => {
  it('computes binomial tails', () => {
    expect(lossTail(2, 1, 0.1)).toBeCloseTo(0.01, 12);
    // P(more than 2 of 10 lost at 10%) = 1 − (0.9^10 + 10·0.1·0.9^9 + 45·0.01·0.9^8)
    expect(lossTail(10, 2, 0.1)).toBeCloseTo(1 - (0.9 ** 10 + 0.9 ** 9 + 45 * 0.01 * 0.9 ** 8), 12);
    expect(lossTail(10, 10, 0.5)).toBe(0);
    expect(lossTail(10, -1, 0.5)).toBe(1);
    expect(lossTail(10, 3, 0)).toBe(0);
    expect(lossTail(60_000, 7_000, 0.1)).toBeLessThan(1e-30);
  });

  it('gives small blocks more than the percentage and large blocks exactly the percentage', () => {
    const plan = (k: number, overhead: number): number => plannedRepair(k, 0.1, { floor: Math.ceil(k * 0.15), overhead });
    expect(plan(1, 0)).toBe(6);
    expect(plan(1, 2)).toBe(9);
    expect(plan(5892, 2)).toBe(884);
    for (const k of [1, 3, 10, 64, 300]) {
      const r = plan(k, 2);
      expect(lossTail(k + r, r - 2, 0.1)).toBeLessThanOrEqual(1e-6);
      if (r > Math.ceil(k * 0.15)) expect(lossTail(k + r - 1, r - 3, 0.1)).toBeGreaterThan(1e-6);
    }
    expect(plannedRepair(64, 0.7, { floor: 0, overhead: 0, max: 191 })).toBe(191);
    expect(receptionOverhead(6)).toBe(2);
    expect(receptionOverhead(5)).toBe(0);
  });

  it('a planned RS(5) block survives 10% loss where the bare percentage often does not', () => {
    // 200 one-block objects of 3 symbols through 10% loss: 15% (one repair symbol) vs the plan.
    const deliver = (repairSymbols: number): number => {
      const sender = new FluteSender({ tsi: 1, fec: { encodingId: 5, symbolLength: 100, maxSourceBlockLength: 3, repair: { symbols: repairSymbols } } });
      const receiver = new FluteReceiver();
      let got = 0;
      receiver.on('object-completed', () => got++);
      const loss = randomLoss(0.1);
      const rng = new Random(42);
      for (let i = 0; i < 200; i++) sender.addObject({ source: randomBytes(300, i + 1), contentLocation: `o${i}` });
      for (let now = 0, guard = 0; guard < 100_000 && !sender.idle; guard++) {
        const d = sender.poll(now);
        if (d === undefined) {
          now = Math.max(now + 1, sender.nextDeadline());
          continue;
        }
        // The FDT gets through (this is about object blocks); everything else meets the loss.
        if (decodeAlcPacket(d).header.toi === 0n || !loss.lose(rng)) receiver.push(d, now);
      }
      return got;
    };
    const planned = plannedRepair(3, 0.1, { floor: 1, overhead: receptionOverhead(5) });
    expect(deliver(planned)).toBe(200);
    expect(deliver(1)).toBeLessThan(200);
  });
});

describe('command-line values', () => {
  it('parses and refuses with the option name', () => {
    expect(int('n', '42', 0)).toBe(42);
    expect(int('n', undefined, 7)).toBe(7);
    expect(() => int('n', '4x', 0)).toThrow(new UsageError('--n: expected an integer 0..9007199254740991, got "4x"'));
    expect(bitrate('b', '30M', 0)).toBe(30e6);
    expect(bitrate('b', '1.5G', 0)).toBe(1.5e9);
    expect(bitrate('b', '800kbit/s', 0)).toBe(800e3);
    expect(bitrate('b', 'max', 0)).toBe(Infinity);
    expect(() => bitrate('b', 'fast', 0)).toThrow(UsageError);
    expect(bytes('s', '64MiB', 0)).toBe(64 << 20);
    expect(bytes('s', '1.5k', 0)).toBe(1536);
    expect(bytes('s', '2MB', 0)).toBe(2e6);
    expect(() => bytes('s', '2 parsecs', 0)).toThrow(UsageError);
    expect(repair('r', '15%')).toEqual({ percent: 15 });
    expect(repair('r', '8')).toEqual({ symbols: 8 });
    expect(() => repair('r', '-1')).toThrow(UsageError);
    expect(fraction('f', '10%')).toBeCloseTo(0.1, 12);
    expect(fraction('f', '0.25')).toBe(0.25);
    expect(() => fraction('f', '1.5')).toThrow(UsageError);
    expect(seconds('t', '2.5', 0)).toBe(2500);
    expect([fecId('f', 'raptorq', 0), fecId('f', 'no-code', 5), fecId('f', 'rs', 0), fecId('f', '129', 0)]).toEqual([6, 0, 5, 129]);
    expect(() => fecId('f', 'turbo', 0)).toThrow(UsageError);
    expect([formatBytes(1000), formatBytes(1536), formatBytes(300_000), formatBytes(8 << 20)]).toEqual(['1000 B', '1.50 KiB', '293.0 KiB', '8.00 MiB']);
    expect([formatRate(Infinity), formatRate(30e6), formatRate(1.5e9), formatRate(800)]).toEqual(['unpaced', '30.0 Mbit/s', '1.50 Gbit/s', '0.8 kbit/s']);
  });
});

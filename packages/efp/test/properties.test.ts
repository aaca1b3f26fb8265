import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EfpReceiver, EfpSender, type EfpReceiverStats, type Superframe } from '@proto/efp';
import { xorshiftBytes } from './helpers.js';

const DROP_COUNTERS: (keyof EfpReceiverStats)[] = [
  'accepted', 'type0', 'duplicate', 'tooOld', 'slotBusy', 'inconsistent', 'truncated', 'malformed', 'unknownType', 'overLimit',
];

function checkStats(r: EfpReceiver): void {
  const sum = DROP_COUNTERS.reduce((n, k) => n + r.stats[k], 0);
  expect(sum).toBe(r.stats.packets);
}

describe('EfpReceiver properties', () => {
  it('arbitrary bytes never throw out of push, and every packet is counted once', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 60 }), fc.integer({ min: 0, max: 1000 }), (packets, step) => {
        const r = new EfpReceiver({ maxBufferedBytes: 1 << 20, holTimeoutMs: step % 2 === 0 ? 0 : 10 });
        let now = 0;
        for (const p of packets) {
          r.push(p, now);
          r.poll(now);
          now += step % 50;
          expect(r.bufferedBytes).toBeLessThanOrEqual(1 << 20);
        }
        r.poll(Number.MAX_SAFE_INTEGER);
        expect(r.framesInFlight).toBe(0);
        expect(r.bufferedBytes).toBe(0);
        checkStats(r);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated real packets never throw, stay within the memory bound and drain completely', () => {
    const sender = new EfpSender({ mtu: 300 });
    const base = [0, 10, 268, 269, 292, 600, 877, 3000].flatMap((size, i) => sender.pack(xorshiftBytes(size, i + 1), { streamId: 1, pts: i }));
    const mutation = fc.record({ packet: fc.nat(base.length - 1), at: fc.nat(40), value: fc.integer({ min: 0, max: 255 }), cut: fc.nat(320) });
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 80 }), (muts) => {
        const r = new EfpReceiver({ maxBufferedBytes: 256 * 1024, maxFrameSize: 128 * 1024 });
        let now = 0;
        for (const m of muts) {
          const p = base[m.packet]!.slice(0, m.cut);
          if (m.at < p.length) p[m.at] = m.value;
          r.push(p, now++);
          for (const f of r.poll(now)) expect(f.data.length).toBe(f.size);
        }
        r.poll(Number.MAX_SAFE_INTEGER);
        expect(r.bufferedBytes).toBe(0);
        checkStats(r);
      }),
      { numRuns: 300 },
    );
  });

  it('random sizes with random loss, duplication and reordering: complete frames arrive intact, the others broken or not at all', () => {
    const scenario = fc.record({
      mtu: fc.integer({ min: 255, max: 2000 }),
      sizes: fc.array(fc.integer({ min: 0, max: 12_000 }), { minLength: 1, maxLength: 25 }),
      loss: fc.double({ min: 0, max: 0.2, noNaN: true }),
      dup: fc.double({ min: 0, max: 0.2, noNaN: true }),
      window: fc.integer({ min: 1, max: 40 }),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      hol: fc.boolean(),
      sfn: fc.integer({ min: 0, max: 0xffff }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        let x = s.seed;
        const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) >>> 8) / (1 << 24);
        const sender = new EfpSender({ mtu: s.mtu, superFrameNo: s.sfn });
        const frames = s.sizes.map((size, i) => {
          const payload = xorshiftBytes(size, s.seed + i);
          const packets = sender.pack(payload, { streamId: 1 + (i % 3), pts: i });
          return { payload, packets, arrived: new Set<number>() };
        });
        // The network: loss, duplication, then reordering within a sliding window.
        const wire: { frame: number; index: number; bytes: Uint8Array }[] = [];
        frames.forEach((f, fi) =>
          f.packets.forEach((bytes, index) => {
            if (rnd() < s.loss) return;
            wire.push({ frame: fi, index, bytes });
            if (rnd() < s.dup) wire.push({ frame: fi, index, bytes });
          }),
        );
        for (let i = wire.length - 1; i > 0; i--) {
          const j = Math.max(0, i - Math.floor(rnd() * s.window));
          [wire[i], wire[j]] = [wire[j]!, wire[i]!];
        }
        const r = new EfpReceiver({ timeoutMs: 100, holTimeoutMs: s.hol ? 20 : 0 });
        const got: Superframe[] = [];
        for (const w of wire) {
          r.push(w.bytes, 0);
          frames[w.frame]!.arrived.add(w.index);
          if (!s.hol) got.push(...r.poll(0));
        }
        got.push(...r.poll(1000));
        const byPts = new Map(got.map((f) => [Number(f.pts), f]));
        expect(r.framesInFlight).toBe(0);
        frames.forEach((f, i) => {
          const complete = f.arrived.size === f.packets.length;
          const lastArrived = f.arrived.has(f.packets.length - 1);
          const delivered = lastArrived ? byPts.get(i) : got.find((g) => g.superFrameNo === ((s.sfn + i) & 0xffff));
          if (complete) {
            expect(delivered?.broken).toBe(false);
            expect(Buffer.compare(delivered!.data, f.payload)).toBe(0);
          } else if (f.arrived.size > 0) {
            expect(delivered?.broken).toBe(true);
          } else {
            expect(delivered).toBeUndefined();
          }
        });
        expect(got.length).toBe(frames.filter((f) => f.arrived.size > 0).length);
        if (s.hol) {
          const order = got.map((f) => (f.superFrameNo - s.sfn) & 0xffff);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
        checkStats(r);
      }),
      { numRuns: 150 },
    );
  });
});

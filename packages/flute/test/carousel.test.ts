import { describe, expect, it } from 'vitest';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { capture } from './support/capture.js';
import { Recorder, T0, expectBytes, randomBytes, run, setup } from './support/harness.js';

function objectStarts(seen: ReturnType<typeof capture>, toi: bigint): number[] {
  // A transfer starts at ESI 0 of SBN 0.
  return seen.filter((s) => s.packet.header.toi === toi && s.packet.payloadId.sbn === 0 && s.packet.payloadId.esi === 0).map((s) => s.at - T0);
}

describe('transfers, carousel and target acquisition', () => {
  it('repeated transfers with DelayBetweenTransfers; the receiver delivers once', async () => {
    const p = setup();
    const seen = capture(p.link);
    const ends: number[] = [];
    p.sender.on('transfer-end', () => ends.push(p.clock.now - T0));
    const data = randomBytes(50_000);
    const toi = p.sender.addObject({ source: data, contentLocation: 'c', maxTransfers: 3, carousel: { mode: 'delay', ms: 2000 }, target: { mode: 'within', ms: 1000 } });
    await run(p, () => p.sender.idle, 60_000);
    const starts = objectStarts(seen, toi);
    expect(starts).toHaveLength(3);
    expect(starts[1]! - ends[0]!).toBe(2000);
    expect(starts[2]! - ends[1]!).toBe(2000);
    expect(p.rec.completed).toHaveLength(1);
    expect(p.receiver.stats.redundant).toBeGreaterThan(0);
  });

  it('IntervalBetweenStartTimes keeps start times regular', async () => {
    const p = setup();
    const seen = capture(p.link);
    const toi = p.sender.addObject({ source: randomBytes(50_000), contentLocation: 'c', maxTransfers: 3, carousel: { mode: 'interval', ms: 3000 }, target: { mode: 'within', ms: 1000 } });
    await run(p, () => p.sender.idle, 60_000);
    const starts = objectStarts(seen, toi);
    expect(starts.map((s) => s - starts[0]!)).toEqual([0, 3000, 6000]);
  });

  it('receives again on demand, and when the FDT says the object changed', async () => {
    const p = setup();
    const data = randomBytes(10_000);
    p.sender.addObject({ source: data, contentLocation: 'again', maxTransfers: 3, carousel: { mode: 'delay', ms: 1000 } });
    await run(p, () => p.rec.completed.length === 1);
    p.receiver.receiveAgain(1n);
    await run(p, () => p.rec.completed.length === 2);
    expect(p.rec.completed).toHaveLength(2);
    expectBytes(p.rec.completed[1]!.data, data);
  });

  it('target acquisition: within a duration and by a time, repair symbols included', async () => {
    const p = setup({ sender: { fec: { encodingId: 5, maxSourceBlockLength: 50, repair: { percent: 20 } } } });
    const seen = capture(p.link);
    const a = p.sender.addObject({ source: randomBytes(100_000, 1), contentLocation: 'within', target: { mode: 'within', ms: 5000 } });
    await run(p, () => p.sender.idle);
    const pa = seen.filter((s) => s.packet.header.toi === a);
    // 71 source symbols in blocks of 36 and 35, max_n = 60 for B = 50: floor(36·60/50) + floor(35·60/50) packets.
    expect(pa).toHaveLength(43 + 42);
    expect(pa.at(-1)!.at - pa[0]!.at).toBeLessThanOrEqual(5000);
    expect(pa.at(-1)!.at - pa[0]!.at).toBeGreaterThan(4800);
    const deadline = p.clock.now + 8000;
    const b = p.sender.addObject({ source: randomBytes(100_000, 2), contentLocation: 'by', target: { mode: 'by', time: deadline } });
    await run(p, () => p.sender.idle);
    expect(p.rec.completed).toHaveLength(2);
    const pb = seen.filter((s) => s.packet.header.toi === b);
    expect(pb.at(-1)!.at).toBeLessThanOrEqual(deadline);
    expect(pb.at(-1)!.at).toBeGreaterThan(deadline - 300);
  });

  it('removeObject cuts an in-flight transfer with the B flag; the receiver reports it interrupted', async () => {
    const p = setup();
    const seen = capture(p.link);
    const done: { removed: boolean }[] = [];
    p.sender.on('object-done', (e) => done.push(e));
    const toi = p.sender.addObject({ source: randomBytes(200_000), contentLocation: 'cut', target: { mode: 'within', ms: 2000 } });
    await run(p, () => seen.filter((s) => s.packet.header.toi === toi).length >= 20);
    expect(p.sender.removeObject(toi)).toBe(true);
    expect(p.sender.removeObject(toi)).toBe(false);
    await run(p, () => p.rec.interrupted.length === 1, 10_000);
    const pk = seen.filter((s) => s.packet.header.toi === toi);
    expect(pk.at(-1)!.packet.header.closeObject).toBe(true);
    expect(pk.filter((s) => s.packet.header.closeObject)).toHaveLength(1);
    expect(pk.length).toBeLessThan(100);
    expect(done).toEqual([{ toi, transfers: 1, removed: true }]);
    expect(p.rec.completed).toHaveLength(0);
    expect(p.rec.interrupted[0]!.toi).toBe(toi);
    // The object times out later and its memory is freed.
    await run(p, () => p.rec.failed.length === 1, 20_000);
    expect(p.rec.failed[0]!.reason).toBe('timeout');
    expect(p.receiver.memory).toBe(0);
  });

  it('a B flag overtaken by reordering does not kill an object that still completes', async () => {
    const p = setup({ link: { reorder: 0.3, reorderDelayMs: 20, seed: 4 } });
    const data = randomBytes(60_000);
    p.sender.addObject({ source: data, contentLocation: 'reordered' });
    // One packet per ms so that reordering moves packets past the last one.
    await run(p, () => p.rec.completed.length === 1, 10_000, 1);
    expectBytes(p.rec.completed[0]!.data, data);
    expect(p.rec.interrupted).toHaveLength(0);
    expect(p.rec.failed).toHaveLength(0);
  });

  it('late join with a carousel: a receiver that misses the start gets the object from the next round', async () => {
    const p = setup();
    const late = new FluteReceiver();
    const lateRec = new Recorder(late);
    const joinAt = T0 + 600;
    const lateView = { push: (d: Uint8Array, now: number, from?: string) => now >= joinAt && late.push(d, now, from), cleanup: (n: number) => late.cleanup(n), nextDeadline: () => late.nextDeadline() };
    const data = randomBytes(300_000);
    p.sender.addObject({ source: data, contentLocation: 'carousel', maxTransfers: Infinity, carousel: { mode: 'delay', ms: 500 }, target: { mode: 'within', ms: 1000 } });
    await run({ ...p, receiver: [p.receiver, lateView as unknown as FluteReceiver] }, () => lateRec.completed.length === 1, 10_000);
    expectBytes(lateRec.completed[0]!.data, data);
    expect(p.rec.completed).toHaveLength(1);
  });

  it('close() sends the close-session packet; the receiver closes the session', async () => {
    const p = setup();
    p.sender.addObject({ source: randomBytes(1000), contentLocation: 'x' });
    await run(p, () => p.rec.completed.length === 1);
    p.sender.close();
    await run(p, () => p.rec.sessionsClosed.length === 1, 5_000);
    expect(p.sender.closed).toBe(true);
    expect(p.rec.sessionsClosed[0]!.reason).toBe('close-flag');
    expect(p.receiver.sessions()).toHaveLength(0);
    expect(p.sender.poll(p.clock.now)).toBeUndefined();
    expect(() => p.sender.addObject({ source: randomBytes(1), contentLocation: 'y' })).toThrow(RangeError);
  });

  it('cache-control: no-cache is delivered on every round, max-stale once; both reach the metadata', async () => {
    const p = setup();
    p.sender.addObject({ source: randomBytes(2000, 1), contentLocation: 'volatile', cacheControl: 'no-cache', maxTransfers: 3, carousel: { mode: 'delay', ms: 500 } });
    p.sender.addObject({ source: randomBytes(2000, 2), contentLocation: 'stable', cacheControl: 'max-stale', maxTransfers: 3, carousel: { mode: 'delay', ms: 500 } });
    const expires = T0 + 86_400_000;
    p.sender.addObject({ source: randomBytes(2000, 3), contentLocation: 'dated', cacheControl: { expires }, maxTransfers: 3, carousel: { mode: 'delay', ms: 500 } });
    await run(p, () => p.sender.idle, 20_000);
    const count = (loc: string): number => p.rec.completed.filter((c) => c.meta.contentLocation === loc).length;
    expect(count('volatile')).toBe(3);
    expect(count('stable')).toBe(1);
    expect(count('dated')).toBe(1);
    expect(p.rec.completed.find((c) => c.meta.contentLocation === 'volatile')!.meta.cacheControl).toEqual({ directive: 'no-cache' });
    expect(p.rec.completed.find((c) => c.meta.contentLocation === 'dated')!.meta.cacheControl).toEqual({ directive: 'expires', expiresMs: Math.floor(expires / 1000) * 1000 });
  });

  it('groups and ETag reach the metadata', async () => {
    const p = setup();
    p.sender.addObject({ source: randomBytes(100), contentLocation: 'g', groups: ['news', 'sports'], etag: '"v1"' });
    await run(p, () => p.rec.completed.length === 1);
    expect(p.rec.completed[0]!.meta.groups).toEqual(['news', 'sports']);
    expect(p.rec.completed[0]!.meta.etag).toBe('"v1"');
  });
});

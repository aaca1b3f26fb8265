// What FDT instances list over a session's life (FullFDT keeps finished objects listed, within
// fdt.keepFinished), when they may say Complete="true", and when the FDT carousel stops.
import { describe, expect, it } from 'vitest';
import { decodeAlcPacket, findExtension, HET_FDT } from '@proto/lct';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { FluteSender } from '../src/sender/sender.js';
import type { FluteSenderOptions } from '../src/sender/options.js';
import { streamSource } from '../src/source.js';
import { Recorder, T0, randomBytes } from './support/harness.js';

interface Sent {
  readonly at: number;
  readonly datagram: Uint8Array;
  readonly fdtId: number | undefined;
}

/**
 * Drives a sender sans-IO from `start` until it has nothing to do (nextDeadline Infinity) or `until`,
 * every datagram to `rx`. A deadline that has come while poll returns nothing is a bug: it throws.
 */
function drive(sender: FluteSender, rx: FluteReceiver | undefined, start: number, until: number): { sent: Sent[]; end: number } {
  const sent: Sent[] = [];
  let now = start;
  for (;;) {
    const d = sender.poll(now);
    if (d !== undefined) {
      const packet = decodeAlcPacket(d);
      sent.push({ at: now, datagram: d, fdtId: packet.header.toi === 0n ? findExtension(packet.header.extensions, HET_FDT)?.fdtInstanceId : undefined });
      rx?.push(d, now, '10.0.0.1:4000');
      continue;
    }
    const next = sender.nextDeadline();
    if (next === Infinity || next > until) return { sent, end: now };
    if (next <= now) throw new Error(`nextDeadline ${next - T0} is due at ${now - T0} but poll has nothing to send`);
    now = next;
  }
}

/** {@link drive}, letting a sender that waits for its asynchronous source read (a few event-loop turns). */
async function driveAsync(sender: FluteSender, rx: FluteReceiver | undefined, start: number, until: number): Promise<{ sent: Sent[]; end: number }> {
  const sent: Sent[] = [];
  let now = start;
  for (let turns = 0; turns < 1000; turns++) {
    const r = drive(sender, rx, now, until);
    sent.push(...r.sent);
    now = r.end;
    if (!sender.waitingForData) return { sent, end: now };
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('the sender kept waiting for its source');
}

function pair(options: Partial<FluteSenderOptions> = {}): { sender: FluteSender; rx: FluteReceiver; rec: Recorder } {
  const sender = new FluteSender({ tsi: 1, ...options });
  const rx = new FluteReceiver();
  return { sender, rx, rec: new Recorder(rx) };
}

/** Content-Locations of each FDT instance the receiver applied. */
const listings = (rec: Recorder): string[][] => rec.fdts.map((f) => f.instance.files.map((x) => x.contentLocation));
const last = <T>(a: readonly T[]): T => a[a.length - 1]!;

describe('FullFDT listing of finished objects (fdt.keepFinished)', () => {
  it('keeps finished objects listed by default: every instance lists the whole session', () => {
    const { sender, rx, rec } = pair();
    let now = T0;
    for (let i = 0; i < 3; i++) {
      sender.addObject({ source: randomBytes(2000, i), contentLocation: `f${i}` });
      now = drive(sender, rx, now, now + 60_000).end + 10;
      expect(rec.completed).toHaveLength(i + 1);
    }
    expect(listings(rec)).toEqual([['f0'], ['f0', 'f1'], ['f0', 'f1', 'f2']]);
    expect(rec.fdts.every((f) => f.instance.fullFdt === true)).toBe(true);
  });

  it('drops the oldest finished objects beyond keepFinished; 0 drops them at once (the old behaviour)', () => {
    for (const [keepFinished, expected] of [
      [2, [['g0'], ['g0', 'g1'], ['g0', 'g1', 'g2'], ['g1', 'g2', 'g3']]],
      [0, [['g0'], ['g1'], ['g2'], ['g3']]],
    ] as const) {
      const { sender, rx, rec } = pair({ fdt: { keepFinished } });
      let now = T0;
      for (let i = 0; i < 4; i++) {
        sender.addObject({ source: randomBytes(1000, i), contentLocation: `g${i}` });
        now = drive(sender, rx, now, now + 60_000).end + 10;
      }
      expect(rec.completed).toHaveLength(4);
      expect(listings(rec)).toEqual(expected);
    }
  });

  it('refuses a keepFinished that is not a count', () => {
    for (const keepFinished of [-1, 1.5, Number.NaN]) expect(() => new FluteSender({ tsi: 1, fdt: { keepFinished } })).toThrow(RangeError);
    expect(() => new FluteSender({ tsi: 1, fdt: { keepFinished: Infinity } })).not.toThrow();
  });

  it('unlists a finished object once its announcing instance has expired', () => {
    // Expires = 10 s after each publication; a carouselled object keeps the FDT going meanwhile.
    const { sender, rx, rec } = pair({ fdt: { durationMs: 10_000, carousel: { mode: 'delay', ms: 1000 } } });
    sender.addObject({ source: randomBytes(1000, 1), contentLocation: 'loop', maxTransfers: Infinity, carousel: { mode: 'delay', ms: 500 } });
    sender.addObject({ source: randomBytes(1000, 2), contentLocation: 'once' });
    let finishedBefore = -1;
    sender.on('object-done', () => (finishedBefore = rec.fdts.length));
    const { sent } = drive(sender, rx, T0, T0 + 40_000);
    expect(finishedBefore).toBeGreaterThan(0);
    const seen = listings(rec);
    expect(seen[0]).toEqual(['loop', 'once']);
    expect(last(seen)).toEqual(['loop']);
    const sentAt = (id: number): number => sent.find((x) => x.fdtId === id)!.at;
    // Instances published after it finished (the re-publication before Expires) still list it…
    const after = rec.fdts.slice(finishedBefore);
    expect(after[0]!.instance.files.map((f) => f.contentLocation)).toEqual(['loop', 'once']);
    // …until the instance current when it finished has expired (published at T0, Expires T0 + 10 s).
    const dropped = after.find((f) => f.instance.files.length === 1)!;
    expect(sentAt(dropped.instanceId)).toBeGreaterThanOrEqual(T0 + 10_000);
    expect(sentAt(dropped.instanceId)).toBeLessThan(T0 + 12_000);
    expect(rx.stats.dropped['fdt-expired']).toBe(0);
  });

  it('removeObject unlists a finished object (once), and a fixed TOI reuses a finished one by replacing it', () => {
    const { sender, rx, rec } = pair();
    const a = sender.addObject({ source: randomBytes(1000, 1), contentLocation: 'a' });
    const b = sender.addObject({ source: randomBytes(1000, 2), contentLocation: 'b' });
    let now = drive(sender, rx, T0, T0 + 60_000).end + 10;
    expect(rec.completed).toHaveLength(2);
    expect(sender.removeObject(a)).toBe(true);
    expect(sender.removeObject(a)).toBe(false);
    // An allocated TOI never collides with a finished object still listed.
    const c = sender.addObject({ source: randomBytes(1000, 3), contentLocation: 'c' });
    expect([a, b]).not.toContain(c);
    now = drive(sender, rx, now, now + 60_000).end + 10;
    expect(last(listings(rec))).toEqual(['b', 'c']);
    sender.addObject({ source: randomBytes(1000, 4), contentLocation: 'b2', toi: b });
    drive(sender, rx, now, now + 60_000);
    expect(last(listings(rec))).toEqual(['c', 'b2']);
    expect(rec.fdts.at(-1)!.instance.files.find((f) => f.contentLocation === 'b2')!.toi).toBe(b);
  });

  it('objects-being-transferred mode is unchanged: an instance lists only the objects being sent', () => {
    const { sender, rx, rec } = pair({ fdt: { publishMode: 'objects-being-transferred', keepFinished: 1024 } });
    let now = T0;
    for (let i = 0; i < 3; i++) {
      sender.addObject({ source: randomBytes(1000, i), contentLocation: `o${i}` });
      now = drive(sender, rx, now, now + 60_000).end + 10;
    }
    expect(rec.completed).toHaveLength(3);
    expect(listings(rec)).toEqual([['o0'], ['o1'], ['o2']]);
    expect(rec.fdts.some((f) => f.instance.fullFdt === true)).toBe(false);
  });
});

describe('Complete="true" and setComplete()', () => {
  it('is written when every object of the session is listed, finished ones included', () => {
    const { sender, rx, rec } = pair();
    sender.addObject({ source: randomBytes(1000, 1), contentLocation: 'a' });
    let now = drive(sender, rx, T0, T0 + 60_000).end + 10;
    sender.addObject({ source: randomBytes(1000, 2), contentLocation: 'b' });
    sender.setComplete();
    now = drive(sender, rx, now, now + 60_000).end;
    const complete = rec.fdts.filter((f) => f.instance.complete === true);
    expect(complete.length).toBeGreaterThan(0);
    for (const f of complete) expect(f.instance.files.map((x) => x.contentLocation)).toEqual(['a', 'b']);
    expect(rx.sessions()[0]!.complete).toBe(true);
  });

  it('is not written once a finished object was dropped from the listing, nor while an object is being measured', async () => {
    const { sender, rx, rec } = pair({ fdt: { keepFinished: 1 } });
    let now = T0;
    for (const loc of ['a', 'b']) {
      sender.addObject({ source: randomBytes(1000, loc.length), contentLocation: loc });
      now = drive(sender, rx, now, now + 60_000).end + 10;
    }
    // 'a' was pushed out by 'b': no instance may claim to list the whole session any more.
    sender.addObject({ source: randomBytes(1000, 3), contentLocation: 'c' });
    sender.setComplete();
    now = drive(sender, rx, now, now + 60_000).end + 10;
    expect(last(listings(rec))).toEqual(['b', 'c']);
    expect(rec.fdts.some((f) => f.instance.complete === true)).toBe(false);

    // A stream being measured is not listed yet: Complete waits for it.
    const q = pair();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<Uint8Array> {
      await gate;
      yield randomBytes(3000, 9);
    }
    q.sender.addObject({ source: randomBytes(1000, 1), contentLocation: 'ready' });
    q.sender.addObject({ source: streamSource(slow), contentLocation: 'measured' });
    q.sender.setComplete();
    now = drive(q.sender, q.rx, T0, T0 + 5_000).end;
    expect(q.rec.fdts.length).toBeGreaterThan(0);
    expect(q.rec.fdts.some((f) => f.instance.complete === true)).toBe(false);
    release();
    await new Promise<void>((r) => q.sender.once('object-ready', () => r()));
    await driveAsync(q.sender, q.rx, now + 10, now + 60_000);
    expect(q.rec.completed.map((c) => c.meta.contentLocation).sort()).toEqual(['measured', 'ready']);
    const complete = q.rec.fdts.filter((f) => f.instance.complete === true);
    expect(complete.length).toBeGreaterThan(0);
    for (const f of complete) expect(f.instance.files.map((x) => x.contentLocation)).toEqual(['ready', 'measured']);
  });

  it('addObject after setComplete() throws a RangeError, in both publish modes', () => {
    for (const publishMode of ['full', 'objects-being-transferred'] as const) {
      const sender = new FluteSender({ tsi: 1, fdt: { publishMode } });
      sender.addObject({ source: randomBytes(10), contentLocation: 'a' });
      sender.setComplete();
      expect(() => sender.addObject({ source: randomBytes(10), contentLocation: 'b' })).toThrow(RangeError);
      expect(sender.objectCount).toBe(1);
    }
  });
});

describe('the FDT carousel goes idle with the session', () => {
  it('stops once the last object is done: finished objects listed do not keep it running', () => {
    const { sender, rx, rec } = pair({ fdt: { carousel: { mode: 'delay', ms: 100 } } });
    sender.addObject({ source: randomBytes(5000, 1), contentLocation: 'a' });
    sender.addObject({ source: randomBytes(5000, 2), contentLocation: 'b', maxTransfers: 3, carousel: { mode: 'delay', ms: 1000 } });
    const { sent, end } = drive(sender, rx, T0, T0 + 3_600_000);
    expect(rec.completed).toHaveLength(2);
    expect(sender.idle).toBe(true);
    expect(sender.nextDeadline()).toBe(Infinity);
    // Nothing at all after the last object packet: the drive stopped on its own, long before the limit.
    const lastObject = sent.filter((s) => s.fdtId === undefined).at(-1)!;
    expect(sent.filter((s) => s.at > lastObject.at)).toEqual([]);
    expect(end - T0).toBeLessThan(10_000);
    // The carousel did run while objects were live (b waits 1 s between transfers).
    expect(sent.filter((s) => s.fdtId !== undefined).length).toBeGreaterThan(10);
    expect(sender.poll(T0 + 7_200_000)).toBeUndefined();
  });

  it('after setComplete() on a finished session: one Complete instance listing everything, then idle', () => {
    const { sender, rx, rec } = pair({ fdt: { carousel: { mode: 'delay', ms: 100 } } });
    sender.addObject({ source: randomBytes(3000, 1), contentLocation: 'a' });
    sender.addObject({ source: randomBytes(3000, 2), contentLocation: 'b' });
    let now = drive(sender, rx, T0, T0 + 60_000).end + 1000;
    expect(sender.nextDeadline()).toBe(Infinity);
    const before = rec.fdts.length;
    sender.setComplete();
    expect(sender.nextDeadline()).toBeLessThanOrEqual(now);
    const { sent } = drive(sender, rx, now, now + 3_600_000);
    const ids = new Set(sent.map((s) => s.fdtId));
    expect(ids.size).toBe(1);
    expect(sent.every((s) => s.fdtId !== undefined)).toBe(true);
    expect(rec.fdts.length).toBe(before + 1);
    expect(last(rec.fdts).instance.complete).toBe(true);
    expect(last(listings(rec))).toEqual(['a', 'b']);
    expect(sender.nextDeadline()).toBe(Infinity);
    now += 3_600_000;
    expect(sender.poll(now)).toBeUndefined();
  });
});

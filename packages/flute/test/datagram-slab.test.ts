import { describe, expect, it } from 'vitest';
import { FluteReceiver, FluteSender } from '@proto/flute';
import { DatagramSlab } from '../src/sender/slab.js';

describe('DatagramSlab', () => {
  it('hands out disjoint, zero-filled views, a new slab when one is full, and oversized requests whole', () => {
    const slab = new DatagramSlab();
    const a = slab.take(1000);
    a.fill(0xaa);
    const b = slab.take(1000);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 1000);
    // Fill the rest of the slab: the next view comes from a new one and the old views are untouched.
    slab.take(DatagramSlab.SIZE - 2000);
    const c = slab.take(10);
    expect(c.buffer).not.toBe(a.buffer);
    expect(a.every((x) => x === 0xaa)).toBe(true);
    const big = slab.take(DatagramSlab.SIZE + 1);
    expect(big.length).toBe(DatagramSlab.SIZE + 1);
  });

  it('reuses a slab once every datagram carved from it is given back, cleared; never one with a datagram still out', () => {
    const slab = new DatagramSlab();
    const per = DatagramSlab.SIZE / 4;
    const first = [slab.take(per), slab.take(per), slab.take(per), slab.take(per)];
    for (const d of first) d.fill(0xbb);
    // Slab 2, with one datagram kept out.
    const second = [slab.take(per), slab.take(per), slab.take(per), slab.take(per)];
    for (const d of second) d.fill(0xcc);
    for (const d of first) slab.release(d);
    for (const d of second.slice(1)) slab.release(d);
    // Slab 3 comes from slab 1's memory, cleared; slab 2 is never reused while second[0] is out.
    const third = slab.take(per);
    expect(third.buffer).toBe(first[0]!.buffer);
    expect(third.every((x) => x === 0)).toBe(true);
    expect(slab.spare).toBe(0);
    for (let i = 0; i < 3; i++) slab.take(per);
    const fourth = slab.take(per);
    expect(fourth.buffer).not.toBe(second[0]!.buffer);
    expect(second[0]!.every((x) => x === 0xcc)).toBe(true);
    // Given back at last, slab 2 becomes a spare; arrays that are not the slab's are ignored.
    slab.release(second[0]!);
    expect(slab.spare).toBe(1);
    slab.release(new Uint8Array(10));
    slab.release(slab.take(DatagramSlab.SIZE + 1));
    expect(slab.spare).toBe(1);
  });

  it('a sender whose datagrams are given back as soon as they are sent still sends every byte right', () => {
    const data = new Uint8Array(1_000_000).map((_, i) => (i * 13 + (i >> 11)) & 0xff);
    for (const fec of [{ encodingId: 0 }, { encodingId: 6, repair: { percent: 5 } }] as const) {
      const sender = new FluteSender({ tsi: 9n, fec });
      sender.addObject({ source: data, contentLocation: 'reused.bin' });
      const receiver = new FluteReceiver();
      let got: Uint8Array | undefined;
      receiver.on('object-completed', (e) => (got = e.data));
      for (let now = 1_000, n = 0; n < 50_000 && got === undefined; n++) {
        const d = sender.poll(now);
        if (d === undefined) {
          if (sender.idle) break;
          now = Math.max(now + 1, sender.nextDeadline());
          continue;
        }
        // The receiver copies what it keeps; then the memory goes back, and the next datagrams reuse it.
        receiver.push(d, 2_000);
        sender.release(d);
      }
      expect(got).toEqual(data);
    }
  });

  it('datagrams the sender handed out stay intact while it makes more (a receiver fed them late decodes the object)', () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
    const sender = new FluteSender({ tsi: 5n, fec: { encodingId: 0 } });
    sender.addObject({ source: data, contentLocation: 'late.bin' });
    const sent: Uint8Array[] = [];
    const copies: Uint8Array[] = [];
    for (let now = 1_000, n = 0; n < 5_000; n++) {
      const d = sender.poll(now);
      if (d === undefined) {
        if (sender.idle) break;
        now = Math.max(now + 1, sender.nextDeadline());
        continue;
      }
      sent.push(d);
      copies.push(d.slice());
    }
    expect(sent.length).toBeGreaterThan(DatagramSlab.SIZE / 1400);
    sent.forEach((d, i) => expect(d).toEqual(copies[i]));
    const receiver = new FluteReceiver();
    let got: Uint8Array | undefined;
    receiver.on('object-completed', (e) => (got = e.data));
    for (const d of sent) receiver.push(d, 2_000);
    expect(got).toEqual(data);
  });
});

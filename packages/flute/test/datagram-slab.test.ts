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

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SpscRing } from '@proto/syfala';

describe('SpscRing', () => {
  it('wraps around and reports what is readable and writable', () => {
    const r = SpscRing.create(8, 'f32');
    expect(r.capacity).toBe(8);
    expect(r.write(Float32Array.of(1, 2, 3, 4, 5, 6))).toBe(6);
    const out = new Float32Array(4);
    expect(r.read(out)).toBe(4);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(r.write(Float32Array.of(7, 8, 9, 10, 11, 12, 13))).toBe(6);
    expect(r.availableWrite()).toBe(0);
    const all = new Float32Array(16);
    expect(r.read(all)).toBe(8);
    expect([...all.subarray(0, 8)]).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.read(all)).toBe(0);
  });

  it('attaches to the same memory from another view and rejects a foreign buffer', () => {
    const a = SpscRing.create(5, 'u8');
    const b = SpscRing.attach<Uint8Array>(a.sab);
    a.write(Uint8Array.of(1, 2, 3));
    const out = new Uint8Array(3);
    expect(b.read(out)).toBe(3);
    expect([...out]).toEqual([1, 2, 3]);
    expect(() => SpscRing.attach(new SharedArrayBuffer(64))).toThrow(RangeError);
    expect(() => SpscRing.create(0)).toThrow(RangeError);
  });

  it('moves a counted sequence intact between worker_threads', async () => {
    const ring = SpscRing.create(1024, 'i32');
    const total = 200_000;
    // The producer is a worker_thread using the built package (workers do not share the test's TypeScript loader).
    const producer = new Worker(new URL('./ring-producer.mjs', import.meta.url), { workerData: { sab: ring.sab, total }, execArgv: [] });
    let failed: Error | undefined;
    producer.on('error', (e) => (failed = e));
    const out = new Int32Array(333);
    let expected = 0;
    let bad = 0;
    const deadline = Date.now() + 20_000;
    while (expected < total && Date.now() < deadline && failed === undefined) {
      if (ring.waitReadable(50) === 0) continue;
      const n = ring.read(out);
      for (let i = 0; i < n; i++) if (out[i] !== expected++) bad++;
    }
    await producer.terminate();
    expect(failed).toBeUndefined();
    expect(bad).toBe(0);
    expect(expected).toBe(total);
  });
});

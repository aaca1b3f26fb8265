// The receiver's pluggable MD5: the TypeScript default and nodeMd5() (node:crypto) give the same
// digests, a custom hasher is used when given, and FluteUdpReceiver checks Content-MD5 with
// node:crypto by default and still fails an object whose content does not match.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { FluteReceiver, FluteSender, md5, toHex, tsMd5, type IncrementalHash, type Md5Hasher } from '@proto/flute';
import { FluteUdpReceiver, FluteUdpSender, nodeMd5 } from '@proto/flute/node';
import { randomBytes, run, setup } from './support/harness.js';

// Count node:crypto MD5 hashes, to see which implementation a receiver uses.
const crypto = vi.hoisted(() => ({ md5Hashes: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    createHash: (algorithm: string, options?: Parameters<typeof real.createHash>[1]) => {
      if (algorithm === 'md5') crypto.md5Hashes++;
      return real.createHash(algorithm, options);
    },
  };
});

function digestInChunks(hasher: Md5Hasher, data: Uint8Array, cuts: readonly number[]): Uint8Array {
  const h = hasher();
  let o = 0;
  for (let i = 0; o < data.length; i++) {
    const n = cuts[i % cuts.length]!;
    h.update(data.subarray(o, o + n));
    o += n;
  }
  return h.digest();
}

describe('Md5Hasher: tsMd5 and nodeMd5()', () => {
  it('give identical digests on every length around block and padding boundaries', () => {
    const node = nodeMd5();
    const data = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 255);
    for (let n = 0; n <= 300; n++) {
      const t = tsMd5();
      t.update(data.subarray(0, n));
      const h = node();
      h.update(data.subarray(0, n));
      const [dt, dh] = [t.digest(), h.digest()];
      expect(toHex(dh)).toBe(toHex(dt));
      expect(toHex(dt)).toBe(toHex(md5(data.subarray(0, n))));
    }
  });

  it('give identical digests whatever the chunking, on unaligned views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (data, cuts, shift) => {
        const backing = new Uint8Array(data.length + shift);
        backing.set(data, shift);
        const view = backing.subarray(shift);
        expect(toHex(digestInChunks(nodeMd5(), view, cuts))).toBe(toHex(digestInChunks(tsMd5, view, cuts)));
      }),
      { numRuns: 60 },
    );
  });

  it('nodeMd5 digests are plain 16-byte Uint8Arrays, one hash per call', () => {
    const hasher = nodeMd5();
    const a = hasher();
    const b = hasher();
    a.update(Uint8Array.of(1));
    b.update(Uint8Array.of(2));
    const da = a.digest();
    expect(da).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(da)).toBe(false);
    expect(da).toHaveLength(16);
    expect(toHex(da)).not.toBe(toHex(b.digest()));
  });
});

describe('FluteReceiverOptions.md5', () => {
  /** A hasher that counts its hashes and bytes around another one. */
  function counting(inner: Md5Hasher): { hasher: Md5Hasher; hashes: number; bytes: number } {
    const c = {
      hashes: 0,
      bytes: 0,
      hasher: (): IncrementalHash => {
        c.hashes++;
        const h = inner();
        return {
          update: (d: Uint8Array) => {
            c.bytes += d.length;
            h.update(d);
          },
          digest: () => h.digest(),
        };
      },
    };
    return c;
  }

  it('is the hash the engine checks Content-MD5 with', async () => {
    for (const inner of [tsMd5, nodeMd5()]) {
      const count = counting(inner);
      const parts = setup({ receiver: { md5: count.hasher } });
      const content = randomBytes(50_000, 7);
      parts.sender.addObject({ source: content, contentLocation: 'a.bin' });
      await run(parts, () => parts.rec.completed.length === 1);
      expect(parts.rec.completed).toHaveLength(1);
      expect(count.hashes).toBe(1);
      expect(count.bytes).toBe(50_000);
    }
  });

  it('a hasher whose digest differs fails the object with md5-mismatch', async () => {
    const wrong: Md5Hasher = () => {
      const h = nodeMd5()();
      return { update: (d) => h.update(d), digest: () => h.digest().map((b) => b ^ 1) };
    };
    const parts = setup({ receiver: { md5: wrong } });
    parts.sender.addObject({ source: randomBytes(5000, 8), contentLocation: 'a.bin' });
    await run(parts, () => parts.rec.failed.length === 1);
    expect(parts.rec.failed.map((f) => f.reason)).toEqual(['md5-mismatch']);
    expect(parts.rec.completed).toHaveLength(0);
  });
});

describe('FluteUdpReceiver and Content-MD5', () => {
  async function sendOne(rx: FluteUdpReceiver, content: Uint8Array, corruptAfterMd5: boolean): Promise<void> {
    const tx = await FluteUdpSender.open({ destination: rx.address, interface: '127.0.0.1', bitrate: 100e6, flute: new FluteSender({ tsi: 5, fdt: { carousel: { mode: 'delay', ms: 20 } } }) });
    // The engine takes Content-MD5 of a byte source when the object is added and reads the bytes
    // as it sends them: changing them now makes the content disagree with its declared MD5.
    tx.addObject({ source: content, contentLocation: 'x.bin', startAt: Date.now() + 100 });
    if (corruptAfterMd5) content[1234] = content[1234]! ^ 0xff;
    await tx.idle();
    await tx.close();
  }

  function outcome(rx: FluteUdpReceiver): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no outcome after 20 s')), 20_000);
      rx.on('object-completed', () => {
        clearTimeout(timer);
        resolve('completed');
      });
      rx.on('object-failed', (e) => {
        clearTimeout(timer);
        resolve(e.reason);
      });
    });
  }

  for (const thread of [false, true]) {
    it(`checks with node:crypto by default and detects a mismatch (${thread ? 'reader thread' : 'main-thread socket'})`, async () => {
      const rx = await FluteUdpReceiver.open({ address: '239.255.42.31:0', interface: '127.0.0.1', thread });
      try {
        const good = outcome(rx);
        const before = crypto.md5Hashes;
        await sendOne(rx, randomBytes(100_000, 9), false);
        expect(await good).toBe('completed');
        // The sender hashes with the TypeScript MD5: these are the receiver's.
        expect(crypto.md5Hashes).toBeGreaterThan(before);
        const bad = outcome(rx);
        await sendOne(rx, randomBytes(100_000, 10), true);
        expect(await bad).toBe('md5-mismatch');
        expect(rx.engine.stats.objectsFailed).toBe(1);
        expect(rx.engine.stats.objectsCompleted).toBe(1);
      } finally {
        await rx.close();
      }
    });
  }

  it('an engine given as options keeps its own md5; an engine instance is used as it is', async () => {
    let hashes = 0;
    const own: Md5Hasher = () => {
      hashes++;
      return tsMd5();
    };
    const rx = await FluteUdpReceiver.open({ address: '239.255.42.32:0', interface: '127.0.0.1', flute: { md5: own } });
    try {
      const before = crypto.md5Hashes;
      const done = outcome(rx);
      await sendOne(rx, randomBytes(20_000, 11), false);
      expect(await done).toBe('completed');
      expect(hashes).toBe(1);
      expect(crypto.md5Hashes).toBe(before);
    } finally {
      await rx.close();
    }
    const engine = new FluteReceiver({});
    const rx2 = await FluteUdpReceiver.open({ address: '239.255.42.33:0', interface: '127.0.0.1', flute: engine });
    try {
      expect(rx2.engine).toBe(engine);
      const before = crypto.md5Hashes;
      const done = outcome(rx2);
      await sendOne(rx2, randomBytes(20_000, 12), false);
      expect(await done).toBe('completed');
      expect(crypto.md5Hashes).toBe(before);
    } finally {
      await rx2.close();
    }
  });
});

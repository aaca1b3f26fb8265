// BlockPool and the receiver's block reuse: decoded blocks come back only from sinks that say they let
// go of chunks, only after their write settled, and only blocks that went to the sink as they are.
import { describe, expect, it } from 'vitest';
import { FluteReceiver, FluteSender, MemoryWriter, type FluteReceiverOptions, type ObjectMeta, type ObjectSink, type ObjectWriter } from '@proto/flute';
import { BlockPool } from '../src/receiver/block-pool.js';
import { expectBytes, randomBytes } from './support/harness.js';

describe('BlockPool', () => {
  it('hands out zero-filled blocks, takes back only its own and only once, reuses by length', () => {
    const pool = new BlockPool(1000);
    const a = pool.take(100);
    expect(pool.owns(a)).toBe(true);
    a.fill(7);
    pool.give(a);
    pool.give(a);
    pool.give(new Uint8Array(100));
    expect(pool.bytes).toBe(100);
    expect(pool.owns(a)).toBe(false);
    const b = pool.take(100);
    expect(b).toBe(a);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(pool.bytes).toBe(0);
    expect(pool.take(50)).not.toBe(a);
  });

  it('keeps at most maxBytes spare; a new length pushes out the others', () => {
    const pool = new BlockPool(300);
    const blocks = [pool.take(100), pool.take(100), pool.take(100), pool.take(100)];
    for (const b of blocks) pool.give(b);
    expect(pool.bytes).toBe(300);
    const big = pool.take(250);
    pool.give(big);
    expect(pool.bytes).toBe(250);
    const huge = pool.take(400);
    pool.give(huge);
    expect(pool.bytes).toBe(250);
  });
});

/**
 * A MemoryWriter whose sinks copy each chunk, and finish each write later (or at once); records the
 * chunks they were handed.
 */
function copyingWriter(keepsChunks: boolean | undefined, later: boolean): ObjectWriter & { seen: Uint8Array[] } {
  const seen: Uint8Array[] = [];
  const memory = new MemoryWriter();
  return {
    seen,
    open(meta: ObjectMeta): ObjectSink {
      const sink = memory.open(meta);
      return {
        ...(keepsChunks === undefined ? {} : { keepsChunks }),
        write(chunk) {
          seen.push(chunk);
          // Read the chunk only when the write "happens": a block reused too early shows here.
          if (!later) return sink.write(chunk.slice());
          return new Promise<void>((resolve) => setTimeout(() => resolve(sink.write(chunk.slice())), 1));
        },
        complete: () => sink.complete(),
        abort: (reason) => sink.abort(reason),
      };
    },
  };
}

/** Sends 400 KB through a receiver with `writer`; resolves with the content and what was delivered. */
async function deliver(writer: ObjectWriter, encodingId: 0 | 6, contentEncoding: 'null' | 'gzip' = 'null', options: FluteReceiverOptions = {}): Promise<{ data: Uint8Array; got: Uint8Array | undefined }> {
  const data = randomBytes(400_000, 11);
  const sender = new FluteSender({ tsi: 4n, fec: { encodingId, maxSourceBlockLength: 20, symbolLength: 1000, ...(encodingId === 6 ? { repair: { percent: 20 } } : {}) } });
  sender.addObject({ source: data, contentLocation: 'pooled.bin', contentEncoding });
  const receiver = new FluteReceiver({ ...options, writer });
  const done = new Promise<Uint8Array | undefined>((resolve, reject) => {
    receiver.on('object-completed', (e) => resolve(e.data));
    receiver.on('object-failed', (e) => reject(new Error(e.reason)));
  });
  for (let now = 1_000, n = 0; n < 10_000; n++) {
    const d = sender.poll(now);
    if (d === undefined) {
      if (sender.idle) break;
      now = Math.max(now + 1, sender.nextDeadline());
      continue;
    }
    // Drop one datagram in ten for RaptorQ (20% repair), so that blocks are rebuilt from repair symbols too.
    if (encodingId === 6 && n % 10 === 7) continue;
    receiver.push(d, 2_000);
    // Let writes finish while later blocks arrive.
    if (n % 50 === 0) await new Promise((r) => setTimeout(r, 2));
  }
  const got = await Promise.race([done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the object did not complete within 20 s')), 20_000))]);
  return { data, got };
}

describe('the receiver reuses written blocks', () => {
  for (const [encodingId, later] of [
    [0, true],
    [0, false],
    [6, true],
  ] as const) {
    it(`FEC ${encodingId}, writes finishing ${later ? 'later' : 'at once'}: a sink that keeps no chunks gets reused memory, and every byte right`, async () => {
      const writer = copyingWriter(false, later);
      const { data, got } = await deliver(writer, encodingId);
      expectBytes(got, data);
      // 20 blocks of 20 KB: later blocks were decoded into the memory of earlier ones.
      expect(new Set(writer.seen).size).toBeLessThan(writer.seen.length);
    });
  }

  it('a sink that keeps its chunks (the default) never sees memory reused', async () => {
    const writer = copyingWriter(undefined, true);
    const { data, got } = await deliver(writer, 0);
    expectBytes(got, data);
    expect(new Set(writer.seen).size).toBe(writer.seen.length);
  });

  it('content-decoded chunks are not the blocks: gzip content arrives right through a sink that keeps no chunks', async () => {
    const writer = copyingWriter(false, true);
    const { data, got } = await deliver(writer, 0, 'gzip');
    expectBytes(got, data);
  });

  it('reuseBlockBytes: 0 turns reuse off; a bad value is refused', async () => {
    expect(() => new FluteReceiver({ reuseBlockBytes: -1 })).toThrow(RangeError);
    const writer = copyingWriter(false, true);
    const { data, got } = await deliver(writer, 0, 'null', { reuseBlockBytes: 0 });
    expectBytes(got, data);
    expect(new Set(writer.seen).size).toBe(writer.seen.length);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeContent } from '../src/encoding.js';
import { md5 } from '../src/md5.js';
import { BlockFeed, bytesSource, measureSource, streamSource } from '../src/source.js';
import { macrotask } from '../src/sim/network.js';
import { Random } from '../src/sim/random.js';

const data = new Random(7).fill(new Uint8Array(100_000));

function chunkedStream(bytes: Uint8Array, chunk: number): () => AsyncIterable<Uint8Array> {
  return async function* () {
    for (let o = 0; o < bytes.length; o += chunk) {
      await macrotask();
      yield bytes.slice(o, o + chunk);
    }
  };
}

async function readAll(feed: BlockFeed, count: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    let b = feed.get(i);
    for (let spins = 0; b === undefined && spins < 10_000; spins++) {
      await macrotask();
      b = feed.get(i);
    }
    out.push(b!.slice());
    feed.release(i + 1);
  }
  return out;
}

describe('object sources', () => {
  it('measures length, encoded length and MD5 in one bounded pass', async () => {
    const plain = await measureSource(streamSource(chunkedStream(data, 3000)), 'null', true);
    expect(plain).toEqual({ contentLength: data.length, transferLength: data.length, md5: md5(data) });
    // Two passes cut differently by the reader give the same encoded length.
    const gz1 = await measureSource(streamSource(chunkedStream(data, 3000), data.length), 'gzip', false);
    const gz2 = await measureSource(streamSource(chunkedStream(data, 777), data.length), 'gzip', false);
    expect(gz1.transferLength).toBe(gz2.transferLength);
    await expect(measureSource(streamSource(chunkedStream(data, 3000), data.length + 1), 'null', false)).rejects.toThrow(RangeError);
  });

  it('a memory source feeds zero-copy blocks synchronously', () => {
    const lengths = [40_000, 40_000, 20_000];
    const feed = new BlockFeed(bytesSource(data), 'null', lengths, 1, () => {}, (e) => { throw e; });
    const b0 = feed.get(0)!;
    expect(b0.buffer).toBe(data.buffer);
    expect(feed.get(1)).toEqual(data.subarray(40_000, 80_000));
    expect(feed.get(2)).toEqual(data.subarray(80_000));
  });

  it('a stream source feeds blocks asynchronously, reading ahead only a bounded amount', async () => {
    const lengths = Array.from({ length: 10 }, () => 10_000);
    let ready = 0;
    const feed = new BlockFeed(streamSource(chunkedStream(data, 3333)), 'null', lengths, 2, () => ready++, (e) => { throw e; });
    expect(feed.get(0)).toBeUndefined();
    for (let i = 0; i < 50; i++) await macrotask();
    expect(feed.bufferedBytes).toBeLessThanOrEqual(4 * 10_000);
    const blocks = await readAll(feed, 10);
    expect(ready).toBeGreaterThan(0);
    expect(Uint8Array.from(blocks.flatMap((b) => [...b]))).toEqual(data);
  });

  it('content-encodes a stream on the fly into blocks of the encoded length', async () => {
    const text = new TextEncoder().encode('abcdefghij'.repeat(20_000));
    for (const e of ['deflate', 'zlib', 'gzip'] as const) {
      const m = await measureSource(streamSource(chunkedStream(text, 4096)), e, false);
      const T = 1000;
      const lengths: number[] = [];
      for (let o = 0; o < m.transferLength; o += T) lengths.push(Math.min(T, m.transferLength - o));
      const feed = new BlockFeed(streamSource(chunkedStream(text, 4096)), e, lengths, 4, () => {}, (err) => { throw err; });
      const blocks = await readAll(feed, lengths.length);
      const joined = Uint8Array.from(blocks.flatMap((b) => [...b]));
      expect(decodeContent(joined, e)).toEqual(text);
    }
  });

  it('reports a source shorter than announced through onError', async () => {
    let error: unknown;
    const feed = new BlockFeed(streamSource(chunkedStream(data.subarray(0, 5000), 1000)), 'null', [10_000], 1, () => {}, (e) => (error = e));
    feed.get(0);
    for (let i = 0; i < 100 && error === undefined; i++) {
      await macrotask();
      feed.get(0);
    }
    expect(error).toBeInstanceOf(RangeError);
  });

  it('reads WHATWG ReadableStreams and plain iterables', async () => {
    const rs = streamSource(() => new ReadableStream<Uint8Array>({ start(c) { c.enqueue(data.subarray(0, 500)); c.enqueue(data.subarray(500, 1000)); c.close(); } }));
    expect((await measureSource(rs, 'null', true)).md5).toEqual(md5(data.subarray(0, 1000)));
    const it = streamSource(() => [data.subarray(0, 10), data.subarray(10, 20)]);
    expect((await measureSource(it, 'null', false)).contentLength).toBe(20);
  });
});

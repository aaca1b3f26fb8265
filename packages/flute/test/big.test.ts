// A ≥ 100 MB object streamed from a source read block by block (length and MD5 pre-pass), received to
// the filesystem writer. Runs in `pnpm test` (about 10 s on the shared 2-core machine).
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter } from '@proto/flute/node';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { FluteSender } from '../src/sender/sender.js';
import { streamSource } from '../src/source.js';
import { SimulatedLink, VirtualClock, runSimulation } from '../src/sim/network.js';
import { pseudoRandomChunks } from '../src/sim/random.js';
import { Recorder, T0 } from './support/harness.js';

const SIZE = 128 << 20;
const CHUNK = 1 << 20;
const tmp = mkdtempSync(join(tmpdir(), 'flute-big-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const generate = (): AsyncGenerator<Uint8Array> => pseudoRandomChunks(SIZE, CHUNK);

async function md5OfStream(): Promise<string> {
  const h = createHash('md5');
  for await (const c of generate()) h.update(c);
  return h.digest('hex');
}

describe('streamed large object', () => {
  it('sends 128 MiB from a stream and writes it to a file, in bounded memory', async () => {
    const clock = new VirtualClock(T0);
    const sender = new FluteSender({ tsi: 1, readAhead: 4 });
    const receiver = new FluteReceiver({ writer: new FileWriter(tmp) });
    const rec = new Recorder(receiver);
    sender.addObject({ source: streamSource(generate), contentLocation: 'big/stream.bin' });
    let peakReceiver = 0;
    receiver.on('object-progress', () => (peakReceiver = Math.max(peakReceiver, receiver.memory + receiver.pendingWriteBytes)));
    const r = await runSimulation({
      clock,
      senders: [{ sender, link: new SimulatedLink() }],
      receivers: [receiver],
      until: T0 + 600_000,
      done: () => rec.completed.length + rec.failed.length > 0,
      maxPendingWrites: 8 << 20,
    });
    expect(r.reason).toBe('done');
    expect(rec.failed).toEqual([]);
    const c = rec.completed[0]!;
    expect(c.meta.contentLength).toBe(SIZE);
    // The receiver checked Content-MD5; check the file independently too.
    const fileMd5 = await new Promise<string>((resolve, reject) => {
      const h = createHash('md5');
      createReadStream(c.path!).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
    });
    expect(fileMd5).toBe(await md5OfStream());
    // Memory: a few 91 KB blocks plus the write backlog bound, never the object.
    expect(peakReceiver).toBeLessThan(24 << 20);
  });
});

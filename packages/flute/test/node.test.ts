import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter, fileSource } from '@proto/flute/node';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { FluteSender } from '../src/sender/sender.js';
import { SimulatedLink, VirtualClock, runSimulation } from '../src/sim/network.js';
import { fdtPacket, objectPackets } from './support/craft.js';
import { Recorder, T0, expectBytes, randomBytes } from './support/harness.js';
import { encodeContent } from '../src/encoding.js';

const tmp = mkdtempSync(join(tmpdir(), 'flute-node-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('files in, files out (./node)', () => {
  for (const contentEncoding of ['null', 'gzip'] as const) {
    it(`sends a file read block by block (${contentEncoding}) into the filesystem writer`, async () => {
      const src = join(tmp, `in-${contentEncoding}.bin`);
      const text = new TextEncoder().encode('The quick brown fox. '.repeat(40_000));
      const content = contentEncoding === 'null' ? randomBytes(700_000) : text;
      writeFileSync(src, content);
      const clock = new VirtualClock(T0);
      const sender = new FluteSender({ tsi: 9, readAhead: 2, fec: { encodingId: 5, repair: { percent: 10 }, maxSourceBlockLength: 100 } });
      const receiver = new FluteReceiver({ writer: new FileWriter(join(tmp, `out-${contentEncoding}`)) });
      const rec = new Recorder(receiver);
      sender.addObject({ source: fileSource(src), contentLocation: 'dir/copy.bin', contentEncoding });
      await runSimulation({ clock, senders: [{ sender, link: new SimulatedLink() }], receivers: [receiver], until: T0 + 60_000, done: () => rec.completed.length + rec.failed.length > 0 });
      expect(rec.failed).toEqual([]);
      expectBytes(new Uint8Array(readFileSync(rec.completed[0]!.path!)), content);
      expect(rec.completed[0]!.path).toBe(join(tmp, `out-${contentEncoding}`, 'dir', 'copy.bin'));
    });
  }

  it('decodes by EXT_CENC when the FDT gives no Content-Encoding (in-band CENC)', () => {
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const text = new TextEncoder().encode('cenc '.repeat(2000));
    const gz = encodeContent(text, 'gzip');
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'c', toi: 3n, transferLength: gz.length }], expiresMs: T0 + 60_000 }), T0);
    for (const d of objectPackets({ toi: 3, data: gz, cenc: 3 })) rx.push(d, T0);
    expectBytes(rec.byLocation('c'), text);
  });
});

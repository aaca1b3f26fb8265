import { describe, expect, it } from 'vitest';
import { md5 } from '../src/md5.js';
import { randomBytes, run, setup } from './support/harness.js';

describe('FLUTE end to end: no-code', () => {
  it('delivers one object with its FDT metadata and MD5', async () => {
    const p = setup();
    const data = randomBytes(100_000);
    const toi = p.sender.addObject({ source: data, contentLocation: 'file:///a/b.bin', contentType: 'application/octet-stream' });
    const r = await run(p, () => p.rec.completed.length === 1);
    expect(r.reason).toBe('done');
    const c = p.rec.completed[0]!;
    expect(c.meta.toi).toBe(toi);
    expect(c.meta.contentLocation).toBe('file:///a/b.bin');
    expect(c.meta.contentType).toBe('application/octet-stream');
    expect(c.meta.md5).toEqual(md5(data));
    expect(c.data).toEqual(data);
    expect(p.rec.fdts.length).toBeGreaterThan(0);
    expect(p.receiver.stats.dropped.malformed).toBe(0);
  });
});

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FluteSender } from '../src/sender/sender.js';
import { streamSource } from '../src/source.js';
import { T0, randomBytes } from './support/harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** True once nothing holds `ref`'s target any more (after a full collection). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  // WeakRef targets live until the current job ends.
  await new Promise((r) => setImmediate(r));
  gc();
  return ref.deref() === undefined;
}

describe('sender memory', () => {
  it('forgets objects removed between transfers and objects that failed', async () => {
    const sender = new FluteSender({ tsi: 1 });
    const errors: bigint[] = [];
    sender.on('object-error', (e) => errors.push(e.toi));
    const refs = ((): { removed: WeakRef<Uint8Array>; failed: WeakRef<object> } => {
      // A carousel object waiting for its next round (not in flight), then removed.
      const content = randomBytes(200_000);
      const removed = sender.addObject({ source: content, contentLocation: 'removed', startAt: T0 + 3_600_000 });
      // A stream source whose read fails: the object fails while it is measured.
      const source = streamSource(() => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('unreadable')) }),
      }));
      sender.addObject({ source, contentLocation: 'failed' });
      expect(sender.removeObject(removed)).toBe(true);
      return { removed: new WeakRef(content), failed: new WeakRef(source) };
    })();
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    // The FDT instance in flight and the scheduler's caches are rebuilt on the next polls.
    for (let i = 0; i < 4; i++) sender.poll(T0 + i * 2000);
    expect(sender.idle).toBe(true);
    expect(await collected(refs.removed)).toBe(true);
    expect(await collected(refs.failed)).toBe(true);
  });
});

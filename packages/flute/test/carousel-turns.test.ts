// An endless carousel with more objects than the queue runs at once (`multiplex`): an object whose
// transfer ended goes to the back of its queue, so every object gets its turn. (Objects used to
// keep their place by the order they were added in: with no carousel delay, the first `multiplex`
// objects were repeated for ever and the others never sent.)
import { describe, expect, it } from 'vitest';
import { FluteSender } from '../src/sender/sender.js';
import { T0, randomBytes } from './support/harness.js';

function startsOf(sender: FluteSender, until: (starts: bigint[]) => boolean): bigint[] {
  const starts: bigint[] = [];
  sender.on('transfer-start', (e) => starts.push(e.toi));
  for (let now = T0, n = 0; !until(starts) && n < 1_000_000; n++) {
    if (sender.poll(now) === undefined) now = Math.max(now + 1, sender.nextDeadline());
  }
  return starts;
}

describe('carousel turns', () => {
  it('with no delay and multiplex 2, six endless objects take turns', () => {
    const sender = new FluteSender({ tsi: 1, multiplex: 2 });
    const tois = [0, 1, 2, 3, 4, 5].map((i) => sender.addObject({ source: randomBytes(3000 + 1000 * i, i), contentLocation: `f${i}`, maxTransfers: Infinity }));
    const starts = startsOf(sender, (s) => s.length >= 24);
    // The first round in the order added; then a queue by when each transfer ended (small objects
    // come round sooner): every object at least once in any 12 consecutive starts.
    for (let i = 0; i + 12 <= starts.length; i++) expect(new Set(starts.slice(i, i + 12))).toEqual(new Set(tois));
    expect(starts.slice(0, 6)).toEqual(tois);
  });

  it('repeats queue behind objects not sent yet, whatever their transfer counts', () => {
    const sender = new FluteSender({ tsi: 1, multiplex: 1 });
    const a = sender.addObject({ source: randomBytes(2000, 1), contentLocation: 'a', maxTransfers: 3, carousel: { mode: 'delay', ms: 0 } });
    const b = sender.addObject({ source: randomBytes(2000, 2), contentLocation: 'b', maxTransfers: 3, carousel: { mode: 'delay', ms: 0 } });
    const c = sender.addObject({ source: randomBytes(2000, 3), contentLocation: 'c', maxTransfers: 1 });
    const starts = startsOf(sender, (s) => s.length >= 7);
    expect(starts).toEqual([a, b, c, a, b, a, b]);
  });
});

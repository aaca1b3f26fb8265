import { defineFuzzTarget } from '@proto/fuzz';
import { damagedSessionProperty } from './session.js';

// Whole sessions of every FEC scheme and content encoding, with bytes changed, datagrams cut, dropped,
// duplicated, swapped or interleaved with junk, and clock jumps: the receiver survives all of it.
export default defineFuzzTarget({
  name: 'flute-receiver-session',
  description: 'damaged sessions of every FEC scheme: push never throws, no internal drops, bounded memory, MD5-true completions, still usable',
  property: damagedSessionProperty,
});

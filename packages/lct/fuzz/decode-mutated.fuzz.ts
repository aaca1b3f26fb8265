import fc from 'fast-check';
import { encodeAlcPacket } from '@proto/lct';
import { defineFuzzTarget } from '@proto/fuzz';
import { arbAlcPacket } from '../test/arbitraries.js';
import { arbDecodeOptions, checkArbitraryBytes } from './check.js';

// Valid packets with a few bytes overwritten and/or cut short: reaches every extension decoder.
export default defineFuzzTarget({
  name: 'lct-decode-mutated',
  description: 'valid packets with bytes changed or cut: only typed errors, and decodable results re-encode',
  property: () =>
    fc.property(
      arbAlcPacket,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
      arbDecodeOptions,
      (packet, edits, cut, options) => {
        const bytes = encodeAlcPacket(packet);
        for (const [i, v] of edits) bytes[i % bytes.length] = v;
        checkArbitraryBytes(cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1)), options);
      },
    ),
});

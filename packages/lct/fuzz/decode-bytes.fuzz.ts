import fc from 'fast-check';
import { defineFuzzTarget } from '@proto/fuzz';
import { arbDecodeOptions, checkArbitraryBytes } from './check.js';

// Random bytes: mostly rejected early, which is what a receiver sees from a hostile network.
// Half of the cases start with a plausible first word so the deeper paths run too.
const plausible = fc
  .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 6 }), fc.uint8Array({ maxLength: 300 }))
  .map(([v, flags, words, cp, rest]) => Uint8Array.of((v << 4) | (flags & 0x0f), flags, words, cp, ...rest));

export default defineFuzzTarget({
  name: 'lct-decode-bytes',
  description: 'arbitrary bytes: decodeAlcPacket/decodeLctHeader throw only TruncatedError/MalformedError',
  property: () => fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), plausible), arbDecodeOptions, (bytes, options) => checkArbitraryBytes(bytes, options)),
});

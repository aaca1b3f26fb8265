// fast-check properties with bounded run counts. The same targets run a million times and more
// with `pnpm fuzz lct --runs 1000000`.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import decodeBytes from '../fuzz/decode-bytes.fuzz.js';
import decodeMutated from '../fuzz/decode-mutated.fuzz.js';
import roundTrip from '../fuzz/roundtrip.fuzz.js';

describe('fast-check properties', () => {
  it('random valid ALC packets round-trip through encode/decode/encode', () => {
    fc.assert(roundTrip.property(), { numRuns: 3000 });
  });

  it('arbitrary bytes make the decoder throw only TruncatedError/MalformedError', () => {
    fc.assert(decodeBytes.property(), { numRuns: 20000 });
  });

  it('mutated and truncated valid packets: only typed errors; what decodes re-encodes', () => {
    fc.assert(decodeMutated.property(), { numRuns: 5000 });
  });
});

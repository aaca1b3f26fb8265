import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAlcPacket, encodeAlcPacket, lctHeaderLength } from '@proto/lct';
import { defineFuzzTarget } from '@proto/fuzz';
import { arbAlcPacket } from '../test/arbitraries.js';

// encode → decode gives back every field; decode → encode gives back every byte.
export default defineFuzzTarget({
  name: 'lct-roundtrip',
  description: 'random valid ALC packets survive encode/decode/encode unchanged',
  property: () =>
    fc.property(arbAlcPacket, (packet) => {
      const bytes = encodeAlcPacket(packet);
      const decoded = decodeAlcPacket(bytes);
      const h = packet.header;
      deepStrictEqual(
        {
          version: decoded.header.version,
          cci: decoded.header.cci,
          psi: decoded.header.psi,
          tsi: decoded.header.tsi,
          toi: decoded.header.toi,
          codepoint: decoded.header.codepoint,
          closeSession: decoded.header.closeSession,
          closeObject: decoded.header.closeObject,
          extensions: decoded.header.extensions,
        },
        {
          version: h.version,
          cci: h.cci,
          psi: h.psi,
          tsi: h.tsi,
          toi: h.toi,
          codepoint: h.codepoint,
          closeSession: h.closeSession,
          closeObject: h.closeObject,
          extensions: h.extensions,
        },
      );
      if (h.cciBits !== undefined) deepStrictEqual([decoded.header.cciBits, decoded.header.tsiBits, decoded.header.toiBits], [h.cciBits, h.tsiBits, h.toiBits]);
      deepStrictEqual(decoded.payloadId, packet.payloadId);
      deepStrictEqual(decoded.payload, packet.payload);
      deepStrictEqual(lctHeaderLength(decoded.header), bytes[2]! * 4);
      deepStrictEqual(encodeAlcPacket(decoded), bytes);
    }),
});

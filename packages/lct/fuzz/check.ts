// Checks shared by the fuzz targets and the property tests.
import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { MalformedError, TruncatedError, decodeAlcPacket, decodeLctHeader, encodeAlcPacket, encodeLctHeader, type AlcOptions } from '@proto/lct';

/** A small valid packet decoded after every failure to show the decoder is still usable. */
const CANARY = encodeAlcPacket({ header: { tsi: 7, toi: 9 }, payloadId: { sbn: 1, esi: 2 }, payload: new Uint8Array([1, 2, 3]) });

function assertUsable(): void {
  const p = decodeAlcPacket(CANARY);
  if (p.header.tsi !== 7n || p.header.toi !== 9n || p.payloadId.esi !== 2 || p.payload.length !== 3) throw new Error('decoder unusable after an error');
}

function expectTyped(e: unknown): void {
  if (!(e instanceof TruncatedError || e instanceof MalformedError)) throw e;
  if (typeof e.field !== 'string' || !Number.isInteger(e.offset)) throw new Error(`typed error without field/offset: ${String(e)}`);
  assertUsable();
}

/**
 * Decodes arbitrary bytes as an ALC packet and as an LCT header. Either throws one of the two typed
 * errors, or returns a packet whose re-encoding decodes to the same packet.
 */
export function checkArbitraryBytes(bytes: Uint8Array, options: AlcOptions = {}): void {
  try {
    const packet = decodeAlcPacket(bytes, options);
    const again = decodeAlcPacket(encodeAlcPacket(packet, options), options);
    deepStrictEqual(again, packet);
  } catch (e) {
    expectTyped(e);
  }
  try {
    const header = decodeLctHeader(bytes, options);
    deepStrictEqual(decodeLctHeader(encodeLctHeader(header, options), options), header);
  } catch (e) {
    expectTyped(e);
  }
}

/** Decoder options worth varying: FEC ID override and the Raptor FTI layout. */
export const arbDecodeOptions: fc.Arbitrary<AlcOptions> = fc.record(
  {
    fecEncodingId: fc.oneof(fc.constantFrom(0, 1, 2, 5, 6, 129), fc.integer({ min: 0, max: 255 })),
    raptorFtiLayout: fc.constantFrom('ypo-flute' as const, 'rfc5053' as const),
    m: fc.integer({ min: 2, max: 16 }),
  },
  { requiredKeys: [], noNullPrototype: true },
);

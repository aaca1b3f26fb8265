// Decode and encode of a 1456-byte ALC packet with EXT_FTI: TSI 16 bits, TOI 16 bits, no-code
// EXT_FTI (16 bytes), FEC Payload ID, 1424-byte symbol (the ypo/flute default), as a FLUTE sender
// emits it. Anchors, measured in the same process:
// - decode: "DataView fixed fields", a hand-written reader of the same fields of this one layout
//   (a DataView per packet, a plain result object, a payload subarray): the floor for a decoder
//   that validates nothing and knows the layout in advance.
// - encode: "Uint8Array.slice", a copy of the finished packet into a fresh array: the floor for an
//   encoder that returns a new packet.
// - encodeInto: "Uint8Array.set", copying the finished packet into a reused buffer.
import { runBench } from '@proto/bench';
import { decodeAlcPacket, decodeLctHeader, encodeAlcPacket, encodeAlcPacketInto, type AlcPacketInit } from '@proto/lct';

const packet: AlcPacketInit = {
  header: {
    tsi: 1,
    toi: 32768,
    extensions: [{ het: 64, fti: { fecEncodingId: 0, transferLength: 5_000_000, symbolLength: 1424, maxSourceBlockLength: 64 } }],
  },
  payloadId: { sbn: 3, esi: 17 },
  payload: new Uint8Array(1424).map((_, i) => i),
};
const bytes = encodeAlcPacket(packet);
if (bytes.length !== 1456) throw new Error(`bench packet is ${bytes.length} bytes, expected 1456`);
const decoded = decodeAlcPacket(bytes);
const target = new Uint8Array(2048);

let sink = 0;

function dataViewBaseline(b: Uint8Array): { tsi: number; toi: number; codepoint: number; transferLength: number; symbolLength: number; maxSourceBlockLength: number; sbn: number; esi: number; payload: Uint8Array } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hdrLen = dv.getUint8(2) * 4;
  return {
    tsi: dv.getUint16(8),
    toi: dv.getUint16(10),
    codepoint: dv.getUint8(3),
    transferLength: dv.getUint16(14) * 2 ** 32 + dv.getUint32(16),
    symbolLength: dv.getUint16(22),
    maxSourceBlockLength: dv.getUint32(24),
    sbn: dv.getUint16(hdrLen),
    esi: dv.getUint16(hdrLen + 2),
    payload: b.subarray(hdrLen + 4),
  };
}

await runBench(
  '@proto/lct: 1456-byte ALC packet with EXT_FTI (packets/s)',
  [
    {
      name: 'decodeAlcPacket',
      ours: { name: 'decodeAlcPacket', fn: () => (sink += decodeAlcPacket(bytes).payloadId.esi) },
      anchor: { name: 'DataView fixed fields', fn: () => (sink += dataViewBaseline(bytes).esi) },
    },
    {
      name: 'decodeLctHeader',
      ours: { name: 'decodeLctHeader', fn: () => (sink += decodeLctHeader(bytes).codepoint) },
      anchor: { name: 'DataView fixed fields', fn: () => (sink += dataViewBaseline(bytes).codepoint) },
    },
    {
      name: 'encodeAlcPacket',
      ours: { name: 'encodeAlcPacket', fn: () => (sink += encodeAlcPacket(decoded)[3]!) },
      anchor: { name: 'Uint8Array.slice', fn: () => (sink += bytes.slice()[3]!) },
    },
    {
      name: 'encodeAlcPacketInto',
      ours: { name: 'encodeAlcPacketInto', fn: () => (sink += encodeAlcPacketInto(decoded, target, 0)) },
      anchor: { name: 'Uint8Array.set', fn: () => (target.set(bytes), (sink += target[3]!)) },
    },
  ],
  { unit: 'ops/s', maxIterations: 3e7 },
);
if (sink === 0.5) console.log(sink); // keeps the results alive

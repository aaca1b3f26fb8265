// The README example.
import { HET_FDT, HET_FTI, decodeAlcPacket, encodeAlcPacket, findExtension } from '@proto/lct';

const bytes = encodeAlcPacket({
  header: { tsi: 1, toi: 0, extensions: [{ het: HET_FDT, version: 2, fdtInstanceId: 7 },
    { het: HET_FTI, fti: { fecEncodingId: 0, transferLength: 517, symbolLength: 1424, maxSourceBlockLength: 64 } }] },
  payloadId: { sbn: 0, esi: 0 },
  payload: new TextEncoder().encode('<FDT-Instance .../>'),
});
const { header, payloadId, payload } = decodeAlcPacket(bytes); // payload: a view into `bytes`
console.log(header.tsi, header.toi, findExtension(header.extensions, HET_FDT)?.fdtInstanceId, payloadId, payload.length);

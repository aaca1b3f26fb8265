/** Hand-built FLUTE packets (through @proto/lct and @proto/fdt) for receiver tests. */
import { HET_CENC, HET_FDT, HET_FTI, HET_TIME, encodeAlcPacket, unixMsToNtp, type Fti, type LctExtension } from '@proto/lct';
import { buildFdt, epochMsToNtpSeconds, type FdtFile } from '@proto/fdt';

export function fdtPacket(o: { tsi?: number; id: number; files: FdtFile[]; expiresMs: number; sctMs?: number; cenc?: number; bytes?: Uint8Array }): Uint8Array {
  const xml = o.bytes ?? new TextEncoder().encode(buildFdt({ expires: epochMsToNtpSeconds(o.expiresMs), files: o.files }));
  const ext: LctExtension[] = [
    { het: HET_FDT, version: 2, fdtInstanceId: o.id },
    { het: HET_FTI, fti: { fecEncodingId: 0, transferLength: xml.length, symbolLength: xml.length, maxSourceBlockLength: 1 } },
  ];
  if (o.cenc !== undefined) ext.push({ het: HET_CENC, cenc: o.cenc });
  if (o.sctMs !== undefined) ext.push({ het: HET_TIME, sct: unixMsToNtp(o.sctMs) });
  return encodeAlcPacket({ header: { tsi: o.tsi ?? 1, toi: 0, tsiBits: 32, toiBits: 32, extensions: ext }, payloadId: { sbn: 0, esi: 0 }, payload: xml });
}

/** No-code packets of one object (symbol length T, one block), EXT_FTI optional. */
export function objectPackets(o: { tsi?: number; toi: number; data: Uint8Array; T?: number; fti?: boolean; closeLast?: boolean; cenc?: number }): Uint8Array[] {
  const T = o.T ?? 1000;
  const n = Math.max(1, Math.ceil(o.data.length / T));
  const out: Uint8Array[] = [];
  for (let esi = 0; esi < n; esi++) {
    const ext: LctExtension[] = [];
    if (o.fti ?? true) ext.push({ het: HET_FTI, fti: { fecEncodingId: 0, transferLength: o.data.length, symbolLength: T, maxSourceBlockLength: n } });
    if (o.cenc !== undefined) ext.push({ het: HET_CENC, cenc: o.cenc });
    out.push(
      encodeAlcPacket({
        header: { tsi: o.tsi ?? 1, toi: o.toi, tsiBits: 32, toiBits: 32, closeObject: (o.closeLast ?? false) && esi === n - 1, extensions: ext },
        payloadId: { sbn: 0, esi },
        payload: o.data.subarray(esi * T, (esi + 1) * T),
      }),
    );
  }
  return out;
}

/**
 * No-code packets of one object cut in blocks of `B` symbols of `T` bytes (the data must be a whole
 * number of blocks, so every block has B symbols), in order; `closeLast` sets the B flag on the last.
 */
export function blockPackets(o: { tsi?: number; toi: number; data: Uint8Array; T: number; B: number; closeLast?: boolean; cenc?: number; fti?: Fti }): Uint8Array[] {
  const { T, B } = o;
  const symbols = o.data.length / T;
  if (!Number.isInteger(symbols) || symbols % B !== 0) throw new RangeError('blockPackets needs whole blocks');
  const out: Uint8Array[] = [];
  for (let i = 0; i < symbols; i++) {
    const ext: LctExtension[] = [{ het: HET_FTI, fti: o.fti ?? { fecEncodingId: 0, transferLength: o.data.length, symbolLength: T, maxSourceBlockLength: B } }];
    if (o.cenc !== undefined) ext.push({ het: HET_CENC, cenc: o.cenc });
    out.push(
      encodeAlcPacket({
        header: { tsi: o.tsi ?? 1, toi: o.toi, tsiBits: 32, toiBits: 32, closeObject: (o.closeLast ?? false) && i === symbols - 1, extensions: ext },
        payloadId: { sbn: Math.floor(i / B), esi: i % B },
        payload: o.data.subarray(i * T, (i + 1) * T),
      }),
    );
  }
  return out;
}

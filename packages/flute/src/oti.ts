/**
 * Conversions between this package's {@link Oti} and the two places FLUTE carries FEC Object
 * Transmission Information: EXT_FTI in packets (@proto/lct `Fti`, RFC 5775 §5.1.1) and the FEC-OTI-*
 * attributes of the FDT (@proto/fdt `FecOti`, RFC 6726 §3.4.2).
 */
import type { Fti } from '@proto/lct';
import type { FdtFile, FdtInstance, FecOti } from '@proto/fdt';
import { resolveFileOti } from '@proto/fdt';
import { makeOti, type Oti } from './fec/scheme.js';

/** Derived B for Raptor and RaptorQ: the largest block, ceil(Kt / Z). */
function fountainBlock(transferLength: number, symbolLength: number, z: number): number {
  return z === 0 || symbolLength === 0 ? 0 : Math.ceil(Math.ceil(transferLength / symbolLength) / z);
}

/** The OTI carried in an EXT_FTI. */
export function otiFromFti(fti: Fti): Oti {
  switch (fti.fecEncodingId) {
    case 0:
      return makeOti({ fecEncodingId: 0, transferLength: fti.transferLength, symbolLength: fti.symbolLength, maxSourceBlockLength: fti.maxSourceBlockLength, maxEncodingSymbols: fti.maxSourceBlockLength });
    case 1:
    case 6:
      return makeOti({
        fecEncodingId: fti.fecEncodingId,
        transferLength: fti.transferLength,
        symbolLength: fti.symbolLength,
        sourceBlocks: fti.sourceBlocks,
        subBlocks: fti.subBlocks,
        alignment: fti.alignment,
        maxSourceBlockLength: fountainBlock(fti.transferLength, fti.symbolLength, fti.sourceBlocks),
      });
    case 2:
      return makeOti({
        fecEncodingId: 2,
        transferLength: fti.transferLength,
        symbolLength: fti.symbolLength,
        maxSourceBlockLength: fti.maxSourceBlockLength,
        maxEncodingSymbols: fti.maxEncodingSymbols,
        m: fti.m,
        g: fti.g,
      });
    case 5:
      return makeOti({ fecEncodingId: 5, transferLength: fti.transferLength, symbolLength: fti.symbolLength, maxSourceBlockLength: fti.maxSourceBlockLength, maxEncodingSymbols: fti.maxEncodingSymbols, m: 8 });
    case 129:
      return makeOti({
        fecEncodingId: 129,
        fecInstanceId: fti.fecInstanceId,
        transferLength: fti.transferLength,
        symbolLength: fti.symbolLength,
        maxSourceBlockLength: fti.maxSourceBlockLength,
        maxEncodingSymbols: fti.maxEncodingSymbols,
        m: 8,
      });
  }
}

/**
 * Whether two OTIs describe the same transfer (same scheme, length, symbols and blocking). The FEC
 * Instance ID counts only for under-specified schemes (ID ≥ 128): senders write one for others too.
 */
export function sameOti(a: Oti, b: Oti): boolean {
  return (
    a.fecEncodingId === b.fecEncodingId &&
    (a.fecEncodingId < 128 || a.fecInstanceId === b.fecInstanceId) &&
    a.transferLength === b.transferLength &&
    a.symbolLength === b.symbolLength &&
    a.maxSourceBlockLength === b.maxSourceBlockLength &&
    a.maxEncodingSymbols === b.maxEncodingSymbols &&
    a.m === b.m &&
    a.g === b.g &&
    a.sourceBlocks === b.sourceBlocks &&
    a.subBlocks === b.subBlocks &&
    a.alignment === b.alignment
  );
}

/** The EXT_FTI for an OTI. */
export function otiToFti(oti: Oti): Fti {
  const { transferLength, symbolLength } = oti;
  switch (oti.fecEncodingId) {
    case 0:
      return { fecEncodingId: 0, transferLength, symbolLength, maxSourceBlockLength: oti.maxSourceBlockLength };
    case 1:
    case 6:
      return { fecEncodingId: oti.fecEncodingId, transferLength, symbolLength, sourceBlocks: oti.sourceBlocks, subBlocks: oti.subBlocks, alignment: oti.alignment };
    case 2:
      return { fecEncodingId: 2, transferLength, m: oti.m, g: oti.g, symbolLength, maxSourceBlockLength: oti.maxSourceBlockLength, maxEncodingSymbols: oti.maxEncodingSymbols };
    case 5:
      return { fecEncodingId: 5, transferLength, symbolLength, maxSourceBlockLength: oti.maxSourceBlockLength, maxEncodingSymbols: oti.maxEncodingSymbols };
    case 129:
      return { fecEncodingId: 129, transferLength, fecInstanceId: oti.fecInstanceId, symbolLength, maxSourceBlockLength: oti.maxSourceBlockLength, maxEncodingSymbols: oti.maxEncodingSymbols };
    default:
      throw new RangeError(`FEC Encoding ID ${oti.fecEncodingId} has no EXT_FTI layout`);
  }
}

/** The FEC-OTI-* attributes for an OTI (the transfer length goes in Transfer-Length). */
export function otiToFdt(oti: Oti): FecOti {
  const base = { encodingId: oti.fecEncodingId, encodingSymbolLength: oti.symbolLength };
  switch (oti.fecEncodingId) {
    case 6:
      return { ...base, maxSourceBlockLength: oti.maxSourceBlockLength, schemeSpecificInfo: { scheme: 'raptorq', z: oti.sourceBlocks, n: oti.subBlocks, al: oti.alignment } };
    case 1:
      return { ...base, maxSourceBlockLength: oti.maxSourceBlockLength, schemeSpecificInfo: { scheme: 'raptor', z: oti.sourceBlocks, n: oti.subBlocks, al: oti.alignment } };
    case 2:
      return { ...base, maxSourceBlockLength: oti.maxSourceBlockLength, maxEncodingSymbols: oti.maxEncodingSymbols, schemeSpecificInfo: { scheme: 'reed-solomon-gf2m', m: oti.m, g: oti.g } };
    case 0:
      return { ...base, maxSourceBlockLength: oti.maxSourceBlockLength };
    case 129:
      return { ...base, instanceId: oti.fecInstanceId, maxSourceBlockLength: oti.maxSourceBlockLength, maxEncodingSymbols: oti.maxEncodingSymbols };
    default:
      return { ...base, maxSourceBlockLength: oti.maxSourceBlockLength, maxEncodingSymbols: oti.maxEncodingSymbols };
  }
}

/**
 * The OTI of a File from the FDT (its own FEC-OTI-* over the instance's), or undefined when the FDT
 * lacks what the scheme needs. The transfer length is Transfer-Length, else Content-Length when the
 * file is not content-encoded. Without FEC-OTI-FEC-Encoding-ID the file is no-code (RFC 6726 §3.4.2
 * default), which is what GPAC's DVB-MABR FDTs rely on.
 */
export function otiFromFdt(instance: FdtInstance, file: FdtFile): Oti | undefined {
  const fec = resolveFileOti(instance, file) ?? {};
  const encoded = (file.contentEncoding ?? instance.contentEncoding ?? '').trim() !== '' && (file.contentEncoding ?? instance.contentEncoding)!.toLowerCase() !== 'null';
  const transferLength = file.transferLength ?? (encoded ? undefined : file.contentLength);
  if (transferLength === undefined) return undefined;
  const id = fec.encodingId ?? 0;
  const T = fec.encodingSymbolLength;
  if (T === undefined) return undefined;
  const ssi = fec.schemeSpecificInfo;
  switch (id) {
    case 0: {
      const B = fec.maxSourceBlockLength ?? Math.max(1, Math.ceil(transferLength / Math.max(1, T)));
      return makeOti({ fecEncodingId: 0, transferLength, symbolLength: T, maxSourceBlockLength: B, maxEncodingSymbols: B });
    }
    case 1:
    case 6: {
      if (ssi === undefined || (ssi.scheme !== 'raptorq' && ssi.scheme !== 'raptor')) return undefined;
      return makeOti({ fecEncodingId: id, transferLength, symbolLength: T, sourceBlocks: ssi.z, subBlocks: ssi.n, alignment: ssi.al, maxSourceBlockLength: fountainBlock(transferLength, T, ssi.z) });
    }
    case 2: {
      const m = ssi?.scheme === 'reed-solomon-gf2m' ? (ssi.m === 0 ? 8 : ssi.m) : 8;
      const g = ssi?.scheme === 'reed-solomon-gf2m' ? Math.max(1, ssi.g) : 1;
      if (fec.maxSourceBlockLength === undefined || fec.maxEncodingSymbols === undefined) return undefined;
      return makeOti({ fecEncodingId: 2, transferLength, symbolLength: T, maxSourceBlockLength: fec.maxSourceBlockLength, maxEncodingSymbols: fec.maxEncodingSymbols, m, g });
    }
    case 5:
    case 129:
      if (fec.maxSourceBlockLength === undefined || fec.maxEncodingSymbols === undefined) return undefined;
      return makeOti({ fecEncodingId: id, fecInstanceId: fec.instanceId ?? 0, transferLength, symbolLength: T, maxSourceBlockLength: fec.maxSourceBlockLength, maxEncodingSymbols: fec.maxEncodingSymbols, m: 8 });
    default:
      return makeOti({ fecEncodingId: id, fecInstanceId: fec.instanceId ?? 0, transferLength, symbolLength: T, maxSourceBlockLength: fec.maxSourceBlockLength ?? 0, maxEncodingSymbols: fec.maxEncodingSymbols ?? 0 });
  }
}

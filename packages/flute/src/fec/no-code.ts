/**
 * Compact No-Code FEC scheme, FEC Encoding ID 0 (RFC 5445 §3): source symbols only, blocks by
 * RFC 5052 §9.1, SBN(16) ESI(16). The last symbol of an object goes out short.
 */
import { MalformedError } from '../errors.js';
import { BlockLayout, SourceAssembler, badOti, makeOti, type BlockDecoder, type BlockEncoder, type FecParameters, type FecScheme, type Oti } from './scheme.js';

const MAX_BLOCKS = 0x10000;

export class NoCodeScheme implements FecScheme {
  readonly fecEncodingId = 0;
  readonly name = 'Compact No-Code';
  readonly shortLastSymbol = true;

  createOti(transferLength: number, params: FecParameters): Oti {
    const T = params.symbolLength;
    if (!Number.isInteger(T) || T < 1 || T > 0xffff) throw new RangeError(`symbolLength must be 1..65535, got ${T}`);
    let B = params.maxSourceBlockLength;
    if (!Number.isInteger(B) || B < 1 || B > 0xffffffff) throw new RangeError(`maxSourceBlockLength must be 1..2^32-1, got ${B}`);
    // SBN is 16 bits: raise B until the object fits in 65536 blocks.
    B = Math.max(B, Math.ceil(Math.ceil(transferLength / T) / MAX_BLOCKS));
    return makeOti({ fecEncodingId: 0, transferLength, symbolLength: T, maxSourceBlockLength: B, maxEncodingSymbols: B });
  }

  checkOti(oti: Oti): void {
    if (oti.symbolLength < 1) badOti('symbol length', 'must be at least 1', oti.symbolLength);
    if (oti.maxSourceBlockLength < 1) badOti('maximum source block length', 'must be at least 1', oti.maxSourceBlockLength);
    if (this.layout(oti).blockCount > MAX_BLOCKS) badOti('maximum source block length', 'gives more blocks than a 16-bit SBN can number', oti.maxSourceBlockLength);
  }

  layout(oti: Oti): BlockLayout {
    return BlockLayout.fromMaxBlockLength(oti.transferLength, oti.symbolLength, oti.maxSourceBlockLength);
  }

  encodingSymbols(_oti: Oti, k: number): number {
    return k;
  }

  maxEsi(_oti: Oti, k: number): number {
    return k - 1;
  }

  createEncoder(oti: Oti, _sbn: number, block: Uint8Array): BlockEncoder {
    const T = oti.symbolLength;
    const k = Math.ceil(block.length / T);
    return {
      sourceSymbols: k,
      writeSymbol(esi, out, offset) {
        const start = esi * T;
        const end = Math.min(block.length, start + T);
        out.set(block.subarray(start, end), offset);
        return end - start;
      },
    };
  }

  createDecoder(oti: Oti, sbn: number, allocate?: (length: number) => Uint8Array): BlockDecoder {
    const layout = this.layout(oti);
    const k = layout.sourceSymbols(sbn);
    const asm = new SourceAssembler(k, oti.symbolLength, layout.byteLength(sbn), allocate);
    return {
      push(esi, symbol) {
        if (esi >= k) throw new MalformedError('ESI', `no-code block ${sbn} has ${k} source symbols`, esi);
        asm.put(esi, symbol);
        return asm.count === k;
      },
      get complete() {
        return asm.count === k;
      },
      result: () => asm.block,
      memory: asm.block.length,
      get sourceReceived() {
        return asm.count;
      },
    };
  }
}

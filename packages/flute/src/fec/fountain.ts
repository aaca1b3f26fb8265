/**
 * The fountain codes on @proto/fec-raptorq's block coders: RaptorQ, FEC Encoding ID 6 (RFC 6330),
 * and Raptor, FEC Encoding ID 1 (RFC 5053). Source blocks by Partition[Kt, Z] with the Z of the OTI
 * (RFC 6330 §4.4.1.2, RFC 5053 §5.3.1.2), sub-blocks by Partition[T/Al, N] (each encoding symbol
 * interleaves one sub-symbol of every sub-block); the object's last source symbol is zero-padded to
 * T. A sender picks Z = ceil(Kt / B) for its maximum block length B, capped at the SBN's range
 * (larger blocks then), within the code's K limits.
 */
import {
  MalformedError as FountainMalformedError,
  RAPTOR10_MAX_ESI,
  RAPTOR10_MAX_SOURCE_SYMBOLS,
  RAPTOR10_MIN_SOURCE_SYMBOLS,
  RAPTORQ_MAX_ESI,
  RAPTORQ_MAX_SOURCE_SYMBOLS,
  Raptor10BlockDecoder,
  Raptor10BlockEncoder,
  RaptorQBlockDecoder,
  RaptorQBlockEncoder,
  checkRaptor10Oti,
  checkRaptorQOti,
  subBlockPartition,
  ypoBlockLayout,
  type SourceBlock,
  type SourceBlockSink,
} from '@proto/fec-raptorq';
import { MalformedError } from '../errors.js';
import { BlockLayout, makeOti, repairCount, type BlockDecoder, type BlockEncoder, type FecParameters, type FecScheme, type Oti } from './scheme.js';

interface FountainOti {
  readonly transferLength: number;
  readonly symbolSize: number;
  readonly sourceBlocks: number;
  readonly subBlocks: number;
  readonly alignment: number;
}

/** What differs between RaptorQ and Raptor. */
interface Code {
  readonly id: 1 | 6;
  readonly name: string;
  readonly minK: number;
  readonly maxK: number;
  /** Largest Z the FEC Payload ID numbers (SBN 8 bits for RaptorQ, 16 for Raptor). */
  readonly maxZ: number;
  readonly maxEsi: number;
  readonly maxN: number;
  check(oti: FountainOti): void;
  encoder(source: Uint8Array | SourceBlock, T: number): { writeSymbol(esi: number, out: Uint8Array, offset: number): void; dispose(): void };
  decoder(K: number, T: number, output: Uint8Array | SourceBlockSink): { push(esi: number, symbol: Uint8Array): boolean; readonly complete: boolean; readonly received: number };
}

const RAPTORQ: Code = {
  id: 6,
  name: 'RaptorQ',
  minK: 1,
  maxK: RAPTORQ_MAX_SOURCE_SYMBOLS,
  maxZ: 255,
  maxEsi: RAPTORQ_MAX_ESI,
  maxN: 0xffff,
  check: checkRaptorQOti,
  encoder: (source, T) => new RaptorQBlockEncoder(source, T),
  decoder: (K, T, output) => new RaptorQBlockDecoder(K, T, {}, output),
};

const RAPTOR: Code = {
  id: 1,
  name: 'Raptor',
  minK: RAPTOR10_MIN_SOURCE_SYMBOLS,
  maxK: RAPTOR10_MAX_SOURCE_SYMBOLS,
  maxZ: 0xffff,
  maxEsi: RAPTOR10_MAX_ESI,
  maxN: 0xff,
  check: checkRaptor10Oti,
  encoder: (source, T) => new Raptor10BlockEncoder(source, T),
  decoder: (K, T, output) => new Raptor10BlockDecoder(K, T, {}, output),
};

/**
 * Memory charged for a block decoder that has not completed, beyond its block and symbols: each
 * one holds a symbol kernel of @proto/fec-raptorq, a WebAssembly instance with its own memory
 * (~17 KB resident and ~10 GB of reserved address space in V8; past ~12,900 live ones V8 runs out
 * of address space and every allocation stalls for seconds). The charge keeps the receiver's
 * default maxTotalMemory (256 MiB) to under 2,000 of them.
 */
const KERNEL_CHARGE = 128 << 10;

/** Byte size and offset (within a symbol) of each sub-symbol, from Partition[T/Al, N]. */
function subSymbols(oti: Oti): { sizes: number[]; starts: number[] } {
  const p = subBlockPartition(oti.symbolLength, oti.subBlocks, oti.alignment);
  const sizes: number[] = [];
  const starts: number[] = [];
  let at = 0;
  for (let n = 0; n < oti.subBlocks; n++) {
    const size = (n < p.largeCount ? p.large : p.small) * oti.alignment;
    sizes.push(size);
    starts.push(at);
    at += size;
  }
  return { sizes, starts };
}

/**
 * Encoding-order view of a block cut in N sub-blocks: sub-block n is the contiguous range of
 * K·size(n) bytes at K·start(n); symbol i is sub-symbol i of every sub-block, in order.
 */
function gather(block: Uint8Array, K: number, sizes: number[], starts: number[]): SourceBlock {
  return {
    sourceSymbols: K,
    readSymbol(esi, out, offset) {
      for (let n = 0; n < sizes.length; n++) {
        const size = sizes[n]!;
        const from = K * starts[n]! + esi * size;
        const got = Math.max(0, Math.min(block.length, from + size) - from);
        const at = offset + starts[n]!;
        if (got > 0) out.set(block.subarray(from, from + got), at);
        if (got < size) out.fill(0, at + got, at + size);
      }
    },
  };
}

/** The inverse of {@link gather}: decoded source symbols scattered back into the block. */
function scatter(block: Uint8Array, K: number, sizes: number[], starts: number[]): SourceBlockSink {
  return {
    writeSymbol(esi, symbol) {
      for (let n = 0; n < sizes.length; n++) {
        const to = K * starts[n]! + esi * sizes[n]!;
        const len = Math.min(sizes[n]!, block.length - to);
        if (len > 0) block.set(symbol.subarray(starts[n]!, starts[n]! + len), to);
      }
    },
  };
}

class FountainScheme implements FecScheme {
  readonly fecEncodingId: 1 | 6;
  readonly name: string;
  readonly shortLastSymbol = false;

  constructor(
    readonly code: Code,
    /** ypo/flute's cut of a short last block into K symbols of ceil(B/K) bytes (Raptor only). */
    readonly ypoLastBlock = false,
  ) {
    this.fecEncodingId = code.id;
    this.name = code.name;
  }

  /** ypo's layout for a short block without sub-blocks, when asked for. */
  #ypo(oti: Oti, block: Uint8Array, K: number): ReturnType<typeof ypoBlockLayout> {
    return this.ypoLastBlock && oti.subBlocks === 1 ? ypoBlockLayout(block, K, oti.symbolLength) : undefined;
  }

  createOti(transferLength: number, params: FecParameters): Oti {
    const c = this.code;
    const Al = params.alignment ?? 4;
    if (!Number.isInteger(Al) || Al < 1 || Al > 255) throw new RangeError(`alignment must be 1..255, got ${Al}`);
    let T = Math.floor(params.symbolLength / Al) * Al;
    if (!Number.isInteger(params.symbolLength) || T < Al || T > 0xffff) throw new RangeError(`symbolLength must allow a multiple of Al = ${Al} in ${Al}..65535, got ${params.symbolLength}`);
    // A code with a minimum K (Raptor: 4) gets smaller symbols for a small object.
    if (transferLength > 0 && Math.ceil(transferLength / T) < c.minK) T = Math.max(Al, Math.floor(transferLength / c.minK / Al) * Al);
    const N = params.subBlocks ?? 1;
    if (!Number.isInteger(N) || N < 1 || N > Math.min(c.maxN, T / Al)) throw new RangeError(`subBlocks must be 1..${Math.min(c.maxN, T / Al)}, got ${N}`);
    const B = params.maxSourceBlockLength;
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`maxSourceBlockLength must be a positive integer, got ${B}`);
    const Kt = Math.max(1, Math.ceil(transferLength / T));
    // Blocks of at most B symbols; larger ones when the SBN cannot number that many blocks.
    const Z = Math.min(c.maxZ, Math.max(1, Math.ceil(Kt / Math.max(c.minK, Math.min(B, c.maxK)))));
    if (Math.ceil(Kt / Z) > c.maxK) throw new RangeError(`${c.name} cannot code ${transferLength} bytes in ${T}-byte symbols: ${c.maxZ} blocks of at most ${c.maxK} symbols`);
    const oti = makeOti({ fecEncodingId: c.id, transferLength, symbolLength: T, sourceBlocks: Z, subBlocks: N, alignment: Al, maxSourceBlockLength: Math.ceil(Kt / Z) });
    if (transferLength > 0) {
      try {
        this.checkOti(oti);
      } catch (e) {
        throw new RangeError(`${c.name} cannot code ${transferLength} bytes with these parameters: ${(e as Error).message}`);
      }
    }
    return oti;
  }

  checkOti(oti: Oti): void {
    try {
      this.code.check({ transferLength: oti.transferLength, symbolSize: oti.symbolLength, sourceBlocks: oti.sourceBlocks, subBlocks: oti.subBlocks, alignment: oti.alignment });
    } catch (e) {
      if (e instanceof FountainMalformedError) throw new MalformedError(`FEC OTI (${this.code.name})`, e.message);
      throw e;
    }
    const layout = this.layout(oti);
    if (layout.smallSize < this.code.minK) throw new MalformedError(`FEC OTI (${this.code.name})`, `blocks of ${layout.smallSize} symbols, fewer than K = ${this.code.minK}`);
  }

  layout(oti: Oti): BlockLayout {
    return new BlockLayout(oti.transferLength, oti.symbolLength, oti.sourceBlocks);
  }

  encodingSymbols(_oti: Oti, k: number, params: FecParameters): number {
    return Math.min(this.code.maxEsi + 1, k + repairCount(k, params.repair));
  }

  maxEsi(): number {
    return this.code.maxEsi;
  }

  /**
   * How a block of K symbols meets the block coder: its symbol size, and the block itself or, with
   * sub-blocks or ypo's last-block cut, a symbol-order view (source for encoding, sink for decoding).
   */
  #view(oti: Oti, block: Uint8Array, K: number): { T: number; ypo: boolean; source: Uint8Array | SourceBlock; sink: Uint8Array | SourceBlockSink } {
    const ypo = this.#ypo(oti, block, K);
    if (ypo !== undefined) return { T: ypo.symbolSize, ypo: true, source: ypo.source, sink: ypo.sink };
    if (oti.subBlocks === 1) return { T: oti.symbolLength, ypo: false, source: block, sink: block };
    const { sizes, starts } = subSymbols(oti);
    return { T: oti.symbolLength, ypo: false, source: gather(block, K, sizes, starts), sink: scatter(block, K, sizes, starts) };
  }

  createEncoder(oti: Oti, sbn: number, block: Uint8Array): BlockEncoder {
    const K = this.layout(oti).sourceSymbols(sbn);
    const { T, source } = this.#view(oti, block, K);
    const enc = this.code.encoder(source, T);
    return {
      sourceSymbols: K,
      writeSymbol(esi, out, offset) {
        enc.writeSymbol(esi, out, offset);
        return T;
      },
      dispose: () => enc.dispose(),
    };
  }

  createDecoder(oti: Oti, sbn: number, allocate?: (length: number) => Uint8Array): BlockDecoder {
    const layout = this.layout(oti);
    const K = layout.sourceSymbols(sbn);
    const block = allocate === undefined ? new Uint8Array(layout.byteLength(sbn)) : allocate(layout.byteLength(sbn));
    const { T, ypo, sink: output } = this.#view(oti, block, K);
    const dec = this.code.decoder(K, T, output);
    const maxEsi = this.code.maxEsi;
    const name = this.code.name;
    const seen = new Uint8Array(K);
    let sources = 0;
    let padded: Uint8Array | undefined;
    return {
      push(esi, symbol) {
        if (esi > maxEsi) throw new MalformedError('ESI', `beyond ${maxEsi}`, esi);
        if (symbol.length !== T) {
          // A sender may send the object's last source symbol short (no sub-blocks): pad it.
          const last = !ypo && oti.subBlocks === 1 && sbn === layout.blockCount - 1 && esi === K - 1 && symbol.length === block.length - (K - 1) * T;
          if (!last) throw new MalformedError('encoding symbol', `ESI ${esi} has ${symbol.length} bytes, expected ${T}`, symbol.length);
          padded ??= new Uint8Array(T);
          padded.fill(0);
          padded.set(symbol);
          symbol = padded;
        }
        if (esi < K && seen[esi] === 0) {
          seen[esi] = 1;
          sources++;
        }
        try {
          return dec.push(esi, symbol);
        } catch (e) {
          if (e instanceof FountainMalformedError) throw new MalformedError(`${name} symbol`, e.message, esi);
          throw e;
        }
      },
      get complete() {
        return dec.complete;
      },
      result: () => block,
      get memory() {
        return dec.complete ? block.length : block.length + dec.received * T + KERNEL_CHARGE;
      },
      get sourceReceived() {
        return sources;
      },
    };
  }
}

/** RaptorQ (FEC Encoding ID 6). */
export class RaptorQScheme extends FountainScheme {
  constructor() {
    super(RAPTORQ);
  }
}

/**
 * Raptor (FEC Encoding ID 1, RFC 5053). With `ypoLastBlock` the object's last block, when shorter
 * than K·T bytes, is cut into K symbols of ceil(B/K) bytes as ypo/flute's Raptor does (RFC 5053
 * zero-pads T-byte symbols instead); both sides must agree.
 */
export class RaptorScheme extends FountainScheme {
  constructor(options: { readonly ypoLastBlock?: boolean } = {}) {
    super(RAPTOR, options.ypoLastBlock ?? false);
  }
}

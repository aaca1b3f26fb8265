/**
 * The FEC building block (RFC 5052) as this package uses it: one small interface per FEC Encoding ID
 * with block encoder and decoder factories. Every scheme runs the same compliance suite
 * (test/fec-compliance.test.ts).
 */
import { MalformedError } from '../errors.js';

/**
 * FEC Object Transmission Information of one object (RFC 5052 §4.2): the common part and every
 * scheme-specific field any supported scheme uses. Fields a scheme does not use are 0.
 */
export interface Oti {
  readonly fecEncodingId: number;
  /** FEC Instance ID (under-specified schemes, ID ≥ 128). */
  readonly fecInstanceId: number;
  /** Transfer length L / F in bytes. */
  readonly transferLength: number;
  /** Encoding symbol length E / T in bytes. */
  readonly symbolLength: number;
  /** Maximum source block length B in symbols (0, 2, 5, 129; derived for 1 and 6). */
  readonly maxSourceBlockLength: number;
  /** Maximum number of encoding symbols per block max_n (2, 5, 129). */
  readonly maxEncodingSymbols: number;
  /** RS GF(2^m): m (FEC 2; 8 for 5 and 129). */
  readonly m: number;
  /** RS GF(2^m): symbols per packet G (FEC 2). */
  readonly g: number;
  /** Raptor / RaptorQ: Z, number of source blocks. */
  readonly sourceBlocks: number;
  /** Raptor / RaptorQ: N, number of sub-blocks. */
  readonly subBlocks: number;
  /** Raptor / RaptorQ: Al, symbol alignment. */
  readonly alignment: number;
}

/** An OTI with every optional field defaulted. */
export function makeOti(fields: Partial<Oti> & Pick<Oti, 'fecEncodingId' | 'transferLength' | 'symbolLength'>): Oti {
  return {
    fecInstanceId: 0,
    maxSourceBlockLength: 0,
    maxEncodingSymbols: 0,
    m: 0,
    g: 1,
    sourceBlocks: 0,
    subBlocks: 1,
    alignment: 1,
    ...fields,
  };
}

/**
 * Source block partitioning: Kt = ceil(L/T) source symbols in Z blocks, the first
 * `largeCount` of `largeSize` symbols and the rest of `smallSize` (RFC 5052 §9.1 with
 * Z = ceil(Kt/B); RFC 6330 §4.4.1.2 and RFC 5053 §5.3.1.2 Partition[Kt, Z]).
 */
export class BlockLayout {
  readonly totalSymbols: number;
  readonly blockCount: number;
  readonly largeSize: number;
  readonly smallSize: number;
  readonly largeCount: number;

  constructor(
    readonly transferLength: number,
    readonly symbolLength: number,
    blockCount: number,
  ) {
    this.totalSymbols = Math.ceil(transferLength / symbolLength);
    this.blockCount = this.totalSymbols === 0 ? 0 : blockCount;
    if (this.blockCount === 0) {
      this.largeSize = this.smallSize = this.largeCount = 0;
      return;
    }
    this.largeSize = Math.ceil(this.totalSymbols / this.blockCount);
    this.smallSize = Math.floor(this.totalSymbols / this.blockCount);
    this.largeCount = this.totalSymbols - this.smallSize * this.blockCount;
  }

  /** The layout for a maximum source block length B (RFC 5052 §9.1). */
  static fromMaxBlockLength(transferLength: number, symbolLength: number, maxBlock: number): BlockLayout {
    const kt = Math.ceil(transferLength / symbolLength);
    return new BlockLayout(transferLength, symbolLength, Math.ceil(kt / maxBlock));
  }

  /** Source symbols k of block `sbn`. */
  sourceSymbols(sbn: number): number {
    return sbn < this.largeCount ? this.largeSize : this.smallSize;
  }

  /** Index of the first source symbol of block `sbn` in the object. */
  firstSymbol(sbn: number): number {
    return sbn < this.largeCount ? sbn * this.largeSize : this.largeCount * this.largeSize + (sbn - this.largeCount) * this.smallSize;
  }

  /** Byte offset of block `sbn` in the object. */
  byteOffset(sbn: number): number {
    return this.firstSymbol(sbn) * this.symbolLength;
  }

  /** Bytes of block `sbn` (the last block of the object may end inside its last symbol). */
  byteLength(sbn: number): number {
    const start = this.byteOffset(sbn);
    return Math.min(this.transferLength, start + this.sourceSymbols(sbn) * this.symbolLength) - start;
  }

  /** Byte lengths of every block, in order. */
  byteLengths(): number[] {
    return Array.from({ length: this.blockCount }, (_, i) => this.byteLength(i));
  }
}

/** Produces the encoding symbols of one source block. */
export interface BlockEncoder {
  /** Source symbols k. */
  readonly sourceSymbols: number;
  /**
   * Writes the symbol of `esi` at `out[offset…]` and returns its length: T, or less for the last
   * source symbol of an object under a scheme that sends it short (no-code).
   */
  writeSymbol(esi: number, out: Uint8Array, offset: number): number;
  /** Releases the encoder's working memory (optional; the encoder is not used afterwards). */
  dispose?(): void;
}

/** Rebuilds one source block from encoding symbols. */
export interface BlockDecoder {
  /**
   * Adds the symbol of `esi` and returns true once the block is decoded. Duplicates are ignored.
   * `symbol` may be a view into a buffer the caller reuses once this returns: copy what you keep.
   * @throws MalformedError for an ESI the scheme cannot have or a symbol of the wrong length.
   */
  push(esi: number, symbol: Uint8Array): boolean;
  readonly complete: boolean;
  /** The block's bytes (exactly its byte length) once complete. */
  result(): Uint8Array;
  /** Bytes of memory the decoder holds now (for the receiver's limits). */
  readonly memory: number;
  /** Distinct source symbols received (k minus this were rebuilt by FEC once complete). */
  readonly sourceReceived: number;
}

/** What a sender chooses for an object; each scheme reads the fields it uses. */
export interface FecParameters {
  /** Encoding symbol length in bytes. */
  readonly symbolLength: number;
  /** Largest source block in symbols (a scheme may raise it when its SBN field is too narrow). */
  readonly maxSourceBlockLength: number;
  /** Repair symbols per block: a percentage of k, or a count. */
  readonly repair: { readonly percent: number } | { readonly symbols: number };
  /** RS GF(2^m) field size (FEC 2). */
  readonly m?: number;
  /** Raptor / RaptorQ sub-blocks N (default 1). */
  readonly subBlocks?: number;
  /** Raptor / RaptorQ symbol alignment Al (default 4 for RaptorQ, 4 for Raptor). */
  readonly alignment?: number;
  /** FEC Instance ID for ID 129 (only 0, Reed-Solomon, is implemented). */
  readonly fecInstanceId?: number;
}

/** One FEC scheme (one FEC Encoding ID, and Instance ID for under-specified schemes). */
export interface FecScheme {
  readonly fecEncodingId: number;
  /** Human-readable name. */
  readonly name: string;
  /** Whether the last source symbol of an object goes out short (no-code) or zero-padded. */
  readonly shortLastSymbol: boolean;
  /** The OTI for an object of `transferLength` bytes. Throws RangeError for impossible parameters. */
  createOti(transferLength: number, params: FecParameters): Oti;
  /** Throws MalformedError unless the scheme can decode objects with `oti` within its limits. */
  checkOti(oti: Oti): void;
  layout(oti: Oti): BlockLayout;
  /** Encoding symbols a sender emits for a block of k source symbols (source + repair). */
  encodingSymbols(oti: Oti, k: number, params: FecParameters): number;
  /** Largest ESI a receiver accepts for a block of k source symbols. */
  maxEsi(oti: Oti, k: number): number;
  createEncoder(oti: Oti, sbn: number, block: Uint8Array): BlockEncoder;
  /**
   * A decoder for block `sbn`. `allocate`, when given, supplies the memory the block is decoded into
   * (zero-filled, exactly the length asked); schemes that decode into a block of their own use it.
   */
  createDecoder(oti: Oti, sbn: number, allocate?: (length: number) => Uint8Array): BlockDecoder;
}

/** Repair symbols for a block of k source symbols. */
export function repairCount(k: number, repair: FecParameters['repair']): number {
  if ('percent' in repair) {
    if (!(repair.percent >= 0) || !Number.isFinite(repair.percent)) throw new RangeError(`repair.percent must be a non-negative number, got ${repair.percent}`);
    return Math.ceil((k * repair.percent) / 100);
  }
  if (!Number.isInteger(repair.symbols) || repair.symbols < 0) throw new RangeError(`repair.symbols must be a non-negative integer, got ${repair.symbols}`);
  return repair.symbols;
}

/** Throws MalformedError naming the OTI field. */
export function badOti(field: string, reason: string, value: number): never {
  throw new MalformedError(`FEC OTI ${field}`, reason, value);
}

/**
 * A decoder that copies source symbols straight into the block (no-code, and the systematic fast path
 * of the FEC decoders): symbol i lands at i·T; the last one may be short.
 */
export class SourceAssembler {
  readonly block: Uint8Array;
  readonly #have: Uint8Array;
  #count = 0;

  constructor(
    readonly k: number,
    readonly symbolLength: number,
    byteLength: number,
    allocate?: (length: number) => Uint8Array,
  ) {
    this.block = allocate === undefined ? new Uint8Array(byteLength) : allocate(byteLength);
    this.#have = new Uint8Array(k);
  }

  get count(): number {
    return this.#count;
  }

  has(esi: number): boolean {
    return this.#have[esi] === 1;
  }

  /** Expected length of source symbol `esi` (the last may be short). */
  lengthOf(esi: number): number {
    return Math.min(this.symbolLength, this.block.length - esi * this.symbolLength);
  }

  /**
   * Stores source symbol `esi` (full T bytes, or exactly the remaining bytes for the last one, or a
   * zero-padded full symbol for the last one). Returns false for a duplicate.
   */
  put(esi: number, symbol: Uint8Array): boolean {
    const want = this.lengthOf(esi);
    if (symbol.length !== want && symbol.length !== this.symbolLength) {
      throw new MalformedError('encoding symbol', `ESI ${esi} has ${symbol.length} bytes, expected ${want}`, symbol.length);
    }
    if (this.#have[esi] === 1) return false;
    this.#have[esi] = 1;
    this.#count++;
    this.block.set(symbol.length === want ? symbol : symbol.subarray(0, want), esi * this.symbolLength);
    return true;
  }
}

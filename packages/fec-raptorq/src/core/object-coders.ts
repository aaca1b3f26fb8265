import { MalformedError } from '../errors.js';
import type { BlockDecoder, BlockDecoderOptions } from './block-decoder.js';
import type { BlockCoderOptions, BlockEncoder } from './block-encoder.js';
import { partition, partSize, partStart } from './partition.js';
import { SubBlocking, type SourceBlock, type SourceBlockSink } from './subblocks.js';

/** Transfer length F, symbol size T, source blocks Z, sub-blocks N and alignment Al of an object. */
export interface ObjectGeometry {
  readonly transferLength: number;
  readonly symbolSize: number;
  readonly sourceBlocks: number;
  readonly subBlocks: number;
  readonly alignment: number;
}

/** One source block of an object (RFC 6330 §4.4.1.2, RFC 5053 §5.3.1.2). */
export interface SourceBlockLayout {
  /** Source block number. */
  readonly sbn: number;
  /** K: source symbols in the block. */
  readonly sourceSymbols: number;
  /** Offset of the block's first byte in the object. */
  readonly byteOffset: number;
  /** Bytes of object data in the block (K * T, less for the last block). */
  readonly byteLength: number;
}

/**
 * Source blocks of an object: (KL, KS, ZL, ZS) = Partition[Kt, Z] with Kt = ceil(F/T), the ZL
 * blocks of KL symbols first (RFC 6330 §4.4.1.2; the same in RFC 5053 §5.3.1.2).
 */
export function sourceBlockLayout(transferLength: number, symbolSize: number, sourceBlocks: number): SourceBlockLayout[] {
  const Kt = Math.ceil(transferLength / symbolSize);
  const blocks = partition(Kt, sourceBlocks);
  const out: SourceBlockLayout[] = [];
  for (let sbn = 0; sbn < sourceBlocks; sbn++) {
    const K = partSize(blocks, sbn);
    const byteOffset = partStart(blocks, sbn) * symbolSize;
    out.push({ sbn, sourceSymbols: K, byteOffset, byteLength: Math.min(K * symbolSize, transferLength - byteOffset) });
  }
  return out;
}

/** How a block's bytes map to its symbols, when a scheme departs from T-byte symbols in order. */
export interface BlockLayout {
  readonly symbolSize: number;
  readonly source: Uint8Array | SourceBlock;
  readonly sink: Uint8Array | SourceBlockSink;
}

/** What the object coders need from a scheme. */
export interface ObjectScheme {
  /** 'RaptorQ' or 'Raptor', for errors. */
  readonly name: string;
  readonly maxEsi: number;
  /** Writes the 4-byte FEC Payload ID into `out` at 0. */
  encodePayloadId(sbn: number, esi: number, out: Uint8Array): void;
  /** Reads the 4-byte FEC Payload ID (TruncatedError if shorter). */
  decodePayloadId(packet: Uint8Array): { sbn: number; esi: number };
  blockEncoder(source: Uint8Array | SourceBlock, symbolSize: number, options: BlockCoderOptions): BlockEncoder;
  blockDecoder(K: number, symbolSize: number, options: BlockDecoderOptions, output: Uint8Array | SourceBlockSink): BlockDecoder;
  /** The label a packet carries for `esi` of a block of K symbols (default: the ESI). */
  label?(K: number, esi: number): number;
  /** The ESI of a received label (default: the label); throws MalformedError for impossible labels. */
  unlabel?(K: number, label: number): number;
  /** A block whose symbols are not the T-byte pieces of its bytes (default: they are). */
  layout?(bytes: Uint8Array, K: number, T: number): BlockLayout | undefined;
}

const PAYLOAD_ID_LENGTH = 4;

/**
 * Encoder of a whole object: splits it into the source blocks and sub-blocks its geometry
 * describes and yields packets of one symbol each, FEC Payload ID then the symbol.
 */
export class ObjectEncoder {
  /** Z. */
  readonly sourceBlockCount: number;
  private readonly layout: SourceBlockLayout[];
  private readonly subBlocking: SubBlocking;
  private readonly encoders: (BlockEncoder | undefined)[];
  private disposed = false;

  protected constructor(
    private readonly scheme: ObjectScheme,
    private readonly data: Uint8Array,
    private readonly geometry: ObjectGeometry,
    private readonly options: BlockCoderOptions,
  ) {
    if (data.length !== geometry.transferLength) throw new RangeError(`data has ${data.length} bytes, the OTI says ${geometry.transferLength}`);
    this.sourceBlockCount = geometry.sourceBlocks;
    this.layout = sourceBlockLayout(geometry.transferLength, geometry.symbolSize, geometry.sourceBlocks);
    this.subBlocking = new SubBlocking(partition(geometry.symbolSize / geometry.alignment, geometry.subBlocks), geometry.alignment);
    this.encoders = new Array<BlockEncoder | undefined>(geometry.sourceBlocks);
  }

  /** K of source block `sbn`. */
  sourceSymbols(sbn: number): number {
    return this.block(sbn).sourceSymbols;
  }

  /** The block-level encoder of source block `sbn` (symbols in encoding order). */
  blockEncoder(sbn: number): BlockEncoder {
    const b = this.block(sbn);
    let e = this.encoders[sbn];
    if (e === undefined) {
      const bytes = this.data.subarray(b.byteOffset, b.byteOffset + b.byteLength);
      const T = this.geometry.symbolSize;
      const custom = this.scheme.layout?.(bytes, b.sourceSymbols, T);
      const source = custom?.source ?? (this.subBlocking.trivial ? bytes : this.subBlocking.source(bytes, b.sourceSymbols));
      e = this.scheme.blockEncoder(source, custom?.symbolSize ?? T, this.options);
      this.encoders[sbn] = e;
    }
    return e;
  }

  /** The packet carrying symbol `esi` of block `sbn`: FEC Payload ID then the symbol. */
  packet(sbn: number, esi: number): Uint8Array {
    const block = this.blockEncoder(sbn);
    const out = new Uint8Array(PAYLOAD_ID_LENGTH + block.symbolSize);
    block.writeSymbol(esi, out, PAYLOAD_ID_LENGTH);
    this.scheme.encodePayloadId(sbn, this.scheme.label?.(block.sourceSymbols, esi) ?? esi, out);
    return out;
  }

  /**
   * Releases the memory of every block's intermediate symbols (to a pool later coders reuse). The
   * encoder cannot be used afterwards.
   */
  dispose(): void {
    for (const e of this.encoders) e?.dispose();
    this.disposed = true;
  }

  private block(sbn: number): SourceBlockLayout {
    if (this.disposed) throw new Error('the encoder was disposed');
    const b = Number.isInteger(sbn) ? this.layout[sbn] : undefined;
    if (b === undefined) throw new RangeError(`sbn = ${sbn}: the object has ${this.sourceBlockCount} source blocks`);
    return b;
  }
}

/**
 * Decoder of a whole object: takes packets (FEC Payload ID then one or more symbols) in any
 * order, decodes each source block as soon as it can, straight into the object, and returns the
 * object once every block is decoded. Memory is bounded by the geometry: at most K +
 * maxExtraSymbols symbols per block, and the object itself.
 */
export class ObjectDecoder {
  private readonly layout: SourceBlockLayout[];
  private readonly subBlocking: SubBlocking;
  private readonly decoders: (BlockDecoder | undefined)[];
  private readonly blockDone: Uint8Array;
  private remaining: number;
  private object: Uint8Array | undefined;
  /** Symbols dropped: duplicates, for blocks already decoded, or beyond a block's memory bound. */
  dropped = 0;

  /** Throws MalformedError for an object beyond `maxTransferLength` (default 1 GiB). */
  protected constructor(
    private readonly scheme: ObjectScheme,
    private readonly geometry: ObjectGeometry,
    private readonly options: BlockDecoderOptions & { readonly maxTransferLength?: number },
  ) {
    const max = options.maxTransferLength ?? 2 ** 30;
    if (geometry.transferLength > max) throw new MalformedError(`${scheme.name} OTI`, 'F', geometry.transferLength, `exceeds maxTransferLength = ${max}`);
    this.layout = sourceBlockLayout(geometry.transferLength, geometry.symbolSize, geometry.sourceBlocks);
    this.subBlocking = new SubBlocking(partition(geometry.symbolSize / geometry.alignment, geometry.subBlocks), geometry.alignment);
    this.decoders = new Array<BlockDecoder | undefined>(geometry.sourceBlocks);
    this.blockDone = new Uint8Array(geometry.sourceBlocks);
    this.remaining = geometry.sourceBlocks;
  }

  /** True once the whole object is decoded. */
  get complete(): boolean {
    return this.remaining === 0;
  }

  /**
   * Adds a packet: the 4-byte FEC Payload ID then one or more whole symbols with consecutive ESIs.
   * Returns true once the object is complete. Throws TruncatedError for fewer than 4 bytes and
   * MalformedError for an unknown SBN, an ESI out of range or a payload that is not whole symbols.
   */
  push(packet: Uint8Array): boolean {
    const { sbn, esi } = this.scheme.decodePayloadId(packet);
    const d = this.blockDecoder(sbn);
    const T = d?.symbolSize ?? this.geometry.symbolSize;
    const what = `${this.scheme.name} packet`;
    const payload = packet.length - PAYLOAD_ID_LENGTH;
    if (payload === 0 || payload % T !== 0) throw new MalformedError(what, 'length', packet.length, `the payload is not a whole number of ${T}-byte symbols`);
    const count = payload / T;
    const max = this.scheme.maxEsi;
    if (esi + count - 1 > max) throw new MalformedError(what, 'esi', esi, `${count} symbols run past ESI ${max}`);
    let done = this.remaining === 0;
    for (let g = 0; g < count; g++) {
      const at = PAYLOAD_ID_LENGTH + g * T;
      done = this.pushSymbol(sbn, esi + g, packet.subarray(at, at + T));
    }
    return done;
  }

  /**
   * Adds one symbol of block `sbn` (`esi` as labelled in the packet). Returns true once the object
   * is complete.
   */
  pushSymbol(sbn: number, esi: number, symbol: Uint8Array): boolean {
    const d = this.blockDecoder(sbn);
    if (d === undefined) {
      this.dropped++;
      return this.remaining === 0;
    }
    if (d.push(this.scheme.unlabel?.(d.sourceSymbols, esi) ?? esi, symbol)) {
      this.blockDone[sbn] = 1;
      this.dropped += d.dropped;
      this.decoders[sbn] = undefined;
      this.remaining--;
    }
    return this.remaining === 0;
  }

  /**
   * The block-level decoder of source block `sbn` (symbols in encoding order), or undefined once
   * that block is decoded. Throws MalformedError for an SBN the object does not have.
   */
  blockDecoder(sbn: number): BlockDecoder | undefined {
    const b = Number.isInteger(sbn) ? this.layout[sbn] : undefined;
    if (b === undefined) throw new MalformedError(`${this.scheme.name} packet`, 'sbn', sbn, `the object has ${this.geometry.sourceBlocks} source blocks`);
    if (this.blockDone[b.sbn] === 1) return undefined;
    let d = this.decoders[sbn];
    if (d === undefined) {
      // Decoded symbols go straight into the object: in order without sub-blocks, else scattered.
      this.object ??= new Uint8Array(this.geometry.transferLength);
      const bytes = this.object.subarray(b.byteOffset, b.byteOffset + b.byteLength);
      const T = this.geometry.symbolSize;
      const custom = this.scheme.layout?.(bytes, b.sourceSymbols, T);
      const output = custom?.sink ?? (this.subBlocking.trivial ? bytes : this.subBlocking.sink(bytes, b.sourceSymbols));
      d = this.scheme.blockDecoder(b.sourceSymbols, custom?.symbolSize ?? T, this.options, output);
      this.decoders[sbn] = d;
    }
    return d;
  }

  /** The object once complete, else undefined. */
  result(): Uint8Array | undefined {
    return this.remaining === 0 ? this.object : undefined;
  }
}

import { SubBlocking } from '../core/subblocks.js';
import type { BlockCoderOptions } from '../core/block-encoder.js';
import { RaptorQBlockEncoder } from './block-coders.js';
import { raptorqKPrime } from './params.js';
import { encodeRaptorQOti, sourceBlockLayout, subBlockPartition, type RaptorQOti, type SourceBlockLayout } from './oti.js';
import { encodeRaptorQPayloadId, RAPTORQ_PAYLOAD_ID_LENGTH } from './payload-id.js';

/** Options of the object-level coders. */
export interface RaptorQObjectOptions extends BlockCoderOptions {
  /**
   * Label repair symbols with their ISI (ESI + K' - K) instead of their ESI, as the npm package
   * raptorq 1.x (cberner/raptorq before 2.0) does. Not RFC 6330: only for exchanging packets with
   * that build. The two labellings differ only in blocks where K != K'.
   */
  readonly legacyRepairEsi?: boolean;
}

/**
 * RaptorQ encoder of a whole object (RFC 6330 §4.4): splits it into the source blocks and
 * sub-blocks its OTI describes and yields packets of one symbol each, SBN(8) . ESI(24) . symbol.
 */
export class RaptorQEncoder {
  readonly oti: RaptorQOti;
  /** The 12-byte encoded OTI, to send to receivers (e.g. in a FLUTE FDT or EXT_FTI). */
  readonly otiBytes: Uint8Array;
  /** Z. */
  readonly sourceBlockCount: number;
  private readonly data: Uint8Array;
  private readonly layout: SourceBlockLayout[];
  private readonly subBlocking: SubBlocking;
  private readonly encoders: (RaptorQBlockEncoder | undefined)[];
  private readonly options: RaptorQObjectOptions;
  private disposed = false;

  /**
   * @param data the object, `oti.transferLength` bytes. It is read, not copied: keep it unchanged
   *   while the encoder is in use.
   */
  constructor(data: Uint8Array, oti: RaptorQOti, options: RaptorQObjectOptions = {}) {
    this.otiBytes = encodeRaptorQOti(oti);
    if (data.length !== oti.transferLength) throw new RangeError(`data has ${data.length} bytes, the OTI says ${oti.transferLength}`);
    this.oti = oti;
    this.data = data;
    this.sourceBlockCount = oti.sourceBlocks;
    this.layout = sourceBlockLayout(oti.transferLength, oti.symbolSize, oti.sourceBlocks);
    this.subBlocking = new SubBlocking(subBlockPartition(oti.symbolSize, oti.subBlocks, oti.alignment), oti.alignment);
    this.encoders = new Array<RaptorQBlockEncoder | undefined>(oti.sourceBlocks);
    this.options = options;
  }

  /** K of source block `sbn`. */
  sourceSymbols(sbn: number): number {
    return this.block(sbn).sourceSymbols;
  }

  /** The block-level encoder of source block `sbn` (symbols in encoding order). */
  blockEncoder(sbn: number): RaptorQBlockEncoder {
    const b = this.block(sbn);
    let e = this.encoders[sbn];
    if (e === undefined) {
      const bytes = this.data.subarray(b.byteOffset, b.byteOffset + b.byteLength);
      const source = this.subBlocking.trivial ? bytes : this.subBlocking.source(bytes, b.sourceSymbols);
      e = new RaptorQBlockEncoder(source, this.oti.symbolSize, this.options);
      this.encoders[sbn] = e;
    }
    return e;
  }

  /** The packet carrying symbol `esi` of block `sbn`: FEC Payload ID then T bytes. */
  packet(sbn: number, esi: number): Uint8Array {
    const out = new Uint8Array(RAPTORQ_PAYLOAD_ID_LENGTH + this.oti.symbolSize);
    const block = this.blockEncoder(sbn);
    block.writeSymbol(esi, out, RAPTORQ_PAYLOAD_ID_LENGTH);
    const K = block.sourceSymbols;
    const label = this.options.legacyRepairEsi === true && esi >= K ? esi + raptorqKPrime(K) - K : esi;
    encodeRaptorQPayloadId({ sbn, esi: label }, out, 0);
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

import { SubBlocking } from '../core/subblocks.js';
import { MalformedError } from '../errors.js';
import type { BlockDecoderOptions } from '../core/block-decoder.js';
import { RaptorQBlockDecoder } from './block-coders.js';
import type { RaptorQObjectOptions } from './encoder.js';
import { raptorqKPrime } from './params.js';
import { checkRaptorQOti, sourceBlockLayout, subBlockPartition, type RaptorQOti, type SourceBlockLayout } from './oti.js';
import { decodeRaptorQPayloadId, RAPTORQ_MAX_ESI, RAPTORQ_PAYLOAD_ID_LENGTH } from './payload-id.js';

/** Options of the object decoder. */
export interface RaptorQDecoderOptions extends BlockDecoderOptions, RaptorQObjectOptions {
  /** Largest object accepted, in bytes (default 1 GiB): an OTI asking for more is refused. */
  readonly maxTransferLength?: number;
}

/**
 * RaptorQ decoder of a whole object (RFC 6330 §4.4): takes packets (FEC Payload ID then one or
 * more symbols) in any order, decodes each source block as soon as it can, and returns the object
 * once every block is decoded. Memory is bounded by the OTI: at most K + maxExtraSymbols symbols
 * per block, and the object itself.
 */
export class RaptorQDecoder {
  readonly oti: RaptorQOti;
  private readonly layout: SourceBlockLayout[];
  private readonly subBlocking: SubBlocking;
  private readonly decoders: (RaptorQBlockDecoder | undefined)[];
  private readonly options: RaptorQDecoderOptions;
  private readonly blockDone: Uint8Array;
  private remaining: number;
  private object: Uint8Array | undefined;
  /** Symbols dropped: duplicates, for blocks already decoded, or beyond a block's memory bound. */
  dropped = 0;

  /** Throws MalformedError for an unusable OTI or one beyond `maxTransferLength`. */
  constructor(oti: RaptorQOti, options: RaptorQDecoderOptions = {}) {
    checkRaptorQOti(oti);
    const max = options.maxTransferLength ?? 2 ** 30;
    if (oti.transferLength > max) throw new MalformedError('RaptorQ OTI', 'F', oti.transferLength, `exceeds maxTransferLength = ${max}`);
    this.oti = oti;
    this.options = options;
    this.layout = sourceBlockLayout(oti.transferLength, oti.symbolSize, oti.sourceBlocks);
    this.subBlocking = new SubBlocking(subBlockPartition(oti.symbolSize, oti.subBlocks, oti.alignment), oti.alignment);
    this.decoders = new Array<RaptorQBlockDecoder | undefined>(oti.sourceBlocks);
    this.blockDone = new Uint8Array(oti.sourceBlocks);
    this.remaining = oti.sourceBlocks;
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
    const { sbn, esi } = decodeRaptorQPayloadId(packet);
    const T = this.oti.symbolSize;
    const payload = packet.length - RAPTORQ_PAYLOAD_ID_LENGTH;
    if (payload === 0 || payload % T !== 0) {
      throw new MalformedError('RaptorQ packet', 'length', packet.length, `the payload is not a whole number of ${T}-byte symbols`);
    }
    const count = payload / T;
    if (esi + count - 1 > RAPTORQ_MAX_ESI) throw new MalformedError('RaptorQ packet', 'esi', esi, `${count} symbols run past ESI ${RAPTORQ_MAX_ESI}`);
    let done = false;
    for (let g = 0; g < count; g++) {
      const at = RAPTORQ_PAYLOAD_ID_LENGTH + g * T;
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
    if (this.options.legacyRepairEsi === true) {
      // Labels are ISIs: K..K'-1 are padding symbols, never sent.
      const K = d.sourceSymbols;
      const pad = raptorqKPrime(K) - K;
      if (esi >= K) {
        if (esi < K + pad) throw new MalformedError('RaptorQ packet', 'esi', esi, `ISI of a padding symbol (K = ${K}, K' = ${K + pad})`);
        esi -= pad;
      }
    }
    if (d.push(esi, symbol)) {
      this.blockDone[sbn] = 1;
      this.dropped += d.dropped;
      this.decoders[sbn] = undefined;
      this.remaining--;
    }
    return this.remaining === 0;
  }

  /**
   * The block-level decoder of source block `sbn` (symbols in encoding order), or undefined once
   * that block is decoded. Throws MalformedError for an SBN the OTI does not have.
   */
  blockDecoder(sbn: number): RaptorQBlockDecoder | undefined {
    const b = Number.isInteger(sbn) ? this.layout[sbn] : undefined;
    if (b === undefined) throw new MalformedError('RaptorQ packet', 'sbn', sbn, `the object has ${this.oti.sourceBlocks} source blocks`);
    if (this.blockDone[b.sbn] === 1) return undefined;
    let d = this.decoders[sbn];
    if (d === undefined) {
      // Decoded symbols go straight into the object: in order without sub-blocks, else scattered.
      this.object ??= new Uint8Array(this.oti.transferLength);
      const bytes = this.object.subarray(b.byteOffset, b.byteOffset + b.byteLength);
      const output = this.subBlocking.trivial ? bytes : this.subBlocking.sink(bytes, b.sourceSymbols);
      d = new RaptorQBlockDecoder(b.sourceSymbols, this.oti.symbolSize, this.options, output);
      this.decoders[sbn] = d;
    }
    return d;
  }

  /** The object once complete, else undefined. */
  result(): Uint8Array | undefined {
    return this.remaining === 0 ? this.object : undefined;
  }
}

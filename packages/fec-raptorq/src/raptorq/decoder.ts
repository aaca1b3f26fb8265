import type { BlockDecoderOptions } from '../core/block-decoder.js';
import { ObjectDecoder } from '../core/object-coders.js';
import type { RaptorQBlockDecoder } from './block-coders.js';
import { raptorqScheme, type RaptorQObjectOptions } from './encoder.js';
import { checkRaptorQOti, type RaptorQOti } from './oti.js';

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
export class RaptorQDecoder extends ObjectDecoder {
  readonly oti: RaptorQOti;

  /** Throws MalformedError for an unusable OTI or one beyond `maxTransferLength`. */
  constructor(oti: RaptorQOti, options: RaptorQDecoderOptions = {}) {
    checkRaptorQOti(oti);
    super(raptorqScheme(options), oti, options);
    this.oti = oti;
  }

  /** The block-level decoder of source block `sbn`, or undefined once that block is decoded. */
  override blockDecoder(sbn: number): RaptorQBlockDecoder | undefined {
    return super.blockDecoder(sbn) as RaptorQBlockDecoder | undefined;
  }
}

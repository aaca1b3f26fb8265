import { BlockDecoder, type BlockDecoderOptions } from '../core/block-decoder.js';
import { BlockEncoder, sourceSymbolCount, type BlockCoderOptions } from '../core/block-encoder.js';
import type { SourceBlock, SourceBlockSink } from '../core/subblocks.js';
import { raptor10Code } from './system.js';

/**
 * Encoder of one Raptor source block (RFC 5053 §5.4, FEC Encoding ID 1): yields the encoding
 * symbol of any ESI in 0..65535. ESIs below K are the source symbols (systematic); repair symbols
 * are LTEnc of ISI = ESI. The intermediate symbols come from the cached per-K plan.
 */
export class Raptor10BlockEncoder extends BlockEncoder {
  /**
   * @param source the source block: K * T bytes, or fewer (the last symbol is padded with zeros),
   *   or its symbols one by one; K must be 4..8192. Read, not copied.
   * @param symbolSize T, 1..65535.
   */
  constructor(source: Uint8Array | SourceBlock, symbolSize: number, options: BlockCoderOptions = {}) {
    const K = sourceSymbolCount(source, symbolSize);
    super(raptor10Code(K), K, source, symbolSize, options);
  }
}

/**
 * Decoder of one Raptor source block (RFC 5053 §5.5): (ESI, symbol) pairs in any order, an
 * inactivation decode once K symbols are in (the same solver as RaptorQ, with the half rows as
 * dense rows), completion reported by `push`.
 */
export class Raptor10BlockDecoder extends BlockDecoder {
  /**
   * @param sourceSymbols K, 4..8192.
   * @param output where to write the decoded block (see RaptorQBlockDecoder).
   */
  constructor(sourceSymbols: number, symbolSize: number, options: BlockDecoderOptions = {}, output?: Uint8Array | SourceBlockSink) {
    super(raptor10Code(sourceSymbols), 'Raptor symbol', 3, sourceSymbols, symbolSize, options, output);
  }
}

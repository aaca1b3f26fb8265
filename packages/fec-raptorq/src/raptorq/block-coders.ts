import { BlockDecoder, type BlockDecoderOptions } from '../core/block-decoder.js';
import { BlockEncoder, sourceSymbolCount, type BlockCoderOptions } from '../core/block-encoder.js';
import type { SourceBlock, SourceBlockSink } from '../core/subblocks.js';
import { raptorqCode } from './system.js';

/**
 * Encoder of one RaptorQ source block (RFC 6330 §5.3): yields the encoding symbol of any ESI in
 * 0..2^24-1. ESIs below K are the source symbols themselves (the code is systematic); repair
 * symbols (ESI >= K) use ISI = ESI + K' - K (§5.3.1). The intermediate symbols are computed on the
 * first repair request, by replaying the cached per-K' plan.
 */
export class RaptorQBlockEncoder extends BlockEncoder {
  /**
   * @param source the source block: K * T bytes, or fewer (the last symbol is padded with zeros),
   *   or its symbols one by one. It is read, not copied: keep it unchanged while the encoder is in use.
   * @param symbolSize T, 1..65535. K must be 1..56403.
   */
  constructor(source: Uint8Array | SourceBlock, symbolSize: number, options: BlockCoderOptions = {}) {
    const K = sourceSymbolCount(source, symbolSize);
    super(raptorqCode(K), K, source, symbolSize, options);
  }
}

/**
 * Decoder of one RaptorQ source block (RFC 6330 §5.4): accepts (ESI, symbol) pairs in any order,
 * tries an inactivation decode once K symbols are in, and reports completion. Duplicate ESIs are
 * ignored; symbols beyond the memory bound are dropped and counted.
 */
export class RaptorQBlockDecoder extends BlockDecoder {
  /**
   * @param sourceSymbols K, 1..56403.
   * @param output where to write the decoded block: its first `output.length` bytes (at most
   *   K * T; fewer drops the end of the last symbol, the object's padding), or a sink taking the
   *   source symbols one by one (then `result()` returns undefined). Default: a new K * T array.
   */
  constructor(sourceSymbols: number, symbolSize: number, options: BlockDecoderOptions = {}, output?: Uint8Array | SourceBlockSink) {
    super(raptorqCode(sourceSymbols), 'RaptorQ symbol', 0, sourceSymbols, symbolSize, options, output);
  }
}

import type { BlockDecoderOptions } from '../core/block-decoder.js';
import type { BlockCoderOptions } from '../core/block-encoder.js';
import { ObjectDecoder, ObjectEncoder, type BlockLayout, type ObjectScheme } from '../core/object-coders.js';
import { partition, partSize, partStart } from '../core/partition.js';
import { Raptor10BlockDecoder, Raptor10BlockEncoder } from './block-coders.js';
import { checkRaptor10Oti, encodeRaptor10Oti, type Raptor10Oti } from './oti.js';
import { RAPTOR10_MAX_ESI, decodeRaptor10PayloadId, encodeRaptor10PayloadId } from './payload-id.js';

/** Options of the Raptor object coders. */
export interface Raptor10ObjectOptions extends BlockCoderOptions {
  /**
   * Cut a block shorter than K * T bytes (the object's last) as ypo's raptor-code crate does, used
   * by ypo/flute for FEC Encoding ID 1: into K nearly equal pieces, (BL, BS, JL, JS) =
   * Partition[B, K], each symbol ceil(B/K) bytes. RFC 5053 instead keeps T-byte symbols and pads
   * the last one. Full blocks are the same either way. Not with sub-blocks.
   */
  readonly ypoLastBlock?: boolean;
}

/**
 * ypo's cut of a block of B = `bytes.length` bytes into K symbols of ceil(B/K) bytes (Partition[B,
 * K], larger pieces first, each zero padded to ceil(B/K)), or undefined when B = K * T and the cut
 * is RFC 5053's. For block-level use: give `source` to a `Raptor10BlockEncoder`, or `sink` to a
 * `Raptor10BlockDecoder`, with `symbolSize` as T.
 */
export function ypoBlockLayout(bytes: Uint8Array, K: number, T: number): BlockLayout | undefined {
  const B = bytes.length;
  if (B === K * T) return undefined;
  const pieces = partition(B, K);
  const size = pieces.large;
  return {
    symbolSize: size,
    source: {
      sourceSymbols: K,
      readSymbol(esi, out, offset) {
        const from = partStart(pieces, esi);
        const n = partSize(pieces, esi);
        out.set(bytes.subarray(from, from + n), offset);
        out.fill(0, offset + n, offset + size);
      },
    },
    sink: {
      writeSymbol(esi, symbol) {
        bytes.set(symbol.subarray(0, partSize(pieces, esi)), partStart(pieces, esi));
      },
    },
  };
}

function raptor10Scheme(options: Raptor10ObjectOptions, oti: Raptor10Oti): ObjectScheme {
  if (options.ypoLastBlock === true && oti.subBlocks !== 1) throw new RangeError('ypoLastBlock needs N = 1');
  return {
    name: 'Raptor',
    maxEsi: RAPTOR10_MAX_ESI,
    encodePayloadId: (sbn, esi, out) => encodeRaptor10PayloadId({ sbn, esi }, out, 0),
    decodePayloadId: (packet) => decodeRaptor10PayloadId(packet),
    blockEncoder: (source, T, o) => new Raptor10BlockEncoder(source, T, o),
    blockDecoder: (K, T, o, output) => new Raptor10BlockDecoder(K, T, o, output),
    ...(options.ypoLastBlock === true ? { layout: ypoBlockLayout } : {}),
  };
}

/**
 * Raptor encoder of a whole object (RFC 5053 §5.3, FEC Encoding ID 1): source blocks and
 * sub-blocks per §5.3.1.2, packets of SBN(16) . ESI(16) . symbol.
 */
export class Raptor10Encoder extends ObjectEncoder {
  readonly oti: Raptor10Oti;
  /** The 12-byte encoded OTI. */
  readonly otiBytes: Uint8Array;

  /** @param data the object, `oti.transferLength` bytes; read, not copied. */
  constructor(data: Uint8Array, oti: Raptor10Oti, options: Raptor10ObjectOptions = {}) {
    const otiBytes = encodeRaptor10Oti(oti);
    super(raptor10Scheme(options, oti), data, oti, options);
    this.oti = oti;
    this.otiBytes = otiBytes;
  }

  override blockEncoder(sbn: number): Raptor10BlockEncoder {
    return super.blockEncoder(sbn) as Raptor10BlockEncoder;
  }
}

/** Options of the Raptor object decoder. */
export interface Raptor10DecoderOptions extends BlockDecoderOptions, Raptor10ObjectOptions {
  /** Largest object accepted, in bytes (default 1 GiB). */
  readonly maxTransferLength?: number;
}

/** Raptor decoder of a whole object (RFC 5053 §5.3): packets in any order, object when complete. */
export class Raptor10Decoder extends ObjectDecoder {
  readonly oti: Raptor10Oti;

  /** Throws MalformedError for an unusable OTI or one beyond `maxTransferLength`. */
  constructor(oti: Raptor10Oti, options: Raptor10DecoderOptions = {}) {
    checkRaptor10Oti(oti);
    super(raptor10Scheme(options, oti), oti, options);
    this.oti = oti;
  }

  override blockDecoder(sbn: number): Raptor10BlockDecoder | undefined {
    return super.blockDecoder(sbn) as Raptor10BlockDecoder | undefined;
  }
}

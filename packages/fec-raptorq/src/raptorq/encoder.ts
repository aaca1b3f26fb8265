import type { BlockCoderOptions } from '../core/block-encoder.js';
import { ObjectEncoder, type ObjectScheme } from '../core/object-coders.js';
import { MalformedError } from '../errors.js';
import { RaptorQBlockDecoder, RaptorQBlockEncoder } from './block-coders.js';
import { encodeRaptorQOti, type RaptorQOti } from './oti.js';
import { raptorqKPrime } from './params.js';
import { RAPTORQ_MAX_ESI, decodeRaptorQPayloadId, encodeRaptorQPayloadId } from './payload-id.js';

/** Options of the object-level coders. */
export interface RaptorQObjectOptions extends BlockCoderOptions {
  /**
   * Label repair symbols with their ISI (ESI + K' - K) instead of their ESI, as the npm package
   * raptorq 1.x (cberner/raptorq before 2.0) does. Not RFC 6330: only for exchanging packets with
   * that build. The two labellings differ only in blocks where K != K'.
   */
  readonly legacyRepairEsi?: boolean;
}

/** RaptorQ for the object coders. */
export function raptorqScheme(options: RaptorQObjectOptions): ObjectScheme {
  const scheme: ObjectScheme = {
    name: 'RaptorQ',
    maxEsi: RAPTORQ_MAX_ESI,
    encodePayloadId: (sbn, esi, out) => encodeRaptorQPayloadId({ sbn, esi }, out, 0),
    decodePayloadId: (packet) => decodeRaptorQPayloadId(packet),
    blockEncoder: (source, T, o) => new RaptorQBlockEncoder(source, T, o),
    blockDecoder: (K, T, o, output) => new RaptorQBlockDecoder(K, T, o, output),
  };
  if (options.legacyRepairEsi !== true) return scheme;
  return {
    ...scheme,
    label: (K, esi) => (esi >= K ? esi + raptorqKPrime(K) - K : esi),
    unlabel: (K, label) => {
      // Labels are ISIs: K..K'-1 are padding symbols, never sent.
      const pad = raptorqKPrime(K) - K;
      if (label < K) return label;
      if (label < K + pad) throw new MalformedError('RaptorQ packet', 'esi', label, `ISI of a padding symbol (K = ${K}, K' = ${K + pad})`);
      return label - pad;
    },
  };
}

/**
 * RaptorQ encoder of a whole object (RFC 6330 §4.4): splits it into the source blocks and
 * sub-blocks its OTI describes and yields packets of one symbol each, SBN(8) . ESI(24) . symbol.
 */
export class RaptorQEncoder extends ObjectEncoder {
  readonly oti: RaptorQOti;
  /** The 12-byte encoded OTI, to send to receivers (e.g. in a FLUTE FDT or EXT_FTI). */
  readonly otiBytes: Uint8Array;

  /**
   * @param data the object, `oti.transferLength` bytes. It is read, not copied: keep it unchanged
   *   while the encoder is in use.
   */
  constructor(data: Uint8Array, oti: RaptorQOti, options: RaptorQObjectOptions = {}) {
    const otiBytes = encodeRaptorQOti(oti);
    super(raptorqScheme(options), data, oti, options);
    this.oti = oti;
    this.otiBytes = otiBytes;
  }

  /** The block-level encoder of source block `sbn` (symbols in encoding order). */
  override blockEncoder(sbn: number): RaptorQBlockEncoder {
    return super.blockEncoder(sbn) as RaptorQBlockEncoder;
  }
}

import type { FtiCodecOptions } from './fti.js';
import { isSupportedFecEncodingId } from './constants.js';

/** Maps an LCT codepoint to a FEC Encoding ID: a function (undefined = unknown) or a Map. */
export type CodepointToFecId = ((codepoint: number) => number | undefined) | ReadonlyMap<number, number>;

/** How a codec finds the FEC Encoding ID of a packet. Default: codepoint = FEC Encoding ID. */
export interface FecIdOptions extends FtiCodecOptions {
  /** FEC Encoding ID of every packet, overriding the codepoint (ROUTE-style sessions). */
  readonly fecEncodingId?: number;
  /** Codepoint to FEC Encoding ID mapping, used when `fecEncodingId` is not given. */
  readonly codepointToFecId?: CodepointToFecId;
}

/** FEC Encoding ID for `codepoint`, or undefined when the mapping does not know it. */
export function resolveFecId(codepoint: number, options: FecIdOptions): number | undefined {
  if (options.fecEncodingId !== undefined) return options.fecEncodingId;
  const map = options.codepointToFecId;
  if (map === undefined) return codepoint;
  return typeof map === 'function' ? map(codepoint) : map.get(codepoint);
}

/** Like {@link resolveFecId} but only returns IDs this package has layouts for. */
export function resolveSupportedFecId(codepoint: number, options: FecIdOptions): number | undefined {
  const id = resolveFecId(codepoint, options);
  return id !== undefined && isSupportedFecEncodingId(id) ? id : undefined;
}

import { readFileSync } from 'node:fs';

/** A file of ../shared/vectors, parsed. Paths are relative to the repository root's sibling `shared`. */
export function loadVector<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(`../../../../../shared/vectors/${relative}`, import.meta.url), 'utf8')) as T;
}

export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function unhex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The layout of the cberner/raptorq 2.0.1 vector files. */
export interface RaptorQVectorFile {
  readonly F: number;
  readonly T: number;
  readonly Z: number;
  readonly N: number;
  readonly Al: number;
  readonly oti_hex: string;
  readonly blocks: readonly { sbn: number; K: number; first_source_packets: string[]; repair_packets_from_esi_K: string[] }[];
}

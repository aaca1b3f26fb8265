import type { Program } from './program.js';
import type { SparseSystem } from './solver.js';

/**
 * What the shared block coders need from a fountain code (RaptorQ, Raptor): its size parameters,
 * the LT row of any internal symbol ID, and its constraint system.
 */
export interface FountainCode {
  /** Cache key: the scheme and its padded block size. */
  readonly key: string;
  /** K': the number of source rows the code is built on (RaptorQ pads K to a Table 2 value). */
  readonly paddedSymbols: number;
  /** L: intermediate symbols. */
  readonly intermediateSymbols: number;
  /** Largest ESI of the scheme's FEC Payload ID. */
  readonly maxEsi: number;
  /** Writes the intermediate-symbol indices of the LT row of ISI `isi` into `out` from `at`; returns the count (at most 48). */
  ltColumns(isi: number, out: Int32Array, at: number): number;
  /**
   * The constraint system: the precode rows (zero symbols, in new slots of `program`) and one LT
   * row per ISI in `isis`, whose symbol is in `slots[i]`.
   */
  system(isis: ArrayLike<number>, slots: ArrayLike<number>, program: Program): SparseSystem;
}

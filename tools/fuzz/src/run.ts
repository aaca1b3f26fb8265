import * as fc from 'fast-check';
import type { FuzzTarget } from './target.js';

export interface RunOptions {
  /** Cases to run. */
  readonly runs: number;
  /** Seed of the first batch; batch i uses seed + i. */
  readonly seed: number;
  /** Cases per batch (progress is reported between batches). Default 100 000. */
  readonly batch?: number;
  /** Called after each batch. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RunResult {
  readonly name: string;
  readonly runs: number;
  readonly ms: number;
  /** fast-check's report of the first failure, with the seed and path to replay it. */
  readonly failure: string | undefined;
}

/** Runs `target` for `runs` cases in seeded batches; stops at the first failure. */
export function runTarget(target: FuzzTarget, options: RunOptions): RunResult {
  const batch = Math.max(1, options.batch ?? 100_000);
  const start = performance.now();
  let done = 0;
  for (let i = 0; done < options.runs; i++) {
    const numRuns = Math.min(batch, options.runs - done);
    const details = fc.check(target.property(), { numRuns, seed: (options.seed + i) | 0 });
    done += details.numRuns;
    if (details.failed) {
      return { name: target.name, runs: done, ms: performance.now() - start, failure: fc.defaultReportMessage(details) ?? 'failed' };
    }
    options.onProgress?.(done, options.runs);
  }
  return { name: target.name, runs: done, ms: performance.now() - start, failure: undefined };
}

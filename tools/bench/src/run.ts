import { measureInterleaved, type BenchCase, type MeasureOptions } from './measure.js';
import { formatTable, ratioOf, type ResultRow, type ThroughputUnit } from './table.js';

/** A table row: our case, and optionally the anchor it is compared with. */
export interface BenchRow {
  /** Row label; defaults to `ours.name`. */
  readonly name?: string;
  readonly ours: BenchCase;
  readonly anchor?: BenchCase;
}

export interface RunBenchOptions extends MeasureOptions {
  /** Throughput unit of the table. Default 'MB/s' when cases declare bytes, else 'ops/s'. */
  readonly unit?: ThroughputUnit;
  /** Print the table (default true). */
  readonly print?: boolean;
}

/**
 * Measures every row (ours and the anchor alternating round by round, in one process) and prints one table row per case
 * with our throughput, the anchor's throughput and their ratio. Set BENCH_QUICK=1 for a short run and
 * BENCH_JSON=1 to also print one JSON line per row.
 */
export async function runBench(title: string, rows: readonly BenchRow[], options: RunBenchOptions = {}): Promise<ResultRow[]> {
  const quick = process.env['BENCH_QUICK'] === '1';
  const opts: MeasureOptions = quick ? { ...options, minTimeMs: Math.min(options.minTimeMs ?? 1000, 150), warmupMs: 30, rounds: 1 } : options;
  const results: ResultRow[] = [];
  for (const row of rows) {
    // Ours and the anchor alternate round by round, so load changes during the run hit both alike.
    const [ours, anchor] = await measureInterleaved(row.anchor === undefined ? [row.ours] : [row.ours, row.anchor], opts);
    results.push({ name: row.name ?? row.ours.name, ours: ours!, anchorName: row.anchor?.name, anchor });
  }
  const unit = options.unit ?? (rows.some((r) => r.ours.bytes !== undefined) ? 'MB/s' : 'ops/s');
  if (options.print !== false) {
    console.log(formatTable(title, results, unit));
    if (process.env['BENCH_JSON'] === '1') {
      for (const r of results) console.log(JSON.stringify({ title, case: r.name, ours: r.ours, anchor: r.anchor, ratio: ratioOf(r) }));
    }
  }
  return results;
}

/** One thing to measure: a function doing one iteration of work. */
export interface BenchCase {
  /** Label shown in the table. */
  readonly name: string;
  /** Performs one iteration. May return a promise. */
  readonly fn: () => unknown;
  /** Payload bytes handled by one iteration (enables MB/s and Mbit/s). */
  readonly bytes?: number;
  /** Logical operations in one iteration, e.g. packets (enables ops/s and ns/op). Default 1. */
  readonly ops?: number;
  /** Runs once before measuring, outside the timed region. */
  readonly setup?: () => unknown;
}

export interface MeasureOptions {
  /** Minimum measured time per case, in milliseconds. Default 1000. */
  readonly minTimeMs?: number;
  /** Upper bound on measured iterations per case. Default 1e7. */
  readonly maxIterations?: number;
  /** Warm-up time before measuring, in milliseconds. Default 200. */
  readonly warmupMs?: number;
  /** Number of measured rounds; the best round is kept. Default 3. */
  readonly rounds?: number;
}

export interface Measurement {
  readonly name: string;
  readonly iterations: number;
  readonly seconds: number;
  /** Nanoseconds per operation. */
  readonly nsPerOp: number;
  /** Operations per second. */
  readonly opsPerSecond: number;
  /** Payload bytes per second, when the case declares `bytes`. */
  readonly bytesPerSecond: number | undefined;
}

const now = (): number => performance.now();

async function runFor(fn: () => unknown, minMs: number, maxIterations: number): Promise<{ iterations: number; ms: number }> {
  // Grow the batch so that clock reads stay negligible, and stop on time or count.
  let iterations = 0;
  let batch = 1;
  const start = now();
  let elapsed = 0;
  while (elapsed < minMs && iterations < maxIterations) {
    const n = Math.min(batch, maxIterations - iterations);
    for (let i = 0; i < n; i++) {
      const r = fn();
      if (r instanceof Promise) await r;
    }
    iterations += n;
    elapsed = now() - start;
    if (elapsed < minMs / 20) batch *= 2;
  }
  return { iterations, ms: elapsed };
}

type Round = { iterations: number; ms: number };

function toMeasurement(c: BenchCase, b: Round): Measurement {
  const ops = b.iterations * (c.ops ?? 1);
  const seconds = b.ms / 1000;
  return {
    name: c.name,
    iterations: b.iterations,
    seconds,
    nsPerOp: (b.ms * 1e6) / ops,
    opsPerSecond: ops / seconds,
    bytesPerSecond: c.bytes === undefined ? undefined : (c.bytes * b.iterations) / seconds,
  };
}

/**
 * Measures several cases with their timed rounds interleaved (a round of each case in turn), so that
 * a machine whose speed drifts during the run affects every case alike; the best round of each case
 * is kept. Each case is set up and warmed up first.
 */
export async function measureInterleaved(cases: readonly BenchCase[], options: MeasureOptions = {}): Promise<Measurement[]> {
  const minTimeMs = options.minTimeMs ?? 1000;
  const maxIterations = options.maxIterations ?? 1e7;
  const warmupMs = options.warmupMs ?? 200;
  const rounds = Math.max(1, options.rounds ?? 3);
  for (const c of cases) {
    const setupResult = c.setup?.();
    if (setupResult instanceof Promise) await setupResult;
    await runFor(c.fn, warmupMs, maxIterations);
  }
  const best: (Round | undefined)[] = cases.map(() => undefined);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of cases.entries()) {
      const res = await runFor(c.fn, minTimeMs / rounds, Math.max(1, Math.floor(maxIterations / rounds)));
      const b = best[i];
      if (b === undefined || res.ms / res.iterations < b.ms / b.iterations) best[i] = res;
    }
  }
  return cases.map((c, i) => toMeasurement(c, best[i]!));
}

/** Measures one case: warm-up, then the best of several timed rounds. */
export async function measure(c: BenchCase, options: MeasureOptions = {}): Promise<Measurement> {
  const [m] = await measureInterleaved([c], options);
  return m!;
}

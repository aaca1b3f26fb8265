export { measure, measureInterleaved, type BenchCase, type MeasureOptions, type Measurement } from './measure.js';
export { formatTable, ratioOf, type ResultRow, type ThroughputUnit } from './table.js';
export { runBench, type BenchRow, type RunBenchOptions } from './run.js';

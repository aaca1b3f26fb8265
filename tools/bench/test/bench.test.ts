import { describe, expect, it } from 'vitest';
import { formatTable, measure, runBench } from '@proto/bench';

describe('bench runner', () => {
  it('measures a bounded number of iterations and reports throughput', async () => {
    let calls = 0;
    const m = await measure({ name: 'count', fn: () => calls++, bytes: 100 }, { minTimeMs: 20, warmupMs: 5, maxIterations: 1000, rounds: 2 });
    expect(m.iterations).toBeGreaterThan(0);
    expect(m.iterations).toBeLessThanOrEqual(500);
    expect(calls).toBeLessThanOrEqual(2000);
    expect(m.bytesPerSecond).toBeCloseTo((m.iterations * 100) / m.seconds);
  });

  it('prints one row per case with the anchor and the ratio', async () => {
    const rows = await runBench('t', [{ ours: { name: 'a', fn: () => 1, bytes: 10 }, anchor: { name: 'b', fn: () => 2, bytes: 10 } }], {
      minTimeMs: 10,
      warmupMs: 1,
      print: false,
    });
    const table = formatTable('t', rows, 'MB/s');
    const lines = table.split('\n');
    expect(lines[2]).toContain('ratio');
    expect(lines[4]).toMatch(/^\| a .*\| b .*x \|$/);
  });
});

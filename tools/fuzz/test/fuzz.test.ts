import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineFuzzTarget, findTargetFiles, loadTargets, runTarget } from '@proto/fuzz';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('fuzz runner', () => {
  it('finds one file per target under packages/*/fuzz and tools/*/fuzz', async () => {
    const files = findTargetFiles(root).map((f) => f.slice(root.length));
    expect(files).toEqual(expect.arrayContaining(['packages/lct/fuzz/decode-bytes.fuzz.ts', 'packages/lct/fuzz/decode-mutated.fuzz.ts', 'packages/lct/fuzz/roundtrip.fuzz.ts']));
    const targets = await loadTargets(root);
    expect(targets.map((t) => t.name)).toEqual(expect.arrayContaining(['lct-decode-bytes', 'lct-decode-mutated', 'lct-roundtrip']));
  });

  it('runs the requested number of cases in seeded batches', () => {
    let calls = 0;
    const target = defineFuzzTarget({ name: 't', description: 'd', property: () => fc.property(fc.integer(), () => void calls++) });
    const progress: number[] = [];
    const r = runTarget(target, { runs: 2500, seed: 1, batch: 1000, onProgress: (done) => progress.push(done) });
    expect(r).toMatchObject({ name: 't', runs: 2500, failure: undefined });
    expect(calls).toBe(2500);
    expect(progress).toEqual([1000, 2000, 2500]);
  });

  it('stops at the first failure and reports the seed and counterexample', () => {
    const target = defineFuzzTarget({ name: 'bad', description: 'd', property: () => fc.property(fc.nat(), (n) => n < 50) });
    const r = runTarget(target, { runs: 100_000, seed: 42, batch: 10_000 });
    expect(r.runs).toBeLessThan(100_000);
    expect(r.failure).toMatch(/seed: 42/);
    expect(r.failure).toMatch(/Counterexample: \[50\]/);
  });

  it('runs from the command line: `pnpm fuzz lct --runs N`', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@proto/source', 'tools/fuzz/fuzz.ts', 'lct-decode-bytes', '--runs', '2000', '--seed', '7'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/lct-decode-bytes: 2000 runs, seed 7/);
    expect(r.stdout).toMatch(/ok: 2000 cases/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@proto/source', 'tools/fuzz/fuzz.ts', 'no-such-target'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
  });
});

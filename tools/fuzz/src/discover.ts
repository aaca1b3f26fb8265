import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FuzzTarget } from './target.js';

/** Target files under `root`: packages/<p>/fuzz/*.fuzz.ts and tools/<t>/fuzz/*.fuzz.ts, sorted. */
export function findTargetFiles(root: string): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'tools']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const pkg of readdirSync(base).sort()) {
      const dir = join(base, pkg, 'fuzz');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.fuzz.ts')) files.push(join(dir, f));
    }
  }
  return files;
}

function isTarget(v: unknown): v is FuzzTarget {
  const t = v as Partial<FuzzTarget> | undefined;
  return typeof t?.name === 'string' && typeof t.description === 'string' && typeof t.property === 'function';
}

/** Imports every target file (needs a TypeScript loader such as tsx) and returns the targets. */
export async function loadTargets(root: string): Promise<FuzzTarget[]> {
  const targets: FuzzTarget[] = [];
  for (const file of findTargetFiles(root)) {
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const target = mod.default;
    if (!isTarget(target)) throw new Error(`${file}: the default export is not a fuzz target (use defineFuzzTarget)`);
    if (targets.some((t) => t.name === target.name)) throw new Error(`${file}: duplicate fuzz target name ${target.name}`);
    targets.push(target);
  }
  return targets;
}

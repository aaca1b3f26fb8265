#!/usr/bin/env node
// proto-bench [files...]: runs each benchmark file (default: bench/*.bench.ts of the current package)
// in its own Node process, against TypeScript sources via tsx and the "@proto/source" condition.
// Plain JavaScript on purpose: pnpm links this bin at install time, before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
let files = args.filter((a) => !a.startsWith('-'));
if (files.length === 0) {
  const dir = 'bench';
  files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.bench.ts'))
        .sort()
        .map((f) => join(dir, f))
    : [];
}
if (files.length === 0) {
  console.log('proto-bench: no bench/*.bench.ts files here');
  process.exit(0);
}
const tsx = import.meta.resolve('tsx');
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const r = spawnSync(process.execPath, ['--import', tsx, '--conditions=@proto/source', '--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`proto-bench: ${file} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);

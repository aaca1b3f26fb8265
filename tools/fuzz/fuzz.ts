// pnpm fuzz [target|prefix ...] [--runs N] [--seed S] [--list]
// Runs fast-check fuzz targets found in packages/*/fuzz/*.fuzz.ts and tools/*/fuzz/*.fuzz.ts.
// A name selects one target; a prefix such as "lct" selects every target whose name starts with it.
import { fileURLToPath } from 'node:url';
import { loadTargets, runTarget } from '@proto/fuzz';

const DEFAULT_RUNS = 1_000_000;

function usage(message?: string): never {
  if (message !== undefined) console.error(`fuzz: ${message}`);
  console.error('usage: pnpm fuzz [target|prefix ...] [--runs N] [--seed S] [--list]');
  process.exit(2);
}

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isSafeInteger(n) || n < 1) usage(`${flag} needs a positive integer`);
  return n;
}

const args = process.argv.slice(2);
let runs = DEFAULT_RUNS;
let seed = Date.now() | 0;
let list = false;
const names: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--runs') runs = positiveInt(a, args[++i]);
  else if (a === '--seed') seed = Number.parseInt(args[++i] ?? '', 10) | 0;
  else if (a === '--list') list = true;
  else if (a === '--help' || a === '-h') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else names.push(a);
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const targets = await loadTargets(root);
if (list || targets.length === 0) {
  for (const t of targets) console.log(`${t.name.padEnd(24)} ${t.description}`);
  if (targets.length === 0) console.log('no fuzz targets found');
  process.exit(0);
}
const selected = names.length === 0 ? targets : targets.filter((t) => names.some((n) => t.name === n || t.name.startsWith(`${n}-`)));
if (selected.length === 0) usage(`no target matches ${names.join(', ')}; --list shows them`);

let failed = 0;
for (const target of selected) {
  console.log(`${target.name}: ${runs} runs, seed ${seed} (${target.description})`);
  const result = runTarget(target, {
    runs,
    seed,
    onProgress: (done, total) => process.stdout.write(`  ${done}/${total}\r`),
  });
  const rate = Math.round((result.runs / result.ms) * 1000);
  if (result.failure === undefined) {
    console.log(`  ok: ${result.runs} cases in ${(result.ms / 1000).toFixed(1)} s (${rate} cases/s)`);
  } else {
    failed++;
    console.log(`  FAILED after ${result.runs} cases\n${result.failure}`);
  }
}
process.exit(failed === 0 ? 0 : 1);

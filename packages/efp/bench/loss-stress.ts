// Full-count run of the loss scenario (the test suite runs a lean one):
//   pnpm exec tsx --conditions=@proto/source bench/loss-stress.ts [frames] [seed]
import { runLossScenario } from './loss-scenario.js';

const frames = Number(process.argv[2] ?? 5000);
const seed = Number(process.argv[3] ?? 1);
let failed = false;
for (const hol of [0, 20]) {
  const start = performance.now();
  const r = runLossScenario({ frames, seed, holTimeoutMs: hol });
  const s = ((performance.now() - start) / 1000).toFixed(1);
  console.log(
    `${hol === 0 ? 'no HOL ' : 'HOL 20 ms'}: ${r.sent} frames (${(r.bytes / 1e6).toFixed(0)} MB), ${r.lost} lost, ${r.partial} partial, ` +
      `${r.shuffled} shuffled -> ${r.intact} intact, ${r.broken} broken as expected, ${r.mismatches.length} mismatches (${s} s)`,
  );
  for (const m of r.mismatches.slice(0, 10)) console.log(`  ${m}`);
  failed ||= r.mismatches.length > 0;
}
process.exit(failed ? 1 : 0);

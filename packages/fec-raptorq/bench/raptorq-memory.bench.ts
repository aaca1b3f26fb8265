// Peak resident memory of one encode + decode cycle (T = 1280, 20% repair, 10% loss), ours against
// npm raptorq@1.7.24, each in a fresh process (bench/memory-child.ts). "baseline" is the same
// process loading both libraries and generating the data without coding: the difference is what
// the coders themselves take.
//
//   pnpm --filter @proto/fec-raptorq bench            (BENCH_SIZES=1,10 for fewer sizes)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const sizes = (process.env['BENCH_SIZES'] ?? '1,10,64').split(',');
const run = (who: string, mib: string): { peakMiB: number; ok: boolean } => {
  const r = spawnSync(process.execPath, [...process.execArgv, child, who, mib], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory-child ${who} ${mib} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { peakMiB: number; ok: boolean };
};
console.log('### Peak RSS of one encode + decode (MiB), each in a fresh process\n');
console.log('| object | baseline | ours | raptorq@1.7.24 wasm | ours - baseline | anchor - baseline |');
console.log('|---|---|---|---|---|---|');
for (const mib of sizes) {
  const base = run('none', mib);
  const ours = run('ours', mib);
  const anchor = run('anchor', mib);
  if (!ours.ok || !anchor.ok) throw new Error(`decode failed at ${mib} MiB`);
  console.log(`| ${mib} MiB | ${base.peakMiB} | ${ours.peakMiB} | ${anchor.peakMiB} | ${ours.peakMiB - base.peakMiB} | ${anchor.peakMiB - base.peakMiB} |`);
}

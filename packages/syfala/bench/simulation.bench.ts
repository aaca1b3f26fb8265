// The end-to-end check on a virtual clock (the same harness as test/e2e.test.ts): 10 minutes
// (1 with BENCH_QUICK=1) over 5% loss, 5% duplication, 5% reordering, clocks 200 ppm apart.
// Prints what the receivers measured and how long the simulation took in wall-clock time.
import { impairedScenario, runSim } from '../test/sim.js';

const minutes = process.env['BENCH_QUICK'] === '1' ? 1 : 10;
const t0 = performance.now();
const r = runSim(impairedScenario(minutes * 60_000));
const wall = performance.now() - t0;
const rows = [
  ['stream', 'received', 'lost', 'late', 'duplicate', 'concealed (spans)', 'drift ppm', 'removed / inserted frames', 'max level after 30 s', 'tap mismatches'],
  ...([
    ['server → client 2 ch I32', r.down, r.downTap, r.maxLevelMs.down],
    ['client → server 1 ch I16', r.up, r.upTap, r.maxLevelMs.up],
  ] as const).map(([name, s, tap, level]) => [
    name,
    String(s.receivedSamples),
    String(s.lostSamples),
    String(s.lateSamples),
    String(s.duplicateSamples),
    `${s.concealedSamples} (${s.concealedSpans})`,
    s.driftPpm.toFixed(1),
    `${s.removedFrames} / ${s.insertedFrames}`,
    `${level.toFixed(1)} ms`,
    String(tap.mismatches),
  ]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
const fmt = (row: readonly string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`### ${minutes} min simulated, ${(wall / 1000).toFixed(1)} s wall clock; network: ${JSON.stringify(r.net.stats)}\n`);
console.log([fmt(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(fmt)].join('\n'));
console.log(`\nevents: server ${r.serverEvents.join(', ')}; client ${r.clientEvents.join(', ')}`);

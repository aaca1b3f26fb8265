// pnpm demo [--files N] [--min BYTES] [--max BYTES] [--fec NAME] [--repair R] [--block-length K] [--loss P]
//           [--design-loss P] [--bitrate RATE] [--deadline S] [--dir DIR]
// FLUTE end to end: sample files from a `flute send` process to a `flute receive` process over
// loopback multicast (239.255.77.1, interface 127.0.0.1, TTL 1) through 10% injected loss, RaptorQ
// with 15% repair, every MD5 checked; the sender repeats files until the receiver has them all, within
// a deadline (45 s). Exits 0 only if every file arrived intact.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, runFluteDemo } from '@proto/demo';

const { values: v } = parseArgs({
  options: {
    files: { type: 'string' },
    min: { type: 'string' },
    max: { type: 'string' },
    fec: { type: 'string' },
    repair: { type: 'string' },
    'block-length': { type: 'string' },
    loss: { type: 'string' },
    'design-loss': { type: 'string' },
    deadline: { type: 'string' },
    bitrate: { type: 'string' },
    dir: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (v.help === true) {
  console.log('usage: pnpm demo [--files 20] [--min 1024] [--max 8388608] [--fec raptorq] [--repair 15%] [--block-length 1024] [--loss 0.1] [--design-loss LOSS] [--bitrate 200M] [--deadline 45] [--dir DIR]');
  process.exit(0);
}
const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const started = performance.now();
const result = await runFluteDemo({
  dir: v.dir ?? join(tmpdir(), 'flute-demo'),
  log: (line) => console.log(line),
  ...(v.files === undefined ? {} : { files: num(v.files)! }),
  ...(v.min === undefined ? {} : { minBytes: num(v.min)! }),
  ...(v.max === undefined ? {} : { maxBytes: num(v.max)! }),
  ...(v.fec === undefined ? {} : { fec: v.fec }),
  ...(v.repair === undefined ? {} : { repair: v.repair }),
  ...(v['block-length'] === undefined ? {} : { blockLength: num(v['block-length'])! }),
  ...(v.loss === undefined ? {} : { loss: num(v.loss)! }),
  ...(v['design-loss'] === undefined ? {} : { designLoss: num(v['design-loss'])! }),
  ...(v.deadline === undefined ? {} : { deadlineSeconds: num(v.deadline)! }),
  ...(v.bitrate === undefined ? {} : { bitrate: v.bitrate }),
});
console.log('');
console.log(formatSummary(result, (performance.now() - started) / 1000));
process.exitCode = result.ok ? 0 : 1;

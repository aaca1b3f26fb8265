// Acceptance check 2: loss recovery table. For each repair overhead (repair symbols as a percentage
// of the source symbols k) and each random loss rate, 200 objects of 1 MiB are sent once each
// (no carousel) through independent random loss, and the fraction delivered intact (Content-MD5
// checked by the receiver) is printed. FDT packets are not lost (the table measures FEC, not FDT
// carousel luck). Every object is one source block of K = ceil(1 MiB / T) symbols.
//   pnpm exec tsx --conditions=@proto/source packages/flute/bench/loss-table.ts [T] [objects] [fecId]
import { decodeLctHeader } from '@proto/lct';
import { FluteReceiver, FluteSender, Random, type ObjectWriter } from '@proto/flute';

const T = Number(process.argv[2] ?? 128);
const OBJECTS = Number(process.argv[3] ?? 200);
const FEC = Number(process.argv[4] ?? 6);
const SIZE = 1 << 20;
const REPAIRS = [5, 10, 20];
const LOSSES = [2, 5, 10, 15];

const discard: ObjectWriter = { open: () => ({ write: () => {}, complete: () => ({}), abort: () => {} }) };

function cell(repair: number, loss: number, seed: number): { delivered: number; packets: number; lost: number; ms: number } {
  const started = performance.now();
  const K = Math.ceil(SIZE / T);
  const sender = new FluteSender({ tsi: 1, maxDatagramSize: T + 200, fec: { encodingId: FEC, symbolLength: T, maxSourceBlockLength: K, repair: { percent: repair } }, multiplex: 1 });
  const receiver = new FluteReceiver({ writer: discard, limits: { maxObjectMemory: 4 * SIZE } });
  let delivered = 0;
  receiver.on('object-completed', () => delivered++);
  const rng = new Random(seed);
  const content = new Uint8Array(SIZE);
  for (let i = 0; i < OBJECTS; i++) sender.addObject({ source: rng.fill(content).slice(), contentLocation: `o${i}` });
  let now = Date.UTC(2025, 0, 1);
  let packets = 0;
  let lost = 0;
  for (let guard = 0; !sender.idle && guard < 100_000_000; guard++) {
    const d = sender.poll(now);
    if (d === undefined) {
      now = Math.max(now + 1, sender.nextDeadline());
      receiver.cleanup(now);
      continue;
    }
    // TOI 0 (the FDT) passes; object packets are lost with probability `loss`.
    if (decodeLctHeader(d).toi !== 0n) {
      packets++;
      if (rng.next() < loss / 100) {
        lost++;
        continue;
      }
    }
    receiver.push(d, now);
  }
  receiver.cleanup(now + 60_000);
  return { delivered, packets, lost, ms: performance.now() - started };
}

console.log(`FEC Encoding ID ${FEC}, T = ${T} bytes, ${OBJECTS} objects of 1 MiB, one block of K = ${Math.ceil(SIZE / T)} symbols each, sent once`);
console.log('');
console.log(`| repair \\ loss | ${LOSSES.map((l) => `${l} %`).join(' | ')} |`);
console.log(`|---|${LOSSES.map(() => '---').join('|')}|`);
let failures = 0;
for (const repair of REPAIRS) {
  const cells: string[] = [];
  for (const loss of LOSSES) {
    const r = cell(repair, loss, repair * 100 + loss);
    const pct = (100 * r.delivered) / OBJECTS;
    const mustDeliver = loss < repair - 1;
    if (mustDeliver && r.delivered !== OBJECTS) failures++;
    cells.push(`${pct.toFixed(1)} %${mustDeliver ? '' : ' ·'}`);
    process.stderr.write(`repair ${repair} %, loss ${loss} %: ${r.delivered}/${OBJECTS} (${r.lost}/${r.packets} packets lost, ${(r.ms / 1000).toFixed(1)} s)\n`);
  }
  console.log(`| ${repair} % | ${cells.join(' | ')} |`);
}
console.log('');
console.log('Cells without a dot have loss < repair − 1 %, where every object must arrive.');
console.log(failures === 0 ? 'rule met: 100 % delivered in every such cell' : `rule NOT met in ${failures} cell(s)`);
if (failures !== 0) process.exitCode = 1;

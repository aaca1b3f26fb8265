// Engine throughput, no sockets (acceptance check 4): one FluteSender and one FluteReceiver in this
// process, every datagram the sender produces handed straight to the receiver, a 256 MiB object per
// iteration (32 MiB with BENCH_QUICK=1), in Mbit/s of object data; T = 1424. The receiver's writer
// counts bytes (no storage).
// - no-code: 64-symbol blocks. Anchor: the bare copy work of the same transfer (cut the object into
//   datagrams behind a 44-byte header, copy each into a block buffer).
// - RaptorQ, 10 % repair, blocks of up to 1000 symbols: without loss (the receiver completes each
//   block from its source symbols; the sender still computes every repair symbol) and with one
//   datagram in twenty lost (every block is decoded). Anchor: the npm raptorq@1.7.24 WebAssembly
//   build encoding the object with 10 % repair and decoding it after the same loss, in this process
//   (its own default blocks, about 7,000 symbols here).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as raptorq from 'raptorq/raptorq.js';
import { runBench, type BenchCase, type BenchRow } from '@proto/bench';
import { deriveRaptorQOti } from '@proto/fec-raptorq';
import { FluteReceiver, FluteSender, xorshiftFill, type FecOptions, type ObjectWriter } from '@proto/flute';

const SIZE = process.env['BENCH_QUICK'] === '1' ? 32 << 20 : 256 << 20;
const T = 1424;
const data = new Uint8Array(SIZE);
xorshiftFill(data);

const counting: ObjectWriter = {
  open: () => ({ write: () => {}, complete: () => ({}), abort: () => {} }),
};

/** Sends `data` once through a fresh sender/receiver pair, losing every `lossEvery`-th datagram; throws unless it arrives. */
function transfer(fec: FecOptions, md5: boolean, lossEvery = 0): void {
  const sender = new FluteSender({ tsi: 1, fec: { symbolLength: T, ...fec } });
  const receiver = new FluteReceiver({ writer: counting, limits: { maxObjectBytes: 2 ** 40 } });
  let done = false;
  receiver.on('object-completed', () => (done = true));
  receiver.on('object-failed', (e) => {
    throw new Error(`object failed: ${e.reason}`);
  });
  sender.addObject({ source: data, contentLocation: 'bench.bin', md5 });
  let now = Date.UTC(2025, 0, 1);
  let i = 0;
  for (let guard = 0; !done && guard < 10_000_000; guard++) {
    const d = sender.poll(now);
    if (d === undefined) now = Math.max(now + 1, sender.nextDeadline());
    else if (lossEvery === 0 || ++i % lossEvery !== 0 || d[15] === 0) receiver.push(d, now);
  }
  if (!done) throw new Error('transfer did not complete');
}

function copyAnchor(): void {
  const block = new Uint8Array(64 * T);
  const header = new Uint8Array(44);
  for (let o = 0; o < SIZE; o += T) {
    const d = new Uint8Array(44 + Math.min(T, SIZE - o));
    d.set(header, 0);
    d.set(data.subarray(o, o + T), 44);
    block.set(d.subarray(44), o % block.length);
  }
}

// with_defaults picks its own blocks (RFC 6330 §4.3, WS = 10 MiB, Al = 8): 10 % of their K.
const anchorOti = deriveRaptorQOti({ transferLength: SIZE, symbolSize: T, alignment: 8 });
const anchorRepair = Math.ceil(Math.ceil(Math.ceil(SIZE / T) / anchorOti.sourceBlocks) * 0.1);
raptorq.initSync(readFileSync(join(dirname(createRequire(import.meta.url).resolve('raptorq/package.json')), 'raptorq_bg.wasm')));
/** raptorq@1.7.24: encode with 10 % repair per block, lose every 20th packet, decode. */
function raptorqAnchor(): void {
  const enc = raptorq.Encoder.with_defaults(data, T);
  const packets = enc.encode(anchorRepair);
  enc.free();
  const dec = raptorq.Decoder.with_defaults(BigInt(SIZE), T);
  let out: Uint8Array | undefined;
  for (let i = 0; i < packets.length && out === undefined; i++) if ((i + 1) % 20 !== 0) out = dec.decode(packets[i]!);
  dec.free();
  if (out?.length !== SIZE) throw new Error('anchor decode failed');
}

const c = (name: string, fn: () => void): BenchCase => ({ name, bytes: SIZE, fn });
const copy = c('datagram copy', copyAnchor);
const rq = c('raptorq@1.7.24 wasm', raptorqAnchor);
const RQ: FecOptions = { encodingId: 6, maxSourceBlockLength: 1000, repair: { percent: 10 } };
const mib = `${SIZE >> 20} MiB`;
const rows: BenchRow[] = [
  { name: `no-code, ${mib}`, ours: c('FLUTE no-code', () => transfer({ encodingId: 0 }, false)), anchor: copy },
  { name: `no-code + MD5, ${mib}`, ours: c('FLUTE no-code + MD5', () => transfer({ encodingId: 0 }, true)), anchor: copy },
  { name: `RaptorQ 10 %, no loss, ${mib}`, ours: c('FLUTE RaptorQ', () => transfer(RQ, false)), anchor: rq },
  { name: `RaptorQ 10 %, 5 % loss, ${mib}`, ours: c('FLUTE RaptorQ, decoding', () => transfer(RQ, false, 20)), anchor: rq },
];

await runBench(`@proto/flute engines, sender → receiver in one process, T = ${T}, Mbit/s of object data`, rows, { unit: 'Mbit/s', minTimeMs: 3000, rounds: 3, warmupMs: 500 });

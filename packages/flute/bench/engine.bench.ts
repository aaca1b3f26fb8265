// Engine throughput, no sockets: one FluteSender and one FluteReceiver in this process, every datagram
// the sender produces pushed straight into the receiver, 256 MiB per iteration (32 MiB with
// BENCH_QUICK=1), in Mbit/s of object data. The receiver's writer counts bytes (no storage).
// Anchor: the bare copy work of the same transfer (cut the object into 1424-byte datagrams behind a
// 44-byte header, copy each into a block buffer), i.e. what moving the bytes costs without FLUTE.
import { runBench, type BenchRow } from '@proto/bench';
import { FluteReceiver, FluteSender, xorshiftFill, type FecOptions, type ObjectWriter } from '@proto/flute';

const SIZE = process.env['BENCH_QUICK'] === '1' ? 32 << 20 : 256 << 20;
const data = new Uint8Array(SIZE);
xorshiftFill(data);

const counting: ObjectWriter = {
  open: () => ({ write: () => {}, complete: () => ({}), abort: () => {} }),
};

/** Sends `data` once through a fresh sender/receiver pair; throws unless it arrives. */
function transfer(fec: FecOptions, md5: boolean): void {
  const sender = new FluteSender({ tsi: 1, fec });
  const receiver = new FluteReceiver({ writer: counting, limits: { maxObjectBytes: 2 ** 40 } });
  let done = false;
  receiver.on('object-completed', () => (done = true));
  receiver.on('object-failed', (e) => {
    throw new Error(`object failed: ${e.reason}`);
  });
  sender.addObject({ source: data, contentLocation: 'bench.bin', md5 });
  let now = Date.UTC(2025, 0, 1);
  for (let guard = 0; !done && guard < 10_000_000; guard++) {
    const d = sender.poll(now);
    if (d !== undefined) receiver.push(d, now);
    else now = Math.max(now + 1, sender.nextDeadline());
  }
  if (!done) throw new Error('transfer did not complete');
}

function copyAnchor(): void {
  const T = 1424;
  const block = new Uint8Array(64 * T);
  const header = new Uint8Array(44);
  for (let o = 0; o < SIZE; o += T) {
    const d = new Uint8Array(44 + Math.min(T, SIZE - o));
    d.set(header, 0);
    d.set(data.subarray(o, o + T), 44);
    block.set(d.subarray(44), o % block.length);
  }
}

const rows: BenchRow[] = [
  { name: `no-code, ${SIZE >> 20} MiB`, ours: { name: 'FLUTE no-code', bytes: SIZE, fn: () => transfer({ encodingId: 0 }, false) }, anchor: { name: 'datagram copy', bytes: SIZE, fn: copyAnchor } },
  { name: `no-code + MD5, ${SIZE >> 20} MiB`, ours: { name: 'FLUTE no-code + MD5', bytes: SIZE, fn: () => transfer({ encodingId: 0 }, true) }, anchor: { name: 'datagram copy', bytes: SIZE, fn: copyAnchor } },
];

await runBench(`@proto/flute engines, sender → receiver in one process (T = 1424, 64-symbol blocks), Mbit/s of object data`, rows, { unit: 'Mbit/s', minTimeMs: 3000, rounds: 3, warmupMs: 500 });

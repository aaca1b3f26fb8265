// worker_thread producer for ring.test.ts: writes 0, 1, 2, … through SpscRing from the built package.
import { workerData } from 'node:worker_threads';
import { SpscRing } from '@proto/syfala';

const ring = SpscRing.attach(workerData.sab);
const chunk = new Int32Array(97);
// The ring's read index (header word 0): wait on it briefly when the ring is full.
const readIndex = new Int32Array(workerData.sab, 0, 1);
let v = 0;
const deadline = Date.now() + 20_000;
while (v < workerData.total && Date.now() < deadline) {
  const n = Math.min(chunk.length, workerData.total - v);
  for (let i = 0; i < n; i++) chunk[i] = v + i;
  const written = ring.write(chunk.subarray(0, n));
  v += written;
  if (written === 0) Atomics.wait(readIndex, 0, Atomics.load(readIndex, 0), 1);
}

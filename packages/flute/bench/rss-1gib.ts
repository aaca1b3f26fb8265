// Acceptance check 3: receive a 1 GiB object to the filesystem writer and print the peak RSS of the
// whole process (sender and receiver both run here, so this bounds the receiver from above).
// The object comes from a stream source (generated chunk by chunk, never whole in memory) with the
// Content-MD5 pre-pass, goes through the engines and lands in a temporary folder, MD5-checked.
//   pnpm exec tsx --conditions=@proto/source packages/flute/bench/rss-1gib.ts [MiB]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FluteReceiver, FluteSender, macrotask, pseudoRandomChunks, streamSource } from '@proto/flute';
import { FileWriter } from '@proto/flute/node';

const MIB = Number(process.argv[2] ?? 1024);
const SIZE = MIB << 20;
const CHUNK = 1 << 20;

const generate = (): AsyncGenerator<Uint8Array> => pseudoRandomChunks(SIZE, CHUNK);

const dir = mkdtempSync(join(tmpdir(), 'flute-rss-'));
let peak = process.memoryUsage().rss;
const sample = (): void => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 20);
const started = performance.now();
try {
  const sender = new FluteSender({ tsi: 1 });
  const receiver = new FluteReceiver({ writer: new FileWriter(dir) });
  let result: { path?: string | undefined; error?: string } | undefined;
  receiver.on('object-completed', (e) => (result = { path: e.path }));
  receiver.on('object-failed', (e) => (result = { error: `${e.reason}: ${String(e.error)}` }));
  sender.addObject({ source: streamSource(generate), contentLocation: 'one-gib.bin' });
  let now = Date.now();
  let packets = 0;
  for (let guard = 0; result === undefined && guard < 50_000_000; guard++) {
    const d = sender.poll(now);
    if (d !== undefined) {
      receiver.push(d, now);
      if (++packets % 4096 === 0) {
        sample();
        // Backpressure: let the file writes catch up.
        if (receiver.pendingWriteBytes > 8 << 20) await receiver.whenWritten();
      }
      continue;
    }
    if (sender.waitingForData) await macrotask();
    else if (sender.nextDeadline() > now) now = Math.max(now + 1, Math.min(sender.nextDeadline(), now + 1000));
    if (receiver.nextDeadline() <= now) receiver.cleanup(now);
    await receiver.whenWritten();
    if (sender.idle && result === undefined) await macrotask();
  }
  await receiver.whenWritten();
  sample();
  const seconds = (performance.now() - started) / 1000;
  if (result?.path === undefined) throw new Error(`not delivered: ${result?.error ?? 'no result'}`);
  const size = statSync(result.path).size;
  console.log(`object: ${MIB} MiB (${size} bytes written, Content-MD5 verified by the receiver), ${packets} packets, ${seconds.toFixed(1)} s`);
  console.log(`peak RSS: ${(peak / 2 ** 20).toFixed(1)} MiB (limit 256 MB = ${(256e6 / 2 ** 20).toFixed(1)} MiB): ${peak <= 256e6 ? 'PASS' : 'FAIL'}`);
  if (peak > 256e6) process.exitCode = 1;
} finally {
  clearInterval(timer);
  rmSync(dir, { recursive: true, force: true });
}

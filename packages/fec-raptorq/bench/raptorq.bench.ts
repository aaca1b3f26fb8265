// RaptorQ object encode and decode throughput against npm raptorq@1.7.24 (WebAssembly build of
// cberner/raptorq), measured in the same process: T = 1280, 20% repair symbols per block, decode
// after losing 10% of the packets at random. Both sides use the same OTI: cberner's with_defaults
// (Al = 8, sub-symbols >= 64 bytes, sub-blocks up to 10 MiB), which deriveRaptorQOti reproduces.
//
//   pnpm --filter @proto/fec-raptorq bench            (BENCH_QUICK=1 for a short run)
//   BENCH_SIZES=1,10 pnpm --filter @proto/fec-raptorq bench
import { runBench, type BenchRow } from '@proto/bench';
import { RaptorQDecoder, RaptorQEncoder, deriveRaptorQOti } from '@proto/fec-raptorq';
import { raptorqWasm } from '../test/support/anchor.js';
import { prng, xorshiftBytes } from '../test/support/data.js';

const T = 1280;
const anchor = raptorqWasm();
const sizes = (process.env['BENCH_SIZES'] ?? '1,10,64').split(',').map((s) => Number(s) * 1024 * 1024);
const quick = process.env['BENCH_QUICK'] === '1';

const rows: BenchRow[] = [];
for (const size of sizes) {
  const data = xorshiftBytes(size);
  const oti = deriveRaptorQOti({ transferLength: size, symbolSize: T, alignment: 8, minSubSymbolSize: 64, maxSubBlockSize: 10 * 1024 * 1024 });
  const label = `${size / 1024 / 1024} MiB (Z=${oti.sourceBlocks}, N=${oti.subBlocks})`;

  const encodeOurs = (): Uint8Array[] => {
    const enc = new RaptorQEncoder(data, oti);
    const out: Uint8Array[] = [];
    for (let sbn = 0; sbn < enc.sourceBlockCount; sbn++) {
      const K = enc.sourceSymbols(sbn);
      const n = K + Math.ceil(K * 0.2);
      for (let esi = 0; esi < n; esi++) out.push(enc.packet(sbn, esi));
    }
    enc.dispose();
    return out;
  };
  const repairPerBlock = Math.ceil(Math.ceil(size / T / oti.sourceBlocks) * 0.2);
  const encodeAnchor = (): Uint8Array[] => {
    const enc = anchor.Encoder.with_defaults(data, T);
    const out = enc.encode(repairPerBlock);
    enc.free();
    return out;
  };
  // The same loss pattern for both sides.
  const lose = <P>(packets: P[]): P[] => {
    const rnd = prng(0x5eed + size);
    return packets.filter(() => rnd() >= 0.1);
  };
  const oursKept = lose(encodeOurs());
  const anchorKept = lose(encodeAnchor());
  const decodeOurs = (): void => {
    const dec = new RaptorQDecoder(oti);
    for (const p of oursKept) if (dec.push(p)) break;
    if (dec.result()?.length !== size) throw new Error('our decode failed');
  };
  const decodeAnchor = (): void => {
    const dec = anchor.Decoder.with_defaults(BigInt(size), T);
    let out: Uint8Array | undefined;
    for (const p of anchorKept) if ((out = dec.decode(p)) !== undefined) break;
    dec.free();
    if (out?.length !== size) throw new Error('anchor decode failed');
  };
  const opts = { bytes: size };
  rows.push(
    { name: `encode ${label}`, ours: { name: 'ours', fn: encodeOurs, ...opts }, anchor: { name: 'raptorq wasm', fn: encodeAnchor, ...opts } },
    { name: `decode ${label}`, ours: { name: 'ours', fn: decodeOurs, ...opts }, anchor: { name: 'raptorq wasm', fn: decodeAnchor, ...opts } },
  );
}

await runBench('RaptorQ (RFC 6330) vs raptorq@1.7.24 (WebAssembly), T = 1280, 20% repair, 10% loss', rows, {
  unit: 'Mbit/s',
  minTimeMs: quick ? 300 : 3000,
  rounds: quick ? 1 : 3,
  maxIterations: 1000,
});

// Raptor (RFC 5053) block encode and decode throughput at T = 1280 for K = 1000 and K = 5000:
// encode yields the K source and 0.2 K repair symbols; decode takes the symbols left after a 10%
// loss. No WebAssembly or JavaScript build of another RFC 5053 implementation exists on npm to
// measure in the same run; the README quotes the native reference crate's figures instead.
//
//   pnpm --filter @proto/fec-raptorq bench            (BENCH_QUICK=1 for a short run)
import { runBench, type BenchRow } from '@proto/bench';
import { Raptor10BlockDecoder, Raptor10BlockEncoder } from '@proto/fec-raptorq';
import { prng, xorshiftBytes } from '../test/support/data.js';

const T = 1280;
const quick = process.env['BENCH_QUICK'] === '1';
const rows: BenchRow[] = [];
for (const K of [1000, 5000]) {
  const data = xorshiftBytes(K * T, K);
  const n = K + Math.ceil(K * 0.2);
  const encode = (): void => {
    const enc = new Raptor10BlockEncoder(data, T);
    for (let esi = 0; esi < n; esi++) enc.symbol(esi);
    enc.dispose();
  };
  const enc = new Raptor10BlockEncoder(data, T);
  const rnd = prng(K);
  const esis = Array.from({ length: n }, (_, i) => i).filter(() => rnd() >= 0.1);
  const symbols = esis.map((esi) => enc.symbol(esi));
  enc.dispose();
  const decode = (): void => {
    const dec = new Raptor10BlockDecoder(K, T);
    for (let i = 0; i < esis.length; i++) if (dec.push(esis[i]!, symbols[i]!)) break;
    if (!dec.complete) throw new Error('decode failed');
  };
  rows.push({ name: `encode K=${K}`, ours: { name: 'ours', fn: encode, bytes: K * T } }, { name: `decode K=${K} (10% loss)`, ours: { name: 'ours', fn: decode, bytes: K * T } });
}
await runBench('Raptor (RFC 5053), T = 1280, 20% repair', rows, { unit: 'Mbit/s', minTimeMs: quick ? 300 : 3000, rounds: quick ? 1 : 3 });

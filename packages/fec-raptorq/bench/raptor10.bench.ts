// Raptor (RFC 5053) block encode and decode throughput at T = 1280 for K = 1000 and K = 5000:
// encode yields the K source and 0.2 K repair symbols; decode takes the symbols left after a 10%
// loss. No build of another RFC 5053 implementation runs in Node, so the anchor measured in the
// same run is our RaptorQ (RFC 6330) block coder at the same K and T, on the same workload and
// the same loss pattern: the ratio shows what the older code costs against its successor. The
// README quotes the native reference crate's figures besides.
//
//   pnpm --filter @proto/fec-raptorq bench            (BENCH_QUICK=1 for a short run)
import { runBench, type BenchCase, type BenchRow } from '@proto/bench';
import { Raptor10BlockDecoder, Raptor10BlockEncoder, RaptorQBlockDecoder, RaptorQBlockEncoder } from '@proto/fec-raptorq';
import { prng, xorshiftBytes } from '../test/support/data.js';

const T = 1280;
const quick = process.env['BENCH_QUICK'] === '1';

interface BlockEncoder {
  symbol(esi: number): Uint8Array;
  dispose(): void;
}
interface BlockDecoder {
  push(esi: number, symbol: Uint8Array): boolean;
  readonly complete: boolean;
}
interface Scheme {
  readonly name: string;
  encoder(data: Uint8Array): BlockEncoder;
  decoder(K: number): BlockDecoder;
}
const raptor: Scheme = { name: 'Raptor', encoder: (data) => new Raptor10BlockEncoder(data, T), decoder: (K) => new Raptor10BlockDecoder(K, T) };
const raptorq: Scheme = { name: 'RaptorQ', encoder: (data) => new RaptorQBlockEncoder(data, T), decoder: (K) => new RaptorQBlockDecoder(K, T) };

function cases(scheme: Scheme, K: number): { encode: BenchCase; decode: BenchCase } {
  const data = xorshiftBytes(K * T, K);
  const n = K + Math.ceil(K * 0.2);
  const encode = (): void => {
    const enc = scheme.encoder(data);
    for (let esi = 0; esi < n; esi++) enc.symbol(esi);
    enc.dispose();
  };
  const enc = scheme.encoder(data);
  const rnd = prng(K);
  const esis = Array.from({ length: n }, (_, i) => i).filter(() => rnd() >= 0.1);
  const symbols = esis.map((esi) => enc.symbol(esi));
  enc.dispose();
  const decode = (): void => {
    const dec = scheme.decoder(K);
    for (let i = 0; i < esis.length; i++) if (dec.push(esis[i]!, symbols[i]!)) break;
    if (!dec.complete) throw new Error(`${scheme.name} decode failed`);
  };
  return { encode: { name: scheme.name, fn: encode, bytes: K * T }, decode: { name: scheme.name, fn: decode, bytes: K * T } };
}

const rows: BenchRow[] = [];
for (const K of [1000, 5000]) {
  const ours = cases(raptor, K);
  const anchor = cases(raptorq, K);
  rows.push(
    { name: `encode K=${K}`, ours: ours.encode, anchor: { ...anchor.encode, name: 'RaptorQ (ours)' } },
    { name: `decode K=${K} (10% loss)`, ours: ours.decode, anchor: { ...anchor.decode, name: 'RaptorQ (ours)' } },
  );
}
await runBench('Raptor (RFC 5053) vs our RaptorQ (RFC 6330) at the same K, T = 1280, 20% repair', rows, {
  unit: 'Mbit/s',
  minTimeMs: quick ? 300 : 3000,
  rounds: quick ? 1 : 3,
});

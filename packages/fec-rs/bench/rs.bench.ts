// Reed-Solomon encode and decode, k = 64, T = 1424, r = 8 and 16 repair symbols / erasures, in MB/s of
// source data (k·T bytes per operation). Anchor: @digitaldefiance/reed-solomon-erasure.wasm (the Rust
// crate reed-solomon-erasure compiled to WebAssembly), measured in the same process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ReedSolomonErasure } from '@digitaldefiance/reed-solomon-erasure.wasm';
import { runBench, type BenchCase, type BenchRow } from '@proto/bench';
import { createReedSolomon, type Backend, type EncodingSymbol } from '@proto/fec-rs';

const K = 64;
const T = 1424;
// Its ESM build's fromCurrentDirectorySync() uses __dirname: load the .wasm beside its CommonJS entry.
// A long-lived instance slows down by about half after a few seconds of calls (its wasm heap), so every
// case gets a fresh instance: the anchor is measured at its best.
const anchorDir = dirname(createRequire(import.meta.url).resolve('@digitaldefiance/reed-solomon-erasure.wasm'));
const anchorWasm = readFileSync(join(anchorDir, 'reed_solomon_erasure_bg.wasm'));
const newAnchor = (): ReedSolomonErasure => ReedSolomonErasure.fromBytes(anchorWasm);

let seed = 0x9e3779b9;
const sources = Array.from({ length: K }, () =>
  Uint8Array.from({ length: T }, () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed & 255;
  }),
);

function ours(backend: Backend, r: number, op: 'encode' | 'decode'): BenchCase {
  const rs = createReedSolomon({ k: K, n: K + r, matrix: 'backblaze', backend });
  const repairs = rs.encode(sources);
  // Decode after losing the first r source symbols: every repair symbol is needed.
  const received: EncodingSymbol[] = [...sources, ...repairs].map((data, esi) => ({ esi, data })).slice(r);
  const label = backend === 'js' ? 'TypeScript fallback' : 'wasm-simd';
  if (op === 'encode') return { name: `${label} encode r=${r}`, bytes: K * T, fn: () => rs.encodeInto(sources, repairs) };
  return {
    name: `${label} decode r=${r}`,
    bytes: K * T,
    setup: () => {
      const out = rs.decode(received);
      if (!out.every((s, i) => s.every((b, j) => b === sources[i]![j]))) throw new Error('decode mismatch');
    },
    fn: () => rs.decode(received),
  };
}

function theirs(r: number, op: 'encode' | 'decode'): BenchCase {
  let anchor = newAnchor();
  const shards = new Uint8Array((K + r) * T);
  sources.forEach((s, i) => shards.set(s, i * T));
  if (anchor.encode(shards, K, r) !== ReedSolomonErasure.RESULT_OK) throw new Error('anchor encode failed');
  const ourRepairs = createReedSolomon({ k: K, n: K + r, matrix: 'backblaze' }).encode(sources);
  ourRepairs.forEach((p, i) => {
    if (!p.every((b, j) => b === shards[(K + i) * T + j])) throw new Error('anchor and ours disagree');
  });
  const setup = (): void => {
    anchor = newAnchor();
  };
  if (op === 'encode') return { name: `reed-solomon-erasure.wasm encode r=${r}`, bytes: K * T, setup, fn: () => anchor.encode(shards, K, r) };
  const available = Array.from({ length: K + r }, (_, i) => i >= r);
  return {
    name: `reed-solomon-erasure.wasm decode r=${r}`,
    bytes: K * T,
    setup,
    fn: () => {
      if (anchor.reconstruct(shards, K, r, available) !== ReedSolomonErasure.RESULT_OK) throw new Error('anchor reconstruct failed');
    },
  };
}

const rows: BenchRow[] = [];
for (const backend of ['wasm-simd', 'js'] as const) {
  for (const op of ['encode', 'decode'] as const) {
    for (const r of [8, 16]) rows.push({ name: `${backend === 'js' ? 'TS fallback' : 'wasm-simd'} ${op} r=${r}`, ours: ours(backend, r, op), anchor: theirs(r, op) });
  }
}

await runBench(`@proto/fec-rs vs reed-solomon-erasure.wasm 1.0.2: k=${K}, T=${T}, MB/s of source data`, rows);

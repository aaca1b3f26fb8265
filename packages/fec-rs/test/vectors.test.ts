import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReedSolomon, type EncodingSymbol, type MatrixConvention } from '@proto/fec-rs';

const VECTORS = new URL('../../../../shared/vectors/rs/', import.meta.url);

interface VectorFile {
  readonly m?: number;
  readonly k: number;
  readonly n: number;
  readonly T: number;
  readonly symbols: readonly { esi: number; kind: 'source' | 'repair'; hex: string }[];
}

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));

const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort();
const vectors = files.map((file) => {
  const v = JSON.parse(readFileSync(new URL(file, VECTORS), 'utf8')) as VectorFile;
  const matrix: MatrixConvention = file.startsWith('rse_flute_') ? 'backblaze' : 'rfc5510';
  const symbols: EncodingSymbol[] = v.symbols.map((s) => ({ esi: s.esi, data: fromHex(s.hex) }));
  return { file, v, matrix, symbols, sources: symbols.slice(0, v.k).map((s) => s.data) };
});

/** Every subset of {0..n-1} of size r, in lexicographic order. */
function* subsets(n: number, r: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === r) {
    yield prefix;
    return;
  }
  for (let i = start; i < n; i++) yield* subsets(n, r, i + 1, [...prefix, i]);
}

describe('interop vectors (../shared/vectors/rs)', () => {
  it('covers the OpenFEC and reed-solomon-erasure files', () => {
    expect(files.filter((f) => f.startsWith('openfec_')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => f.startsWith('rse_flute_')).length).toBeGreaterThanOrEqual(2);
  });

  describe.each(vectors)('$file', ({ v, matrix, symbols, sources }) => {
    const backends = (v.m ?? 8) === 8 ? (['wasm-simd', 'js'] as const) : (['auto'] as const);

    it.each(backends)(`every repair symbol equals ours (matrix '${matrix}', %s)`, (backend) => {
      const rs = createReedSolomon({ m: v.m ?? 8, k: v.k, n: v.n, matrix, backend });
      expect(symbols.map((s) => s.esi)).toEqual(Array.from({ length: v.n }, (_, i) => i));
      const repairs = rs.encode(sources);
      expect(repairs.length).toBe(v.n - v.k);
      for (const s of symbols.slice(v.k)) {
        expect(repairs[s.esi - v.k], `ESI ${s.esi}`).toEqual(s.data);
        expect(rs.repair(sources, s.esi), `ESI ${s.esi}`).toEqual(s.data);
      }
    });

    it.each(backends)('decodes after erasing every subset of up to n − k symbols (%s)', (backend) => {
      const rs = createReedSolomon({ m: v.m ?? 8, k: v.k, n: v.n, matrix, backend });
      let decodes = 0;
      for (let r = 0; r <= v.n - v.k; r++) {
        for (const erased of subsets(v.n, r)) {
          const kept = symbols.filter((s) => !erased.includes(s.esi));
          expect(rs.decode(kept), `erased ${erased.join(',')}`).toEqual(sources);
          decodes++;
        }
      }
      expect(decodes).toBe(Array.from({ length: v.n - v.k + 1 }, (_, r) => [...subsets(v.n, r)].length).reduce((a, b) => a + b));
    });
  });

  it('the two matrices disagree on every repair symbol for k ≥ 4', () => {
    const v = vectors.find((x) => x.file.startsWith('openfec_rs_gf2_8_') && x.v.k === 10)!;
    const a = createReedSolomon({ k: 10, n: 14 }).encode(v.sources);
    const b = createReedSolomon({ k: 10, n: 14, matrix: 'backblaze' }).encode(v.sources);
    for (const x of a) for (const y of b) expect(x).not.toEqual(y);
  });
});

describe('large k, random erasures', () => {
  it.each([
    { m: 8, k: 200, n: 255 },
    { m: 8, k: 64, n: 80 },
    { m: 4, k: 10, n: 15 },
    { m: 12, k: 300, n: 340 },
  ])('m = $m, k = $k, n = $n', ({ m, k, n }) => {
    let x = 0x9e3779b9;
    const rand = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    const T = 48;
    const sources = Array.from({ length: k }, () => Uint8Array.from({ length: T }, () => rand() & 255));
    for (const matrix of ['rfc5510', 'backblaze'] as const) {
      const rs = createReedSolomon({ m, k, n, matrix });
      const all = [...sources, ...rs.encode(sources)].map((data, esi) => ({ esi, data }));
      for (let trial = 0; trial < 20; trial++) {
        // Fisher-Yates shuffle, keep the first k: a random erasure pattern of n − k symbols.
        const order = all.slice();
        for (let i = order.length - 1; i > 0; i--) {
          const j = rand() % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        expect(rs.decode(order.slice(0, k))).toEqual(sources);
      }
    }
  });
});

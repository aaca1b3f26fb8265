// Acceptance check 4: parse and build an FDT of 1,000 Files. Throughput is in Files per second
// (one op = one File); the anchor is a bare fast-xml-parser run on the same text in the same
// process, so the ratio is the cost of everything parseFdt adds (limit scan, namespaces, typed
// values) on top of the XML parser it is built on. Run: pnpm --filter @proto/fdt bench
import { runBench } from '@proto/bench';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { buildFdt, DEFAULT_FDT_LIMITS, parseFdt, type FdtFile, type FdtInstance } from '@proto/fdt';
// Internal: the exact parser configuration parseFdt runs with.
import { fastXmlParserOptions } from '../src/parse.js';

const FILES = 1000;

function model(): FdtInstance {
  const files: FdtFile[] = [];
  for (let i = 0; i < FILES; i++) {
    const md5 = new Uint8Array(16);
    for (let k = 0; k < 16; k++) md5[k] = (i * 31 + k * 7) & 0xff;
    files.push({
      contentLocation: `http://media.example.com/live/segment-${i}.m4s`,
      toi: BigInt(i + 1),
      contentLength: 100_000 + i * 13,
      transferLength: 100_000 + i * 13,
      contentType: 'video/iso.segment',
      contentMd5: md5,
    });
  }
  return { expires: 3953526133, fullFdt: true, schemaVersion: 4, fecOti: { encodingId: 0, maxSourceBlockLength: 64, encodingSymbolLength: 1424 }, files };
}

const instance = model();
const xml = buildFdt(instance);
const bytes = new TextEncoder().encode(xml);
const decoder = new TextDecoder('utf-8', { fatal: true });
// The options parseFdt gives fast-xml-parser, so the anchor parses exactly what ours does.
const sameOptions = new XMLParser(fastXmlParserOptions(DEFAULT_FDT_LIMITS.maxDepth));
const objectMode = new XMLParser({ ignoreAttributes: false });
const tree = sameOptions.parse(xml) as unknown[];
const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '' });

if (parseFdt(xml).files.length !== FILES || buildFdt(parseFdt(bytes)) !== xml) throw new Error('benchmark input does not round-trip');
console.log(`FDT of ${FILES} Files: ${bytes.length} bytes; one op = one File\n`);

await runBench(
  `@proto/fdt, ${FILES} Files (${(bytes.length / 1024).toFixed(0)} KiB)`,
  [
    {
      name: 'parseFdt(string)',
      ours: { name: 'parseFdt', fn: () => parseFdt(xml), ops: FILES },
      anchor: { name: 'fast-xml-parser, same options', fn: () => sameOptions.parse(xml), ops: FILES },
    },
    {
      name: 'parseFdt(bytes)',
      ours: { name: 'parseFdt', fn: () => parseFdt(bytes), ops: FILES },
      anchor: { name: 'TextDecoder + fast-xml-parser', fn: () => sameOptions.parse(decoder.decode(bytes)), ops: FILES },
    },
    {
      name: 'parseFdt(string) vs object mode',
      ours: { name: 'parseFdt', fn: () => parseFdt(xml), ops: FILES },
      anchor: { name: 'fast-xml-parser, default object mode + attributes', fn: () => objectMode.parse(xml), ops: FILES },
    },
    {
      name: 'buildFdt',
      ours: { name: 'buildFdt', fn: () => buildFdt(instance), ops: FILES },
      anchor: { name: 'fast-xml-parser XMLBuilder, same tree', fn: () => builder.build(tree), ops: FILES },
    },
  ],
  { unit: 'ops/s' },
);

// The machine is shared, so load changes between the two measurements of a row can skew its
// ratio. This pairs them instead: each round times a batch of ours then a batch of the anchor,
// and the median of the per-round time ratios is the overhead figure quoted in the README.
function pairedOverhead(ours: () => unknown, anchor: () => unknown): { median: number; min: number; max: number } {
  const quick = process.env['BENCH_QUICK'] === '1';
  const rounds = quick ? 5 : 21;
  const batch = quick ? 3 : 10;
  const ratios: number[] = [];
  for (let i = 0; i < batch; i++) {
    ours();
    anchor();
  }
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < batch; i++) ours();
    const a = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < batch; i++) anchor();
    ratios.push(a / (performance.now() - t));
  }
  ratios.sort((x, y) => x - y);
  return { median: ratios[rounds >> 1]!, min: ratios[0]!, max: ratios[rounds - 1]! };
}

for (const [label, ours, anchor] of [
  ['parseFdt(string) / fast-xml-parser parse, same options', () => parseFdt(xml), () => sameOptions.parse(xml)],
  ['parseFdt(bytes) / TextDecoder + fast-xml-parser parse', () => parseFdt(bytes), () => sameOptions.parse(decoder.decode(bytes))],
] as const) {
  const o = pairedOverhead(ours, anchor);
  console.log(`${label}: time ratio median ${o.median.toFixed(2)}x (min ${o.min.toFixed(2)}x, max ${o.max.toFixed(2)}x over paired rounds)`);
}

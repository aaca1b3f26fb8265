// One encode (20% repair) and one decode (after a 10% loss) of an object by one implementation,
// then prints the process's peak resident memory. Run by raptorq-memory.bench.ts in a fresh
// process per case:   tsx --conditions=@proto/source bench/memory-child.ts <ours|anchor|none> <MiB>
import { RaptorQDecoder, RaptorQEncoder, deriveRaptorQOti } from '@proto/fec-raptorq';
import { raptorqWasm } from '../test/support/anchor.js';
import { prng, sameBytes, xorshiftBytes } from '../test/support/data.js';

const [who, mib] = process.argv.slice(2);
const size = Number(mib) * 1024 * 1024;
const T = 1280;
const data = xorshiftBytes(size);
const oti = deriveRaptorQOti({ transferLength: size, symbolSize: T, alignment: 8, minSubSymbolSize: 64, maxSubBlockSize: 10 * 1024 * 1024 });
const anchor = raptorqWasm();
const rnd = prng(0x5eed + size);
let ok = true;
if (who === 'ours') {
  const enc = new RaptorQEncoder(data, oti);
  let packets: Uint8Array[] = [];
  for (let sbn = 0; sbn < enc.sourceBlockCount; sbn++) {
    const K = enc.sourceSymbols(sbn);
    for (let esi = 0; esi < K + Math.ceil(K * 0.2); esi++) packets.push(enc.packet(sbn, esi));
  }
  enc.dispose();
  packets = packets.filter(() => rnd() >= 0.1);
  const dec = new RaptorQDecoder(oti);
  for (const p of packets) if (dec.push(p)) break;
  ok = sameBytes(dec.result(), data);
} else if (who === 'anchor') {
  const enc = anchor.Encoder.with_defaults(data, T);
  let packets = enc.encode(Math.ceil(Math.ceil(size / T / oti.sourceBlocks) * 0.2));
  enc.free();
  packets = packets.filter(() => rnd() >= 0.1);
  const dec = anchor.Decoder.with_defaults(BigInt(size), T);
  let out: Uint8Array | undefined;
  for (const p of packets) if ((out = dec.decode(p)) !== undefined) break;
  dec.free();
  ok = sameBytes(out, data);
}
// maxRSS is in kilobytes.
console.log(JSON.stringify({ who, mib: Number(mib), ok, peakMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));

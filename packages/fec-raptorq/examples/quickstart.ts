// The README example: encode an object, lose the first five packets, decode from the rest.
//   pnpm exec tsx --conditions=@proto/source examples/quickstart.ts
import { RaptorQDecoder, RaptorQEncoder, deriveRaptorQOti, decodeRaptorQOti } from '@proto/fec-raptorq';

const data = new TextEncoder().encode('hello, fountain '.repeat(5000));
const oti = deriveRaptorQOti({ transferLength: data.length, symbolSize: 1024 });
const enc = new RaptorQEncoder(data, oti); // enc.otiBytes: 12 bytes for the FDT
const dec = new RaptorQDecoder(decodeRaptorQOti(enc.otiBytes));
const K = enc.sourceSymbols(0);
for (let esi = 5; esi < K + 10; esi++) if (dec.push(enc.packet(0, esi))) break; // lost ESI 0..4
console.log(new TextDecoder().decode(dec.result()!.subarray(0, 16))); // 'hello, fountain '
enc.dispose(); // returns its kernel memory to the pool

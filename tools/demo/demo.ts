// pnpm demo [capture.pcap|.pcapng] [--fec ID]
// Dissects every UDP datagram of a capture as ALC/LCT (default: the GPAC FLUTE capture in
// ../shared/fixtures/flute) and prints one line per packet. Interim demo until @proto/flute exists.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readUdpDatagrams } from '@proto/pcap';
import { dissect, formatTable, summarize } from '@proto/demo';

const args = process.argv.slice(2);
let file = fileURLToPath(new URL('../../../shared/fixtures/flute/gpac_mabr.pcap', import.meta.url));
let fecEncodingId: number | undefined;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--fec') fecEncodingId = Number(args[++i]);
  else if (args[i] === '--help' || args[i] === '-h') {
    console.log('usage: pnpm demo [capture.pcap|capture.pcapng] [--fec FEC_ENCODING_ID]');
    process.exit(0);
  } else file = args[i]!;
}

const datagrams = readUdpDatagrams(new Uint8Array(readFileSync(file)));
console.log(`${file}: ${datagrams.length} UDP datagrams, decoded as ALC (RFC 5775) / LCT (RFC 5651)\n`);
const rows = dissect(datagrams, fecEncodingId === undefined ? {} : { fecEncodingId });
console.log(formatTable(rows));
console.log(`\n${summarize(rows)}`);

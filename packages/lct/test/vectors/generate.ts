// Writes the .bin fixtures of this folder. Valid packets come from the GPAC capture (an independent
// sender) or are assembled here byte by byte from RFC 5651/5775/6726 layouts, never by our encoder;
// invalid ones are those bytes with one field broken. The expected outcome of each is in
// manifest.json. Run: pnpm exec tsx --conditions=@proto/source test/vectors/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { readUdpDatagrams } from '@proto/pcap';

const here = new URL('./', import.meta.url);
const capture = readUdpDatagrams(new Uint8Array(readFileSync(new URL('../../../../../shared/fixtures/flute/gpac_mabr.pcap', import.meta.url))));
const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+|\/\/[^\n]*/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const write = (name: string, bytes: Uint8Array): void => writeFileSync(new URL(name, here), bytes);

const gpacFdt = capture[0]!.payload; // frame 1: TSI 1, TOI 0, EXT_FDT, EXT_FTI, EXT_TIME
const gpacLast = capture[4]!.payload; // frame 5: TOI 32767, B flag, 42-byte payload
write('gpac-fdt.bin', gpacFdt);
write('gpac-close-object.bin', gpacLast);
write('gpac-fdt-cut-in-header.bin', gpacFdt.subarray(0, 30));
write('gpac-no-payload-id.bin', gpacLast.subarray(0, 14));

// V=1 C=3 PSI=2 | S=1 O=3 H=1 A=1 B=0 | HDR_LEN=10 words | CP=0, then CCI(128) TSI(48) TOI(112).
const widest = `
  1e f2 0a 00
  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f   // CCI
  80 00 00 00 00 01                                  // TSI = 2^47 + 1
  ff ee dd cc bb aa 99 88 77 66 55 44 33 22          // TOI
  00 05 00 07                                        // SBN 5, ESI 7
  ca fe`;
write('widest-header.bin', hex(widest));

// V=2 (accepted), C=0, S=0 O=0 H=0: no TSI, no TOI. EXT_CENC gzip, EXT_TOL24, unknown HET 200,
// EXT_TIME with SCT-High, ERT and SLC. FEC ID 6 (codepoint 6): SBN 1, ESI 0x010203.
const minimalV2 = `
  20 00 09 06
  00 00 00 2a                  // CCI 42
  c1 03 00 00                  // EXT_CENC 3
  c2 00 10 00                  // EXT_TOL 4096
  c8 aa bb cc                  // unknown fixed-length extension
  02 04 b0 00 e9 b2 a1 c0 00 00 00 1e e9 b2 00 00   // EXT_TIME: SCT-High, ERT 30, SLC
  01 01 02 03                  // FEC Payload ID (FEC 6)
  68 69`;
write('v2-no-tsi-no-toi.bin', hex(minimalV2));

// Broken variants.
const v3 = hex(minimalV2);
v3[0] = 0x30;
write('invalid-version-3.bin', v3);
const shortHdrLen = hex(widest);
shortHdrLen[2] = 9; // fixed fields alone need 10 words
write('invalid-hdr-len-short.bin', shortHdrLen);
const helZero = hex('10 00 04 00  00 00 00 00  40 00 00 00  00 00 00 00');
write('invalid-hel-zero.bin', helZero);
const overrun = hex('10 00 04 00  00 00 00 00  40 04 00 00  00 00 00 00  00 00 00 00');
write('invalid-ext-overrun.bin', overrun); // HEL 4 words but only 2 words of header left
const ftiShort = hex('10 00 05 00  00 00 00 00  40 03 00 00 00 00 02 05 05 88 00 00  00 00 00 00');
write('invalid-fti-length.bin', ftiShort); // FEC ID 0 needs HEL 4, this one says 3
const sctLowOnly = hex('10 00 04 00  00 00 00 00  02 02 40 00 12 34 56 78  00 00 00 00');
write('invalid-time-sct-low-only.bin', sctLowOnly);
const tol48 = hex('10 00 05 00  00 00 00 00  43 03 00 00 00 00 10 00 00 00 00 00  00 00 00 00');
write('invalid-tol48-hel.bin', tol48);
const gpacFirstBytes = new Uint8Array(gpacFdt.subarray(0, 3));
write('truncated-3-bytes.bin', gpacFirstBytes);

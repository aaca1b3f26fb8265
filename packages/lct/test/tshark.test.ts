// Acceptance check 3: Wireshark as an independent decoder. Packets covering every LCT width
// combination and every extension Wireshark 4.0 knows are written to a pcap, dissected with
// `tshark -d udp.port==N,alc -T json`, and each dissected field is compared with what was encoded.
// Without tshark the test is skipped locally and fails when CI is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeUdpPcap } from '@proto/pcap';
import { encodeAlcPacket, type AlcPacketInit, type CciBits, type Fti, type LctExtension, type ToiBits, type TsiBits } from '@proto/lct';

const PORT = 30001;
const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const test = haveTshark || inCi ? it : it.skip;

type Json = string | Json[] | { [k: string]: Json };
type Layer = Record<string, Json>;

const dir = mkdtempSync(join(tmpdir(), 'lct-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Dissects `payloads` (sent to PORT) and returns each packet's "alc" layer. */
function dissect(name: string, payloads: readonly Uint8Array[]): Layer[] {
  if (!haveTshark) throw new Error('tshark is not installed (apt-get install tshark); CI must have it');
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, writeUdpPcap(payloads.map((payload) => ({ src: '127.0.0.1', dst: '239.255.0.1', srcPort: PORT + 1, dstPort: PORT, payload }))));
  const r = spawnSync('tshark', ['-r', file, '-d', `udp.port==${PORT},alc`, '-T', 'json', '--no-duplicate-keys'], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`tshark failed (${r.status ?? r.signal}): ${r.stderr}`);
  const frames = JSON.parse(r.stdout) as { _source: { layers: Layer } }[];
  expect(frames).toHaveLength(payloads.length);
  return frames.map((f) => f._source.layers['alc'] as Layer);
}

const many = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const obj = (v: Json | undefined): Layer => v as Layer;
const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const bigHex = (v: bigint, bytes: number): string => hex(Uint8Array.from({ length: bytes }, (_, i) => Number((v >> BigInt(8 * (bytes - 1 - i))) & 0xffn)));

// Deterministic values with the top bit of each width set, so truncation would show.
let seed = 0x9e3779b9;
function rand32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function fullWidth(bits: number): bigint {
  if (bits === 0) return 0n;
  let v = 0n;
  for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(rand32());
  v &= (1n << BigInt(bits)) - 1n;
  return v | (1n << BigInt(bits - 1));
}

describe('tshark dissects what the encoder writes', () => {
  test('every CCI/TSI/TOI width combination, flags, codepoint and FEC Payload ID', () => {
    const packets: AlcPacketInit[] = [];
    for (let c = 0; c < 4; c++) {
      for (let h = 0; h < 2; h++) {
        for (let s = 0; s < 2; s++) {
          for (let o = 0; o < 4; o++) {
            const cciBits = (32 * (c + 1)) as CciBits;
            const tsiBits = (32 * s + 16 * h) as TsiBits;
            const toiBits = (32 * o + 16 * h) as ToiBits;
            const n = packets.length;
            packets.push({
              header: { cci: fullWidth(cciBits), tsi: fullWidth(tsiBits), toi: fullWidth(toiBits), cciBits, tsiBits, toiBits, closeSession: n % 3 === 0, closeObject: n % 2 === 0, psi: n % 4 },
              payloadId: { sbn: rand32() & 0xffff, esi: rand32() & 0xffff },
              payload: Uint8Array.of(n, 1, 2, 3),
            });
          }
        }
      }
    }
    expect(packets).toHaveLength(64);
    const alc = dissect('widths', packets.map((p) => encodeAlcPacket(p)));
    packets.forEach((p, i) => {
      const h = p.header;
      const lct = obj(alc[i]!['rmt-lct']);
      const fec = obj(alc[i]!['rmt-fec']);
      const cciBytes = h.cciBits! / 8;
      const tsiBytes = h.tsiBits! / 8;
      const toiBytes = h.toiBits! / 8;
      expect(lct['rmt-lct.version']).toBe('1');
      expect(obj(lct['rmt-lct.fsize_tree'])).toEqual({ 'rmt-lct.fsize.cci': String(cciBytes), 'rmt-lct.fsize.tsi': String(tsiBytes), 'rmt-lct.fsize.toi': String(toiBytes) });
      expect(lct['rmt-lct.hlen']).toBe(String(4 + cciBytes + tsiBytes + toiBytes));
      expect(lct['rmt-lct.codepoint']).toBe('0');
      expect(lct['rmt-lct.cci']).toBe(bigHex(h.cci as bigint, cciBytes));
      const flags = obj(lct['rmt-lct.flags_tree']);
      expect(flags['rmt-lct.flags.close_session']).toBe(h.closeSession ? '1' : '0');
      expect(flags['rmt-lct.flags.close_object']).toBe(h.closeObject ? '1' : '0');
      const tsi = h.tsi as bigint;
      if (tsiBytes === 0) expect(lct['rmt-lct.tsi'] ?? lct['rmt-lct.tsi64']).toBeUndefined();
      else expect(lct[tsiBytes === 6 ? 'rmt-lct.tsi64' : 'rmt-lct.tsi']).toBe(String(tsi));
      const toi = h.toi as bigint;
      if (toiBytes === 0) expect(lct['rmt-lct.toi'] ?? lct['rmt-lct.toi64']).toBeUndefined();
      else if (toiBytes <= 4) expect(lct['rmt-lct.toi']).toBe(String(toi));
      else if (toiBytes <= 8) expect(lct['rmt-lct.toi64']).toBe(String(toi));
      else {
        expect(lct['rmt-lct.toi64']).toBe(String(toi & 0xffffffffffffffffn));
        expect(lct['rmt-lct.toi_extended']).toBe(String(toi >> 64n));
      }
      expect(fec['rmt-fec.encoding_id']).toBe('0');
      expect(fec['rmt-fec.sbn']).toBe(String(p.payloadId.sbn));
      expect(fec['rmt-fec.esi']).toBe(`0x${p.payloadId.esi.toString(16).padStart(8, '0')}`);
    });
  });

  test('EXT_FTI and FEC Payload ID for FEC Encoding IDs 0, 1, 2, 5, 6, 129', () => {
    const ftis: Fti[] = [
      { fecEncodingId: 0, transferLength: 0xfedcba987654, symbolLength: 1424, maxSourceBlockLength: 0x89abcdef },
      { fecEncodingId: 1, transferLength: 0xabcdef012345, symbolLength: 1280, sourceBlocks: 0xfedc, subBlocks: 0xba, alignment: 4 },
      { fecEncodingId: 2, transferLength: 0x123456789abc, m: 8, g: 1, symbolLength: 0x8001, maxSourceBlockLength: 200, maxEncodingSymbols: 255 },
      { fecEncodingId: 5, transferLength: 0x800000000001, symbolLength: 1400, maxSourceBlockLength: 200, maxEncodingSymbols: 250 },
      { fecEncodingId: 6, transferLength: 0xfedcba9876, symbolLength: 0xf00f, sourceBlocks: 0xab, subBlocks: 0xcdef, alignment: 8 },
      { fecEncodingId: 129, transferLength: 0x7fffffffffff, fecInstanceId: 0x00fe, symbolLength: 1024, maxSourceBlockLength: 0xfffe, maxEncodingSymbols: 0xffff },
    ];
    const payloadIds = [{ sbn: 0xfedc, esi: 0xba98 }, { sbn: 0x8001, esi: 0x7ffe }, { sbn: 0xabcdef, esi: 0x12 }, { sbn: 0xfedcba, esi: 0x98 }, { sbn: 0xfe, esi: 0xdcba98 }, { sbn: 0xfedcba98, esi: 0x7654, sourceBlockLength: 0x3210 }];
    const packets: AlcPacketInit[] = ftis.map((fti, i) => ({ header: { tsi: 1, toi: 2, codepoint: fti.fecEncodingId, extensions: [{ het: 64, fti }] }, payloadId: payloadIds[i]!, payload: Uint8Array.of(9) }));
    // Wireshark follows RFC 5053 §3.2.3 for Raptor (48-bit F), so that packet uses that layout.
    const alc = dissect('fti', packets.map((p) => encodeAlcPacket(p, p.header.codepoint === 1 ? { raptorFtiLayout: 'rfc5053' } : {})));
    ftis.forEach((fti, i) => {
      const lct = obj(alc[i]!['rmt-lct']);
      const fec = obj(alc[i]!['rmt-fec']);
      const ext = obj(lct['rmt-lct.ext_tree']);
      expect(ext['rmt-lct.hec.type']).toBe('64');
      const f = obj(ext['rmt-lct.hec.type_tree']);
      expect(f['rmt-lct.hec.len']).toBe(fti.fecEncodingId === 5 ? '3' : '4');
      expect(f['rmt-fec.fti.transfer_length']).toBe(String(fti.transferLength));
      expect(fec['rmt-fec.encoding_id']).toBe(String(fti.fecEncodingId));
      const pid = payloadIds[i]!;
      const esiHex = `0x${pid.esi.toString(16).padStart(8, '0')}`;
      switch (fti.fecEncodingId) {
        case 0:
          expect(f['rmt-fec.fti.encoding_symbol_length']).toBe(String(fti.symbolLength));
          expect(f['rmt-fec.fti.max_source_block_length']).toBe(String(fti.maxSourceBlockLength));
          expect([fec['rmt-fec.sbn'], fec['rmt-fec.esi']]).toEqual([String(pid.sbn), esiHex]);
          break;
        case 1:
        case 6:
          expect(f['rmt-fec.fti.encoding_symbol_length']).toBe(String(fti.symbolLength));
          expect(f['rmt-fec.fti.num_blocks']).toBe(String(fti.sourceBlocks));
          expect(f['rmt-fec.fti.num_subblocks']).toBe(String(fti.subBlocks));
          expect(f['rmt-fec.fti.alignment']).toBe(String(fti.alignment));
          expect([fec['rmt-fec.sbn'], fec['rmt-fec.esi']]).toEqual([String(pid.sbn), esiHex]);
          break;
        case 2:
          // Wireshark reads E here but takes B(16)·max_n(16) as one 32-bit field and the FEC
          // Payload ID as RFC 3452's SBN(32)·ESI(32), so only E is comparable.
          expect(f['rmt-fec.fti.encoding_symbol_length']).toBe(String(fti.symbolLength));
          break;
        case 5:
          // Wireshark 4.0 knows only the transfer length of FEC ID 5 (compared above).
          break;
        case 129:
          expect(f['rmt-fec.instance_id']).toBe(String(fti.fecInstanceId & 0xff)); // Wireshark keeps 8 bits
          expect(f['rmt-fec.fti.encoding_symbol_length']).toBe(String(fti.symbolLength));
          expect(f['rmt-fec.fti.max_source_block_length']).toBe(String(fti.maxSourceBlockLength));
          expect(f['rmt-fec.fti.max_number_encoding_symbols']).toBe(String(fti.maxEncodingSymbols));
          expect([fec['rmt-fec.sbn'], fec['rmt-fec.sbl'], fec['rmt-fec.esi']]).toEqual([String(pid.sbn), String(pid.sourceBlockLength), esiHex]);
          break;
      }
    });
  });

  test('EXT_NOP, EXT_AUTH, EXT_TIME, EXT_FDT, EXT_CENC, EXT_RATE, EXT_TOL and unknown extensions', () => {
    const packets: AlcPacketInit[] = [
      {
        header: {
          tsi: 0x1234,
          toi: 0,
          extensions: [
            { het: 192, version: 2, fdtInstanceId: 0xfedcb },
            { het: 193, cenc: 3 },
            { het: 0, data: Uint8Array.of(0, 0, 0, 0, 0, 0) },
            { het: 1, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6) },
            { het: 2, sct: { seconds: 0xe9b2a1c0, fraction: 0x80000001 }, ert: 30, slc: 0xe9b20000, piSpecific: 0x5a },
          ],
        },
        payloadId: { sbn: 0, esi: 0 },
        payload: Uint8Array.of(0x3c),
      },
      {
        header: {
          tsi: 1,
          toi: 0x12345678,
          extensions: [
            { het: 2, sct: { seconds: 0xc0000000 } },
            { het: 194, transferLength: 0xabcdef },
            { het: 67, transferLength: 0xfedcba987654 },
            { het: 100, raw: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) },
            { het: 200, raw: Uint8Array.of(0xa, 0xb, 0xc) },
            { het: 128, raw: Uint8Array.of(0x12, 0x34, 0x00) }, // EXT_RATE (NORM), raw here
          ],
        },
        payloadId: { sbn: 3, esi: 4 },
      },
    ];
    const encoded = packets.map((p) => encodeAlcPacket(p));
    const alc = dissect('extensions', encoded);
    packets.forEach((p, i) => {
      const lct = obj(alc[i]!['rmt-lct']);
      const exts = p.header.extensions!;
      expect(lct['rmt-lct.ext']).toBe(String(exts.length));
      const tree = obj(lct['rmt-lct.ext_tree']);
      expect(many(tree['rmt-lct.hec.type'])).toEqual(exts.map((e) => String(e.het)));
      const bodies = many(tree['rmt-lct.hec.type_tree']).map(obj);
      // Walk the encoded header to get each extension's bytes as written.
      const bytes = encoded[i]!;
      const h = (bytes[1]! >>> 4) & 1;
      let at = 4 + 4 * (((bytes[0]! >>> 2) & 3) + 1) + 4 * (bytes[1]! >>> 7) + 4 * ((bytes[1]! >>> 5) & 3) + 4 * h;
      exts.forEach((e: LctExtension, k) => {
        const len = e.het >= 128 ? 4 : bytes[at + 1]! * 4;
        const wire = bytes.subarray(at, at + len);
        const body = bodies[k]!;
        if (e.het < 128) expect(body['rmt-lct.hec.len']).toBe(String(len / 4));
        if ('fdtInstanceId' in e) {
          expect(body['rmt-lct.flute_version']).toBe(String(e.version));
          expect(body['rmt-lct.fdt_instance_id']).toBe(String(e.fdtInstanceId));
        } else if ('cenc' in e) {
          // RFC 6726 §3.4.2 puts CENC in the byte after HET (as ypo/flute does); Wireshark 4.0
          // reads the last byte, which the encoder leaves as reserved zero.
          expect(wire[1]).toBe(e.cenc);
          expect(body['rmt-lct.cenc']).toBe(String(wire[3]));
        } else if (e.het === 128) {
          // EXT_RATE (RFC 5740): HET, reserved(8), send rate(16) = mantissa(12)·exponent(4).
          const rate = (wire[2]! << 8) | wire[3]!;
          expect(Number(body['rmt-lct.send_rate'])).toBeCloseTo(((rate >> 4) * 10 / 4096) * 10 ** (rate & 0xf), 6);
          expect([...wire.subarray(1)]).toEqual([0x12, 0x34, 0x00]);
        } else {
          // Extensions Wireshark shows as data: the bytes after HET/HEL (after the HET and one
          // more byte for fixed-length ones), compared with what was encoded.
          expect(body['rmt-lct.hec.data']).toBe(hex(wire.subarray(2)));
          if (e.het === 2 && 'sct' in e) {
            const use = (wire[2]! << 8) | wire[3]!;
            expect(use >>> 12).toBe((e.sct ? 8 : 0) | (e.sct?.fraction !== undefined ? 4 : 0) | ('ert' in e && e.ert !== undefined ? 2 : 0) | ('slc' in e && e.slc !== undefined ? 1 : 0));
            expect(((wire[4]! << 24) | (wire[5]! << 16) | (wire[6]! << 8) | wire[7]!) >>> 0).toBe(e.sct!.seconds);
          }
        }
        at += len;
      });
    });
  });
});

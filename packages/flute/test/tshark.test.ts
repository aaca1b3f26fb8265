// Wireshark as a witness of a whole session: the sender's datagrams (FDT carousel, no-code and
// Reed-Solomon objects, B flag, close-session) written to a pcap and dissected by tshark, which must
// see the TSI, TOI, FDT Instance IDs, FEC Encoding IDs, SBN/ESI and FTI the sender meant.
// Without tshark the test is skipped locally and fails when CI is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeUdpPcap } from '@proto/pcap';
import { capture } from './support/capture.js';
import { randomBytes, run, setup } from './support/harness.js';
import { HET_FDT, HET_FTI, findExtension } from '@proto/lct';

const PORT = 30100;
const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const test = haveTshark || inCi ? it : it.skip;
const dir = mkdtempSync(join(tmpdir(), 'flute-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = ['rmt-lct.tsi', 'rmt-lct.toi', 'rmt-lct.fdt_instance_id', 'rmt-lct.flags.close_object', 'rmt-lct.flags.close_session', 'rmt-fec.encoding_id', 'rmt-fec.sbn', 'rmt-fec.esi', 'rmt-fec.fti.transfer_length', 'rmt-fec.fti.encoding_symbol_length'];

describe('tshark dissects a FluteSender session', () => {
  test('TSI, TOI, FDT Instance IDs, flags, FEC IDs, SBN/ESI and FTI', async () => {
    if (!haveTshark) throw new Error('tshark is not installed (apt-get install tshark); CI must have it');
    const p = setup({ sender: { tsi: 0x1234, fec: { encodingId: 5, maxSourceBlockLength: 20, repair: { symbols: 3 } } } });
    const seen = capture(p.link);
    p.sender.addObject({ source: randomBytes(40_000, 1), contentLocation: 'rs.bin' });
    p.sender.addObject({ source: randomBytes(5_000, 2), contentLocation: 'plain.bin', fec: { encodingId: 0 } });
    await run(p, () => p.rec.completed.length === 2);
    p.sender.close();
    await run(p, () => p.sender.closed, 1000);
    const file = join(dir, 'session.pcap');
    writeFileSync(file, writeUdpPcap(seen.map((s) => ({ src: '127.0.0.1', dst: '239.255.0.2', srcPort: PORT + 1, dstPort: PORT, payload: s.bytes }))));
    const args = ['-r', file, '-d', `udp.port==${PORT},alc`, '-T', 'fields', '-E', 'separator=|', ...FIELDS.flatMap((f) => ['-e', f])];
    const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('|'));
    expect(rows).toHaveLength(seen.length);
    const num = (v: string | undefined): number => (v === undefined || v === '' ? NaN : Number(v));
    rows.forEach((row, i) => {
      const pk = seen[i]!.packet;
      const h = pk.header;
      expect(num(row[0])).toBe(0x1234);
      expect(BigInt(num(row[1]))).toBe(h.toi);
      const fdt = findExtension(h.extensions, HET_FDT);
      if (fdt !== undefined) expect(num(row[2])).toBe(fdt.fdtInstanceId);
      expect(row[3] === '1' || row[3] === 'True').toBe(h.closeObject);
      expect(row[4] === '1' || row[4] === 'True').toBe(h.closeSession);
      expect(num(row[5])).toBe(pk.fecEncodingId);
      // Wireshark 4.0 dissects the FEC Payload ID and E of FEC 0 (not of FEC 5): compare what it shows.
      if (pk.fecEncodingId === 0) {
        expect(num(row[6])).toBe(pk.payloadId.sbn);
        expect(num(row[7])).toBe(pk.payloadId.esi);
      }
      const fti = findExtension(h.extensions, HET_FTI)?.fti;
      if (fti !== undefined) expect(num(row[8])).toBe(fti.transferLength);
      if (fti !== undefined && pk.fecEncodingId === 0) expect(num(row[9])).toBe(fti.symbolLength);
    });
    // What the sender meant: both objects, the repair ESIs of the RS one, one B flag each, one A flag.
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['0', '1', '2']));
    expect(rows.filter((r) => r[1] === '1' && r[5] === '5')).toHaveLength(seen.filter((x) => x.packet.header.toi === 1n).length);
    expect(rows.filter((r) => r[3] === '1' || r[3] === 'True')).toHaveLength(2);
    expect(rows.filter((r) => r[4] === '1' || r[4] === 'True')).toHaveLength(1);
  });
});

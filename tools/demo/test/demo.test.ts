import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readUdpDatagrams, writeUdpPcap } from '@proto/pcap';
import { dissect, formatTable, summarize } from '@proto/demo';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const gpac = readUdpDatagrams(new Uint8Array(readFileSync(new URL('../shared/fixtures/flute/gpac_mabr.pcap', `file://${root}`))));

describe('demo dissector', () => {
  it('dissects every datagram of the GPAC capture', () => {
    const rows = dissect(gpac);
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.tsi === '?')).toEqual([]);
    expect(rows[0]).toMatchObject({ index: 1, destination: '239.1.1.1:1234', tsi: '1', toi: '0', flags: '-', codepoint: '0/no-code', payloadId: '0/0', payloadLength: '517' });
    expect(rows[0]!.extensions).toMatch(/^FDT\(v1 id=1\) FTI\(no-code L=517 E=1416 B=1472\) TIME\(SCT=2026-/);
    expect(rows[4]).toMatchObject({ toi: '32767', flags: 'B', payloadLength: '42', extensions: '-' });
    const table = formatTable(rows).split('\n');
    expect(table).toHaveLength(42);
    expect(table[0]).toMatch(/^ #\s+time \(s\)\s+destination\s+TSI\s+TOI\s+A\/B\s+CP\/FEC\s+SBN\/ESI\s+bytes\s+header extensions$/);
    const summary = summarize(rows);
    expect(summary).toContain('239.1.1.1:1235 TSI 1 TOI 32768: 16 packets, 20000 payload bytes, closed (B)');
    expect(summary).toContain('239.1.1.1:1235 TSI 1 TOI 32767: 4 packets, 168 payload bytes, closed (B)');
    expect(summary).toContain('40 datagrams, 40 ALC, 0 not decodable');
  });

  it('says why a datagram is not ALC', () => {
    const file = writeUdpPcap([{ src: '127.0.0.1', dst: '127.0.0.1', srcPort: 1, dstPort: 2, payload: Uint8Array.of(0x30, 0, 1, 0) }]);
    const [row] = dissect(readUdpDatagrams(file));
    expect(row!.extensions).toBe('not ALC: V at offset 0: LCT version must be 1 or 2');
  });

  it('runs as `pnpm demo` does', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@proto/source', 'tools/demo/demo.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/gpac_mabr\.pcap: 40 UDP datagrams/);
    expect(lines.filter((l) => /^\s*\d+\s+\d+\.\d{6}\s+239\.1\.1\.1:123[45]\s/.test(l))).toHaveLength(40);
  });
});

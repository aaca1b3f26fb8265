// Wireshark as a witness of the tool's own packets: dumpcap (installed with tshark) captures what
// `flute send` puts on lo, and `tshark -d udp.port==N,alc` must read back the TSI, TOIs, FDT
// Instance IDs and FTI fields the sender announced in its --json output. Without tshark the test is
// skipped locally and fails when CI is set.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flute, requireBuild } from './support/cli-process.js';
import { randomBytes } from './support/harness.js';

const have = (tool: string): boolean => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const haveTools = have('tshark') && have('dumpcap');
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const test = haveTools || inCi ? it : it.skip;
const tmp = mkdtempSync(join(tmpdir(), 'flute-wire-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(requireBuild);

const GROUP = '239.255.44.1';
const FIELDS = [
  'rmt-lct.tsi', 'rmt-lct.toi', 'rmt-lct.fdt_instance_id', 'rmt-fec.encoding_id', 'rmt-fec.sbn', 'rmt-fec.esi',
  'rmt-fec.fti.transfer_length', 'rmt-fec.fti.encoding_symbol_length', 'rmt-fec.fti.max_source_block_length',
  'rmt-lct.flags.close_object', 'rmt-lct.flags.close_session', 'ip.dst', 'ip.ttl',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/** A UDP port nobody uses right now. */
async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts dumpcap on lo for one UDP port; resolves once it captures, returns a stop function. */
async function capture(port: number, file: string): Promise<() => Promise<void>> {
  const child = spawn('dumpcap', ['-q', '-i', 'lo', '-f', `udp port ${port}`, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dumpcap did not start: ${err}`)), 10_000);
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      if (err.includes('Capturing on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`dumpcap exited (${code}): ${err}`)));
  });
  return async () => {
    // dumpcap reads the kernel's capture buffer in its own time: give it a moment before stopping.
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    const code = await exited;
    if (code !== 0) throw new Error(`dumpcap exited ${code}: ${err}`);
  };
}

const bool = (v: string): boolean => v === '1' || v === 'True';

/** Source block lengths of a transfer (RFC 5052 §9.1 block partitioning). */
function partition(transferLength: number, symbolLength: number, maxBlock: number): number[] {
  const symbols = Math.ceil(transferLength / symbolLength);
  const blocks = Math.ceil(symbols / maxBlock);
  const large = Math.ceil(symbols / blocks);
  const nLarge = symbols - (large - 1) * blocks;
  return Array.from({ length: blocks }, (_, b) => (b < nLarge ? large : large - 1));
}

describe('tshark reads what flute send put on the wire', () => {
  test('TSI, TOIs, FDT Instance IDs and FTI fields of two sessions (no-code and Reed-Solomon + gzip)', async () => {
    if (!haveTools) throw new Error('tshark/dumpcap are not installed (apt-get install tshark); CI must have them');
    const port = await freePort();
    const pcap = join(tmp, 'lo.pcapng');
    const stop = await capture(port, pcap);
    const dir = join(tmp, 'files');
    mkdirSync(dir);
    const sizes: Record<string, number> = { 'a.bin': 50_000, 'b.bin': 10_000, 'empty.bin': 0 };
    for (const [name, size] of Object.entries(sizes)) writeFileSync(join(dir, name), randomBytes(size, size + 1));
    const common = ['-g', `${GROUP}:${port}`, '-i', '127.0.0.1', '--ttl', '1', '-b', '50M', '--fdt-carousel', '100', '--json'];
    const plain = flute(['send', ...common, '--tsi', '4660', '--fec', '0', '--symbol-size', '1000', '--block-length', '16', dir]);
    expect(await plain.exit, plain.stderr).toBe(0);
    const coded = flute(['send', ...common, '--tsi', '4661', '--fec', '5', '--symbol-size', '500', '--block-length', '20', '--repair', '4', '--encoding', 'gzip', join(dir, 'a.bin')]);
    expect(await coded.exit, coded.stderr).toBe(0);
    await stop();

    const r = spawnSync('tshark', ['-r', pcap, '-d', `udp.port==${port},alc`, '-T', 'fields', '-E', 'separator=|', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const rows: Row[] = r.stdout.trim().split('\n').map((line) => Object.fromEntries(line.split('|').map((v, i) => [FIELDS[i], v])) as Row);
    const sent = (run: typeof plain): number => run.events.find((e) => e['event'] === 'summary')!['datagrams'] as number;
    expect(rows).toHaveLength(sent(plain) + sent(coded));
    for (const row of rows) {
      expect(row['ip.dst']).toBe(GROUP);
      expect(row['ip.ttl']).toBe('1');
    }

    for (const [run, tsi, fec] of [[plain, '4660', '0'], [coded, '4661', '5']] as const) {
      const mine = rows.filter((x) => x['rmt-lct.tsi'] === tsi);
      const events = (type: string): Record<string, unknown>[] => run.events.filter((e) => e['event'] === type);
      // FDT: every instance on the wire is one the sender published, numbered from 0, FTI of no-code.
      const fdtRows = mine.filter((x) => x['rmt-lct.toi'] === '0' && x['rmt-lct.fdt_instance_id'] !== '');
      const published = events('fdt').map((e) => String(e['instanceId']));
      expect(published[0]).toBe('0');
      const onWire = new Set(fdtRows.map((x) => x['rmt-lct.fdt_instance_id']));
      expect(onWire.has('0')).toBe(true);
      for (const id of onWire) expect(published).toContain(id);
      for (const x of fdtRows) expect(x['rmt-fec.encoding_id']).toBe('0');
      // The session ends with the close-session packets (A flag), nothing after them.
      const closing = mine.filter((x) => bool(x['rmt-lct.flags.close_session']));
      expect(closing).toHaveLength(3);
      expect(mine.slice(-3)).toEqual(closing);
      // Objects: the TOIs, packet counts, encoding ID and FTI the sender announced.
      for (const ready of events('object-ready')) {
        const toi = String(ready['toi']);
        const end = events('transfer-end').find((e) => e['toi'] === toi)!;
        const pkts = mine.filter((x) => x['rmt-lct.toi'] === toi);
        expect(pkts.length).toBe(end['packets']);
        expect(pkts.map((x) => bool(x['rmt-lct.flags.close_object']))).toEqual(pkts.map((_, i) => i === pkts.length - 1));
        const transferLength = ready['transferLength'] as number;
        const expectFec = transferLength === 0 ? '0' : fec;
        for (const x of pkts) {
          expect(x['rmt-fec.encoding_id']).toBe(expectFec);
          expect(Number(x['rmt-fec.fti.transfer_length'])).toBe(transferLength);
        }
        if (fec === '0') {
          // No-code: content as is, 1000-byte symbols, blocks of at most 16 (RFC 5052 §9.1).
          const name = ready['contentLocation'] as string;
          expect(transferLength).toBe(sizes[name]);
          if (transferLength === 0) continue;
          for (const x of pkts) {
            expect(x['rmt-fec.fti.encoding_symbol_length']).toBe('1000');
            expect(x['rmt-fec.fti.max_source_block_length']).toBe('16');
          }
          const want = partition(transferLength, 1000, 16).flatMap((k, b) => Array.from({ length: k }, (_, e) => `${b}/${e}`));
          expect(pkts.map((x) => `${Number(x['rmt-fec.sbn'])}/${Number(x['rmt-fec.esi'])}`)).toEqual(want);
        } else {
          // RS(5) of the gzip transfer: 500-byte symbols, blocks of at most B = 20, max_n = B + 4, and
          // a block of k symbols gets n = floor(k · max_n / B) encoding symbols (RFC 5510 §5).
          const n = partition(transferLength, 500, 20).map((k) => Math.max(k, Math.floor((k * 24) / 20)));
          expect(pkts.length).toBe(n.reduce((a, b) => a + b, 0));
        }
      }
      expect(events('object-ready')).toHaveLength(fec === '0' ? 3 : 1);
    }
  }, 90_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  PcapFormatError,
  buildIpUdp,
  buildUdpFrame,
  formatIpv6,
  parseIpv4,
  parseIpv6,
  readCapture,
  readPcap,
  readUdpDatagrams,
  writePcap,
  writeUdpPcap,
  type UdpDatagramInit,
} from '@proto/pcap';

const gpacFile = new URL('../../../../shared/fixtures/flute/gpac_mabr.pcap', import.meta.url);
const gpac = new Uint8Array(readFileSync(gpacFile));
const dir = mkdtempSync(join(tmpdir(), 'pcap-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const has = (tool: string): boolean => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const withTool = (tool: string) => (has(tool) || inCi ? it : it.skip);
function run(tool: string, args: string[]): string {
  if (!has(tool)) throw new Error(`${tool} is not installed (apt-get install tshark); CI must have it`);
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  return r.stdout;
}

const sample: UdpDatagramInit = { src: '10.1.2.3', dst: '239.255.0.1', srcPort: 41000, dstPort: 42000, payload: Uint8Array.of(1, 2, 3, 4, 5) };
const sample6: UdpDatagramInit = { src: 'fe80::1', dst: 'ff15::abcd', srcPort: 41001, dstPort: 42001, payload: Uint8Array.of(9, 8, 7) };

describe('reading captures', () => {
  it('reads the GPAC capture: 40 IPv4 UDP datagrams on Ethernet', () => {
    const cap = readPcap(gpac);
    expect(cap.frames).toHaveLength(40);
    expect(cap.frames[0]!.linkType).toBe(LINKTYPE_ETHERNET);
    const d = readUdpDatagrams(gpac);
    expect(d).toHaveLength(40);
    expect(d[0]).toMatchObject({ ipVersion: 4, src: '127.0.0.1', dst: '239.1.1.1', srcPort: 1234, dstPort: 1234, truncated: false, frameIndex: 0 });
    expect(d[0]!.payload.length).toBe(565);
    expect(d.reduce((n, x) => n + x.payload.length, 0)).toBe(cap.frames.reduce((n, f) => n + f.data.length - 42, 0));
    expect((d[1]!.seconds - d[0]!.seconds) * 1e9 + d[1]!.nanos - d[0]!.nanos).toBe(9000); // tshark: .894285 → .894294
    expect(d[0]!.seconds).toBe(1795313864);
  });

  withTool('editcap')('reads pcapng (converted by editcap) to the same datagrams', () => {
    const out = join(dir, 'gpac.pcapng');
    run('editcap', ['-F', 'pcapng', gpacFile.pathname, out]);
    const ng = new Uint8Array(readFileSync(out));
    expect(readCapture(ng).format).toBe('pcapng');
    const a = readUdpDatagrams(gpac);
    const b = readUdpDatagrams(ng);
    expect(b.map((x) => [x.dstPort, x.seconds, x.nanos, [...x.payload]])).toEqual(a.map((x) => [x.dstPort, x.seconds, x.nanos, [...x.payload]]));
  });

  it('reads big-endian and nanosecond files', () => {
    const le = writePcap([{ data: buildUdpFrame(sample, 'raw'), seconds: 7, nanos: 123456789 }], { linkType: LINKTYPE_RAW, nanosecond: true });
    const be = le.slice();
    const swap = (o: number, n: number): void => be.subarray(o, o + n).reverse() as unknown as void;
    [0, 16, 20, 24, 28, 32, 36].forEach((o) => swap(o, 4));
    [4, 6].forEach((o) => swap(o, 2));
    for (const file of [le, be]) {
      const [d] = readUdpDatagrams(file);
      expect(d).toMatchObject({ src: '10.1.2.3', dstPort: 42000, seconds: 7, nanos: 123456789 });
      expect([...d!.payload]).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('finds UDP behind every supported link type, IPv4 and IPv6', () => {
    const ip4 = buildIpUdp(sample);
    const ip6 = buildIpUdp(sample6);
    const sll = (ip: Uint8Array, proto: number): Uint8Array => Uint8Array.from([0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, proto >> 8, proto & 0xff, ...ip]);
    const sll2 = (ip: Uint8Array, proto: number): Uint8Array => Uint8Array.from([proto >> 8, proto & 0xff, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...ip]);
    const vlan = (ip: Uint8Array): Uint8Array => Uint8Array.from([...new Array<number>(12).fill(0), 0x81, 0x00, 0x00, 0x05, 0x08, 0x00, ...ip]);
    const cases: [number, Uint8Array, string][] = [
      [LINKTYPE_NULL, Uint8Array.from([2, 0, 0, 0, ...ip4]), '10.1.2.3'],
      [LINKTYPE_NULL, Uint8Array.from([30, 0, 0, 0, ...ip6]), 'fe80::1'],
      [LINKTYPE_LOOP, Uint8Array.from([0, 0, 0, 2, ...ip4]), '10.1.2.3'],
      [LINKTYPE_LINUX_SLL, sll(ip4, 0x0800), '10.1.2.3'],
      [LINKTYPE_LINUX_SLL, sll(ip6, 0x86dd), 'fe80::1'],
      [LINKTYPE_LINUX_SLL2, sll2(ip4, 0x0800), '10.1.2.3'],
      [LINKTYPE_LINUX_SLL2, sll2(ip6, 0x86dd), 'fe80::1'],
      [LINKTYPE_ETHERNET, vlan(ip4), '10.1.2.3'],
      [LINKTYPE_ETHERNET, buildUdpFrame(sample6, 'ethernet'), 'fe80::1'],
      [LINKTYPE_RAW, ip6, 'fe80::1'],
      [LINKTYPE_IPV4, ip4, '10.1.2.3'],
      [LINKTYPE_IPV6, ip6, 'fe80::1'],
    ];
    for (const [linkType, frame, src] of cases) {
      const [d] = readUdpDatagrams(writePcap([{ data: frame }], { linkType }));
      expect([linkType, d?.src]).toEqual([linkType, src]);
      expect(d!.payload.length).toBe(src === 'fe80::1' ? 3 : 5);
      expect(d!.dst).toBe(src === 'fe80::1' ? 'ff15::abcd' : '239.255.0.1');
    }
  });

  it('walks IPv6 extension headers and skips fragments, other protocols and other link types', () => {
    const ip6 = buildIpUdp(sample6);
    const hbh = Uint8Array.from([...ip6.subarray(0, 40), 17, 0, 0, 0, 0, 0, 0, 0, ...ip6.subarray(40)]);
    hbh[6] = 0; // next header: hop-by-hop
    hbh[5] = hbh[5]! + 8;
    expect(readUdpDatagrams(writePcap([{ data: hbh }], { linkType: LINKTYPE_RAW }))[0]?.dstPort).toBe(42001);
    const frag = buildIpUdp(sample);
    frag[6] = 0x20; // MF
    const tcp = buildIpUdp(sample);
    tcp[9] = 6;
    const file = writePcap([{ data: frag }, { data: tcp }, { data: Uint8Array.of(1, 2, 3) }], { linkType: LINKTYPE_RAW });
    expect(readUdpDatagrams(file)).toEqual([]);
    expect(readUdpDatagrams(writePcap([{ data: buildIpUdp(sample) }], { linkType: 147 }))).toEqual([]);
  });

  it('marks datagrams cut by the snap length as truncated', () => {
    const frame = buildUdpFrame(sample, 'raw');
    const file = writePcap([{ data: frame.subarray(0, frame.length - 2) }], { linkType: LINKTYPE_RAW });
    const [d] = readUdpDatagrams(file);
    expect(d!.truncated).toBe(true);
    expect([...d!.payload]).toEqual([1, 2, 3]);
  });

  it('throws PcapFormatError for broken files', () => {
    expect(() => readCapture(Uint8Array.of(1, 2, 3, 4, 5))).toThrow(PcapFormatError);
    expect(() => readPcap(gpac.subarray(0, 30))).toThrow(/record header needs 16 bytes/);
    expect(() => readPcap(gpac.subarray(0, 100))).toThrow(/runs past the end/);
    const huge = gpac.slice(0, 40);
    new DataView(huge.buffer).setUint32(24 + 8, 1 << 30, true);
    expect(() => readPcap(huge)).toThrow(/exceeds/);
  });
});

describe('addresses', () => {
  it('formats IPv6 as RFC 5952 text and parses it back', () => {
    const cases = ['::', '::1', 'fe80::1', 'ff15::abcd', '2001:db8::1:0:0:1', '2001:db8:0:1:1:1:1:1', '1::', '2001:db8:1:2:3:4:5:6'];
    for (const text of cases) expect(formatIpv6(parseIpv6(text), 0)).toBe(text);
    expect(formatIpv6(parseIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001'), 0)).toBe('2001:db8::1');
    expect(formatIpv6(parseIpv6('::ffff:10.1.2.3'), 0)).toBe('::ffff:a01:203');
    expect(() => parseIpv6('1::2::3')).toThrow(RangeError);
    expect(() => parseIpv6('1:2:3')).toThrow(RangeError);
    expect(() => parseIpv4('1.2.3.256')).toThrow(RangeError);
  });
});

describe('writing captures', () => {
  withTool('tshark')('writes Ethernet and raw-IP pcaps that tshark reads with valid checksums', () => {
    for (const framing of ['ethernet', 'raw'] as const) {
      const file = join(dir, `w-${framing}.pcap`);
      writeFileSync(file, writeUdpPcap([sample, sample6, { ...sample, payload: new Uint8Array(1400).fill(0x5a) }], { framing }));
      const out = run('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'udp.dstport', '-e', 'udp.length', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status', '-e', 'ip.ttl', '-e', 'ipv6.hlim', '-e', '_ws.expert.severity']);
      expect(out.trim().split('\n')).toEqual(['10.1.2.3,,42000,13,1,1,1,,', ',fe80::1,42001,11,,1,,1,', '10.1.2.3,,42000,1408,1,1,1,,']);
    }
  });

  it('reads back what it writes', () => {
    const file = writeUdpPcap([sample, sample6], { framing: 'ethernet' });
    const d = readUdpDatagrams(file);
    expect(d.map((x) => [x.src, x.dst, x.srcPort, x.dstPort, x.ttl, [...x.payload]])).toEqual([
      ['10.1.2.3', '239.255.0.1', 41000, 42000, 1, [1, 2, 3, 4, 5]],
      ['fe80::1', 'ff15::abcd', 41001, 42001, 1, [9, 8, 7]],
    ]);
    expect(() => writeUdpPcap([{ ...sample, srcPort: 70000 }])).toThrow(/^srcPort: /);
    expect(() => writeUdpPcap([{ ...sample, payload: new Uint8Array(70000) }])).toThrow(/^payload: /);
  });
});

// Acceptance check 2: every datagram of the GPAC DVB-MABR capture decodes, with the values its
// README states. Imports through the public package names, so the exports maps are exercised.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readUdpDatagrams } from '@proto/pcap';
import { FEC_NO_CODE, HET_CENC, HET_FDT, HET_FTI, HET_TIME, decodeAlcPacket, encodeAlcPacket, findExtension, ntpToUnixMs, type AlcPacket } from '@proto/lct';

const fixtures = new URL('../../../../shared/fixtures/flute/', import.meta.url);
const datagrams = readUdpDatagrams(new Uint8Array(readFileSync(new URL('gpac_mabr.pcap', fixtures))));
const decoded = datagrams.map((d) => ({ port: d.dstPort, packet: decodeAlcPacket(d.payload), bytes: d.payload }));
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

function objectBytes(packets: readonly AlcPacket[]): Uint8Array {
  // One source block (SBN 0) of no-code symbols: concatenate by ESI, each ESI once.
  const byEsi = new Map<number, Uint8Array>();
  for (const p of packets) {
    expect(p.payloadId.sbn).toBe(0);
    byEsi.set(p.payloadId.esi, p.payload);
  }
  const esis = [...byEsi.keys()].sort((a, b) => a - b);
  expect(esis).toEqual(esis.map((_, i) => i));
  return Uint8Array.from(esis.flatMap((e) => [...byEsi.get(e)!]));
}

describe('gpac_mabr.pcap (GPAC DVB-MABR FLUTE capture)', () => {
  it('holds 40 UDP datagrams to 239.1.1.1 ports 1234 and 1235, all decodable', () => {
    expect(datagrams).toHaveLength(40);
    expect(new Set(datagrams.map((d) => d.dst))).toEqual(new Set(['239.1.1.1']));
    expect(new Set(decoded.map((d) => d.port))).toEqual(new Set([1234, 1235]));
    for (const { packet } of decoded) {
      expect(packet.header.version).toBe(1);
      expect(packet.header.tsi).toBe(1n);
      expect(packet.header.codepoint).toBe(0);
      expect(packet.fecEncodingId).toBe(FEC_NO_CODE);
      expect(packet.header.closeSession).toBe(false);
    }
  });

  it('re-encodes every datagram to the same bytes', () => {
    for (const { packet, bytes } of decoded) expect(encodeAlcPacket(packet)).toEqual(bytes);
  });

  it('bootstrap channel: FDT instance 1 with the FTI of the README, then TOI 1 in two packets', () => {
    const boot = decoded.filter((d) => d.port === 1234).map((d) => d.packet);
    expect(new Set(boot.map((p) => p.header.toi))).toEqual(new Set([0n, 1n]));
    const fdts = boot.filter((p) => p.header.toi === 0n);
    expect(fdts).toHaveLength(4); // 4 carousel rounds
    for (const fdt of fdts) {
      expect(findExtension(fdt.header.extensions, HET_FDT)).toEqual({ het: HET_FDT, version: 1, fdtInstanceId: 1 });
      expect(findExtension(fdt.header.extensions, HET_FTI)?.fti).toEqual({ fecEncodingId: 0, transferLength: 517, symbolLength: 1416, maxSourceBlockLength: 1472 });
      expect(fdt.payload.length).toBe(517);
      expect(new TextDecoder().decode(fdt.payload)).toContain('<FDT-Instance Expires="4294944000"');
      expect(fdt.header.closeObject).toBe(false);
    }
    const config = boot.filter((p) => p.header.toi === 1n);
    expect(config).toHaveLength(8); // 2 packets × 4 rounds
    expect(objectBytes(config.slice(0, 2)).length).toBe(1956);
  });

  it('FDT packets carry EXT_TIME with an SCT in 2026, and no EXT_CENC', () => {
    for (const { packet } of decoded.filter((d) => d.packet.header.toi === 0n)) {
      const time = findExtension(packet.header.extensions, HET_TIME);
      expect(time?.sct?.fraction).toBeTypeOf('number');
      const when = new Date(ntpToUnixMs(time!.sct!));
      expect(when.getUTCFullYear()).toBe(2026);
      expect(findExtension(packet.header.extensions, HET_CENC)).toBeUndefined();
    }
  });

  it('media channel: FDT instance IDs 0..3, one per round, each used for two FDT documents', () => {
    const media = decoded.filter((d) => d.port === 1235).map((d) => d.packet);
    const ids = media.filter((p) => p.header.toi === 0n).map((p) => findExtension(p.header.extensions, HET_FDT)!.fdtInstanceId);
    expect(ids).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    const lengths = media.filter((p) => p.header.toi === 0n).map((p) => findExtension(p.header.extensions, HET_FTI)!.fti.transferLength);
    expect(new Set(lengths)).toEqual(new Set([374, 379]));
  });

  it('data packets: no EXT_FTI, no EXT_CENC, B flag on the last packet of each object', () => {
    const media = decoded.filter((d) => d.port === 1235).map((d) => d.packet);
    for (const toi of [32767n, 32768n]) {
      const packets = media.filter((p) => p.header.toi === toi);
      for (const p of packets) {
        expect(p.header.extensions).toEqual([]);
        const last = p.payload.length < 1416 || toi === 32767n;
        expect(p.header.closeObject).toBe(last);
      }
    }
  });

  it('data packets rebuild hello.txt (TOI 32767) and rand5k.bin (TOI 32768) byte for byte', () => {
    const media = decoded.filter((d) => d.port === 1235).map((d) => d.packet);
    const hello = objectBytes(media.filter((p) => p.header.toi === 32767n));
    const rand = objectBytes(media.filter((p) => p.header.toi === 32768n));
    expect(hello.length).toBe(42);
    expect(md5(hello)).toBe('0454967ac0b2657d16949b1a4a33a6cc');
    expect(rand.length).toBe(5000);
    expect(md5(rand)).toBe('646485497d9f4d1a9a8aae27d21fc8f1');
    expect(rand).toEqual(new Uint8Array(readFileSync(new URL('rand5k.bin', fixtures))));
  });
});

// Acceptance check 1 (capture part): the FDTs GPAC sent in ../shared/fixtures/flute/gpac_mabr.pcap,
// extracted through @proto/pcap and @proto/lct, parse to what the README of the capture says and
// survive parse → build → parse in both flavours.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readUdpDatagrams } from '@proto/pcap';
import { decodeAlcPacket, findExtension, HET_FDT, HET_FTI, HET_TIME, ntpToUnixMs, type AlcPacket } from '@proto/lct';
import { buildFdt, isExpired, parseFdt, resolveFileOti, type FdtInstance } from '@proto/fdt';
import { sharedUrl } from './helpers.js';

const packets = readUdpDatagrams(new Uint8Array(readFileSync(sharedUrl('fixtures/flute/gpac_mabr.pcap')))).map((d) => ({ port: d.dstPort, packet: decodeAlcPacket(d.payload) }));

/** Every FDT instance sent, as (port, FDT Instance ID, bytes, sender time), in capture order. */
const fdtPackets = packets
  .filter(({ packet }) => packet.header.toi === 0n)
  .map(({ port, packet }) => {
    const ext = findExtension(packet.header.extensions, HET_FDT);
    const fti = findExtension(packet.header.extensions, HET_FTI);
    const time = findExtension(packet.header.extensions, HET_TIME);
    // Each GPAC FDT fits one packet: ESI 0 and the whole transfer length.
    expect(packet.payloadId).toMatchObject({ sbn: 0, esi: 0 });
    expect(fti?.fti.transferLength).toBe(packet.payload.length);
    return { port, instanceId: ext!.fdtInstanceId, bytes: packet.payload.slice(), senderTimeMs: ntpToUnixMs(time!.sct!) };
  });

const distinct = [...new Map(fdtPackets.map((f) => [Buffer.from(f.bytes).toString('hex'), f])).values()];

/** The object a TOI carries on a port: one no-code source block, symbols concatenated by ESI. */
function objectBytes(port: number, toi: bigint): Uint8Array {
  const data: AlcPacket[] = packets.filter((p) => p.port === port && p.packet.header.toi === toi).map((p) => p.packet);
  const byEsi = new Map(data.map((p) => [p.payloadId.esi, p.payload]));
  return Buffer.concat([...byEsi.keys()].sort((a, b) => a - b).map((esi) => byEsi.get(esi)!));
}

describe('FDTs of the GPAC DVB-MABR capture', () => {
  it('holds 12 FDT packets carrying 3 distinct documents, with instance IDs reused across documents', () => {
    expect(fdtPackets).toHaveLength(12);
    expect(distinct).toHaveLength(3);
    // The README: one FDT instance per object on the media channel, the same ID for two documents in a round.
    const media = fdtPackets.filter((f) => f.port === 1235);
    const byId = new Map<number, Set<string>>();
    for (const f of media) (byId.get(f.instanceId) ?? byId.set(f.instanceId, new Set()).get(f.instanceId)!).add(Buffer.from(f.bytes).toString('hex'));
    expect([...byId.values()].some((docs) => docs.size === 2)).toBe(true);
  });

  it('parses each document from bytes to what the capture README states', () => {
    const byLocation = new Map<string, { port: number; fdt: FdtInstance }>();
    for (const f of distinct) {
      const fdt = parseFdt(f.bytes);
      expect(fdt.expires).toBe(4294944000);
      expect(fdt.files).toHaveLength(1);
      // GPAC writes FEC-OTI-* on every File.
      expect(fdt.fecOti).toBeUndefined();
      expect(resolveFileOti(fdt, fdt.files[0]!)).toEqual({ encodingId: 0, maxSourceBlockLength: 65535, encodingSymbolLength: 1416 });
      // GPAC's constant Expires (2036-02-07) has not passed at the sender time of the capture.
      expect(isExpired(fdt, f.senderTimeMs)).toBe(false);
      byLocation.set(fdt.files[0]!.contentLocation, { port: f.port, fdt });
    }
    const hello = byLocation.get('/hello.txt')!.fdt.files[0]!;
    const rand = byLocation.get('/rand5k.bin')!.fdt.files[0]!;
    const config = byLocation.get('urn:dvb:metadata:cs:MulticastTransportObjectTypeCS:2021:gateway-configuration')!.fdt.files[0]!;
    expect(hello).toMatchObject({ toi: 32767n, contentLength: 42, transferLength: 42, contentType: 'video/mp4' });
    expect(rand).toMatchObject({ toi: 32768n, contentLength: 5000, transferLength: 5000, contentType: 'video/mp4' });
    expect(config).toMatchObject({ toi: 1n, contentLength: 1956, transferLength: 1956, contentType: 'application/xml+dvb-mabr-session-configuration' });
    expect(hello.contentMd5).toBeUndefined();
    expect(Buffer.from(config.contentMd5!).toString('base64')).toBe('B24D4IWqtsnR7QqwfNhR9g==');
    // Each FDT describes the object its TOI carries: Transfer-Length, and Content-MD5 where given.
    for (const { port, fdt } of byLocation.values()) {
      const file = fdt.files[0]!;
      const object = objectBytes(port, file.toi);
      expect(object.length).toBe(file.transferLength);
      if (file.contentMd5 !== undefined) expect(createHash('md5').update(object).digest('hex')).toBe(Buffer.from(file.contentMd5).toString('hex'));
    }
    expect(createHash('md5').update(objectBytes(1235, 32767n)).digest('hex')).toBe('0454967ac0b2657d16949b1a4a33a6cc');
  });

  it('round-trips every document: parse → build → parse, in both flavours', () => {
    for (const f of distinct) {
      const fdt = parseFdt(f.bytes);
      for (const flavour of ['3gpp', 'rfc6726'] as const) {
        for (const pretty of [false, true]) {
          expect(parseFdt(buildFdt(fdt, { flavour, pretty }))).toEqual(fdt);
        }
      }
    }
  });
});

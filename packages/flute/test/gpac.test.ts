// Replay of a real GPAC (DVB-MABR) FLUTE capture through the receiver, as the public package.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readUdpDatagrams } from '@proto/pcap';
import { FluteReceiver, toHex, md5, type FluteReceiverEvents } from '@proto/flute';

const fixtures = new URL('../../../../shared/fixtures/flute/', import.meta.url);
const datagrams = readUdpDatagrams(new Uint8Array(readFileSync(new URL('gpac_mabr.pcap', fixtures))));

function replay(order: typeof datagrams): { completed: FluteReceiverEvents['object-completed'][]; receiver: FluteReceiver; fdts: number[] } {
  const receiver = new FluteReceiver();
  const completed: FluteReceiverEvents['object-completed'][] = [];
  const fdts: number[] = [];
  receiver.on('object-completed', (e) => completed.push(e));
  receiver.on('fdt', (e) => fdts.push(e.instanceId));
  for (const d of order) {
    // One socket per port: the port is part of the session's source label.
    receiver.push(d.payload, d.seconds * 1000 + d.nanos / 1e6, `${d.src}:${d.srcPort}>${d.dstPort}`);
  }
  return { completed, receiver, fdts };
}

describe('GPAC DVB-MABR capture replay (../shared/fixtures/flute/gpac_mabr.pcap)', () => {
  it('delivers both files and the gateway configuration, byte-identical', () => {
    const { completed, receiver, fdts } = replay(datagrams);
    const byLocation = new Map(completed.map((c) => [c.meta.contentLocation, c]));
    expect(toHex(md5(byLocation.get('/hello.txt')!.data!))).toBe('0454967ac0b2657d16949b1a4a33a6cc');
    expect(toHex(md5(byLocation.get('/rand5k.bin')!.data!))).toBe('646485497d9f4d1a9a8aae27d21fc8f1');
    expect(byLocation.get('/hello.txt')!.data).toEqual(new Uint8Array(readFileSync(new URL('hello.txt', fixtures))));
    expect(byLocation.get('/rand5k.bin')!.data).toEqual(new Uint8Array(readFileSync(new URL('rand5k.bin', fixtures))));
    expect(byLocation.get('/hello.txt')!.meta.toi).toBe(32767n);
    expect(byLocation.get('/rand5k.bin')!.meta.toi).toBe(32768n);
    // The bootstrap channel's TOI 1: a MulticastGatewayConfiguration of 1956 bytes.
    const gateway = completed.find((c) => c.meta.toi === 1n)!;
    expect(gateway.data!.length).toBe(1956);
    expect(new TextDecoder().decode(gateway.data!)).toContain('MulticastGatewayConfiguration');
    expect(completed).toHaveLength(3);
    // GPAC reuses FDT Instance IDs for different documents within a round: both are applied.
    expect(fdts.length).toBeGreaterThanOrEqual(3);
    const drops = Object.entries(receiver.stats.dropped).filter(([, v]) => v > 0);
    expect(drops).toEqual([]);
    expect(receiver.sessions()).toHaveLength(2);
  });

  it('delivers the same with the datagrams in reverse order (objects complete before their FDT)', () => {
    const { completed } = replay([...datagrams].reverse());
    const locations = completed.map((c) => c.meta.contentLocation).sort();
    expect(locations).toContain('/hello.txt');
    expect(locations).toContain('/rand5k.bin');
    for (const c of completed) {
      if (c.meta.contentLocation === '/rand5k.bin') expect(toHex(md5(c.data!))).toBe('646485497d9f4d1a9a8aae27d21fc8f1');
    }
  });
});

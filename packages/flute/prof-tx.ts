import { createSocket } from 'node:dgram';
import { xorshiftFill } from '@proto/flute';
import { FluteUdpSender } from '@proto/flute/node';
const size = 128 << 20;
const data = new Uint8Array(size); xorshiftFill(data, 1);
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
async function rawSend(n: number) {
  const s = createSocket({ type: 'udp4' });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  s.setMulticastInterface('127.0.0.1'); s.setMulticastTTL(1);
  await new Promise<void>((r) => s.connect(45679, '239.255.78.3', () => r()));
  const p = new Uint8Array(1460);
  const c0 = cpu(); const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((res) => { const step = () => { for (let i = 0; i < 256 && sent < n; i++, sent++) s.send(p); if (sent < n) setImmediate(step); else res(); }; step(); });
  const ms = performance.now() - t0;
  console.log(`raw: ${(n / ms * 1e3 | 0)} pkt/s, ${((cpu() - c0) / n).toFixed(2)} us cpu/pkt`);
  s.close();
}
async function flute() {
  const tx = await FluteUdpSender.open({ destination: `239.255.78.2:45678`, interface: '127.0.0.1', ttl: 1, bitrate: Infinity, flute: { tsi: 1, fec: { scheme: 'no-code' } as any, maxDatagramSize: 1460 } });
  let t0 = 0, c0 = 0;
  tx.engine.on('transfer-start', () => { t0 = performance.now(); c0 = cpu(); });
  tx.addObject({ source: data, contentLocation: 'alone', md5: false });
  await tx.idle();
  const ms = performance.now() - t0;
  console.log(`flute: ${(tx.stats.datagrams / ms * 1e3 | 0)} pkt/s, ${((cpu() - c0) / tx.stats.datagrams).toFixed(2)} us cpu/pkt, ${(size * 8 / ms / 1e3).toFixed(0)} Mbit/s`);
  await tx.close();
}
await rawSend(90000);
await flute();
await rawSend(90000);

import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { EfpContent, type Superframe } from '@proto/efp';
import { EfpUdpReceiver, EfpUdpSender, UdpRelay, formatAddress, parseHostPort } from '@proto/efp/node';
import { sha256, xorshiftBytes } from './helpers.js';

async function collect(rx: EfpUdpReceiver, n: number, timeoutMs = 10_000): Promise<Superframe[]> {
  const got: Superframe[] = [];
  const timer = setTimeout(() => void rx.close(), timeoutMs);
  for await (const f of rx) {
    got.push(f);
    if (got.length === n) break;
  }
  clearTimeout(timer);
  return got;
}

describe('addresses', () => {
  it('parses HOST:PORT, [v6]:PORT and :PORT', () => {
    expect(parseHostPort('127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(parseHostPort('[::1]:7')).toEqual({ host: '::1', port: 7 });
    expect(parseHostPort(':9000', '0.0.0.0')).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(() => parseHostPort('localhost')).toThrow(RangeError);
    expect(() => parseHostPort('h:70000')).toThrow(RangeError);
    expect(formatAddress({ host: '::1', port: 5 })).toBe('[::1]:5');
  });
});

describe('EFP over UDP on loopback', () => {
  it('delivers every frame intact, with the sender as source 0', async () => {
    const rx = await EfpUdpReceiver.open({ bind: '127.0.0.1:0' });
    const tx = await EfpUdpSender.open({ to: rx.address(), mtu: 1400, superFrameNo: 65530 });
    const sizes = [0, 1, 1368, 1369, 1392, 5000, 100_000, 300_000, 17, 2];
    const want = sizes.map((s, i) => xorshiftBytes(s, i + 1));
    const done = collect(rx, sizes.length);
    for (const [i, payload] of want.entries()) {
      await tx.send(payload, { streamId: 3, pts: i, dataContent: EfpContent.h265, code: 'ANXB' });
    }
    const got = await done;
    expect(got.map((f) => Number(f.pts))).toEqual(sizes.map((_, i) => i));
    expect(got.map((f) => sha256(f.data))).toEqual(want.map(sha256));
    expect(got.every((f) => !f.broken && f.source === 0 && f.streamId === 3)).toBe(true);
    expect(got.map((f) => f.superFrameNo)).toEqual([65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3]);
    expect(rx.sources).toEqual([`127.0.0.1:${tx.address().port}`]);
    expect(tx.stats.frames).toBe(sizes.length);
    await tx.close();
    await rx.close();
  });

  it('paces with a token bucket and still delivers everything', async () => {
    const rx = await EfpUdpReceiver.open({ bind: '127.0.0.1:0' });
    const tx = await EfpUdpSender.open({ to: formatAddress(rx.address()), rateBitsPerSecond: 40_000_000 });
    const want = [50_000, 80_000, 120_000].map((s, i) => xorshiftBytes(s, i + 7));
    const done = collect(rx, want.length);
    for (const [i, p] of want.entries()) await tx.send(p, { streamId: 1, pts: i });
    expect((await done).map((f) => sha256(f.data))).toEqual(want.map(sha256));
    await expect(EfpUdpSender.open({ to: '127.0.0.1:9', rateBitsPerSecond: 0 })).rejects.toThrow(RangeError);
    await tx.close();
    await rx.close();
  });

  it('works over IPv6 loopback', async () => {
    const rx = await EfpUdpReceiver.open({ bind: '[::1]:0' });
    const tx = await EfpUdpSender.open({ to: rx.address() });
    const payload = xorshiftBytes(10_000, 3);
    const done = collect(rx, 1);
    await tx.send(payload, { streamId: 1, pts: 1 });
    expect(sha256((await done)[0]!.data)).toBe(sha256(payload));
    await tx.close();
    await rx.close();
  });

  it('counts and survives garbage datagrams', async () => {
    const rx = await EfpUdpReceiver.open({ bind: '127.0.0.1:0' });
    const junk = createSocket('udp4');
    const port = rx.address().port;
    for (const d of [[], [7], [1, 2, 3], [2, 0, 0, 0, 200]]) {
      await new Promise<void>((resolve) => junk.send(new Uint8Array(d), port, '127.0.0.1', () => resolve()));
    }
    const tx = await EfpUdpSender.open({ to: rx.address() });
    const done = collect(rx, 1);
    await tx.send(new Uint8Array(3000).fill(9), { streamId: 1, pts: 1 });
    expect((await done)[0]!.size).toBe(3000);
    expect(rx.receiver.stats.packets - rx.receiver.stats.accepted).toBeGreaterThanOrEqual(3);
    junk.close();
    await tx.close();
    await rx.close();
  });

  it('close({ flush }) delivers frames still in flight as broken', async () => {
    const rx = await EfpUdpReceiver.open({ bind: '127.0.0.1:0', timeoutMs: 60_000 });
    const frames: Superframe[] = [];
    rx.on('frame', (f) => frames.push(f));
    const raw = createSocket('udp4');
    const { EfpSender } = await import('@proto/efp');
    const packets = new EfpSender().pack(new Uint8Array(5000), { streamId: 1, pts: 1 });
    await new Promise<void>((resolve) => raw.send(packets[0]!, rx.address().port, '127.0.0.1', () => resolve()));
    for (let i = 0; i < 100 && rx.receiver.framesInFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await rx.close({ flush: true });
    expect(frames.map((f) => [f.broken, f.size])).toEqual([[true, 3 * 1448]]); // 3 Type 1 + Type 2, only the first arrived
    raw.close();
  });
});

describe('UdpRelay', () => {
  it('forwards both ways, drops and duplicates with the configured probabilities', async () => {
    const server = createSocket('udp4');
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
    server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address)); // echo
    const relay = await UdpRelay.start({ listen: '127.0.0.1:0', target: { host: '127.0.0.1', port: server.address().port }, loss: 0.25, duplicate: 0.1, seed: 42 });
    const client = createSocket('udp4');
    let echoed = 0;
    client.on('message', () => echoed++);
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
    for (let i = 0; i < 400; i++) {
      client.send(new Uint8Array([i & 0xff]), relay.address().port, '127.0.0.1');
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2)); // stay within the socket buffers
    }
    for (let i = 0; i < 200 && relay.stats.forwarded + relay.stats.dropped < 400; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const s = relay.stats;
    expect(s.forwarded + s.dropped).toBe(400);
    expect(s.dropped).toBeGreaterThan(50);
    expect(s.dropped).toBeLessThan(150);
    expect(s.duplicated).toBeGreaterThan(5);
    expect(echoed).toBe(s.returned);
    expect(s.returned + s.returnDropped).toBe(s.forwarded + s.duplicated);
    client.close();
    server.close();
    await relay.close();
  });
});

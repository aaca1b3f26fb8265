// The ./node UDP transport: pacing, addresses, and FluteUdpSender → FluteUdpReceiver over loopback
// (multicast 239.255.x.x with interface 127.0.0.1 and TTL 1, unicast 127.0.0.1 and ::1). Receivers
// bind port 0, so parallel tests never share a port.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FluteReceiver, FluteSender, randomLoss } from '@proto/flute';
import {
  FluteUdpReceiver,
  FluteUdpSender,
  TokenBucket,
  collectFiles,
  contentTypeOf,
  fileObject,
  formatEndpoint,
  isMulticast,
  parseEndpoint,
  resolveInterface,
  type CompletedObject,
} from '@proto/flute/node';
import { loadBinding } from '@proto/udp-batch';
import { expectBytes, randomBytes } from './support/harness.js';

/** Whether @proto/udp-batch's binding is built here (CI builds it; its own tests insist). */
const batchAvailable = loadBinding() !== undefined;

const tmp = mkdtempSync(join(tmpdir(), 'flute-transport-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Rejects after `ms` so that no test waits for ever on the network. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function collect(rx: FluteUdpReceiver, n: number): Promise<CompletedObject[]> {
  const out: CompletedObject[] = [];
  for await (const o of rx.objects()) {
    out.push(o);
    if (out.length === n) break;
  }
  return out;
}

describe('TokenBucket', () => {
  it('lets a burst go at once, then holds the average rate', () => {
    const b = new TokenBucket({ bitrate: 8000, burst: 100 }); // 1 byte per ms
    expect(b.ready(0)).toBe(true);
    b.take(150, 0);
    expect(b.ready(0)).toBe(false);
    expect(b.delay(0)).toBeCloseTo(51, 6);
    expect(b.ready(50)).toBe(false);
    expect(b.ready(51)).toBe(true);
    // Ten simulated seconds of 100-byte datagrams sent whenever allowed: rate × time + burst.
    const c = new TokenBucket({ bitrate: 80_000, burst: 1000 }); // 10 bytes per ms
    let sent = 0;
    for (let t = 0; t <= 10_000; t += 0.5) {
      while (c.ready(t)) {
        c.take(100, t);
        sent += 100;
      }
    }
    expect(sent).toBeGreaterThanOrEqual(100_000);
    expect(sent).toBeLessThanOrEqual(100_000 + 1000 + 100);
  });

  it('does not pace at Infinity and refuses nonsense', () => {
    const b = new TokenBucket({ bitrate: Infinity });
    for (let i = 0; i < 1000; i++) b.take(65_000, 0);
    expect(b.ready(0)).toBe(true);
    expect(b.delay(0)).toBe(0);
    expect(() => new TokenBucket({ bitrate: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ bitrate: 1e6, burst: -1 })).toThrow(RangeError);
    // Default depth: 4 ms of the rate, at least 16 KiB.
    expect(new TokenBucket({ bitrate: 1e9 }).burst).toBe(500_000);
    expect(new TokenBucket({ bitrate: 1e6 }).burst).toBe(16 << 10);
  });

  it('does not refill when the clock goes backwards', () => {
    const b = new TokenBucket({ bitrate: 8000, burst: 10 });
    b.take(20, 100);
    expect(b.available(50)).toBe(-10);
    expect(b.available(110)).toBe(0);
  });
});

describe('addresses and interfaces', () => {
  it('parses and formats endpoints', () => {
    expect(parseEndpoint('239.255.0.1:4000')).toEqual({ host: '239.255.0.1', port: 4000, family: 4 });
    expect(parseEndpoint('[ff15::1]:4000')).toEqual({ host: 'ff15::1', port: 4000, family: 6 });
    expect(parseEndpoint('::1', { defaultPort: 9 })).toEqual({ host: '::1', port: 9, family: 6 });
    expect(parseEndpoint(':5000', { defaultHost: '0.0.0.0' })).toEqual({ host: '0.0.0.0', port: 5000, family: 4 });
    expect(formatEndpoint({ host: 'ff15::1', port: 1 })).toBe('[ff15::1]:1');
    expect(formatEndpoint({ host: '10.0.0.1', port: 2 })).toBe('10.0.0.1:2');
    for (const bad of ['239.255.0.1', 'example.org:4000', '1.2.3.4:70000', '1.2.3.4:x', '[::1]:-1', ':4000']) expect(() => parseEndpoint(bad)).toThrow(RangeError);
  });

  it('knows multicast ranges', () => {
    expect(['224.0.0.1', '239.255.255.255', 'ff15::1', 'FF02::FB'].map(isMulticast)).toEqual([true, true, true, true]);
    expect(['223.255.255.255', '240.0.0.1', '127.0.0.1', '::1', 'fe80::1'].map(isMulticast)).toEqual([false, false, false, false, false]);
  });

  it('resolves interfaces by address, name and index', () => {
    expect(resolveInterface(undefined, 4)).toBeUndefined();
    expect(resolveInterface('127.0.0.1', 4)).toBe('127.0.0.1');
    expect(resolveInterface('lo', 4)).toBe('127.0.0.1');
    expect(resolveInterface('lo', 6)).toBe('::%lo');
    expect(resolveInterface('::1', 6)).toBe('::%lo');
    expect(resolveInterface('1', 6)).toBe('::%1');
    expect(() => resolveInterface('192.0.2.99', 4)).toThrow(/not an address of this host/);
    expect(() => resolveInterface('no-such-if0', 4)).toThrow(/does not exist/);
    expect(() => resolveInterface('::1', 4)).toThrow(/not an IPv4 address/);
  });
});

describe('files and folders as objects', () => {
  it('walks folders in order, names files by their path inside, percent-encodes', async () => {
    const root = join(tmp, 'tree');
    mkdirSync(join(root, 'sub dir', 'deep'), { recursive: true });
    writeFileSync(join(root, 'b.txt'), 'b');
    writeFileSync(join(root, 'a.html'), 'a');
    writeFileSync(join(root, 'sub dir', 'deep', '100%.bin'), new Uint8Array(3));
    symlinkSync(root, join(root, 'sub dir', 'loop'));
    const single = join(tmp, 'single.json');
    writeFileSync(single, '{}');
    const files = await collectFiles([root, single]);
    expect(files.map((f) => [f.contentLocation, f.size, f.contentType])).toEqual([
      ['a.html', 1, 'text/html'],
      ['b.txt', 1, 'text/plain'],
      ['sub%20dir/deep/100%25.bin', 3, 'application/octet-stream'],
      ['single.json', 2, 'application/json'],
    ]);
    await expect(collectFiles([root, root])).rejects.toThrow(/would both be sent as a\.html/);
    await expect(collectFiles([join(tmp, 'missing')])).rejects.toThrow(/ENOENT/);
    expect(contentTypeOf('X.MPD')).toBe('application/dash+xml');
    const o = fileObject(files[0]!, { priority: 2 });
    expect(o).toMatchObject({ contentLocation: 'a.html', contentType: 'text/html', priority: 2 });
    expect(o.source).toMatchObject({ size: 1 });
  });
});

describe('FluteUdpSender → FluteUdpReceiver on loopback', () => {
  it('multicast 239.255.x.x on 127.0.0.1, TTL 1: RS(5) with 10% loss injected, every object intact', async () => {
    const rx = await FluteUdpReceiver.open({ address: '239.255.42.10:0', interface: '127.0.0.1', loss: randomLoss(0.1), lossSeed: 7 });
    expect(rx.address.port).toBeGreaterThan(0);
    expect(rx.receiveBufferSize).toBeGreaterThan(0);
    const tx = await FluteUdpSender.open({
      destination: rx.address,
      interface: '127.0.0.1',
      ttl: 1,
      bitrate: 200e6,
      // FDT packets are lost too: a fast FDT carousel and a late start announce every object many times.
      flute: { tsi: 77, fec: { encodingId: 5, maxSourceBlockLength: 40, repair: { percent: 50 } }, fdt: { carousel: { mode: 'delay', ms: 30 } } },
    });
    const contents = [0, 1, 1424, 50_000, 600_000].map((n, i) => randomBytes(n, i + 1));
    const startAt = Date.now() + 300;
    // The empty object is a single no-code packet: three transfers (the receiver keeps the first it gets).
    contents.forEach((c, i) => tx.addObject({ source: c, contentLocation: `obj-${i}.bin`, contentEncoding: i === 3 ? 'gzip' : 'null', startAt, maxTransfers: i === 0 ? 3 : 1 }));
    tx.engine.setComplete();
    tx.wake();
    const got = await within(20_000, collect(rx, contents.length), 'objects');
    for (const [i, c] of contents.entries()) expectBytes(got.find((o) => o.meta.contentLocation === `obj-${i}.bin`)?.data, c);
    expect(got.every((o) => o.meta.tsi === 77n)).toBe(true);
    expect(rx.stats.lost).toBeGreaterThan(0);
    expect(rx.engine.stats.recoveredSymbols).toBeGreaterThan(0);
    await tx.idle();
    const closed = new Promise((r) => rx.on('session-closed', r));
    await tx.close();
    // Three close-session packets: one surviving the 10% loss is enough.
    await within(10_000, closed, 'session-closed');
    await rx.close();
    expect(tx.stats.errors + rx.stats.errors).toBe(0);
  });

  it('unicast over IPv6 ::1, with the engine passed in and its events on the adapters', async () => {
    const receiver = new FluteReceiver();
    const rx = await FluteUdpReceiver.open({ address: '[::1]:0', flute: receiver });
    expect(rx.engine).toBe(receiver);
    const sender = new FluteSender({ tsi: 3 });
    const tx = await FluteUdpSender.open({ destination: formatEndpoint(rx.address), flute: sender, bitrate: Infinity });
    expect(tx.engine).toBe(sender);
    expect(tx.localAddress.family).toBe(6);
    const started: bigint[] = [];
    tx.on('transfer-start', (e) => started.push(e.toi));
    const data = randomBytes(100_000, 9);
    const toi = tx.addObject({ source: data, contentLocation: 'v6.bin' });
    const [o] = await within(10_000, collect(rx, 1), 'object over ::1');
    expectBytes(o!.data, data);
    expect(o!.meta.session).toMatch(/^\[::1\]:\d+\|3$/);
    expect(started).toEqual([toi]);
    await tx.close();
    await rx.close();
  });

  it('source-specific multicast: only the named source gets through', async () => {
    const fromLo = await FluteUdpReceiver.open({ address: '239.255.42.11:0', interface: 'lo', source: '127.0.0.1' });
    const other = await FluteUdpReceiver.open({ address: { ...fromLo.address }, interface: '127.0.0.1', source: '127.0.0.2' });
    const tx = await FluteUdpSender.open({ destination: fromLo.address, bind: '127.0.0.1:0', interface: '127.0.0.1', bitrate: 100e6, flute: { tsi: 5 } });
    tx.addObject({ source: randomBytes(20_000, 3), contentLocation: 'ssm.bin' });
    const [o] = await within(10_000, collect(fromLo, 1), 'SSM object');
    expect(o!.data).toEqual(randomBytes(20_000, 3));
    await tx.close();
    await fromLo.close();
    // Every datagram reached the first receiver; the one joined for 127.0.0.2 saw none of them.
    expect(other.stats.datagrams).toBe(0);
    await other.close();
  });

  it('sends files from disk (fileObject) and drops what the filter refuses', async () => {
    const rx = await FluteUdpReceiver.open({ address: '239.255.42.12:0', interface: '127.0.0.1' });
    let n = 0;
    const tx = await FluteUdpSender.open({ destination: rx.address, interface: '127.0.0.1', bitrate: 100e6, flute: { tsi: 6 }, filter: () => n++ % 10 !== 9 });
    // With no-code, a lost packet loses its object for this transfer: two transfers, first one filtered heavily.
    const path = join(tmp, 'disk.bin');
    const content = randomBytes(30_000, 4);
    writeFileSync(path, content);
    const [entry] = await collectFiles([path]);
    tx.addObject(fileObject(entry!, { maxTransfers: 30 }));
    const [o] = await within(15_000, collect(rx, 1), 'file object');
    expectBytes(o!.data, content);
    expect(tx.stats.filtered).toBeGreaterThan(0);
    await tx.close();
    await rx.close();
  });

  it('reader thread: RaptorQ through 5% loss, every object intact, nothing left behind on close', async () => {
    const rx = await FluteUdpReceiver.open({ address: '239.255.42.14:0', interface: '127.0.0.1', thread: true, loss: randomLoss(0.05), lossSeed: 3 });
    const tx = await FluteUdpSender.open({
      destination: rx.address,
      interface: '127.0.0.1',
      bitrate: 300e6,
      flute: { tsi: 12, fec: { encodingId: 6, repair: { percent: 20 } }, fdt: { carousel: { mode: 'delay', ms: 30 } } },
    });
    expect(tx.batching).toBe(batchAvailable);
    expect(rx.readerThread!.batching).toBe(batchAvailable);
    const contents = [3000, 200_000, 2_000_000].map((n, i) => randomBytes(n, 40 + i));
    const startAt = Date.now() + 200;
    contents.forEach((c, i) => tx.addObject({ source: c, contentLocation: `t${i}`, startAt, ...(i === 0 ? { fec: { repair: { symbols: 8 } } } : {}) }));
    const got = await within(20_000, collect(rx, contents.length), 'objects through the reader thread');
    for (const [i, c] of contents.entries()) expectBytes(got.find((o) => o.meta.contentLocation === `t${i}`)?.data, c);
    expect(rx.stats.lost).toBeGreaterThan(0);
    expect(rx.stats.overflow).toBe(0);
    await tx.close();
    await rx.close();
  });

  for (const batchSyscalls of [true, false]) {
    it(`no-code, 6 MB through the reader thread, ${batchSyscalls ? 'sendmmsg/recvmmsg where built (the sender reuses its datagram memory)' : 'batchSyscalls false: node:dgram one datagram per call'}`, async () => {
      const rx = await FluteUdpReceiver.open({ address: '239.255.42.16:0', interface: '127.0.0.1', thread: true, batchSyscalls });
      const tx = await FluteUdpSender.open({ destination: rx.address, interface: '127.0.0.1', bitrate: 200e6, batchSyscalls, flute: { tsi: 14, fec: { encodingId: 0 } } });
      expect(tx.batching).toBe(batchSyscalls && batchAvailable);
      expect(rx.readerThread!.batching).toBe(batchSyscalls && batchAvailable);
      const data = randomBytes(6_000_000, 77);
      // No-code cannot repair a lost datagram: a few transfers, should the kernel drop one on a loaded machine.
      tx.addObject({ source: data, contentLocation: 'big.bin', maxTransfers: 3 });
      const [o] = await within(30_000, collect(rx, 1), 'no-code object');
      expectBytes(o!.data, data);
      expect(tx.stats.errors + rx.stats.errors).toBe(0);
      await tx.close();
      await rx.close();
    });
  }

  it('reader thread: a stalled main thread costs ring space, then datagrams, each counted', async () => {
    const rx = await FluteUdpReceiver.open({ address: '127.0.0.1:0', thread: { bufferBytes: 64 << 10 } });
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const junk = new Uint8Array(1400).fill(0x30); // not ALC: the engine drops each as malformed
    for (let i = 0; i < 500; i++) s.send(junk, rx.address.port, '127.0.0.1');
    // Hold the main thread while the worker moves the kernel's queue into its 64 KiB ring.
    for (const until = Date.now() + 400; Date.now() < until; );
    await within(10_000, new Promise<void>((resolve) => {
      const check = (): void => (rx.stats.datagrams + rx.stats.overflow >= 500 ? resolve() : void setTimeout(check, 10));
      check();
    }), 'datagrams drained');
    expect(rx.stats.overflow).toBeGreaterThan(0);
    expect(rx.stats.datagrams).toBeGreaterThan(30);
    expect(rx.stats.datagrams + rx.stats.overflow).toBe(500);
    expect(rx.engine.stats.dropped.malformed + rx.engine.stats.dropped.truncated).toBe(rx.stats.datagrams);
    s.close();
    await rx.close();
    await expect(FluteUdpReceiver.open({ address: '127.0.0.1:0', thread: { bufferBytes: 100 } })).rejects.toThrow(/64 KiB\.\.1 GiB/);
    await expect(FluteUdpReceiver.open({ address: '239.255.42.15:0', interface: '127.0.0.1', source: '10.0.0.1', thread: true }).then((r) => r.close())).resolves.toBeUndefined();
  });

  it('counts what the kernel drops when the socket buffer overflows (Linux /proc/net/udp)', async () => {
    const rx = await FluteUdpReceiver.open({ address: '127.0.0.1:0', receiveBufferSize: 64 << 10 });
    expect(rx.kernelDrops).toBe(process.platform === 'linux' ? 0 : undefined);
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const junk = new Uint8Array(1400);
    for (let i = 0; i < 300; i++) s.send(junk, rx.address.port, '127.0.0.1');
    // The main thread reads this socket: hold it while the datagrams arrive.
    for (const until = Date.now() + 300; Date.now() < until; );
    await within(10_000, new Promise<void>((resolve) => {
      const check = (): void => (rx.stats.datagrams + (rx.kernelDrops ?? 300) >= 300 ? resolve() : void setTimeout(check, 10));
      check();
    }), 'datagrams read or dropped');
    if (process.platform === 'linux') {
      expect(rx.kernelDrops).toBeGreaterThan(0);
      expect(rx.stats.datagrams + rx.kernelDrops!).toBe(300);
    }
    s.close();
    await rx.close();
    expect(rx.kernelDrops).toBeUndefined();
  });

  it('reports what cannot work: bad interface, port in use without reuse, bad options', async () => {
    await expect(FluteUdpReceiver.open({ address: '239.255.42.13:0', interface: '192.0.2.1' })).rejects.toThrow(/not an address of this host/);
    await expect(FluteUdpSender.open({ destination: '239.255.42.13:4000', interface: 'nope0', flute: { tsi: 1 } })).rejects.toThrow(RangeError);
    await expect(FluteUdpSender.open({ destination: '239.255.42.13:0', flute: { tsi: 1 } })).rejects.toThrow(/port 0/);
    await expect(FluteUdpSender.open({ destination: '127.0.0.1:9', flute: { tsi: 1 }, bitrate: -5 })).rejects.toThrow(/bitrate/);
    await expect(FluteUdpReceiver.open({ address: '127.0.0.1:0', source: '127.0.0.1' })).rejects.toThrow(/multicast group/);
    const first = createSocket('udp4');
    await new Promise<void>((r) => first.bind(0, '127.0.0.1', () => r()));
    const port = first.address().port;
    for (const thread of [false, true]) {
      await expect(FluteUdpReceiver.open({ address: `127.0.0.1:${port}`, reuseAddress: false, thread })).rejects.toThrow(new RegExp(`cannot listen on 127.0.0.1 port ${port}: .*EADDRINUSE`));
    }
    first.close();
  });

  it('IPv6 multicast on lo: delivered where lo routes ff15::/16, otherwise a one-line error says why', async () => {
    const rx = await FluteUdpReceiver.open({ address: '[ff15::4242]:0', interface: 'lo' });
    let tx: FluteUdpSender;
    try {
      tx = await FluteUdpSender.open({ destination: rx.address, interface: 'lo', ttl: 1, bitrate: 50e6, flute: { tsi: 8 } });
    } catch (e) {
      // Linux without a multicast route on lo refuses to connect the socket.
      expect((e as Error).message).toMatch(/^cannot reach ff15::4242 port \d+: connect (ENETUNREACH|EADDRNOTAVAIL|EHOSTUNREACH)/);
      await rx.close();
      return;
    }
    tx.addObject({ source: randomBytes(5000, 8), contentLocation: 'v6m.bin' });
    const [o] = await within(10_000, collect(rx, 1), 'IPv6 multicast');
    expect(o!.data).toEqual(randomBytes(5000, 8));
    await tx.close();
    await rx.close();
  });
});

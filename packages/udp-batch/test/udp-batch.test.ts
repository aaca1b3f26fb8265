// Batches over loopback: unicast 127.0.0.1 and ::1, and a multicast group with interface 127.0.0.1
// and TTL 1. Without the binding (not Linux, no compiler) the tests are skipped locally and fail in
// CI, which builds it (.ci/run installs the compiler).
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, test } from 'vitest';
import { BatchReceiver, BatchSender, UdpBatchError, bindingPath, loadBinding, socketFd, unavailableReason } from '@proto/udp-batch';

const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const available = loadBinding() !== undefined;
const open: Socket[] = [];

afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function bound(type: 'udp4' | 'udp6', host: string, port = 0, reuseAddr = false): Promise<Socket> {
  const s = createSocket({ type, reuseAddr });
  open.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, host, () => resolve());
  });
  return s;
}

async function connected(type: 'udp4' | 'udp6', host: string, to: Socket): Promise<Socket> {
  const s = await bound(type, host);
  await new Promise<void>((resolve) => s.connect(to.address().port, host, () => resolve()));
  return s;
}

/** Datagrams numbered in their first 4 bytes, sizes varying from 1 byte to `max`. */
function datagrams(n: number, max: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Uint8Array(Math.max(4, 1 + ((i * 7919) % max)));
    new DataView(d.buffer).setUint32(0, i);
    for (let k = 4; k < d.length; k++) d[k] = (i + k) & 255;
    return d;
  });
}

/** Receives until `n` datagrams came or 5 s passed. */
function drain(rx: BatchReceiver, n: number): { bytes: Uint8Array[]; from: string[]; truncated: boolean[] } {
  const out = { bytes: [] as Uint8Array[], from: [] as string[], truncated: [] as boolean[] };
  const end = Date.now() + 5000;
  while (out.bytes.length < n && Date.now() < end) {
    const k = rx.receive(50);
    for (let i = 0; i < k; i++) {
      out.bytes.push(rx.datagram(i).slice());
      out.from.push(rx.source(i));
      out.truncated.push(rx.truncated(i));
    }
  }
  return out;
}

test('the binding is built where CI runs', () => {
  if (inCi) expect(unavailableReason(), `CI must build ${bindingPath} (a C compiler and Node's headers)`).toBeUndefined();
  if (process.platform === 'linux' && !inCi && !available) console.warn(`@proto/udp-batch tests skipped: ${unavailableReason()}`);
});

test('PROTO_UDP_BATCH=0 turns the binding off: of() returns undefined and the reason says so', async () => {
  const s = await bound('udp4', '127.0.0.1');
  process.env['PROTO_UDP_BATCH'] = '0';
  try {
    expect(loadBinding()).toBeUndefined();
    expect(unavailableReason()).toMatch(/PROTO_UDP_BATCH=0/);
    expect(BatchSender.of(s)).toBeUndefined();
    expect(BatchReceiver.of(s)).toBeUndefined();
  } finally {
    delete process.env['PROTO_UDP_BATCH'];
  }
  expect(loadBinding() !== undefined).toBe(available);
});

describe.runIf(available || inCi)('sendmmsg and recvmmsg on node:dgram sockets', () => {
  test('IPv4 unicast: 1,000 datagrams of every size arrive whole, in order, from the sender', async () => {
    const rxSocket = await bound('udp4', '127.0.0.1');
    const rx = BatchReceiver.of(rxSocket, { batch: 64 })!;
    const txSocket = await connected('udp4', '127.0.0.1', rxSocket);
    const tx = BatchSender.of(txSocket)!;
    const sent = datagrams(1000, 1500);
    // A few at a time, so that the receive buffer never overflows.
    let got: ReturnType<typeof drain> = { bytes: [], from: [], truncated: [] };
    for (let i = 0; i < sent.length; i += 100) {
      expect(tx.send(sent, i, 100)).toBe(100);
      const part = drain(rx, 100);
      got = { bytes: [...got.bytes, ...part.bytes], from: [...got.from, ...part.from], truncated: [...got.truncated, ...part.truncated] };
    }
    expect(got.bytes).toEqual(sent);
    expect(new Set(got.from)).toEqual(new Set([`127.0.0.1:${txSocket.address().port}`]));
    expect(got.truncated.every((t) => !t)).toBe(true);
  });

  test('more datagrams than one system call takes go out in several', async () => {
    const rxSocket = await bound('udp4', '127.0.0.1');
    rxSocket.setRecvBufferSize(4 << 20);
    const rx = BatchReceiver.of(rxSocket, { batch: 256 })!;
    const tx = BatchSender.of(await connected('udp4', '127.0.0.1', rxSocket))!;
    const sent = datagrams(tx.maxBatch * 2 + 17, 200);
    expect(tx.send(sent)).toBe(sent.length);
    expect(drain(rx, sent.length).bytes).toEqual(sent);
  });

  test('IPv6 unicast: sources are [address]:port, and change when another sender speaks', async () => {
    const rxSocket = await bound('udp6', '::1');
    const rx = BatchReceiver.of(rxSocket)!;
    const a = await connected('udp6', '::1', rxSocket);
    const b = await connected('udp6', '::1', rxSocket);
    const [d0, d1, d2] = datagrams(3, 100) as [Uint8Array, Uint8Array, Uint8Array];
    BatchSender.of(a)!.send([d0]);
    BatchSender.of(b)!.send([d1]);
    BatchSender.of(a)!.send([d2]);
    const got = drain(rx, 3);
    expect(got.bytes).toEqual([d0, d1, d2]);
    expect(got.from).toEqual([`[::1]:${a.address().port}`, `[::1]:${b.address().port}`, `[::1]:${a.address().port}`]);
  });

  test('multicast on loopback (interface 127.0.0.1, TTL 1), and node:dgram no longer reads a socket taken over', async () => {
    const group = '239.255.77.31';
    const rxSocket = await bound('udp4', group, 0, true);
    rxSocket.addMembership(group, '127.0.0.1');
    rxSocket.setRecvBufferSize(4 << 20);
    let messages = 0;
    rxSocket.on('message', () => messages++);
    const rx = BatchReceiver.of(rxSocket)!;
    const txSocket = await bound('udp4', '127.0.0.1');
    txSocket.setMulticastInterface('127.0.0.1');
    txSocket.setMulticastTTL(1);
    await new Promise<void>((resolve) => txSocket.connect(rxSocket.address().port, group, () => resolve()));
    const sent = datagrams(50, 9000);
    expect(BatchSender.of(txSocket)!.send(sent)).toBe(50);
    expect(drain(rx, 50).bytes).toEqual(sent);
    await new Promise((r) => setTimeout(r, 20));
    expect(messages).toBe(0);
  });

  test('a datagram longer than the slot is reported cut', async () => {
    const rxSocket = await bound('udp4', '127.0.0.1');
    const rx = BatchReceiver.of(rxSocket, { slot: 100 })!;
    const tx = BatchSender.of(await connected('udp4', '127.0.0.1', rxSocket))!;
    const [small, big] = [new Uint8Array(100).fill(1), new Uint8Array(101).fill(2)];
    tx.send([small, big]);
    const got = drain(rx, 2);
    expect(got.truncated).toEqual([false, true]);
    expect(got.bytes[1]).toEqual(new Uint8Array(100).fill(2));
  });

  test('errors: a datagram too large is a typed EMSGSIZE, the ones before it were sent; nothing waiting is 0', async () => {
    const rxSocket = await bound('udp4', '127.0.0.1');
    const rx = BatchReceiver.of(rxSocket)!;
    expect(rx.receive(0)).toBe(0);
    expect(rx.receive(20)).toBe(0);
    const tx = BatchSender.of(await connected('udp4', '127.0.0.1', rxSocket))!;
    const ok = new Uint8Array(10);
    const huge = new Uint8Array(70000);
    expect(tx.send([ok, ok, huge, ok])).toBe(2);
    const e = (() => {
      try {
        tx.send([huge]);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(UdpBatchError);
    expect((e as UdpBatchError).code).toBe('EMSGSIZE');
    expect(drain(rx, 2).bytes).toHaveLength(2);
  });

  test('arguments are checked: no access outside the arrays the caller gave', async () => {
    const b = loadBinding()!;
    const rxSocket = await bound('udp4', '127.0.0.1');
    const fd = socketFd(rxSocket)!;
    expect(fd).toBeGreaterThanOrEqual(0);
    const state = new Uint8Array(b.stateBytes);
    expect(() => b.recvBatch(fd, new Uint8Array(100), 100, 2, new Int32Array(4), new Uint8Array(128), state, 0)).toThrow(TypeError);
    expect(() => b.recvBatch(fd, new Uint8Array(200), 100, 2, new Int32Array(3), new Uint8Array(128), state, 0)).toThrow(TypeError);
    expect(() => b.recvBatch(fd, new Uint8Array(200), 100, 2, new Int32Array(4), new Uint8Array(127), state, 0)).toThrow(TypeError);
    expect(() => b.recvBatch(fd, new Uint8Array(200), 100, 2, new Int32Array(4), new Uint8Array(128), new Uint8Array(8), 0)).toThrow(TypeError);
    expect(() => b.sendBatch(fd, [new Uint8Array(1)], 1, 1)).toThrow(TypeError);
    expect(() => b.sendBatch(fd, [new Uint8Array(1)], -1, 1)).toThrow(TypeError);
    expect(() => b.sendBatch(fd, [new Uint16Array(1) as unknown as Uint8Array], 0, 1)).toThrow(TypeError);
    expect(() => BatchReceiver.of(rxSocket, { batch: 0 })).toThrow(RangeError);
    expect(() => BatchReceiver.of(rxSocket, { slot: 65537 })).toThrow(RangeError);
    const rx = BatchReceiver.of(rxSocket)!;
    expect(() => rx.datagram(0)).toThrow(RangeError);
  });

  test('after the socket is closed, no system call touches its old fd: EBADF', async () => {
    const rxSocket = await bound('udp4', '127.0.0.1');
    const txSocket = await connected('udp4', '127.0.0.1', rxSocket);
    const tx = BatchSender.of(txSocket)!;
    const rx = BatchReceiver.of(rxSocket)!;
    open.splice(0);
    txSocket.close();
    rxSocket.close();
    // Another socket may get the same fd number now.
    const other = await bound('udp4', '127.0.0.1');
    for (const call of [() => tx.send([new Uint8Array(1)]), () => rx.receive(0)]) {
      const e = (() => {
        try {
          call();
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(UdpBatchError);
      expect((e as UdpBatchError).code).toBe('EBADF');
    }
    expect(socketFd(other)).toBeGreaterThanOrEqual(0);
  });

  test('an unbound socket has no fd to batch on', () => {
    const s = createSocket('udp4');
    expect(socketFd(s)).toBeUndefined();
    expect(BatchSender.of(s)).toBeUndefined();
    s.close();
  });
});

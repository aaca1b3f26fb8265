// SocketReaderThread: the worker that reads a UDP socket into a shared ring must wake the main thread
// for every datagram that arrives while the main thread sleeps, however the two threads interleave.
// Loopback unicast only (127.0.0.1), port 0. Both ways the worker reads: recvmmsg through
// @proto/udp-batch (where its binding is built, as in CI) and node:dgram.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBinding } from '@proto/udp-batch';
import { SocketReaderThread } from '@proto/flute/node';

const modes = [
  { name: 'recvmmsg', batch: true },
  { name: 'node:dgram', batch: false },
] as const;
const batchAvailable = loadBinding() !== undefined;

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function pair(bufferBytes = 1 << 20, batch = true): Promise<{ reader: SocketReaderThread; socket: Socket }> {
  const reader = await SocketReaderThread.open({ address: '127.0.0.1:0' }, bufferBytes, batch);
  open.push(reader);
  expect(reader.batching).toBe(batch && batchAvailable);
  const socket = createSocket('udp4');
  open.push({ close: () => new Promise<void>((r) => socket.close(() => r())) });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => socket.connect(reader.address.port, '127.0.0.1', () => r()));
  return { reader, socket };
}

/** Starts `reader`, collecting datagrams; `next()` resolves with the next one. */
function collect(reader: SocketReaderThread): { got: Uint8Array[]; next(): Promise<Uint8Array> } {
  const got: Uint8Array[] = [];
  let waiter: ((d: Uint8Array) => void) | undefined;
  reader.start({
    datagram: (d) => {
      got.push(d);
      const w = waiter;
      waiter = undefined;
      w?.(d);
    },
    error: (e) => {
      throw e;
    },
  });
  return { got, next: () => new Promise((resolve) => (waiter = resolve)) };
}

/** Rejects after `ms` (generous: a loaded CI machine), so a lost wake-up fails instead of hanging. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not delivered after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

const spin = (us: number): void => {
  for (const until = performance.now() + us / 1000; performance.now() < until; );
};

describe.each(modes)('SocketReaderThread ($name)', ({ batch }) => {
  it('delivers a single datagram that comes after an idle period', async () => {
    const { reader, socket } = await pair(1 << 20, batch);
    const { next, got } = collect(reader);
    for (let round = 0; round < 3; round++) {
      // Long enough for the main thread to be asleep on the ring's signal word.
      await new Promise((r) => setTimeout(r, 200));
      const arrived = next();
      socket.send(Uint8Array.of(round, 1, 2, 3));
      expect(await within(5_000, arrived, `datagram after ${round + 1} idle period(s)`)).toEqual(Uint8Array.of(round, 1, 2, 3));
    }
    expect(got).toHaveLength(3);
  });

  it('never misses a wake-up: ping-pong, the next datagram sent as the main thread goes to sleep', async () => {
    // Each datagram is sent from inside the delivery of the previous one (synchronously, in the
    // main thread's drain), followed by a busy wait of varying length, so that its arrival in the
    // worker sweeps across the main thread's path from "ring empty" to "asleep". A wake-up lost
    // anywhere on that path stalls delivery for good.
    const { reader, socket } = await pair(1 << 20, batch);
    const got: Uint8Array[] = [];
    // Up to 50,000 round trips (a few seconds here), fewer if the machine is slow: the race is
    // caught by numbers (a lost wake-up showed within 50,000 rounds in about one run in three).
    const rounds = 50_000;
    const stopAt = performance.now() + 8_000;
    const done = new Promise<void>((resolve) => {
      reader.start({
        datagram: (d) => {
          got.push(d);
          const i = got.length - 1;
          if (i + 1 === rounds || performance.now() > stopAt) return resolve();
          socket.send(Uint8Array.of((i + 1) & 255, (i + 1) >> 8));
          spin((i * 0.37) % 40);
        },
        error: (e) => {
          throw e;
        },
      });
    });
    socket.send(Uint8Array.of(0, 0));
    // Progress, not speed: fail when nothing arrives for 5 s (a stalled reader), however long the whole takes.
    let seen = -1;
    await within(50_000, Promise.race([done, new Promise<never>((_, reject) => {
      const watch = (): void => {
        if (got.length === rounds || performance.now() > stopAt) return;
        if (got.length === seen) return reject(new Error(`stalled after ${seen} of ${rounds} datagrams`));
        seen = got.length;
        setTimeout(watch, 5_000).unref();
      };
      watch();
    })]), 'ping-pong');
    expect(got.length).toBeGreaterThan(100);
    expect(got.every((d, i) => (d[0]! | (d[1]! << 8)) === (i & 0xffff))).toBe(true);
    expect(reader.overflow).toBe(0);
    expect(reader.backlog).toBe(0);
  }, 60_000);

  it('gives each datagram its source address:port, as senders take turns', async () => {
    const { reader, socket } = await pair(1 << 20, batch);
    const other = createSocket('udp4');
    open.push({ close: () => new Promise<void>((r) => other.close(() => r())) });
    await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
    const from: string[] = [];
    reader.start({ datagram: (_, f) => from.push(f), error: (e) => { throw e; } });
    const order = [socket, socket, other, socket, other, other];
    for (const [i, s] of order.entries()) {
      if (s === socket) s.send(new Uint8Array(10));
      else s.send(new Uint8Array(10), reader.address.port, '127.0.0.1');
      // One at a time, so that the two sockets' datagrams arrive in this order.
      await within(5_000, new Promise<void>((r) => {
        const check = (): void => (from.length > i ? r() : void setImmediate(check));
        check();
      }), `datagram ${i}`);
    }
    expect(from).toEqual(order.map((s) => `127.0.0.1:${s.address().port}`));
  });

  it('wraps the ring many times, in order, nothing lost or left', async () => {
    const { reader, socket } = await pair(1 << 16, batch);
    const { got } = collect(reader);
    const n = 2000;
    let sent = 0;
    // Paced bursts well below the 64 KiB ring, so nothing overflows while the ring wraps ~40 times.
    while (sent < n) {
      for (let k = 0; k < 20 && sent < n; k++, sent++) {
        const d = new Uint8Array(1000 + (sent % 300));
        d[0] = sent & 255;
        d[1] = sent >> 8;
        socket.send(d);
      }
      await within(5_000, new Promise<void>((r) => {
        const check = (): void => (got.length >= sent ? r() : void setImmediate(check));
        check();
      }), `burst ending at ${sent}`);
    }
    expect(got.map((d) => d[0]! | (d[1]! << 8))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(got.map((d) => d.length)).toEqual(Array.from({ length: n }, (_, i) => 1000 + (i % 300)));
    expect(reader.overflow).toBe(0);
    expect(reader.backlog).toBe(0);
  });
});

describe('SocketReaderThread, borrow mode', () => {
  it('hands views into the ring, right during the call, with no copy', async () => {
    const { reader, socket } = await pair(1 << 16);
    const seen: string[] = [];
    const views: Uint8Array[] = [];
    let n = 0;
    reader.start({
      borrow: true,
      datagram: (d) => {
        views.push(d);
        seen.push(`${d.length}:${d[0]}:${d[d.length - 1]}`);
        n++;
      },
      error: (e) => {
        throw e;
      },
    });
    // 300 datagrams of 1..1400 bytes through a 64 KiB ring: it wraps several times.
    for (let i = 0; i < 300; i++) {
      socket.send(new Uint8Array(1 + ((i * 97) % 1400)).fill(i & 255));
      if (i % 20 === 19) {
        await within(5_000, new Promise<void>((r) => {
          const check = (): void => (n > i ? r() : void setImmediate(check));
          check();
        }), `datagram ${i}`);
      }
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => `${1 + ((i * 97) % 1400)}:${i & 255}:${i & 255}`));
    expect(views.every((v) => v.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect(reader.backlog).toBe(0);
    expect(reader.pending).toBe(0);
  });
});

describe('FluteUdpReceiver: datagrams never handed on are counted', () => {
  it('counts what is left in the ring at close as unread', async () => {
    const { FluteUdpReceiver } = await import('@proto/flute/node');
    const rx = await FluteUdpReceiver.open({ address: '127.0.0.1:0', thread: true });
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    // Connected: each send goes out at once (no address lookup to wait for).
    await new Promise<void>((r) => s.connect(rx.address.port, '127.0.0.1', () => r()));
    for (let i = 0; i < 50; i++) s.send(new Uint8Array(100));
    // Hold the main thread while the worker puts them in the ring, then close before it drains.
    for (const until = Date.now() + 300; Date.now() < until; );
    await rx.close();
    s.close();
    expect(rx.stats.datagrams).toBe(0);
    expect(rx.stats.overflow).toBe(0);
    expect(rx.stats.unread).toBe(50);
  });
});

describe('CPU time per thread', () => {
  it('threadCpuMicros counts the calling thread only; the reader thread reports its own', async () => {
    const { threadCpuMicros } = await import('@proto/flute/node');
    const linux = process.platform === 'linux';
    const t0 = threadCpuMicros();
    const p0 = process.cpuUsage();
    for (const until = performance.now() + 200; performance.now() < until; );
    const t1 = threadCpuMicros();
    if (!linux) {
      expect(t1).toBeUndefined();
      return;
    }
    // 200 ms of spinning on this thread (a loaded machine may take some of it away).
    expect(t1! - t0!).toBeGreaterThan(50_000);
    const p = process.cpuUsage(p0);
    expect(t1! - t0!).toBeLessThanOrEqual(p.user + p.system + 20_000);

    const { reader, socket } = await pair();
    const { got } = collect(reader);
    const c0 = await reader.cpuMicros();
    expect(c0).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 5000; i++) socket.send(new Uint8Array(1000));
    await within(10_000, new Promise<void>((r) => {
      const check = (): void => (got.length + reader.overflow >= 5000 ? r() : void setTimeout(check, 5));
      check();
    }), '5000 datagrams');
    const c1 = await reader.cpuMicros();
    // Reading 5000 datagrams costs the reader thread something, and far less than the whole process.
    expect(c1!).toBeGreaterThan(c0!);
    await reader.close();
    expect(await reader.cpuMicros()).toBeUndefined();
  });
});

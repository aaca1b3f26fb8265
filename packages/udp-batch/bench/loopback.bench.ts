// CPU per datagram of sendmmsg/recvmmsg (this package) next to node:dgram (the anchor), measured in
// the same run with the same datagrams on loopback.
// - send: 200,000 datagrams (50,000 with BENCH_QUICK=1) to a multicast group nobody joined
//   (239.255.77.40, interface 127.0.0.1, TTL 1), as fast as the socket takes them: the sender's
//   own cost, nobody receiving.
// - receive: a child process sends the same number to 127.0.0.1 at 100,000 datagrams per second
//   (a rate both ways of receiving keep up with); this process reads them with node:dgram 'message'
//   events or with recvmmsg (64 per call), and its CPU time from the first datagram to the last is
//   divided by the datagrams received.
//
//   pnpm --filter @proto/udp-batch bench     (BENCH_QUICK=1: 50,000 datagrams)
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { formatTable, type Measurement, type ResultRow } from '@proto/bench';
import { BatchReceiver, BatchSender, unavailableReason } from '@proto/udp-batch';

const QUICK = process.env['BENCH_QUICK'] === '1';
const COUNT = QUICK ? 50_000 : 200_000;
const SIZES = [1460, 8972];
const RATE = 100_000;
const self = fileURLToPath(import.meta.url);

const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function measurement(name: string, size: number, count: number, cpuUs: number): Measurement {
  const seconds = cpuUs / 1e6;
  return { name, iterations: count, seconds, nsPerOp: (cpuUs * 1e3) / count, opsPerSecond: count / seconds, bytesPerSecond: (count * size) / seconds };
}

async function bound(host: string): Promise<Socket> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  return s;
}

/** Sends COUNT datagrams with node:dgram or sendmmsg; CPU µs of this process. */
async function send(size: number, batched: boolean): Promise<number> {
  const s = await bound('127.0.0.1');
  s.setMulticastInterface('127.0.0.1');
  s.setMulticastTTL(1);
  await new Promise<void>((r) => s.connect(45_999, '239.255.77.40', () => r()));
  const d = new Uint8Array(size);
  const batch = Array.from({ length: 256 }, () => d);
  const tx = BatchSender.of(s)!;
  const c0 = cpu();
  let sent = 0;
  await new Promise<void>((done) => {
    const pump = (): void => {
      if (batched) {
        const n = Math.min(256, COUNT - sent);
        sent += tx.send(batch, 0, n);
      } else for (let i = 0; i < 256 && sent < COUNT; i++, sent++) s.send(d);
      if (sent >= COUNT) done();
      else if (!batched && s.getSendQueueCount() > 512) setTimeout(pump, 1);
      else setImmediate(pump);
    };
    pump();
  });
  const us = cpu() - c0;
  s.close();
  return us;
}

/**
 * Receives what a child sends at RATE datagrams per second; CPU µs of this process from the first
 * datagram to the last, and how many arrived.
 */
async function receive(size: number, batched: boolean): Promise<{ us: number; got: number }> {
  const s = await bound('127.0.0.1');
  const child = fork(self, ['tx', String(s.address().port), String(size)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await new Promise((r) => child.once('message', r));
  let got = 0;
  let c0 = 0;
  let c1 = 0;
  let last = performance.now();
  const arrived = (n: number): void => {
    if (got === 0) c0 = cpu();
    got += n;
    last = performance.now();
    c1 = cpu();
  };
  child.send('go');
  if (batched) {
    const rx = BatchReceiver.of(s)!;
    // Reads until 300 ms pass without a datagram, yielding between reads so IPC keeps working.
    while (performance.now() - last < 300 || got === 0) {
      const n = rx.receive(10);
      if (n > 0) arrived(n);
      else await new Promise((r) => setImmediate(r));
      if (performance.now() - last > 10_000) break;
    }
  } else {
    s.on('message', () => arrived(1));
    while (performance.now() - last < 300 || got === 0) {
      await new Promise((r) => setTimeout(r, 50));
      if (performance.now() - last > 10_000) break;
    }
  }
  child.send('stop');
  clearTimeout(kill);
  s.close();
  return { us: c1 - c0, got };
}

/** The child: sends COUNT datagrams at RATE per second with sendmmsg, when told to. */
async function sender(port: number, size: number): Promise<void> {
  const s = await bound('127.0.0.1');
  await new Promise<void>((r) => s.connect(port, '127.0.0.1', () => r()));
  const tx = BatchSender.of(s)!;
  const batch = Array.from({ length: 64 }, () => new Uint8Array(size));
  process.on('message', (m) => {
    if (m === 'stop') {
      s.close();
      process.exit(0);
    }
    const t0 = performance.now();
    let sent = 0;
    const pump = (): void => {
      const due = Math.min(COUNT, Math.floor(((performance.now() - t0) / 1000) * RATE));
      while (sent < due) {
        const n = tx.send(batch, 0, Math.min(64, due - sent));
        if (n === 0) break;
        sent += n;
      }
      if (sent < COUNT) setImmediate(pump);
    };
    pump();
  });
  process.send!('ready');
}

async function main(): Promise<void> {
  const why = unavailableReason();
  if (why !== undefined) {
    console.log(`@proto/udp-batch is not available here (${why}): nothing to measure`);
    return;
  }
  const rows: ResultRow[] = [];
  for (const size of SIZES) {
    const plain = await send(size, false);
    const batched = await send(size, true);
    rows.push({ name: `send ${size} B`, ours: measurement('sendmmsg', size, COUNT, batched), anchorName: 'node:dgram send', anchor: measurement('dgram', size, COUNT, plain) });
    const r0 = await receive(size, false);
    const r1 = await receive(size, true);
    rows.push({ name: `receive ${size} B (${r1.got} / ${r0.got} of ${COUNT} arrived)`, ours: measurement('recvmmsg', size, r1.got, r1.us), anchorName: "node:dgram 'message'", anchor: measurement('dgram', size, r0.got, r0.us) });
  }
  console.log(formatTable(`@proto/udp-batch on loopback, ${COUNT} datagrams: CPU of this process per datagram (ns/op) and datagrams per CPU-second`, rows, 'ops/s'));
}

if (process.argv[2] === 'tx') await sender(Number(process.argv[3]), Number(process.argv[4]));
else await main();

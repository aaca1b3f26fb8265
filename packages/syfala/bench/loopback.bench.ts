// Acceptance check 4: 64 channels × 48 kHz × F32 (≈ 98 Mbit/s of payload) server → client on
// loopback, `syfala server` and `syfala client` as separate processes, for 10 s (3 s with
// BENCH_QUICK=1). Reports loss and the CPU of each process, next to an anchor: plain node:dgram
// processes moving the same datagrams at the same rate with no protocol at all.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SECONDS = process.env['BENCH_QUICK'] === '1' ? 3 : 10;
const CHANNELS = 64;
const RATE = 48_000;
const FRAME = CHANNELS * 4;
const FRAMES_PER_DATAGRAM = Math.floor(1435 / FRAME);
const DATAGRAM = 17 + FRAMES_PER_DATAGRAM * FRAME;
const TICK_MS = 5;

type Line = Record<string, unknown> & { event: string };
const self = fileURLToPath(import.meta.url);
const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const nodeArgs = ['--import', import.meta.resolve('tsx'), '--conditions=@proto/source'];

function spawnJson(args: string[]): { next: (event: string) => Promise<Line>; kill: () => void; exit: Promise<unknown> } {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  const waiters: [string, (l: Line) => void][] = [];
  createInterface({ input: child.stdout }).on('line', (t) => {
    const l = JSON.parse(t) as Line;
    lines.push(l);
    for (const [e, r] of waiters) if (e === l.event) r(l);
  });
  const exit = new Promise((resolve) => child.on('exit', resolve));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 30) * 1000);
  void exit.then(() => clearTimeout(killTimer));
  return {
    next: (event) => {
      const seen = lines.find((l) => l.event === event);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push([event, resolve]));
    },
    kill: () => child.kill('SIGTERM'),
    exit,
  };
}

/** Anchor roles: the same datagram rate with bare sockets. */
async function rawRole(role: string, port: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  socket.setRecvBufferSize(4 << 20);
  const start = process.cpuUsage();
  const t0 = performance.now();
  let count = 0;
  if (role === 'raw-recv') {
    socket.on('message', () => count++);
    process.stdout.write(`${JSON.stringify({ event: 'listening', port: socket.address().port })}\n`);
    setTimeout(() => {
      const u = process.cpuUsage(start);
      process.stdout.write(`${JSON.stringify({ event: 'final', received: count, cpu: ((u.user + u.system) / 10 / (performance.now() - t0)) })}\n`);
      process.exit(0);
    }, (SECONDS + 1) * 1000);
    return;
  }
  const perSecond = RATE / FRAMES_PER_DATAGRAM;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * perSecond);
    while (count < due) {
      socket.send(new Uint8Array(DATAGRAM), port, '127.0.0.1');
      count++;
    }
  }, TICK_MS);
  setTimeout(() => {
    clearInterval(timer);
    const u = process.cpuUsage(start);
    process.stdout.write(`${JSON.stringify({ event: 'final', sent: count, cpu: (u.user + u.system) / 10 / (performance.now() - t0) })}\n`);
    process.exit(0);
  }, SECONDS * 1000);
}

async function main(): Promise<void> {
  const server = spawnJson([cli, 'server', '--bind', '127.0.0.1', '--port', '0', '--source', 'tone', '--channels', String(CHANNELS), '--rate', String(RATE), '--type', 'f32', '--json', '--stats-interval', '600000']);
  const port = (await server.next('listening'))['port'] as number;
  const client = spawnJson([cli, 'client', '--bind', '127.0.0.1', '--port', '0', '--server', `127.0.0.1:${port}`, '--json', '--duration', String(SECONDS), '--idle-exit', '0', '--stats-interval', '600000']);
  const cf = await client.next('final');
  server.kill();
  const sf = await server.next('final');
  await Promise.all([client.exit, server.exit]);

  const recv = spawnJson([self, 'raw-recv', '0']);
  const rport = (await recv.next('listening'))['port'] as number;
  const send = spawnJson([self, 'raw-send', String(rport)]);
  const af = await send.next('final');
  const ar = await recv.next('final');
  await Promise.all([send.exit, recv.exit]);

  const r = cf['receiver'] as { receivedSamples: number; lostSamples: number; concealedSamples: number; lateSamples: number; underrunFrames: number; bufferLevelMs: number };
  const sc = sf['counters'] as { datagramsOut: number };
  const cc = cf['counters'] as { datagramsIn: number };
  const total = r.receivedSamples + r.concealedSamples;
  const mbit = ((r.receivedSamples * 4 * 8) / SECONDS / 1e6).toFixed(1);
  const rows = [
    ['case', 'seconds', 'payload Mbit/s', 'datagrams sent / received', 'lost samples', 'loss', 'server CPU %', 'client CPU %'],
    [
      `syfala ${CHANNELS} ch × ${RATE / 1000} kHz × F32`,
      String(SECONDS),
      mbit,
      `${sc.datagramsOut} / ${cc.datagramsIn}`,
      String(r.lostSamples),
      `${((100 * r.lostSamples) / Math.max(1, total)).toFixed(3)}%`,
      String(sf['cpu']),
      String(cf['cpu']),
    ],
    [
      'anchor: bare node:dgram, same datagrams and rate',
      String(SECONDS),
      (((af['sent'] as number) * (DATAGRAM - 17) * 8) / SECONDS / 1e6).toFixed(1),
      `${String(af['sent'])} / ${String(ar['received'])}`,
      '-',
      `${((100 * (1 - (ar['received'] as number) / (af['sent'] as number)))).toFixed(3)}%`,
      (af['cpu'] as number).toFixed(1),
      (ar['cpu'] as number).toFixed(1),
    ],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`### loopback streaming, separate processes (CPU % of one core; goal ≤ 25 %, no loss)\n`);
  console.log([fmt(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(fmt)].join('\n'));
  console.log(`\nclient: late ${r.lateSamples} samples, underrun ${r.underrunFrames} frames, final buffer ${r.bufferLevelMs.toFixed(1)} ms`);
}

const role = process.argv[2];
if (role === 'raw-send' || role === 'raw-recv') await rawRole(role, Number(process.argv[3]));
else await main();

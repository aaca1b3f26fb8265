/// <reference types="node" />
/**
 * The FLUTE demo: sample files go out of a `flute send` process over loopback multicast, through
 * random loss injected at the input of a `flute receive` process, and come back out; every MD5 is
 * compared. The two processes are the real command-line tool (from its TypeScript sources through
 * tsx, or from dist/ when built), so the demo shows what a user gets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xorshiftFill } from '@proto/flute';

export interface FluteDemoOptions {
  /** Work folder: the sample files go to `files/`, the received ones to `received/` (both replaced). */
  readonly dir: string;
  /** Number of files (default 20). */
  readonly files?: number;
  /** Smallest and largest file (default 1 KiB and 8 MiB), sizes spaced geometrically. */
  readonly minBytes?: number;
  readonly maxBytes?: number;
  /** `flute send --fec` (default raptorq). */
  readonly fec?: string;
  /** `flute send --repair` (default 15%). */
  readonly repair?: string;
  /** `flute send --block-length`, source symbols per block (default 1024). */
  readonly blockLength?: number;
  /** Random loss injected at the receiver (default 0.1). */
  readonly loss?: number;
  /** `flute send --bitrate` (default 200M). */
  readonly bitrate?: string;
  /** Multicast group (default 239.255.77.1; the port is picked by the receiver). */
  readonly group?: string;
  /** The receiver gives up after this many seconds (default 50). */
  readonly timeoutSeconds?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface DemoFile {
  readonly name: string;
  readonly size: number;
  readonly md5: string;
  /** MD5 of what arrived, undefined when nothing did. */
  received: string | undefined;
  repaired: number;
}

export interface FluteDemoResult {
  readonly ok: boolean;
  readonly files: readonly DemoFile[];
  readonly bytes: number;
  readonly seconds: number;
  readonly goodputMbps: number;
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  /** Datagrams dropped for full buffers (the kernel's socket buffer, the reader thread's ring). */
  readonly dropped: number;
  readonly recoveredSymbols: number;
  readonly group: string;
  readonly errors: readonly string[];
}

/** `n` sizes from `min` to `max`, spaced geometrically. */
export function sampleSizes(n: number, min: number, max: number): number[] {
  if (n === 1) return [max];
  return Array.from({ length: n }, (_, i) => Math.round(min * (max / min) ** (i / (n - 1))));
}

const WORDS = ['multicast', 'file', 'delivery', 'over', 'unidirectional', 'transport', 'FLUTE', 'ALC', 'LCT', 'FDT', 'RaptorQ', 'symbol', 'block', 'session', 'object', 'repair'];

/** Deterministic content: words for odd-numbered files (compressible text), pseudo-random bytes otherwise. */
export function sampleContent(index: number, size: number): Uint8Array {
  const random = new Uint8Array(size);
  xorshiftFill(random, 0x9e3779b9 ^ Math.imul(index + 1, 0x85ebca6b));
  if (index % 2 === 0) return random;
  let text = '';
  for (let i = 0; text.length < size; i++) text += WORDS[random[i % size]! & 15] + (i % 10 === 9 ? '\n' : ' ');
  return new TextEncoder().encode(text.slice(0, size));
}

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/** How to run the flute tool: node with tsx on the sources, or node on dist/ when that is what resolves. */
export function fluteCommand(): string[] {
  const entry = fileURLToPath(import.meta.resolve('@proto/flute'));
  if (entry.endsWith('.ts')) return [process.execPath, '--conditions=@proto/source', '--import', import.meta.resolve('tsx'), join(dirname(entry), 'cli', 'flute.ts')];
  return [process.execPath, join(dirname(entry), 'cli', 'flute.js')];
}

interface Child {
  readonly process: ChildProcess;
  readonly events: Record<string, unknown>[];
  stderr: string;
  readonly exit: Promise<number>;
  on(event: string, f: (e: Record<string, unknown>) => void): void;
}

function start(args: string[], limitMs: number): Child {
  const [cmd, ...pre] = fluteCommand();
  const child = spawn(cmd!, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const listeners: { event: string; f: (e: Record<string, unknown>) => void }[] = [];
  const c: Child = {
    process: child,
    events: [],
    stderr: '',
    exit: new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(code ?? -1);
      });
    }),
    on(event, f) {
      listeners.push({ event, f });
    },
  };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const e = JSON.parse(line) as Record<string, unknown>;
      c.events.push(e);
      for (const l of listeners) if (l.event === e['event']) l.f(e);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (c.stderr += chunk));
  return c;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

export async function runFluteDemo(options: FluteDemoOptions): Promise<FluteDemoResult> {
  const log = options.log ?? (() => {});
  const n = options.files ?? 20;
  const loss = options.loss ?? 0.1;
  const fec = options.fec ?? 'raptorq';
  const repair = options.repair ?? '15%';
  const blockLength = options.blockLength ?? 1024;
  const bitrate = options.bitrate ?? '200M';
  const group = options.group ?? '239.255.77.1';
  const timeout = options.timeoutSeconds ?? 50;
  const filesDir = join(options.dir, 'files');
  const outDir = join(options.dir, 'received');
  await rm(filesDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
  await mkdir(filesDir, { recursive: true });

  const sizes = sampleSizes(n, options.minBytes ?? 1024, options.maxBytes ?? 8 << 20);
  const files: DemoFile[] = [];
  for (const [i, size] of sizes.entries()) {
    const name = `file-${String(i + 1).padStart(2, '0')}.${i % 2 === 1 ? 'txt' : 'bin'}`;
    const content = sampleContent(i, size);
    await writeFile(join(filesDir, name), content);
    files.push({ name, size, md5: md5(content), received: undefined, repaired: 0 });
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  log(`${n} files, ${formatBytes(sizes[0]!)} to ${formatBytes(sizes.at(-1)!)}, ${formatBytes(total)} in all, in ${filesDir}`);

  const rx = start(['receive', '-g', `${group}:0`, '-i', '127.0.0.1', '-o', outDir, '--count', String(n), '--timeout', String(timeout), '--loss', String(loss), '--loss-seed', '1', '--json'], (timeout + 10) * 1000);
  const listening = await new Promise<Record<string, unknown> | undefined>((resolve) => {
    rx.on('listening', resolve);
    void rx.exit.then(() => resolve(undefined));
  });
  if (listening === undefined) return failed(files, group, [`receiver did not start: ${rx.stderr.trim()}`]);
  const endpoint = listening['group'] as string;
  log(`receiver: ${endpoint} on interface 127.0.0.1, ${Math.round(loss * 100)}% of the datagrams dropped on their way in`);
  log(`sender: FEC ${fec}, blocks of up to ${blockLength} symbols, ${repair} repair (more on small files: planned for ${Math.round(loss * 100)}% loss), ${bitrate.replace(/(\d)([kMG])$/, '$1 $2')}bit/s, TTL 1`);
  rx.on('object-completed', (e) => {
    const f = files.find((x) => x.name === e['contentLocation']);
    if (f === undefined) return;
    f.repaired = e['recoveredSymbols'] as number;
    log(`  received ${f.name.padEnd(12)} ${formatBytes(f.size).padStart(9)}${f.repaired > 0 ? `, ${f.repaired} symbol${f.repaired === 1 ? '' : 's'} rebuilt by FEC` : ''}`);
  });
  rx.on('object-failed', (e) => log(`  failed   ${String(e['contentLocation'] ?? e['toi'])}: ${String(e['reason'])}`));

  const tx = start(
    ['send', '-g', endpoint, '-i', '127.0.0.1', '--ttl', '1', '--tsi', '1', '--fec', fec, '--block-length', String(blockLength), '--repair', repair, '--design-loss', String(loss), '-b', bitrate, '--fdt-carousel', '50', '--fdt-encoding', 'gzip', '--start-delay', '500', '--json', filesDir],
    (timeout + 10) * 1000,
  );
  const [txCode, rxCode] = await Promise.all([tx.exit, rx.exit]);
  const errors: string[] = [];
  if (txCode !== 0) errors.push(`flute send exited ${txCode}: ${tx.stderr.trim()}`);
  if (rxCode !== 0) errors.push(`flute receive exited ${rxCode}: ${rx.stderr.trim()}`);

  for (const f of files) {
    try {
      f.received = md5(await readFile(join(outDir, f.name)));
    } catch {
      f.received = undefined;
    }
  }
  const rs = rx.events.find((e) => e['event'] === 'summary') ?? {};
  const ts = tx.events.find((e) => e['event'] === 'summary') ?? {};
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const ok = errors.length === 0 && files.every((f) => f.received === f.md5);
  return {
    ok,
    files,
    bytes: num(rs['bytes']),
    seconds: num(rs['seconds']),
    goodputMbps: num(rs['goodputMbps']),
    sent: num(ts['datagrams']),
    received: num(rs['datagrams']),
    lost: num(rs['lost']),
    dropped: num(rs['kernelDrops']) + num(rs['overflow']),
    recoveredSymbols: num(rs['recoveredSymbols']),
    group: endpoint,
    errors,
  };
}

function failed(files: DemoFile[], group: string, errors: string[]): FluteDemoResult {
  return { ok: false, files, bytes: 0, seconds: 0, goodputMbps: 0, sent: 0, received: 0, lost: 0, dropped: 0, recoveredSymbols: 0, group, errors };
}

/** The closing table of the demo. */
export function formatSummary(r: FluteDemoResult, wallSeconds: number): string {
  const intact = r.files.filter((f) => f.received === f.md5).length;
  const lines = [
    `files      ${intact}/${r.files.length} intact (MD5 of every received file equals the original's)`,
    `bytes      ${formatBytes(r.bytes)}`,
    `goodput    ${r.goodputMbps.toFixed(1)} Mbit/s (file bytes over the receiver's first datagram to last file: ${r.seconds.toFixed(2)} s)`,
    `datagrams  ${r.sent} sent, ${r.lost} lost to the injected loss (${r.received > 0 ? ((100 * r.lost) / r.received).toFixed(1) : '0'}%), ${r.dropped} dropped by full buffers, ${r.recoveredSymbols} source symbols recovered by FEC`,
    `time       ${wallSeconds.toFixed(1)} s in all`,
  ];
  for (const f of r.files) if (f.received !== f.md5) lines.push(`MISSING or CORRUPT: ${f.name} (${f.received === undefined ? 'not received' : `md5 ${f.received}, expected ${f.md5}`})`);
  for (const e of r.errors) lines.push(`error: ${e}`);
  return lines.join('\n');
}

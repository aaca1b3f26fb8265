/// <reference types="node" />
/**
 * The FLUTE demo: sample files go out of a `flute send` process over loopback multicast, through
 * random loss injected at the input of a `flute receive` process, and come back out; every MD5 is
 * compared. The two processes are the real command-line tool (from its TypeScript sources through
 * tsx, or from dist/ when built), so the demo shows what a user gets.
 *
 * The sender runs an endless carousel (`--loop`): a file whose transfer lost more than its repair
 * could cover completes on a later round. Once the receiver has every file the demo stops the sender
 * (SIGTERM: it closes the session, and the receiver, run with `--once`, exits on that; a receiver
 * whose injected loss took every close-session packet is stopped 2 s after the sender); if the files
 * are not all in by the deadline, both are stopped and the run fails saying what is missing.
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
  /** The loss the sender plans repair for (`flute send --design-loss`; default: `loss`). Lower: transfers hit harder than planned. */
  readonly designLoss?: number;
  /** `flute send --bitrate` (default 200M). */
  readonly bitrate?: string;
  /** Multicast group (default 239.255.77.1; the port is picked by the receiver). */
  readonly group?: string;
  /** Everything must have arrived within this many seconds, or the run stops and fails (default 45). */
  readonly deadlineSeconds?: number;
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
  /** The sender's transfer of this file under way when the receiver completed it (1: the first). */
  transfer: number;
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
  /** Transfers the sender started, over all files (the carousel repeats them until the end). */
  readonly transfers: number;
  /** Where the datagrams sent went (see {@link DatagramAccount}). */
  readonly account: DatagramAccount;
  readonly group: string;
  readonly errors: readonly string[];
}

/**
 * Every datagram the sender handed to its socket: `sent` = `processed` + `injected` + `socket` +
 * `ring` + `unread` + `unaccounted`.
 */
export interface DatagramAccount {
  readonly sent: number;
  /** Pushed into the receiver's FLUTE engine (duplicates of finished files included). */
  readonly processed: number;
  /** Dropped by the loss injected at the receiver's input. */
  readonly injected: number;
  /** Dropped by the kernel, the receiving socket's buffer full (Linux /proc/net/udp; undefined: not measurable). */
  readonly socket: number | undefined;
  /** Dropped by the receiver's reader thread, its ring full. */
  readonly ring: number;
  /** Read from the socket but not yet handed to the engine when the receiver closed. */
  readonly unread: number;
  /** The rest: still in the kernel when the receiver closed, or lost where nothing counts. */
  readonly unaccounted: number;
}

/** Builds the account from the two processes' summaries (missing numbers count as 0). */
export function accountDatagrams(sender: Record<string, unknown>, receiver: Record<string, unknown>): DatagramAccount {
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const sent = num(sender['datagrams']);
  const socket = typeof receiver['kernelDrops'] === 'number' ? receiver['kernelDrops'] : undefined;
  const counted = { processed: num(receiver['processed']), injected: num(receiver['lost']), socket, ring: num(receiver['overflow']), unread: num(receiver['unread']) };
  return { sent, ...counted, unaccounted: sent - counted.processed - counted.injected - (socket ?? 0) - counted.ring - counted.unread };
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

/**
 * Pause before a file goes round again: long enough that the first round (about 1.5 s at 200 Mbit/s)
 * is not slowed by repeats of files already in, short enough to retry well within the deadline.
 */
const CAROUSEL_DELAY_MS = 2000;

export async function runFluteDemo(options: FluteDemoOptions): Promise<FluteDemoResult> {
  const log = options.log ?? (() => {});
  const n = options.files ?? 20;
  const loss = options.loss ?? 0.1;
  const designLoss = options.designLoss ?? loss;
  const fec = options.fec ?? 'raptorq';
  const repair = options.repair ?? '15%';
  const blockLength = options.blockLength ?? 1024;
  const bitrate = options.bitrate ?? '200M';
  const group = options.group ?? '239.255.77.1';
  const deadline = options.deadlineSeconds ?? 45;
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
    files.push({ name, size, md5: md5(content), received: undefined, repaired: 0, transfer: 0 });
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  log(`${n} files, ${formatBytes(sizes[0]!)} to ${formatBytes(sizes.at(-1)!)}, ${formatBytes(total)} in all, in ${filesDir}`);

  // The receiver exits when the sender closes the session (--once); its own time-out and the kill
  // below are back-stops behind the deadline.
  const rx = start(['receive', '-g', `${group}:0`, '-i', '127.0.0.1', '-o', outDir, '--once', '--timeout', String(deadline + 5), '--loss', String(loss), '--loss-seed', '1', '--json'], (deadline + 15) * 1000);
  const listening = await new Promise<Record<string, unknown> | undefined>((resolve) => {
    rx.on('listening', resolve);
    void rx.exit.then(() => resolve(undefined));
  });
  if (listening === undefined) return failed(files, group, [`receiver did not start: ${rx.stderr.trim()}`]);
  const endpoint = listening['group'] as string;
  log(`receiver: ${endpoint} on interface 127.0.0.1, ${Math.round(loss * 100)}% of the datagrams dropped on their way in`);
  log(`sender: FEC ${fec}, blocks of up to ${blockLength} symbols, ${repair} repair (more on small files: planned for ${Math.round(designLoss * 100)}% loss), ${bitrate.replace(/(\d)([kMG])$/, '$1 $2')}bit/s, TTL 1, carousel until the receiver has every file (deadline ${deadline} s)`);

  const tx = start(
    ['send', '-g', endpoint, '-i', '127.0.0.1', '--ttl', '1', '--tsi', '1', '--fec', fec, '--block-length', String(blockLength), '--repair', repair, '--design-loss', String(designLoss), '-b', bitrate, '--fdt-carousel', '50', '--fdt-encoding', 'gzip', '--start-delay', '500', '--loop', '--carousel-delay', String(CAROUSEL_DELAY_MS), '--json', filesDir],
    (deadline + 15) * 1000,
  );
  const transfers = new Map<string, number>();
  let transfersStarted = 0;
  tx.on('transfer-start', (e) => {
    transfersStarted++;
    transfers.set(e['contentLocation'] as string, e['transfer'] as number);
  });
  // The sender is stopped (SIGTERM: it closes the session and exits) once every file is in, or at the deadline.
  let stopRequested = false;
  const stopSender = (): void => {
    if (stopRequested) return;
    stopRequested = true;
    tx.process.kill('SIGTERM');
  };
  const arrived = new Set<string>();
  rx.on('object-completed', (e) => {
    const f = files.find((x) => x.name === e['contentLocation']);
    if (f === undefined || arrived.has(f.name)) return;
    arrived.add(f.name);
    f.repaired = e['recoveredSymbols'] as number;
    f.transfer = transfers.get(f.name) ?? 1;
    const notes = [f.repaired > 0 ? `${f.repaired} symbol${f.repaired === 1 ? '' : 's'} rebuilt by FEC` : '', f.transfer > 1 ? `on the sender's transfer ${f.transfer}` : ''].filter((s) => s !== '');
    log(`  received ${f.name.padEnd(12)} ${formatBytes(f.size).padStart(9)}${notes.length > 0 ? `, ${notes.join(', ')}` : ''}`);
    if (arrived.size === files.length) stopSender();
  });
  rx.on('object-failed', (e) => log(`  failed   ${String(e['contentLocation'] ?? e['toi'])}: ${String(e['reason'])}${stopRequested ? '' : ' (the carousel will send it again)'}`));

  let late = false;
  const deadlineTimer = setTimeout(() => {
    late = true;
    const missing = files.filter((f) => !arrived.has(f.name)).map((f) => f.name);
    log(`deadline: ${deadline} s passed with ${files.length - missing.length}/${files.length} files; stopping (missing: ${missing.join(', ')})`);
    stopSender();
    // The receiver exits once the sender's close-session packet is in; if it is lost, stop it too.
    setTimeout(() => rx.process.kill('SIGTERM'), 2000).unref();
  }, deadline * 1000);
  // The receiver exits once one of the sender's close-session packets is in. With every file in, a
  // receiver that lost all of them (the injected loss hits those too) is stopped 2 s after the sender.
  let rxStopped = false;
  let rxExited = false;
  void rx.exit.then(() => (rxExited = true));
  void tx.exit.then(() => {
    if (arrived.size !== files.length) return;
    setTimeout(() => {
      if (rxExited || late) return;
      rxStopped = true;
      log('receiver: no close-session packet got through the injected loss; stopping it');
      rx.process.kill('SIGTERM');
    }, 2000).unref();
  });
  const [txCode, rxCode] = await Promise.all([tx.exit, rx.exit]);
  clearTimeout(deadlineTimer);
  const errors: string[] = [];
  if (late) errors.push(`deadline: not every file arrived within ${deadline} s`);
  // 130: the sender stopped on our SIGTERM (its summary is printed); 0 would mean it ended by itself.
  if (!(txCode === 130 && stopRequested)) errors.push(`flute send exited ${txCode}: ${tx.stderr.trim()}`);
  // 130: stopped by us after every file was in (see above); its summary is printed.
  if (rxCode !== 0 && !late && !(rxCode === 130 && rxStopped)) errors.push(`flute receive exited ${rxCode}: ${rx.stderr.trim()}`);

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
    transfers: transfersStarted,
    account: accountDatagrams(ts, rs),
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
  return { ok: false, files, bytes: 0, seconds: 0, goodputMbps: 0, sent: 0, received: 0, lost: 0, dropped: 0, recoveredSymbols: 0, transfers: 0, account: accountDatagrams({}, {}), group, errors };
}

/** The accounting line: where every datagram sent went. */
export function formatAccount(a: DatagramAccount): string {
  return `${a.sent} sent = ${a.processed} processed by the receiver + ${a.injected} injected loss + ${a.socket === undefined ? '? (not measurable here)' : a.socket} socket drops + ${a.ring} ring drops + ${a.unread} unread at the end + ${a.unaccounted} unaccounted`;
}

/** The closing table of the demo. */
export function formatSummary(r: FluteDemoResult, wallSeconds: number): string {
  const intact = r.files.filter((f) => f.received === f.md5).length;
  const lines = [
    `files      ${intact}/${r.files.length} intact (MD5 of every received file equals the original's)`,
    `bytes      ${formatBytes(r.bytes)}`,
    `goodput    ${r.goodputMbps.toFixed(1)} Mbit/s (file bytes over the receiver's first datagram to last file: ${r.seconds.toFixed(2)} s)`,
    `datagrams  ${r.sent} sent, ${r.lost} lost to the injected loss (${r.received > 0 ? ((100 * r.lost) / r.received).toFixed(1) : '0'}%), ${r.dropped} dropped by full buffers, ${r.recoveredSymbols} source symbols recovered by FEC`,
    `accounting ${formatAccount(r.account)}`,
    `carousel   ${r.transfers} transfers started for ${r.files.length} files; ${r.files.filter((f) => f.transfer > 1).length} file(s) completed only on a repeat`,
    `time       ${wallSeconds.toFixed(1)} s in all`,
  ];
  for (const f of r.files) if (f.received !== f.md5) lines.push(`MISSING or CORRUPT: ${f.name} (${f.received === undefined ? 'not received' : `md5 ${f.received}, expected ${f.md5}`})`);
  for (const e of r.errors) lines.push(`error: ${e}`);
  return lines.join('\n');
}

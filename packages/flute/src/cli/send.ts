/// <reference types="node" />
// flute send: files and folders out over UDP (multicast or unicast) as one FLUTE session.
import { parseArgs } from 'node:util';
import type { ContentEncoding, CompressionLevel } from '../encoding.js';
import { repairCount } from '../fec/scheme.js';
import type { CarouselTiming, FecOptions, FluteProfile, FluteSenderOptions, ObjectOptions } from '../sender/options.js';
import { formatEndpoint } from '../node/address.js';
import { collectFiles, fileObject, type FileEntry } from '../node/objects.js';
import { FluteUdpSender } from '../node/udp-sender.js';
import { COMMON_OPTIONS, UsageError, big, bitrate, choice, fecId, formatBytes, formatRate, fraction, int, repair, seconds } from './args.js';
import { plannedRepair, receptionOverhead } from './repair.js';
import { Output, RateMeter, outputMode } from './output.js';

export const SEND_USAGE = `Usage: flute send [options] <file or folder>...

Sends files (a folder: every file below it, named by its path inside the folder) as one FLUTE
session over UDP, paced by a token bucket, then closes the session.

Destination:
  -g, --group ADDR:PORT      multicast group or unicast host and port (239.255.0.1:4000);
                             IPv6 in brackets: [ff15::1]:4000
  -i, --interface IF         outgoing multicast interface: an address of this host or an
                             interface name (default: the system's route)
      --bind ADDR[:PORT]     local address (and port) to send from
      --ttl N                multicast TTL / hop limit (1)
      --no-loopback          do not deliver to receivers on this host
  -b, --bitrate RATE         pacing, bits/s with k/M/G (30M); 0 or max: unpaced
                             (each event-loop turn's datagrams go out in one sendmmsg where
                             @proto/udp-batch is built; PROTO_UDP_BATCH=0 turns that off)
Session:
      --tsi N                Transport Session Identifier (1)
      --profile P            rfc6726 (FLUTE v2, default), rfc3926 (v1), interop (GPAC/3GPP)
      --tsi-bits 16|32|48    --toi-bits 16..112  (32 unless the profile says otherwise)
      --datagram-size N      largest UDP payload (1472)
FEC:
      --fec ID               0/no-code (default), 1/raptor, 2/rs2m, 5/rs, 6/raptorq, 129/rs129
      --symbol-size N        encoding symbol length in bytes (1424)
      --block-length N       maximum source block length in symbols (64)
      --repair R             repair symbols per block: 15% of the block, or a count like 8
      --design-loss P        plan repair per file for this packet loss (0.1 or 10%): each block
                             gets at least --repair and enough to fail at most once in 10^6
      --fec-m M              m for FEC 2 (8)
      --rs-matrix M          rfc5510 (default) or backblaze (ypo/flute receivers)
      --no-fti               FTI only in the FDT (no EXT_FTI on object packets)
Objects:
      --encoding E           content encoding: null (default), deflate, zlib, gzip
      --level N              compression level 0..9 (6)
      --no-md5               do not declare Content-MD5
      --cenc                 EXT_CENC on object packets
      --priority N           queue priority, lower first (0)
      --start-delay MS       start each transfer MS after queueing the file, so that the FDT
                             carousel announces it several times first (0)
      --multiplex N          objects sent in parallel, one packet each in turn (3)
      --interleave N         blocks of an object interleaved (1)
Carousel:
      --transfers N          times each object is sent (1)
      --carousel-delay MS    pause after a transfer before the next one (0)
      --carousel-interval MS time between the starts of two transfers (instead of the delay)
      --loop                 endless carousel (until interrupted)
FDT:
      --fdt-mode M           full (FullFDT: every file in every instance, default) or
                             objects-being-transferred (in-flight for short)
      --fdt-duration S       Expires = now + S seconds (3600)
      --fdt-carousel MS      FDT repetition interval (1000)
      --fdt-encoding E       content encoding of the FDT (null)
      --fdt-keep-finished N  full mode: how many sent files stay listed until their FDT
                             instance expires (1024; 0 = unlisted once sent)
      --no-complete          do not mark the FDT Complete once every file is listed
Output:
      --json                 one JSON event per line on stdout (the default when stderr is
                             not a terminal)
  -q, --quiet                print nothing but errors

Exit codes: 0 sent, 1 an error (network, a file could not be read), 2 bad arguments.

Examples:
  flute send -g 239.255.0.1:4000 -i 127.0.0.1 --ttl 1 report.pdf photos/
  flute send -g 239.255.0.1:4000 --fec raptorq --repair 15% -b 100M big.iso
  flute send -g [ff15::1]:4000 -i eth0 --encoding gzip --loop site/
  flute send -g 10.0.0.7:4000 --profile interop --fec 0 segment.m4s
`;

const WINDOW = 32;

export async function send(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      ...COMMON_OPTIONS,
      bind: { type: 'string' },
      ttl: { type: 'string' },
      loopback: { type: 'boolean', default: true },
      bitrate: { type: 'string', short: 'b' },
      tsi: { type: 'string' },
      profile: { type: 'string' },
      'tsi-bits': { type: 'string' },
      'toi-bits': { type: 'string' },
      'datagram-size': { type: 'string' },
      fec: { type: 'string' },
      'symbol-size': { type: 'string' },
      'block-length': { type: 'string' },
      repair: { type: 'string' },
      'design-loss': { type: 'string' },
      'fec-m': { type: 'string' },
      'rs-matrix': { type: 'string' },
      fti: { type: 'boolean', default: true },
      encoding: { type: 'string' },
      level: { type: 'string' },
      md5: { type: 'boolean', default: true },
      cenc: { type: 'boolean', default: false },
      priority: { type: 'string' },
      multiplex: { type: 'string' },
      interleave: { type: 'string' },
      'start-delay': { type: 'string' },
      transfers: { type: 'string' },
      'carousel-delay': { type: 'string' },
      'carousel-interval': { type: 'string' },
      loop: { type: 'boolean', default: false },
      'fdt-mode': { type: 'string' },
      'fdt-duration': { type: 'string' },
      'fdt-carousel': { type: 'string' },
      'fdt-encoding': { type: 'string' },
      'fdt-keep-finished': { type: 'string' },
      complete: { type: 'boolean', default: true },
    },
  });
  if (v.help) {
    process.stdout.write(SEND_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('send: name at least one file or folder');
  const encodings = ['null', 'deflate', 'zlib', 'gzip'] as const;
  const fec = fecId('fec', v.fec, 0);
  const repairOption = repair('repair', v.repair);
  const symbolLength = v['symbol-size'] === undefined ? undefined : int('symbol-size', v['symbol-size'], 0, 1, 65535);
  const blockLength = v['block-length'] === undefined ? undefined : int('block-length', v['block-length'], 0, 1, 2 ** 31);
  const m = v['fec-m'] === undefined ? undefined : int('fec-m', v['fec-m'], 8, 2, 16);
  if (v['carousel-delay'] !== undefined && v['carousel-interval'] !== undefined) throw new UsageError('--carousel-delay and --carousel-interval exclude each other');
  const carousel: CarouselTiming =
    v['carousel-interval'] !== undefined
      ? { mode: 'interval', ms: int('carousel-interval', v['carousel-interval'], 0) }
      : { mode: 'delay', ms: int('carousel-delay', v['carousel-delay'], 0) };
  const transfers = v.loop ? Infinity : int('transfers', v.transfers, 1, 1);
  // 'in-flight' stands for ObjectsBeingTransferred (ypo/flute's name, long to type).
  const fdtMode = choice('fdt-mode', v['fdt-mode'], ['full', 'objects-being-transferred', 'in-flight'], 'full');
  const engine: FluteSenderOptions = {
    tsi: big('tsi', v.tsi, 1n),
    profile: choice<FluteProfile>('profile', v.profile, ['rfc6726', 'rfc3926', 'interop'], 'rfc6726'),
    ...(v['tsi-bits'] === undefined ? {} : { tsiBits: Number(choice('tsi-bits', v['tsi-bits'], ['16', '32', '48'], '32')) as 16 | 32 | 48 }),
    ...(v['toi-bits'] === undefined ? {} : { toiBits: Number(choice('toi-bits', v['toi-bits'], ['16', '32', '48', '64', '80', '96', '112'], '32')) as 32 }),
    maxDatagramSize: int('datagram-size', v['datagram-size'], 1472, 128, 65507),
    fec: {
      encodingId: fec,
      ...(symbolLength === undefined ? {} : { symbolLength }),
      ...(blockLength === undefined ? {} : { maxSourceBlockLength: blockLength }),
      ...(repairOption === undefined ? {} : { repair: repairOption }),
      ...(m === undefined ? {} : { m }),
    },
    rsMatrix: choice('rs-matrix', v['rs-matrix'], ['rfc5510', 'backblaze'], 'rfc5510'),
    inBandFti: v.fti,
    inBandCenc: v.cenc,
    multiplex: int('multiplex', v.multiplex, 3, 1, 1024),
    interleave: int('interleave', v.interleave, 1, 1, 1024),
    fdt: {
      publishMode: fdtMode === 'in-flight' ? 'objects-being-transferred' : fdtMode,
      durationMs: seconds('fdt-duration', v['fdt-duration'], 3_600_000),
      carousel: { mode: 'delay', ms: int('fdt-carousel', v['fdt-carousel'], 1000) },
      contentEncoding: choice<ContentEncoding>('fdt-encoding', v['fdt-encoding'], encodings, 'null'),
      keepFinished: int('fdt-keep-finished', v['fdt-keep-finished'], 1024),
    },
  };
  const objectOptions: Omit<ObjectOptions, 'source' | 'contentLocation'> = {
    contentEncoding: choice<ContentEncoding>('encoding', v.encoding, encodings, 'null'),
    compressionLevel: int('level', v.level, 6, 0, 9) as CompressionLevel,
    md5: v.md5,
    priority: int('priority', v.priority, 0, -(2 ** 31), 2 ** 31),
    maxTransfers: transfers,
    carousel,
  };
  const designLoss = fraction('design-loss', v['design-loss']);
  if (designLoss !== undefined && fec === 0) throw new UsageError('--design-loss needs a FEC scheme with repair symbols (--fec 1, 2, 5, 6 or 129)');
  const plan = (file: FileEntry): FecOptions | undefined => {
    if (designLoss === undefined) return undefined;
    // Blocks as the engine will cut them (RFC 5052 §9.1), planned on the file size.
    const T = symbolLength ?? 1424;
    const total = Math.max(1, Math.ceil(file.size / T));
    const B = Math.min(blockLength ?? 64, total);
    const k = Math.ceil(total / Math.ceil(total / B));
    const rs = fec === 2 || fec === 5 || fec === 129;
    const r = plannedRepair(k, designLoss, { floor: repairCount(k, repairOption ?? { symbols: 0 }), overhead: receptionOverhead(fec), max: rs ? 2 ** (m ?? 8) - 1 - B : Infinity });
    // Reed-Solomon gives a block of k symbols floor(k · max_n / B) encoding symbols: B is the file's own.
    return { repair: { symbols: r }, ...(rs ? { maxSourceBlockLength: B } : {}) };
  };
  const rate = bitrate('bitrate', v.bitrate, 30e6);
  const ttl = int('ttl', v.ttl, 1, 0, 255);
  let files: FileEntry[];
  try {
    files = await collectFiles(positionals);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const out = new Output(outputMode(v.json, v.quiet));
  const tx = await FluteUdpSender.open({
    destination: v.group ?? '239.255.0.1:4000',
    ...(v.interface === undefined ? {} : { interface: v.interface }),
    ...(v.bind === undefined ? {} : { bind: v.bind }),
    ttl,
    loopback: v.loopback,
    bitrate: rate,
    flute: engine,
  });
  return run(tx, files, objectOptions, { transfers, complete: v.complete, startDelay: int('start-delay', v['start-delay'], 0), fec: plan }, out);
}

interface Tracked {
  readonly file: FileEntry;
  /** Content bytes of finished transfers plus the running one's share. */
  doneBytes: number;
  bar: ReturnType<Output['bar']> | undefined;
}

interface Plan {
  /** Transfers per object (Infinity: endless carousel). */
  readonly transfers: number;
  /** Mark the FDT Complete once every file is listed. */
  readonly complete: boolean;
  /** Milliseconds between queueing an object and its first transfer. */
  readonly startDelay: number;
  /** Per-file FEC (repair planned for a loss rate), over the session's. */
  readonly fec: (file: FileEntry) => FecOptions | undefined;
}

async function run(tx: FluteUdpSender, files: FileEntry[], objectOptions: Omit<ObjectOptions, 'source' | 'contentLocation'>, plan: Plan, out: Output): Promise<number> {
  const { transfers, complete, startDelay, fec } = plan;
  const started = performance.now();
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const loop = transfers === Infinity;
  const byToi = new Map<bigint, Tracked>();
  let next = 0;
  let active = 0;
  /** Objects measured and listable (or failed before): Complete waits for all of them. */
  const prepared = new Set<bigint>();
  let finished = 0;
  let failed = 0;
  let fatal: Error | undefined;
  let resolveEnd!: () => void;
  const ended = new Promise<void>((r) => (resolveEnd = r));
  const { engine } = tx;

  out.json('start', {
    destination: formatEndpoint(tx.destination),
    source: formatEndpoint(tx.localAddress),
    tsi: engine.tsi,
    profile: engine.profile,
    files: files.length,
    bytes: totalBytes,
    bitrate: Number.isFinite(tx.bucket.bitrate) ? tx.bucket.bitrate : null,
    transfers: loop ? null : transfers,
  });
  out.log(`sending ${files.length} file(s), ${formatBytes(totalBytes)}, to ${formatEndpoint(tx.destination)} TSI ${engine.tsi} at ${formatRate(tx.bucket.bitrate)}${loop ? ', endless carousel' : transfers > 1 ? `, ${transfers} transfers each` : ''}`);
  const total = out.bar('total', loop ? totalBytes : totalBytes * transfers, '{name} [{bar}] {percentage}% {done}/{size} {rate} ETA {eta_formatted}', { rate: '' });
  const meter = new RateMeter();

  const add = (): void => {
    // A window of objects at a time (their MD5 pre-pass opens the file); all of them for an endless carousel.
    while (next < files.length && (loop || active < WINDOW)) {
      const file = files[next++]!;
      const fileFec = fec(file);
      const toi = tx.addObject(
        fileObject(file, {
          ...objectOptions,
          ...(startDelay > 0 ? { startAt: Date.now() + startDelay } : {}),
          ...(fileFec === undefined ? {} : { fec: fileFec }),
        }),
      );
      byToi.set(toi, { file, doneBytes: 0, bar: undefined });
      active++;
    }
    markComplete();
  };
  const markComplete = (): void => {
    // Complete="true" says the FDT lists every file of the session: only once the last one is
    // added and every added one is measured (listed), never on an instance still missing some.
    if (complete && next === files.length && prepared.size >= next) {
      engine.setComplete();
      tx.wake();
    }
  };
  const settle = (): void => {
    active--;
    add();
    if (!loop && finished + failed === files.length) resolveEnd();
  };

  engine.on('object-ready', (e) => {
    prepared.add(e.toi);
    const t = byToi.get(e.toi);
    out.json('object-ready', { toi: e.toi, contentLocation: t?.file.contentLocation, transferLength: e.transferLength });
    markComplete();
  });
  engine.on('fdt-published', (e) => out.json('fdt', { instanceId: e.instanceId, files: e.files, bytes: e.bytes }));
  engine.on('transfer-start', (e) => {
    const t = byToi.get(e.toi);
    if (t === undefined) return;
    t.bar = out.bar(t.file.contentLocation, t.file.size);
    out.json('transfer-start', { toi: e.toi, contentLocation: t.file.contentLocation, transfer: e.transfer, packets: e.packets });
  });
  engine.on('transfer-progress', (e) => {
    const t = byToi.get(e.toi);
    if (t === undefined) return;
    const share = e.packets === 0 ? t.file.size : Math.min(t.file.size, (t.file.size * e.sent) / e.packets);
    t.bar?.update(share);
    t.doneBytes = (e.transfer - 1) * t.file.size + share;
  });
  engine.on('transfer-end', (e) => {
    const t = byToi.get(e.toi);
    if (t === undefined) return;
    t.bar?.remove();
    t.bar = undefined;
    t.doneBytes = e.transfer * t.file.size;
    out.json('transfer-end', { toi: e.toi, contentLocation: t.file.contentLocation, transfer: e.transfer, packets: e.sent, cut: e.cut });
    out.log(`sent ${t.file.contentLocation} (${formatBytes(t.file.size)})${loop || transfers > 1 ? `, transfer ${e.transfer}` : ''}`);
  });
  engine.on('object-done', (e) => {
    if (!byToi.has(e.toi)) return;
    finished++;
    settle();
  });
  engine.on('object-error', (e) => {
    const t = byToi.get(e.toi);
    if (t === undefined) return;
    failed++;
    prepared.add(e.toi);
    t.bar?.remove();
    const message = e.error instanceof Error ? e.error.message : String(e.error);
    out.json('object-error', { toi: e.toi, contentLocation: t.file.contentLocation, message });
    out.log(`failed ${t.file.contentLocation}: ${message}`);
    process.stderr.write(`flute: cannot send ${t.file.path}: ${message}\n`);
    settle();
  });
  tx.on('error', (e) => {
    fatal ??= e.error;
    resolveEnd();
  });

  const refresh = setInterval(() => {
    let sent = 0;
    for (const t of byToi.values()) sent += t.doneBytes;
    const shown = loop ? sent % Math.max(1, totalBytes) : sent;
    total.update(shown, { rate: formatRate(meter.sample(tx.stats.bytes) * 8) });
  }, 125);
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    resolveEnd();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  add();
  if (files.length === 0) resolveEnd();
  await ended;
  clearInterval(refresh);
  if (fatal !== undefined) {
    tx.destroy();
    out.error(`cannot send to ${formatEndpoint(tx.destination)}: ${fatal.message}`);
    return 1;
  }
  await tx.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const secs = (performance.now() - started) / 1000;
  let sentBytes = 0;
  for (const t of byToi.values()) sentBytes += t.doneBytes;
  total.update(loop ? sentBytes % Math.max(1, totalBytes) : sentBytes, { rate: formatRate((tx.stats.bytes * 8) / secs) });
  out.stop();
  const summary = {
    files: finished,
    failed,
    bytes: Math.round(sentBytes),
    datagrams: tx.stats.datagrams,
    wireBytes: tx.stats.bytes,
    seconds: Number(secs.toFixed(3)),
    mbps: Number(((tx.stats.bytes * 8) / secs / 1e6).toFixed(1)),
    interrupted,
  };
  out.json('summary', summary);
  if (out.mode === 'bars') {
    process.stderr.write(`${interrupted ? 'interrupted: ' : ''}${finished} file(s) sent, ${formatBytes(sentBytes)} in ${summary.seconds} s, ${summary.datagrams} datagrams (${formatRate(summary.mbps * 1e6)} on the wire)${failed > 0 ? `, ${failed} failed` : ''}\n`);
  }
  return interrupted ? 130 : failed > 0 ? 1 : 0;
}

#!/usr/bin/env node
/// <reference types="node" />
// syfala server | syfala client: Syfala audio streaming over UDP (optional TCP control plane).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  frameSize,
  parseSampleType,
  sampleTypeName,
  SyfalaClient,
  WAV_SAMPLE_TYPES,
  SyfalaServer,
  type AudioSink,
  type AudioSource,
  type ClientEvent,
  type Format,
  type PeerId,
  type ReceiverOptions,
  type ServerEvent,
  type StreamReceiver,
} from '../index.js';
import { bindUdp, connectControl, EngineDriver, openSink, openSource, TcpControlListener } from '../node/index.js';

const USAGE = `usage:
  syfala server [options]   advertise formats, play a source to clients, record what clients send
  syfala client [options]   discover a server, connect, stream a source, record what the server sends

common options:
  --bind ADDR            local address (default 0.0.0.0)
  --port N               local UDP port (server default 6911, client default 6910; 0 = any)
  --source SPEC          tone[:HZ] | wav:PATH | PATH.wav | raw:PATH | raw:- (stdin)
  --record SPEC          wav:PATH | PATH.wav | raw:PATH | raw:- (stdout): the received stream,
                         losses concealed with silence
  --rate HZ --channels N --type T
                         format of tone/raw sources (default 48000, 2, f32); T is one of
                         u8 u16 u24 u32 u64 i8 i16 i24 i32 i64 f32 f64
  --seconds S            length of a tone source (default endless)
  --target-latency MS    jitter buffer target (default 40)
  --max-latency MS       jitter buffer bound (default 3 x target)
  --drift MODE           drift correction of the playout: slip (default), resample, off
  --tcp                  offer/use the TCP control plane (falls back to UDP with plain peers)
  --duration S           exit after S seconds
  --json                 print statistics as JSON lines on stdout (stderr when recording to raw:-)
  --stats-interval MS    statistics period (default 1000)
server options:
  --tcp-port N           TCP control port (default: any free port; implies --tcp)
  --out-rate/--out-channels/--out-type
                         format of the stream clients send (default: the source's format)
  --port-file PATH       write the bound UDP port to PATH
client options:
  --server HOST:PORT     send discovery to this server (unicast)
  --discover ADDR:PORT   send discovery to a broadcast address (sets SO_BROADCAST)
  --idle-exit MS         exit this long after received audio stops (default 1500, 0 = never)
`;

const TICK_MS = 5;

// Bad arguments are one line on stderr and exit code 2, never a stack trace.
const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        bind: { type: 'string' },
        port: { type: 'string' },
        source: { type: 'string' },
        record: { type: 'string' },
        rate: { type: 'string' },
        channels: { type: 'string' },
        type: { type: 'string' },
        seconds: { type: 'string' },
        'target-latency': { type: 'string' },
        'max-latency': { type: 'string' },
        drift: { type: 'string' },
        tcp: { type: 'boolean' },
        'tcp-port': { type: 'string' },
        duration: { type: 'string' },
        json: { type: 'boolean' },
        'stats-interval': { type: 'string' },
        'out-rate': { type: 'string' },
        'out-channels': { type: 'string' },
        'out-type': { type: 'string' },
        'port-file': { type: 'string' },
        server: { type: 'string' },
        discover: { type: 'string' },
        'idle-exit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(oneLine(e));
  }
})();

function num(name: string, fallback: number): number {
  const v = (values as Record<string, string | boolean | undefined>)[name];
  if (v === undefined || typeof v === 'boolean') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`--${name} expects a number, got ${v}`);
  return n;
}

/** An error's message on one line (parseArgs writes some over several). */
function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
}

function fail(message: string): never {
  process.stderr.write(`syfala: ${message}\n`);
  process.exit(2);
}

function formatFrom(prefix: string, base?: Format): Format {
  return {
    sampleRate: num(`${prefix}rate`, base?.sampleRate ?? 48_000),
    channelCount: num(`${prefix}channels`, base?.channelCount ?? 2),
    bufferSize: base?.bufferSize ?? 0,
    sampleType:
      (values as Record<string, string | undefined>)[`${prefix}type`] !== undefined
        ? parseSampleType((values as Record<string, string>)[`${prefix}type`]!)
        : (base?.sampleType ?? parseSampleType('f32')),
  };
}

/** Where statistics go: stdout, unless raw audio is recorded there. */
const statsOut = values.record === 'raw:-' ? process.stderr : process.stdout;

function emit(obj: Record<string, unknown>): void {
  if (values.json === true) statsOut.write(`${JSON.stringify(obj)}\n`);
  else process.stderr.write(`${Object.entries(obj).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}\n`);
}

/** CPU time of this process as a percentage of one core since the last call. */
function cpuMeter(): () => number {
  let last = process.cpuUsage();
  let lastAt = performance.now();
  return () => {
    const u = process.cpuUsage(last);
    const now = performance.now();
    const pct = ((u.user + u.system) / 1000 / Math.max(1, now - lastAt)) * 100;
    last = process.cpuUsage();
    lastAt = now;
    return Math.round(pct * 10) / 10;
  };
}

/** Pulls a receiver's playout at the local clock (there is no sound card: the output is discarded). */
class Playout {
  private frames = 0;
  private readonly start: number;
  private buffer = new Uint8Array(0);
  constructor(
    readonly receiver: StreamReceiver,
    now: number,
  ) {
    this.start = now;
  }
  tick(now: number): void {
    const want = Math.floor(((now - this.start) * this.receiver.format.sampleRate) / 1000);
    const n = want - this.frames;
    if (n <= 0) return;
    const bytes = n * this.receiver.frameBytes;
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
    this.receiver.read(this.buffer.subarray(0, bytes), now);
    this.frames = want;
  }
}

/** Reads a source at the local clock from the moment IO starts. */
class Pacer {
  private frames = 0;
  private start: number | undefined;
  ended = false;
  private busy = false;
  constructor(readonly source: AudioSource) {}
  reset(): void {
    this.frames = 0;
    this.start = undefined;
  }
  async due(now: number): Promise<Uint8Array | null> {
    if (this.ended || this.busy) return null;
    this.start ??= now;
    const want = Math.floor(((now - this.start) * this.source.format.sampleRate) / 1000) + 1;
    const n = want - this.frames;
    if (n <= 0) return null;
    this.busy = true;
    try {
      const data = await this.source.read(n);
      if (data === null) {
        this.ended = true;
        return null;
      }
      this.frames += data.length / frameSize(this.source.format);
      return data;
    } finally {
      this.busy = false;
    }
  }
}

/** A recording tap: writes the received stream (losses concealed) into `sink` once it is set. */
class Recorder {
  sink: AudioSink | undefined;
  written = 0;
  readonly tap: NonNullable<ReceiverOptions['onStream']> = (_byteIndex, bytes) => {
    if (this.sink === undefined) return;
    this.written += bytes.length;
    void this.sink.write(bytes);
  };
}

/**
 * Runs `tick` every TICK_MS and `stats` every --stats-interval; returns `stop`, which also runs on
 * SIGINT, SIGTERM and after --duration: it calls `shutdown`, prints the final statistics and exits.
 */
function lifecycle(tick: () => void, stats: (final: boolean) => void, shutdown: () => Promise<void>): () => Promise<void> {
  const timer = setInterval(tick, TICK_MS);
  const statsTimer = setInterval(() => stats(false), num('stats-interval', 1000));
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    clearInterval(statsTimer);
    await shutdown();
    stats(true);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (values.duration !== undefined) setTimeout(() => void stop(), num('duration', 0) * 1000);
  return stop;
}

function latencyOptions(): ReceiverOptions {
  const target = num('target-latency', 40);
  const max = num('max-latency', 0);
  const drift = values.drift ?? 'slip';
  if (drift !== 'slip' && drift !== 'resample' && drift !== 'off') fail(`--drift expects slip, resample or off, got ${drift}`);
  return { targetLatencyMs: target, driftCorrection: drift, ...(max > 0 ? { maxLatencyMs: max } : {}) };
}

async function runServer(): Promise<void> {
  const receive = latencyOptions();
  const toneFrames = values.seconds === undefined ? undefined : Math.round(num('seconds', 0) * num('rate', 48_000));
  const source = openSource(values.source ?? 'tone', formatFrom(''), toneFrames);
  const outFormat = formatFrom('out-', source.format);
  const bind = values.bind ?? '0.0.0.0';
  const socket = await bindUdp({ address: bind, port: num('port', 6911) });
  const tcp = values.tcp === true || values['tcp-port'] !== undefined ? await TcpControlListener.listen(bind, num('tcp-port', 0)) : undefined;
  const rec = new Recorder();
  if (values.record !== undefined) rec.sink = openSink(values.record, outFormat);
  let recordingPeer: PeerId | undefined;
  const engine = new SyfalaServer({
    formats: { inputs: [source.format], outputs: [outFormat] },
    ...(tcp === undefined ? {} : { tcpControlPort: tcp.port }),
    receiverOptions: (peer) => {
      recordingPeer ??= peer;
      return { ...receive, ...(peer === recordingPeer ? { onStream: rec.tap } : {}) };
    },
  });
  const playouts = new Map<PeerId, Playout>();
  let recording: StreamReceiver | undefined;
  const pacer = new Pacer(source);
  let active = 0;
  const driver = new EngineDriver<ServerEvent>(engine, socket, {
    onEvent: (e) => {
      if (e.type === 'io-started') active++;
      if (e.type === 'io-stopped') active--;
      if (e.type === 'disconnected' || e.type === 'io-stopped') playouts.delete(e.peer);
      emit({ event: e.type, peer: e.peer, ...('reason' in e ? { reason: e.reason } : {}) });
    },
  });
  tcp?.use(driver as EngineDriver<unknown>);
  const port = socket.address().port;
  if (values['port-file'] !== undefined) writeFileSync(values['port-file'], `${port}\n`);
  emit({ event: 'listening', port, tcpPort: tcp?.port ?? null, inputs: engine.formats.inputs, outputs: engine.formats.outputs });

  const cpu = cpuMeter();
  const cpuTotal = cpuMeter();
  const stats = (final: boolean): void => {
    const clients = engine.clients().map((c) => ({ ...c, receiver: engine.receiver(c.peer, 0)?.stats() }));
    emit({
      event: final ? 'final' : 'stats',
      role: 'server',
      cpu: final ? cpuTotal() : cpu(),
      counters: engine.counters,
      driver: driver.counters,
      clients,
      recording: recording?.stats() ?? null,
      recordedBytes: rec.written,
    });
  };
  lifecycle(
    () => {
      const now = driver.now();
      if (active > 0) {
        void pacer.due(now).then((data) => {
          if (data !== null) {
            engine.broadcastAudio(0, data);
            driver.kick();
          }
        });
      } else pacer.reset();
      for (const c of engine.clients()) {
        const r = engine.receiver(c.peer, 0);
        if (r === undefined || playouts.has(c.peer)) continue;
        playouts.set(c.peer, new Playout(r, now));
        if (c.peer === recordingPeer) recording = r;
      }
      for (const p of playouts.values()) p.tick(now);
    },
    stats,
    async () => {
      engine.close();
      await driver.close();
      await tcp?.close();
      await rec.sink?.close();
      await source.close();
    },
  );
}

async function runClient(): Promise<void> {
  const receive = latencyOptions();
  const target = values.server ?? values.discover;
  if (target === undefined) fail('client needs --server HOST:PORT or --discover ADDR:PORT');
  const socket = await bindUdp({ address: values.bind ?? '0.0.0.0', port: num('port', 6910), broadcast: values.discover !== undefined });
  const toneFrames = values.seconds === undefined ? undefined : Math.round(num('seconds', 0) * num('rate', 48_000));
  const source = values.source === undefined ? undefined : openSource(values.source, formatFrom(''), toneFrames);
  const rec = new Recorder();
  let server: PeerId | undefined;
  const engine = new SyfalaClient({
    discoveryTargets: [target],
    autoStart: true,
    tcpControl: values.tcp === true,
    maxServers: 1,
    acceptServer: (_peer, formats) => {
      const input = formats.inputs[0];
      if (values.record !== undefined) {
        const wav = !values.record.startsWith('raw:');
        if (input === undefined || (wav && !WAV_SAMPLE_TYPES.includes(input.sampleType))) {
          emit({ event: 'refusing', reason: input === undefined ? 'the server sends no stream to record' : `WAV cannot carry sample type ${sampleTypeName(input.sampleType)} (record to raw:PATH)` });
          return 'refused';
        }
      }
      if (source !== undefined && formats.outputs[0] !== undefined) {
        const o = formats.outputs[0];
        const s = source.format;
        if (o.sampleRate !== s.sampleRate || o.channelCount !== s.channelCount || o.sampleType !== s.sampleType) return 'refused';
      }
      return 'success';
    },
    receiverOptions: (_peer, streamIndex, format) => {
      if (streamIndex !== 0 || values.record === undefined) return receive;
      rec.sink ??= openSink(values.record, format);
      return { ...receive, onStream: rec.tap };
    },
  });
  let playout: Playout | undefined;
  const pacer = source === undefined ? undefined : new Pacer(source);
  let ioActive = false;
  let tcpControl = false;
  let stop = (): Promise<void> => Promise.resolve();
  const driver: EngineDriver<ClientEvent> = new EngineDriver<ClientEvent>(engine, socket, {
    onEvent: (e) => {
      if (e.type === 'connected') {
        server = e.peer;
        engine.stopDiscovery();
      }
      if (e.type === 'io-started') {
        ioActive = true;
        pacer?.reset();
      }
      if (e.type === 'io-stopped') ioActive = false;
      if (e.type === 'control-plane') {
        connectControl(driver as EngineDriver<unknown>, e.peer, e.tcpPort)
          .then(() => (tcpControl = true))
          .catch((err: Error) => emit({ event: 'control-plane-failed', error: err.message }));
      }
      if (e.type === 'disconnected') {
        ioActive = false;
        void stop();
      }
      emit({ event: e.type, peer: e.peer, ...('reason' in e ? { reason: e.reason } : {}), ...('tcpPort' in e ? { tcpPort: e.tcpPort } : {}) });
    },
  });
  engine.startDiscovery(driver.now());
  driver.kick();

  const cpu = cpuMeter();
  const cpuTotal = cpuMeter();
  let receiver: StreamReceiver | undefined;
  const stats = (final: boolean): void => {
    const r = receiver;
    emit({
      event: final ? 'final' : 'stats',
      role: 'client',
      server: server ?? null,
      cpu: final ? cpuTotal() : cpu(),
      counters: engine.counters,
      driver: driver.counters,
      tcpControl,
      receiver: r?.stats() ?? null,
      recordedBytes: rec.written,
    });
  };
  const idleExit = num('idle-exit', 1500);
  let lastReceived = 0;
  let lastChange = driver.now();
  stop = lifecycle(
    () => {
      const now = driver.now();
      if (server === undefined) return;
      if (ioActive && pacer !== undefined) {
        void pacer.due(now).then((data) => {
          if (data !== null && server !== undefined) {
            engine.sendAudio(server, 0, data);
            driver.kick();
          }
        });
      }
      const r = engine.receiver(server, 0);
      if (r !== undefined) {
        receiver = r;
        playout ??= new Playout(r, now);
        playout.tick(now);
        const received = r.stats().receivedSamples;
        if (received !== lastReceived) {
          lastReceived = received;
          lastChange = now;
        } else if (idleExit > 0 && now - lastChange > idleExit && (pacer === undefined || pacer.ended)) void stop();
      }
    },
    stats,
    async () => {
      receiver?.flush();
      engine.close();
      await driver.close();
      await rec.sink?.close();
      await source?.close();
    },
  );
}

const command = positionals[0];
if (values.help === true || command === undefined) {
  process.stdout.write(USAGE);
  process.exit(command === undefined && values.help !== true ? 2 : 0);
}
try {
  if (command === 'server') await runServer();
  else if (command === 'client') await runClient();
  else fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
} catch (e) {
  fail(oneLine(e));
}

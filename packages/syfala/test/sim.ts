// A virtual-clock harness for end-to-end tests: one SyfalaServer and one SyfalaClient over a
// MemoryNetwork, each with its own clock (rate error in ppm, offset), audio produced at the
// sender's clock and played out at the receiver's clock, and the receivers' recording taps
// checked against the generator byte for byte.
import { frameSize, MemoryNetwork, SampleType, SyfalaClient, SyfalaServer, type Format, type MemoryNetworkOptions, type ReceiverStats } from '@proto/syfala';

/** Deterministic, position-addressable test signal: byte at stream offset p. */
export function patternByte(stream: number, p: number): number {
  let x = (p + 1) * 2654435761 + stream * 40503;
  x = (x ^ (x >>> 15)) >>> 0;
  return (x ^ (x >>> 7)) & 0xff;
}

export function pattern(stream: number, from: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = patternByte(stream, from + i);
  return out;
}

/** Checks a recording tap: contiguity and equality with the pattern, counting concealed bytes. */
export class TapCheck {
  next: number | undefined;
  dataBytes = 0;
  concealedBytes = 0;
  concealedSpans = 0;
  mismatches = 0;
  gaps = 0;
  private lastConcealedEnd = -1;
  constructor(private readonly stream: number) {}

  readonly tap = (byteIndex: number, bytes: Uint8Array, concealed: boolean): void => {
    if (this.next !== undefined && byteIndex !== this.next) this.gaps++;
    this.next = byteIndex + bytes.length;
    if (concealed) {
      if (byteIndex !== this.lastConcealedEnd) this.concealedSpans++;
      this.lastConcealedEnd = this.next;
      this.concealedBytes += bytes.length;
      return;
    }
    this.dataBytes += bytes.length;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== patternByte(this.stream, byteIndex + i)) this.mismatches++;
  };
}

export interface SimOptions {
  readonly durationMs: number;
  readonly network: MemoryNetworkOptions;
  readonly serverPpm: number;
  readonly clientPpm: number;
  readonly down: Format;
  readonly up: Format;
  readonly targetLatencyMs: number;
  readonly maxLatencyMs: number;
  /** Latency is checked after this much time (drift loop settling). */
  readonly settleMs: number;
  readonly driftCorrection?: 'slip' | 'resample';
}

export interface SimResult {
  readonly server: SyfalaServer;
  readonly client: SyfalaClient;
  readonly net: MemoryNetwork;
  readonly downTap: TapCheck;
  readonly upTap: TapCheck;
  readonly down: ReceiverStats;
  readonly up: ReceiverStats;
  readonly maxLevelMs: { down: number; up: number };
  readonly serverEvents: string[];
  readonly clientEvents: string[];
}

/** A sender producing audio at its local clock, in ticks. */
class Producer {
  private frames = 0;
  private start: number | undefined;
  constructor(
    private readonly format: Format,
    private readonly stream: number,
  ) {}
  reset(): void {
    this.frames = 0;
    this.start = undefined;
  }
  due(localNow: number): Uint8Array | undefined {
    this.start ??= localNow;
    const want = Math.floor(((localNow - this.start) * this.format.sampleRate) / 1000);
    const n = want - this.frames;
    if (n <= 0) return undefined;
    const fb = frameSize(this.format);
    const data = pattern(this.stream, this.frames * fb, n * fb);
    this.frames = want;
    return data;
  }
}

/** A playout pulling frames at its local clock. */
class Player {
  private frames = 0;
  private start: number | undefined;
  private buf = new Uint8Array(0);
  constructor(private readonly format: Format) {}
  pull(localNow: number, read: (out: Uint8Array) => void): void {
    this.start ??= localNow;
    const want = Math.floor(((localNow - this.start) * this.format.sampleRate) / 1000);
    const n = want - this.frames;
    if (n <= 0) return;
    const bytes = n * frameSize(this.format);
    if (this.buf.length < bytes) this.buf = new Uint8Array(bytes);
    read(this.buf.subarray(0, bytes));
    this.frames = want;
  }
}

/**
 * The acceptance scenario: 5% loss, 5% duplication, 5% reordering (held back up to 60 ms, beyond
 * the 40 ms target, so some data arrives late), 2–5 ms delay; server clock +100 ppm, client
 * clock −100 ppm; 48 kHz stereo I32 down, mono I16 up; latency target 40 ms, bound 80 ms.
 */
export function impairedScenario(durationMs: number): SimOptions {
  return {
    durationMs,
    network: { loss: 0.05, duplicate: 0.05, reorder: 0.05, delayMs: 2, jitterMs: 3, reorderDelayMs: 60, seed: 0x5eed },
    serverPpm: 100,
    clientPpm: -100,
    down: { sampleRate: 48_000, channelCount: 2, bufferSize: 32, sampleType: SampleType.I32 },
    up: { sampleRate: 48_000, channelCount: 1, bufferSize: 32, sampleType: SampleType.I16 },
    targetLatencyMs: 40,
    maxLatencyMs: 80,
    settleMs: 30_000,
  };
}

export function runSim(o: SimOptions): SimResult {
  const net = new MemoryNetwork(o.network);
  const sClock = (t: number): number => t * (1 + o.serverPpm * 1e-6) + 1_000;
  const cClock = (t: number): number => t * (1 + o.clientPpm * 1e-6) + 987_654;
  const downTap = new TapCheck(0);
  const upTap = new TapCheck(1);
  const receiverOptions = { targetLatencyMs: o.targetLatencyMs, maxLatencyMs: o.maxLatencyMs, driftCorrection: o.driftCorrection ?? 'slip' };
  const server = new SyfalaServer({
    formats: { inputs: [o.down], outputs: [o.up] },
    receiverOptions: () => ({ ...receiverOptions, onStream: upTap.tap }),
  });
  const client = new SyfalaClient({
    discoveryTargets: ['S'],
    autoStart: true,
    receiverOptions: () => ({ ...receiverOptions, onStream: downTap.tap }),
  });
  const serverEvents: string[] = [];
  const clientEvents: string[] = [];
  const downProducer = new Producer(o.down, 0);
  const upProducer = new Producer(o.up, 1);
  const downPlayer = new Player(o.down);
  const upPlayer = new Player(o.up);
  const maxLevelMs = { down: 0, up: 0 };
  let serverActive = false;
  let clientActive = false;
  const TICK = 5;
  client.startDiscovery(cClock(0));

  const flush = (t: number): void => {
    for (let d = server.poll(sClock(t)); d !== undefined; d = server.poll(sClock(t))) net.send('S', d.to, d.data, t);
    for (let d = client.poll(cClock(t)); d !== undefined; d = client.poll(cClock(t))) net.send('C', d.to, d.data, t);
    for (const e of server.takeEvents()) {
      serverEvents.push(e.type);
      if (e.type === 'io-started') serverActive = true;
      if (e.type === 'io-stopped' || e.type === 'disconnected') serverActive = false;
    }
    for (const e of client.takeEvents()) {
      clientEvents.push(e.type);
      if (e.type === 'io-started') {
        clientActive = true;
        client.stopDiscovery();
      }
      if (e.type === 'io-stopped' || e.type === 'disconnected') clientActive = false;
    }
  };

  for (let t = 0; t <= o.durationMs; t++) {
    for (let d = net.deliver(t); d !== undefined; d = net.deliver(t)) {
      if (d.to === 'S') server.push(d.data, sClock(t), d.from);
      else client.push(d.data, cClock(t), d.from);
    }
    if (t % TICK === 0) {
      if (serverActive) {
        const data = downProducer.due(sClock(t));
        if (data !== undefined) server.sendAudio('C', 0, data);
        const r = server.receiver('C', 0);
        if (r !== undefined) {
          upPlayer.pull(sClock(t), (out) => r.read(out, sClock(t)));
          if (t >= o.settleMs) maxLevelMs.up = Math.max(maxLevelMs.up, r.stats().bufferLevelMs);
        }
      }
      if (clientActive) {
        const data = upProducer.due(cClock(t));
        if (data !== undefined) client.sendAudio('S', 0, data);
        const r = client.receiver('S', 0);
        if (r !== undefined) {
          downPlayer.pull(cClock(t), (out) => r.read(out, cClock(t)));
          if (t >= o.settleMs) maxLevelMs.down = Math.max(maxLevelMs.down, r.stats().bufferLevelMs);
        }
      }
    }
    flush(t);
  }
  const down = client.receiver('S', 0)!.stats();
  const up = server.receiver('C', 0)!.stats();
  return { server, client, net, downTap, upTap, down, up, maxLevelMs, serverEvents, clientEvents };
}


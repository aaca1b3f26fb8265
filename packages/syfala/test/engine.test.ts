import { describe, expect, it } from 'vitest';
import {
  CLIENT_TAG,
  decodeExtension,
  encodeServerMessage,
  SampleType,
  SERVER_TAG,
  SyfalaClient,
  SyfalaServer,
  type ClientOptions,
  type ServerOptions,
  type Transmit,
} from '@proto/syfala';

const formats = { inputs: [{ sampleRate: 48_000, channelCount: 2, bufferSize: 32, sampleType: SampleType.F32 }], outputs: [] };
const tags = (ts: Transmit[]): number[] => ts.map((t) => t.data[0]!);

function drain(e: { poll(now: number): Transmit | undefined }, now: number): Transmit[] {
  const out: Transmit[] = [];
  for (let t = e.poll(now); t !== undefined; t = e.poll(now)) out.push(t);
  return out;
}

/** A pair on a lossless wire with a switch to drop datagrams in either direction. */
function pair(serverOptions: Partial<ServerOptions> = {}, clientOptions: ClientOptions = {}) {
  const server = new SyfalaServer({ formats, ...serverOptions });
  const client = new SyfalaClient({ discoveryTargets: ['S'], ...clientOptions });
  const wire = {
    dropToServer: (_t: Transmit): boolean => false,
    dropToClient: (_t: Transmit): boolean => false,
    toServer: [] as Transmit[],
    toClient: [] as Transmit[],
  };
  const step = (now: number): void => {
    for (let round = 0; round < 4; round++) {
      for (const t of drain(client, now)) {
        wire.toServer.push(t);
        if (!wire.dropToServer(t)) server.push(t.data, now, 'C');
      }
      for (const t of drain(server, now)) {
        wire.toClient.push(t);
        if (!wire.dropToClient(t)) client.push(t.data, now, 'S');
      }
    }
  };
  const runUntil = (from: number, to: number): void => {
    for (let now = from; now <= to; now++) step(now);
  };
  return { server, client, wire, step, runUntil };
}

describe('connection', () => {
  it('discovers, connects, starts IO; the plain Connect is byte-exact with the reference', () => {
    const { server, client, wire, step } = pair();
    client.startDiscovery(0);
    step(0);
    expect(tags(wire.toServer)).toEqual([CLIENT_TAG.Discovery, CLIENT_TAG.ConnectionSuccess]);
    expect(wire.toClient[0]!.data).toEqual(encodeServerMessage({ type: 'Connect', formats }));
    expect(server.takeEvents()).toEqual([{ type: 'connected', peer: 'C', formats }]);
    expect(client.takeEvents()).toEqual([{ type: 'connected', peer: 'S', formats }]);
    client.startIO('S', 1);
    step(1);
    expect(client.servers()[0]!.io).toBe('active');
    expect(server.clients()[0]).toMatchObject({ state: 'connected', io: true });
  });

  it('retransmits Connect with backoff when the ConnectionResult is lost, and the client re-acknowledges', () => {
    const { server, client, wire, step } = pair();
    // Everything the client sends after its Discovery is lost for 350 ms.
    let now = 0;
    wire.dropToServer = (t) => t.data[0] !== CLIENT_TAG.Discovery && now < 350;
    client.discover('S');
    for (; now <= 2000; now++) step(now);
    const connects = wire.toClient.filter((t) => t.data[0] === SERVER_TAG.Connect);
    expect(connects.length).toBe(3);
    expect(server.counters.retransmissions).toBe(2);
    expect(wire.toServer.filter((t) => t.data[0] === CLIENT_TAG.ConnectionSuccess)).toHaveLength(3);
    expect(server.clients()).toMatchObject([{ state: 'connected' }]);
    expect(client.takeEvents().filter((e) => e.type === 'connected')).toHaveLength(1);
  });

  it('gives up on a client that never answers Connect', () => {
    const server = new SyfalaServer({ formats, maxRetransmits: 3, retransmitInitialMs: 10, retransmitMaxMs: 40 });
    server.push(Uint8Array.of(CLIENT_TAG.Discovery), 0, 'X');
    const times: number[] = [];
    for (let now = 0; now < 500; now++) for (const t of drain(server, now)) if (t.data[0] === SERVER_TAG.Connect) times.push(now);
    expect(times).toEqual([0, 10, 30, 70]);
    expect(server.clients()).toEqual([]);
    expect(server.takeEvents()).toContainEqual({ type: 'disconnected', peer: 'X', reason: 'gave-up' });
  });

  it('re-acknowledges StartIO idempotently and retransmits StartIO until answered', () => {
    const { server, client, wire, step, runUntil } = pair();
    client.discover('S');
    step(0);
    let dropped = 0;
    wire.dropToClient = (t) => t.data[0] === SERVER_TAG.StartIOSuccess && dropped++ < 2;
    client.startIO('S', 10);
    runUntil(10, 1000);
    const startTimes = wire.toServer.filter((t) => t.data[0] === CLIENT_TAG.StartIO).length;
    expect(startTimes).toBe(3);
    expect(tags(wire.toClient).filter((t) => t === SERVER_TAG.StartIOSuccess)).toHaveLength(3);
    expect(client.servers()[0]!.io).toBe('active');
    expect(server.takeEvents().filter((e) => e.type === 'io-started')).toHaveLength(1);
  });

  it('StopIO sends StopIO (not StartIO) and resends after StopIOFailed', () => {
    let fail = 1;
    const { server, client, wire, step, runUntil } = pair({ onStopIO: () => (fail-- > 0 ? 'failed' : 'success') });
    client.discover('S');
    step(0);
    client.startIO('S', 1);
    step(1);
    wire.toServer.length = 0;
    client.stopIO('S', 2);
    runUntil(2, 500);
    expect(tags(wire.toServer).filter((t) => t === CLIENT_TAG.StopIO || t === CLIENT_TAG.StartIO)).toEqual([CLIENT_TAG.StopIO, CLIENT_TAG.StopIO]);
    expect(client.servers()[0]!.io).toBe('inactive');
    expect(server.clients()[0]!.io).toBe(false);
  });

  it('StartIORefused returns the client to inactive', () => {
    const { client, step } = pair({ onStartIO: () => 'refused' });
    client.discover('S');
    step(0);
    client.startIO('S', 1);
    step(1);
    expect(client.servers()[0]!.io).toBe('inactive');
    expect(client.takeEvents()).toContainEqual({ type: 'io-refused', peer: 'S', request: 'start' });
  });

  it('a refused server is refused again without asking, and a refusing client is not offered again', () => {
    let asked = 0;
    const { server, client, wire, step } = pair({}, { acceptServer: () => (asked++, 'refused') });
    client.discover('S');
    step(0);
    client.discover('S');
    step(1);
    expect(asked).toBe(1);
    expect(tags(wire.toServer)).toEqual([CLIENT_TAG.Discovery, CLIENT_TAG.ConnectionRefused, CLIENT_TAG.Discovery]);
    expect(server.takeEvents()).toContainEqual({ type: 'connection-rejected', peer: 'C', result: 'refused' });
    expect(server.clients()).toEqual([]);
  });
});

describe('heartbeats and timeouts', () => {
  it('sends a heartbeat every 100 ms whatever the audio traffic, and times out a silent peer after 600 ms', () => {
    const { server, client, wire, step, runUntil } = pair();
    client.discover('S');
    step(0);
    client.startIO('S', 0);
    step(0);
    wire.toClient.length = 0;
    // Flood audio every millisecond for a second: heartbeats still go out on time.
    for (let now = 1; now <= 1000; now++) {
      server.sendAudio('C', 0, new Uint8Array(8 * 48));
      step(now);
    }
    const beats = wire.toClient.filter((t) => t.data[0] === SERVER_TAG.Heartbeat).length;
    expect(beats).toBeGreaterThanOrEqual(10);
    expect(beats).toBeLessThanOrEqual(11);
    expect(server.nextDeadline()).toBeLessThanOrEqual(1100);
    // The client goes silent: the server drops it 600 ms after its last message.
    wire.dropToServer = () => true;
    runUntil(1001, 1700);
    expect(server.takeEvents()).toContainEqual({ type: 'disconnected', peer: 'C', reason: 'timeout' });
    expect(server.clients()).toEqual([]);
  });

  it('close() sends Disconnect, and the peer drops the connection at once', () => {
    const { server, client, wire, step } = pair();
    client.discover('S');
    step(0);
    client.close();
    step(1);
    expect(tags(wire.toServer).at(-1)).toBe(CLIENT_TAG.Disconnect);
    expect(server.takeEvents()).toContainEqual({ type: 'disconnected', peer: 'C', reason: 'disconnect' });
    expect(client.nextDeadline()).toBeUndefined();
  });
});

describe('several peers', () => {
  it('a server serves several clients and a client connects to several servers', () => {
    const s1 = new SyfalaServer({ formats });
    const s2 = new SyfalaServer({ formats: { inputs: [], outputs: formats.inputs } });
    const c1 = new SyfalaClient({ discoveryTargets: ['S1', 'S2'], autoStart: true });
    const c2 = new SyfalaClient({ discoveryTargets: ['S1'], autoStart: true });
    const servers = { S1: s1, S2: s2 } as const;
    const clients = { C1: c1, C2: c2 } as const;
    c1.startDiscovery(0);
    c2.startDiscovery(0);
    for (let now = 0; now < 50; now++) {
      for (const [cid, c] of Object.entries(clients)) for (const t of drain(c, now)) servers[t.to as keyof typeof servers].push(t.data, now, cid);
      for (const [sid, s] of Object.entries(servers)) for (const t of drain(s, now)) clients[t.to as keyof typeof clients].push(t.data, now, sid);
    }
    expect(s1.clients().map((c) => [c.peer, c.io])).toEqual([
      ['C1', true],
      ['C2', true],
    ]);
    expect(c1.servers().map((s) => [s.peer, s.io])).toEqual([
      ['S1', 'active'],
      ['S2', 'active'],
    ]);
    expect(s1.broadcastAudio(0, new Uint8Array(16))).toBe(2);
  });

  it('counts datagrams from unknown peers and malformed ones', () => {
    const server = new SyfalaServer({ formats });
    server.push(Uint8Array.of(CLIENT_TAG.StartIO), 0, 'nobody');
    server.push(Uint8Array.of(0x7f), 0, 'nobody');
    server.push(new Uint8Array(0), 0, 'nobody');
    expect(server.counters).toMatchObject({ unexpected: 1, malformed: 2, datagramsIn: 3 });
    expect(drain(server, 0)).toEqual([]);
  });
});

describe('TCP control plane negotiation', () => {
  it('offers the control port only to clients that advertise it; plain clients get the reference Connect', () => {
    const server = new SyfalaServer({ formats, tcpControlPort: 7001 });
    const plain = new SyfalaClient();
    const tcp = new SyfalaClient({ tcpControl: true });
    plain.discover('S');
    tcp.discover('S');
    server.push(drain(plain, 0)[0]!.data, 0, 'P');
    const d = drain(tcp, 0)[0]!.data;
    expect(d[0]).toBe(CLIENT_TAG.Discovery);
    expect(d.length).toBeGreaterThan(1);
    server.push(d, 0, 'T');
    const [toPlain, toTcp] = drain(server, 0);
    expect(toPlain!.data).toEqual(encodeServerMessage({ type: 'Connect', formats }));
    expect(decodeExtension(toTcp!.data.subarray(toPlain!.data.length))).toEqual({ tcpControl: true, tcpPort: 7001 });
    tcp.push(toTcp!.data, 0, 'S');
    expect(tcp.takeEvents()).toContainEqual({ type: 'control-plane', peer: 'S', tcpPort: 7001 });
    // A client without the option ignores the trailer, like the reference.
    plain.push(toTcp!.data, 0, 'S');
    expect(plain.takeEvents().map((e) => e.type)).toEqual(['connected']);
  });
});

describe('hostile formats', () => {
  it('a client never throws or over-allocates for a huge advertised format; the audio is dropped and counted', () => {
    const client = new SyfalaClient({ autoStart: true, maxConnectionBufferBytes: 1 << 20 });
    const huge = { sampleRate: 1e300, channelCount: 65_536, bufferSize: 0, sampleType: SampleType.F64 };
    client.push(encodeServerMessage({ type: 'Connect', formats: { inputs: [huge, formats.inputs[0]!], outputs: [] } }), 0, 'S');
    drain(client, 0);
    client.push(Uint8Array.of(SERVER_TAG.StartIOSuccess), 1, 'S');
    const audio = (stream: number): Uint8Array => encodeServerMessage({ type: 'Audio', streamIndex: stream, byteIndex: 0n, payload: new Uint8Array(64) });
    expect(() => client.push(audio(0), 2, 'S')).not.toThrow();
    expect(client.receiver('S', 0)).toBeUndefined();
    expect(client.counters.unexpected).toBe(1);
    client.push(audio(1), 3, 'S');
    expect(client.receiver('S', 1)?.stats().receivedSamples).toBe(16);
  });
});

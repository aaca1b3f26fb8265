import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket, type Socket } from 'node:dgram';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeWavHeader,
  encodeServerMessage,
  encodeWavHeader,
  frameSize,
  MalformedError,
  SampleType,
  SyfalaClient,
  SyfalaServer,
  ToneSource,
  TruncatedError,
  WAV_SAMPLE_TYPES,
  type AudioSink,
  type AudioSource,
  type ClientEvent,
  type Format,
  type ServerEvent,
} from '@proto/syfala';
import { bindUdp, connectControl, EngineDriver, parsePeerId, peerId, RawSink, RawSource, TcpControlListener, WavFileSink, WavFileSource } from '@proto/syfala/node';

const dir = mkdtempSync(join(tmpdir(), 'syfala-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fmt = (sampleType: SampleType, channelCount = 2): Format => ({ sampleRate: 48_000, channelCount, bufferSize: 0, sampleType });

/** Compliance suite every AudioSource runs: whole frames, bounded reads, null at the end, then stays null. */
async function sourceCompliance(make: () => AudioSource, expectedFrames: number): Promise<Uint8Array> {
  const src = make();
  const fb = frameSize(src.format);
  const parts: Uint8Array[] = [];
  let frames = 0;
  for (let i = 0; i < 100_000; i++) {
    const max = (i % 7) + 1;
    const b = await src.read(max);
    if (b === null) break;
    expect(b.length % fb).toBe(0);
    expect(b.length / fb).toBeLessThanOrEqual(max);
    expect(b.length).toBeGreaterThan(0);
    frames += b.length / fb;
    parts.push(b);
  }
  expect(frames).toBe(expectedFrames);
  expect(await src.read(10)).toBeNull();
  await src.close();
  const all = new Uint8Array(frames * fb);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return all;
}

/** Compliance suite every AudioSink runs: bytes in any chunking come out in order. */
async function sinkCompliance(make: (format: Format) => AudioSink, read: () => Uint8Array, format: Format): Promise<void> {
  const data = new Uint8Array(frameSize(format) * 50).map((_, i) => (i * 7) & 0xff);
  const sink = make(format);
  for (let off = 0; off < data.length; off += 13) await sink.write(data.subarray(off, off + 13));
  await sink.close();
  expect(read()).toEqual(data);
}

describe('audio endpoints (compliance suite)', () => {
  const tone = new ToneSource({ format: fmt(SampleType.I24), frames: 1000 }).readSync(1000)!;

  it('ToneSource', async () => {
    expect(await sourceCompliance(() => new ToneSource({ format: fmt(SampleType.I24), frames: 1000 }), 1000)).toEqual(tone);
  });

  for (const t of WAV_SAMPLE_TYPES) {
    it(`WavFileSink and WavFileSource, sample type ${t}`, async () => {
      const format = fmt(t, t === SampleType.I16 ? 2 : 3);
      const path = join(dir, `t${t}.wav`);
      const header = (): number => decodeWavHeader(new Uint8Array(readFileSync(path))).dataOffset;
      await sinkCompliance((f) => new WavFileSink(path, f), () => new Uint8Array(readFileSync(path)).subarray(header()), format);
      const info = decodeWavHeader(new Uint8Array(readFileSync(path)));
      expect(info.format).toEqual(format);
      expect(info.dataLength).toBe(frameSize(format) * 50);
      const back = await sourceCompliance(() => new WavFileSource(path), 50);
      expect(back).toEqual(new Uint8Array(readFileSync(path)).subarray(info.dataOffset));
    });
  }

  it('RawSource and RawSink', async () => {
    const format = fmt(SampleType.I24);
    expect(await sourceCompliance(() => new RawSource(Readable.from([tone.subarray(0, 5), tone.subarray(5, 3001), tone.subarray(3001)]), format), 1000)).toEqual(tone);
    const path = join(dir, 'raw.pcm');
    const { createWriteStream } = await import('node:fs');
    await sinkCompliance((f) => new RawSink(createWriteStream(path), f, true), () => new Uint8Array(readFileSync(path)), format);
  });

  it('WAV headers: formats WAV cannot carry, and malformed or truncated files', () => {
    expect(() => encodeWavHeader(fmt(SampleType.U16), 0)).toThrow(RangeError);
    const good = encodeWavHeader(fmt(SampleType.F32), 8);
    for (let n = 0; n < good.length; n++) expect(() => decodeWavHeader(good.subarray(0, n))).toThrow(TruncatedError);
    const bad = good.slice();
    bad[0] = 0x58;
    expect(() => decodeWavHeader(bad)).toThrow(MalformedError);
    // Skips unknown chunks (LIST) before data.
    const at = good.length - 8; // the data chunk header
    const list = new Uint8Array([...good.subarray(0, at), ...new TextEncoder().encode('LIST'), 3, 0, 0, 0, 1, 2, 3, 0, ...good.subarray(at)]);
    expect(decodeWavHeader(list).dataOffset).toBe(good.length + 12);
  });
});

describe('node adapter on loopback', () => {
  it('peer ids round-trip for IPv4 and IPv6, and unwrap IPv4-mapped addresses', () => {
    expect(peerId('127.0.0.1', 6910)).toBe('127.0.0.1:6910');
    expect(peerId('::1', 6911)).toBe('[::1]:6911');
    expect(peerId('::ffff:127.0.0.1', 1)).toBe('127.0.0.1:1');
    expect(parsePeerId('[::1]:6911')).toEqual({ address: '::1', port: 6911 });
    expect(() => parsePeerId('nope')).toThrow(RangeError);
  });

  it('streams server → client over UDP with the TCP control plane, and disconnects on close', async () => {
    const format = fmt(SampleType.I16);
    const serverSocket = await bindUdp({ address: '127.0.0.1' });
    const listener = await TcpControlListener.listen('127.0.0.1');
    const server = new SyfalaServer({ formats: { inputs: [format], outputs: [] }, tcpControlPort: listener.port });
    const serverEvents: ServerEvent[] = [];
    const sd = new EngineDriver<ServerEvent>(server, serverSocket, { onEvent: (e) => serverEvents.push(e) });
    listener.use(sd as EngineDriver<unknown>);
    const serverPeer = peerId('127.0.0.1', serverSocket.address().port);

    const received: number[] = [];
    const client = new SyfalaClient({
      discoveryTargets: [serverPeer],
      autoStart: true,
      tcpControl: true,
      receiverOptions: () => ({ targetLatencyMs: 5, onStream: (_i, b) => received.push(...b) }),
    });
    const clientSocket = await bindUdp({ address: '127.0.0.1', broadcast: true });
    let controlUp: Promise<unknown> | undefined;
    const clientEvents: ClientEvent[] = [];
    const cd: EngineDriver<ClientEvent> = new EngineDriver<ClientEvent>(client, clientSocket, {
      onEvent: (e) => {
        clientEvents.push(e);
        if (e.type === 'control-plane') controlUp = connectControl(cd as EngineDriver<unknown>, e.peer, e.tcpPort);
      },
    });
    client.startDiscovery(cd.now());
    cd.kick();
    const until = async (cond: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(cond()).toBe(true);
    };
    await until(() => serverEvents.some((e) => e.type === 'io-started') && controlUp !== undefined);
    await controlUp;
    client.stopDiscovery();
    const clientPeer = server.clients()[0]!.peer;
    const payload = new Uint8Array(4 * 480).map((_, i) => i & 0xff);
    for (let k = 0; k < 5; k++) server.sendAudio(clientPeer, 0, payload);
    sd.kick();
    await until(() => (client.receiver(serverPeer, 0)?.stats().receivedSamples ?? 0) === 5 * 960);
    client.receiver(serverPeer, 0)!.flush();
    expect(received.length).toBe(5 * payload.length);
    expect(received.slice(0, payload.length)).toEqual([...payload]);
    await until(() => sd.counters.tcpFramesIn > 0 && cd.counters.tcpFramesIn > 0);
    expect(cd.controlPeers()).toEqual([serverPeer]);

    server.close();
    await sd.close();
    await listener.close();
    await until(() => clientEvents.some((e) => e.type === 'disconnected'));
    expect(clientEvents).toContainEqual({ type: 'disconnected', peer: serverPeer, reason: 'disconnect' });
    await cd.close();
  });
});

describe('control messages on the wire', () => {
  // The reference's socket send functions transmit the unwritten tail of a scratch buffer, so its
  // control messages leave as runs of zero bytes. Here a bare socket plays the peer of each engine
  // and checks every datagram it receives against the message encodings.
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const rawPeer = async (): Promise<{ socket: Socket; got: string[]; id: string; send: (bytes: number[], to: string) => void }> => {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const got: string[] = [];
    socket.on('message', (m) => got.push(hex(m)));
    const send = (bytes: number[], to: string): void => {
      const { address, port } = parsePeerId(to);
      socket.send(Uint8Array.from(bytes), port, address);
    };
    return { socket, got, id: peerId('127.0.0.1', socket.address().port), send };
  };
  const until = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  };

  it('a server driver sends Connect, heartbeats, IO answers and Disconnect as their exact bytes', async () => {
    const formats = { inputs: [fmt(SampleType.I24, 1)], outputs: [fmt(SampleType.F32)] };
    // The bare peer sends no heartbeats: a long peer timeout keeps a slow machine from dropping it.
    const server = new SyfalaServer({ formats, peerTimeoutMs: 60_000 });
    const sd = new EngineDriver<ServerEvent>(server, await bindUdp({ address: '127.0.0.1' }));
    const srv = peerId('127.0.0.1', sd.socket.address().port);
    const peer = await rawPeer();
    const connect = hex(encodeServerMessage({ type: 'Connect', formats }));
    peer.send([0x00], srv); // Discovery
    await until(() => peer.got.includes(connect));
    peer.send([0x01], srv); // ConnectionSuccess
    await until(() => peer.got.includes('09')); // Heartbeat
    peer.send([0x04], srv); // StartIO
    await until(() => peer.got.includes('03')); // StartIOSuccess
    peer.send([0x05], srv); // StopIO
    await until(() => peer.got.includes('06')); // StopIOSuccess
    server.close();
    await sd.close();
    await until(() => peer.got.includes('08')); // Disconnect
    expect(new Set(peer.got)).toEqual(new Set([connect, '09', '03', '06', '08']));
    peer.socket.close();
  });

  it('a client driver sends Discovery, ConnectionSuccess, StartIO, StopIO, heartbeats and Disconnect as their exact bytes', async () => {
    const peer = await rawPeer();
    const client = new SyfalaClient({ discoveryTargets: [peer.id], peerTimeoutMs: 60_000 });
    const cd = new EngineDriver<ClientEvent>(client, await bindUdp({ address: '127.0.0.1' }));
    const cli = peerId('127.0.0.1', cd.socket.address().port);
    client.startDiscovery(cd.now());
    cd.kick();
    await until(() => peer.got.includes('00')); // Discovery
    client.stopDiscovery();
    peer.send([...encodeServerMessage({ type: 'Connect', formats: { inputs: [fmt(SampleType.I16)], outputs: [] } })], cli);
    await until(() => peer.got.includes('01')); // ConnectionSuccess
    client.startIO(peer.id, cd.now());
    cd.kick();
    await until(() => peer.got.includes('04')); // StartIO
    peer.send([0x03], cli); // StartIOSuccess
    await until(() => client.servers()[0]?.io === 'active');
    client.stopIO(peer.id, cd.now());
    cd.kick();
    await until(() => peer.got.includes('05')); // StopIO, not StartIO
    peer.send([0x06], cli); // StopIOSuccess
    await until(() => peer.got.includes('08') && client.servers()[0]?.io === 'inactive'); // Heartbeat
    client.close();
    await cd.close();
    await until(() => peer.got.includes('07')); // Disconnect
    expect(new Set(peer.got)).toEqual(new Set(['00', '01', '04', '05', '08', '07']));
    peer.socket.close();
  });
});

describe('IPv6 loopback', () => {
  it('connects and streams over [::1]', async () => {
    const serverSocket = await bindUdp({ address: '::1' });
    const server = new SyfalaServer({ formats: { inputs: [fmt(SampleType.I16, 1)], outputs: [] } });
    const sd = new EngineDriver<ServerEvent>(server, serverSocket);
    const serverPeer = peerId('::1', serverSocket.address().port);
    const client = new SyfalaClient({ discoveryTargets: [serverPeer], autoStart: true, receiverOptions: () => ({ targetLatencyMs: 1 }) });
    const cd = new EngineDriver<ClientEvent>(client, await bindUdp({ address: '::1' }));
    client.startDiscovery(cd.now());
    cd.kick();
    for (let i = 0; i < 200 && server.clients()[0]?.io !== true; i++) await new Promise((r) => setTimeout(r, 10));
    const clientPeer = server.clients()[0]!.peer;
    expect(clientPeer).toMatch(/^\[::1\]:\d+$/);
    server.sendAudio(clientPeer, 0, new Uint8Array(960));
    sd.kick();
    for (let i = 0; i < 200 && client.receiver(serverPeer, 0) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(client.receiver(serverPeer, 0)?.stats().receivedSamples).toBe(480);
    client.close();
    await cd.close();
    server.close();
    await sd.close();
  });
});

describe('broadcast discovery on loopback (127.255.255.255 stays on lo)', () => {
  it('finds a server with SO_BROADCAST, and cannot send the discovery without it', async () => {
    const serverSocket = await bindUdp({ address: '0.0.0.0' });
    const server = new SyfalaServer({ formats: { inputs: [fmt(SampleType.F32)], outputs: [] } });
    const sd = new EngineDriver<ServerEvent>(server, serverSocket);
    const target = `127.255.255.255:${serverSocket.address().port}`;
    const tryDiscover = async (broadcast: boolean): Promise<{ client: SyfalaClient; driver: EngineDriver<ClientEvent> }> => {
      const client = new SyfalaClient({ discoveryTargets: [target], discoveryIntervalMs: 20 });
      const driver = new EngineDriver<ClientEvent>(client, await bindUdp({ address: '127.0.0.1', broadcast }));
      client.startDiscovery(driver.now());
      driver.kick();
      for (let i = 0; i < 50 && client.servers().length === 0 && driver.counters.sendErrors === 0; i++) await new Promise((r) => setTimeout(r, 10));
      return { client, driver };
    };
    const without = await tryDiscover(false);
    expect(without.driver.counters.sendErrors).toBeGreaterThan(0);
    expect(without.client.servers()).toEqual([]);
    await without.driver.close();
    const ok = await tryDiscover(true);
    expect(ok.client.servers().map((x) => x.peer)).toEqual([peerId('127.0.0.1', serverSocket.address().port)]);
    expect(ok.driver.counters.sendErrors).toBe(0);
    ok.client.close();
    await ok.driver.close();
    server.close();
    await sd.close();
  });
});

describe('browser safety', () => {
  it('codec and engine sources use no node:* modules and no Buffer', () => {
    const src = new URL('../src/', import.meta.url);
    for (const f of readdirSync(src).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(new URL(f, src), 'utf8');
      expect(text, f).not.toMatch(/from ['"]node:|\brequire\(|\bBuffer\.(from|alloc)|\bprocess\./);
    }
  });
});

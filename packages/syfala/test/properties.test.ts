import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ControlFrameDecoder,
  decodeClientMessage,
  decodeExtension,
  decodeServerMessage,
  decodeWavHeader,
  encodeClientMessage,
  encodeServerMessage,
  frameControlMessage,
  MalformedError,
  SampleType,
  StreamReceiver,
  SyfalaClient,
  SyfalaServer,
  TruncatedError,
  type ClientMessage,
  type Format,
  type ServerMessage,
} from '@proto/syfala';

const typed = (e: unknown): boolean => e instanceof TruncatedError || e instanceof MalformedError;

const format: fc.Arbitrary<Format> = fc.record({
  sampleRate: fc.double({ min: 2.3e-308, max: 1e300, noNaN: true }),
  channelCount: fc.integer({ min: 1, max: 65_536 }),
  bufferSize: fc.nat(),
  sampleType: fc.integer({ min: 0, max: 11 }) as fc.Arbitrary<SampleType>,
});
const audio = fc.record({
  type: fc.constant('Audio' as const),
  streamIndex: fc.nat({ max: 0xffff_ffff }),
  byteIndex: fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
  payload: fc.uint8Array({ maxLength: 1435 }),
});
const clientMessage: fc.Arbitrary<ClientMessage> = fc.oneof(
  fc.constantFrom(...(['Discovery', 'ConnectionSuccess', 'ConnectionFailed', 'ConnectionRefused', 'StartIO', 'StopIO', 'Disconnect', 'Heartbeat'] as const)).map((type) => ({ type })),
  audio,
);
const serverMessage: fc.Arbitrary<ServerMessage> = fc.oneof(
  fc.constantFrom(...(['StartIOFailed', 'StartIORefused', 'StartIOSuccess', 'StopIOFailed', 'StopIORefused', 'StopIOSuccess', 'Disconnect', 'Heartbeat'] as const)).map((type) => ({ type })),
  audio,
  fc.record({ type: fc.constant('Connect' as const), formats: fc.record({ inputs: fc.array(format, { maxLength: 4 }), outputs: fc.array(format, { maxLength: 4 }) }) }),
);

describe('codec properties', () => {
  it('round-trips every client message, with trailing bytes ignored', () => {
    fc.assert(
      fc.property(clientMessage, fc.uint8Array({ maxLength: 8 }), (m, tail) => {
        const b = encodeClientMessage(m);
        const withTail = new Uint8Array([...b, ...tail]);
        expect(decodeClientMessage(withTail)).toEqual({ message: m, length: b.length });
      }),
    );
  });

  it('round-trips every server message', () => {
    fc.assert(
      fc.property(serverMessage, (m) => {
        const b = encodeServerMessage(m);
        expect(decodeServerMessage(b)).toEqual({ message: m, length: b.length });
      }),
    );
  });

  it('decoding arbitrary bytes throws only TruncatedError or MalformedError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        for (const decode of [decodeClientMessage, decodeServerMessage, decodeWavHeader]) {
          try {
            decode(b);
          } catch (e) {
            expect(typed(e)).toBe(true);
          }
        }
        expect(() => decodeExtension(b)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('the TCP control framing reassembles any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (messages, cuts) => {
        const stream = new Uint8Array(messages.flatMap((m) => [...frameControlMessage(m)]));
        const d = new ControlFrameDecoder();
        const out: Uint8Array[] = [];
        let off = 0;
        for (let i = 0; off < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          out.push(...d.write(stream.subarray(off, off + n)));
          off += n;
        }
        expect(out).toEqual(messages);
        expect(d.buffered).toBe(0);
      }),
    );
  });
});

describe('engines never throw on arbitrary datagrams and stay usable', () => {
  const formats = { inputs: [{ sampleRate: 48_000, channelCount: 2, bufferSize: 0, sampleType: SampleType.I16 }], outputs: [{ sampleRate: 8000, channelCount: 1, bufferSize: 0, sampleType: SampleType.U8 }] };
  // Arbitrary bytes, plus near-valid datagrams (a valid tag followed by junk), from a few peers.
  const datagram = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.tuple(fc.integer({ min: 0, max: 11 }), fc.uint8Array({ maxLength: 40 })).map(([t, rest]) => new Uint8Array([t, ...rest])));
  const traffic = fc.array(fc.tuple(fc.constantFrom('a:1', 'b:2', 'c:3'), datagram, fc.integer({ min: 0, max: 50 })), { maxLength: 80 });

  const handshake = (server: SyfalaServer, client: SyfalaClient, now: number): void => {
    client.discover('srv:1');
    for (let i = 0; i < 10; i++) {
      for (let t = client.poll(now); t !== undefined; t = client.poll(now)) server.push(t.data, now, 'cli:1');
      for (let t = server.poll(now); t !== undefined; t = server.poll(now)) if (t.to === 'cli:1') client.push(t.data, now, 'srv:1');
    }
  };

  it('server and client', () => {
    fc.assert(
      fc.property(traffic, (datagrams) => {
        const server = new SyfalaServer({ formats });
        const client = new SyfalaClient({ autoStart: true });
        let now = 0;
        for (const [from, data, dt] of datagrams) {
          now += dt;
          server.push(data, now, from);
          client.push(data, now, from);
          for (let t = server.poll(now); t !== undefined; t = server.poll(now));
          for (let t = client.poll(now); t !== undefined; t = client.poll(now));
          server.nextDeadline();
          client.nextDeadline();
        }
        handshake(server, client, now + 1);
        expect(client.servers()).toMatchObject([{ peer: 'srv:1', io: 'active' }]);
        expect(server.clients().find((c) => c.peer === 'cli:1')).toMatchObject({ state: 'connected', io: true });
      }),
      { numRuns: 300 },
    );
  });

  it('receiver: any sequence of pushes and reads keeps the tap contiguous and never throws', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.tuple(fc.constant('push' as const), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 1500 })), fc.tuple(fc.constant('read' as const), fc.integer({ min: 1, max: 600 }), fc.constant(0))), { maxLength: 60 }),
        (ops) => {
          let next: number | undefined;
          let ok = true;
          const r = new StreamReceiver({ sampleRate: 48_000, channelCount: 3, bufferSize: 0, sampleType: SampleType.U24 }, {
            startIndex: 0,
            targetLatencyMs: 5,
            maxLatencyMs: 20,
            maxGapMs: 500,
            maxSpans: 8,
            onStream: (i, b) => {
              if (next !== undefined && i !== next && i < next) ok = false;
              next = i + b.length;
            },
          });
          let now = 0;
          for (const [op, a, b] of ops) {
            now += 1;
            if (op === 'push') r.push(a, new Uint8Array(b).fill(7), now);
            else r.read(new Uint8Array(a * 9), now);
          }
          r.flush();
          expect(ok).toBe(true);
          const s = r.stats();
          expect(s.receivedSamples).toBeGreaterThanOrEqual(0);
          expect(s.bufferLevelFrames).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

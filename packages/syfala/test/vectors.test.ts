import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AUDIO_HEADER_LENGTH,
  CLIENT_TAG,
  decodeAudioHeader,
  decodeClientMessage,
  decodeServerMessage,
  encodeAudioHeader,
  encodeClientMessage,
  encodeServerMessage,
  MalformedError,
  SampleType,
  SERVER_TAG,
  STANDARD_FORMAT,
  TruncatedError,
  type ClientMessage,
  type ServerMessage,
} from '@proto/syfala';

interface Vectors {
  client_to_server: { message: string; hex: string }[];
  server_to_client: { message: string; hex: string }[];
  sample_type_tags: Record<string, { tag: number; connect_hex: string }>;
}

const vectors = JSON.parse(readFileSync(new URL('../../../../shared/vectors/syfala/messages.json', import.meta.url), 'utf8')) as Vectors;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

const audioHeader = { streamIndex: 1, byteIndex: 0x0102030405060708n, nBytes: 256 };
const std = STANDARD_FORMAT;
const i24 = { sampleRate: 44_100, channelCount: 1, bufferSize: 0, sampleType: SampleType.I24 };

const clientMessages: Record<string, ClientMessage | 'audio'> = {
  Discovery: { type: 'Discovery' },
  'ConnectionResult(Ok)': { type: 'ConnectionSuccess' },
  'ConnectionResult(Err(Failure))': { type: 'ConnectionFailed' },
  'ConnectionResult(Err(Refusal))': { type: 'ConnectionRefused' },
  StartIO: { type: 'StartIO' },
  StopIO: { type: 'StopIO' },
  'Audio{stream 1, byte_idx 0x0102030405060708, n_bytes 256}': 'audio',
  Disconnect: { type: 'Disconnect' },
  Heartbeat: { type: 'Heartbeat' },
};

const serverMessages: Record<string, ServerMessage | 'audio'> = {
  'Connect(empty formats)': { type: 'Connect', formats: { inputs: [], outputs: [] } },
  'Connect(in=[std], out=[std, 44.1k/1ch/bs0/I24])': { type: 'Connect', formats: { inputs: [std], outputs: [std, i24] } },
  StartIOFailed: { type: 'StartIOFailed' },
  StartIORefused: { type: 'StartIORefused' },
  StartIOSuccess: { type: 'StartIOSuccess' },
  StopIOFailed: { type: 'StopIOFailed' },
  StopIORefused: { type: 'StopIORefused' },
  StopIOSuccess: { type: 'StopIOSuccess' },
  'Audio{stream 1, byte_idx 0x0102030405060708, n_bytes 256}': 'audio',
  Disconnect: { type: 'Disconnect' },
  Heartbeat: { type: 'Heartbeat' },
  'Connect(in=[96k, 300ch, bs128, I32], out=[])': {
    type: 'Connect',
    formats: { inputs: [{ sampleRate: 96_000, channelCount: 300, bufferSize: 128, sampleType: SampleType.I32 }], outputs: [] },
  },
};

describe('reference vectors (syfala_network postcard encoders)', () => {
  it('covers every vector', () => {
    expect(vectors.client_to_server.map((v) => v.message).sort()).toEqual(Object.keys(clientMessages).sort());
    expect(vectors.server_to_client.map((v) => v.message).sort()).toEqual(Object.keys(serverMessages).sort());
  });

  for (const v of vectors.client_to_server) {
    it(`client → server ${v.message}`, () => {
      const m = clientMessages[v.message]!;
      if (m === 'audio') {
        expect(hex(encodeAudioHeader(CLIENT_TAG.Audio, audioHeader))).toBe(v.hex);
        expect(decodeAudioHeader(bytes(v.hex))).toEqual(audioHeader);
        // The vector is the header alone: as a datagram its nBytes (256) overruns it.
        expect(() => decodeClientMessage(bytes(v.hex))).toThrow(TruncatedError);
        const payload = new Uint8Array(256).map((_, i) => i);
        const full = encodeClientMessage({ type: 'Audio', streamIndex: 1, byteIndex: audioHeader.byteIndex, payload });
        expect(hex(full.subarray(0, AUDIO_HEADER_LENGTH))).toBe(v.hex);
        const d = decodeClientMessage(full);
        expect(d.length).toBe(full.length);
        expect(d.message).toEqual({ type: 'Audio', streamIndex: 1, byteIndex: audioHeader.byteIndex, payload });
        return;
      }
      expect(hex(encodeClientMessage(m))).toBe(v.hex);
      expect(decodeClientMessage(bytes(v.hex))).toEqual({ message: m, length: v.hex.length / 2 });
    });
  }

  for (const v of vectors.server_to_client) {
    it(`server → client ${v.message}`, () => {
      const m = serverMessages[v.message]!;
      if (m === 'audio') {
        expect(hex(encodeAudioHeader(SERVER_TAG.Audio, audioHeader))).toBe(v.hex);
        expect(decodeAudioHeader(bytes(v.hex))).toEqual(audioHeader);
        expect(() => decodeServerMessage(bytes(v.hex))).toThrow(TruncatedError);
        return;
      }
      expect(hex(encodeServerMessage(m))).toBe(v.hex);
      expect(decodeServerMessage(bytes(v.hex))).toEqual({ message: m, length: v.hex.length / 2 });
    });
  }

  for (const [name, v] of Object.entries(vectors.sample_type_tags)) {
    it(`sample type ${name} has tag ${v.tag}`, () => {
      const format = { ...std, sampleType: v.tag as SampleType };
      const m: ServerMessage = { type: 'Connect', formats: { inputs: [format], outputs: [] } };
      expect(hex(encodeServerMessage(m))).toBe(v.connect_hex);
      expect(decodeServerMessage(bytes(v.connect_hex)).message).toEqual(m);
    });
  }
});

describe('decode cases', () => {
  it('decodes by prefix: Heartbeat + 2 trailing bytes', () => {
    const d = decodeClientMessage(bytes('08dead'));
    expect(d).toEqual({ message: { type: 'Heartbeat' }, length: 1 });
    expect(hex(bytes('08dead').subarray(d.length))).toBe('dead');
  });

  it('rejects an empty datagram as truncated', () => {
    expect(() => decodeClientMessage(new Uint8Array(0))).toThrow(TruncatedError);
    expect(() => decodeServerMessage(new Uint8Array(0))).toThrow(TruncatedError);
  });

  it('rejects unknown tags', () => {
    const e = (() => {
      try {
        decodeClientMessage(bytes('09'));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(MalformedError);
    expect(e).toMatchObject({ name: 'MalformedError', what: 'client message tag', offset: 0, value: 9 });
    expect(() => decodeServerMessage(bytes('0b'))).toThrow(MalformedError);
  });

  it('rejects Connect with channel count 0', () => {
    expect(() => decodeServerMessage(bytes('0001000000000070e74000200a00'))).toThrow(expect.objectContaining({ name: 'MalformedError', what: 'Format.channelCount', offset: 10 }));
  });

  it('rejects Connect with sample rate 0.0 and other non-normal rates', () => {
    for (const rate of [0, -48_000, Number.NaN, Infinity, 1e-310]) {
      const b = bytes('0001000000000070e74002200a00');
      new DataView(b.buffer).setFloat64(2, rate, true);
      expect(() => decodeServerMessage(b)).toThrow(expect.objectContaining({ name: 'MalformedError', what: 'Format.sampleRate', offset: 2 }));
    }
  });

  it('reports truncation inside a Connect', () => {
    const full = bytes(vectors.server_to_client[1]!.hex);
    for (let n = 1; n < full.length; n++) expect(() => decodeServerMessage(full.subarray(0, n))).toThrow(TruncatedError);
  });

  it('rejects nBytes longer than the datagram, with where and how much', () => {
    const d = encodeClientMessage({ type: 'Audio', streamIndex: 0, byteIndex: 0n, payload: new Uint8Array(10) });
    expect(() => decodeClientMessage(d.subarray(0, d.length - 1))).toThrow(expect.objectContaining({ name: 'TruncatedError', offset: 17, needed: 10, available: 9 }));
  });

  it('rejects unknown sample types and over-long varints', () => {
    expect(() => decodeServerMessage(bytes('0001000000000070e74002200c00'))).toThrow(expect.objectContaining({ what: 'Format.sampleType' }));
    expect(() => decodeServerMessage(bytes('00ffffffffffffffffffff01'))).toThrow(MalformedError);
  });

  it('validates encoder arguments with RangeError', () => {
    expect(() => encodeServerMessage({ type: 'Connect', formats: { inputs: [{ ...std, channelCount: 0 }], outputs: [] } })).toThrow(RangeError);
    expect(() => encodeServerMessage({ type: 'Connect', formats: { inputs: [{ ...std, sampleRate: 0 }], outputs: [] } })).toThrow(RangeError);
    expect(() => encodeAudioHeader(CLIENT_TAG.Audio, { streamIndex: -1, byteIndex: 0n, nBytes: 0 })).toThrow(RangeError);
    expect(() => encodeAudioHeader(3, audioHeader)).toThrow(RangeError);
  });
});

// Hot paths of the audio plane, each next to a bare-bones anchor doing the same memory traffic
// in the same process: framing (vs. slicing the bytes into datagram-sized copies), receiving
// (vs. copying the payloads through an SpscRing), and decoding the audio header (vs. three
// DataView reads).
import { runBench } from '@proto/bench';
import { AudioSender, decodeServerMessage, MAX_AUDIO_PAYLOAD, SampleType, SERVER_TAG, SpscRing, StreamReceiver, toFloat32, type Format } from '@proto/syfala';

const format: Format = { sampleRate: 48_000, channelCount: 64, bufferSize: 0, sampleType: SampleType.F32 };
const FRAME = 256;
const TICK_BYTES = 240 * FRAME; // 5 ms of 64 ch × 48 kHz × F32
const tick = new Uint8Array(TICK_BYTES).map((_, i) => i & 0xff);
const payloadSize = Math.floor(MAX_AUDIO_PAYLOAD / FRAME) * FRAME;

const sender = new AudioSender(format, SERVER_TAG.Audio, 0);
const datagrams: Uint8Array[] = [];
sender.push(tick, (d) => datagrams.push(d));
const payloads = datagrams.map((d) => d.subarray(17));

let sink = 0;
let receiver = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 10 });
let position = 0;
let clock = 0;
const out = new Uint8Array(TICK_BYTES);
const ring = SpscRing.create(1 << 20, 'u8');
const ringOut = new Uint8Array(TICK_BYTES);
const floats = new Float32Array(TICK_BYTES / 4);

await runBench(
  '64 ch × 48 kHz × F32, 5 ms per iteration',
  [
    {
      name: 'frame 5 ms into datagrams',
      ours: { name: 'AudioSender.push', bytes: TICK_BYTES, fn: () => sender.push(tick, (d) => (sink += d.length)) },
      anchor: {
        name: 'slice copies',
        bytes: TICK_BYTES,
        fn: () => {
          for (let off = 0; off < TICK_BYTES; off += payloadSize) sink += tick.slice(off, off + payloadSize).length;
        },
      },
    },
    {
      name: 'receive 5 ms and play it out',
      ours: {
        name: 'StreamReceiver push+read',
        bytes: TICK_BYTES,
        setup: () => {
          receiver = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 10 });
          position = 0;
        },
        fn: () => {
          for (const p of payloads) {
            receiver.push(position, p, clock);
            position += p.length;
          }
          clock += 5;
          receiver.read(out, clock);
        },
      },
      anchor: {
        name: 'SpscRing write+read',
        bytes: TICK_BYTES,
        fn: () => {
          for (const p of payloads) ring.write(p);
          ring.read(ringOut);
        },
      },
    },
    {
      name: 'decode an audio datagram',
      ours: { name: 'decodeServerMessage', ops: datagrams.length, fn: () => datagrams.forEach((d) => (sink += decodeServerMessage(d).length)) },
      anchor: {
        name: 'DataView reads',
        ops: datagrams.length,
        fn: () =>
          datagrams.forEach((d) => {
            const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
            sink += v.getUint32(1, true) + v.getUint32(5, true) + v.getUint32(13, true);
          }),
      },
    },
    {
      name: 'F32 bytes → Float32 samples',
      ours: { name: 'toFloat32', bytes: TICK_BYTES, fn: () => toFloat32(SampleType.F32, tick, floats) },
      anchor: { name: 'Float32Array.set', bytes: TICK_BYTES, fn: () => floats.set(new Float32Array(tick.buffer, tick.byteOffset, TICK_BYTES / 4)) },
    },
  ],
  { unit: 'MB/s' },
);
if (sink === -1) console.log(sink);

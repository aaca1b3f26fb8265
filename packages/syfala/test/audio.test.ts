import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AudioSender,
  decodeAudioHeader,
  fillSilence,
  fromFloat32,
  MAX_DATAGRAM,
  sampleSize,
  SampleType,
  SERVER_TAG,
  silence,
  StreamReceiver,
  toFloat32,
  type Format,
} from '@proto/syfala';

const ALL = Array.from({ length: 12 }, (_, i) => i as SampleType);
const f = (sampleType: SampleType, channelCount = 2, sampleRate = 48_000): Format => ({ sampleRate, channelCount, bufferSize: 0, sampleType });

describe('sample conversion', () => {
  it('maps silence of every type to 0.0 and back', () => {
    for (const t of ALL) {
      const s = silence(t, 4 * sampleSize(t));
      const out = new Float32Array(4).fill(9);
      expect(toFloat32(t, s, out)).toBe(4);
      expect([...out]).toEqual([0, 0, 0, 0]);
      const back = new Uint8Array(s.length).fill(0x55);
      fromFloat32(t, out, back);
      expect(back).toEqual(s);
    }
  });

  it('uses offset binary for unsigned types and little-endian order', () => {
    expect(silence(SampleType.U16, 4)).toEqual(Uint8Array.of(0x00, 0x80, 0x00, 0x80));
    expect(silence(SampleType.U24, 3)).toEqual(Uint8Array.of(0x00, 0x00, 0x80));
    const out = new Uint8Array(8);
    fromFloat32(SampleType.I32, Float32Array.of(0.5, -1), out);
    expect([...out]).toEqual([0, 0, 0, 0x40, 0, 0, 0, 0x80]);
    fromFloat32(SampleType.I64, Float32Array.of(-0.5), out);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0]);
    fromFloat32(SampleType.U64, Float32Array.of(0.5), out);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0]);
  });

  it('clamps out-of-range values and maps NaN to silence', () => {
    for (const t of ALL.filter((t) => t < SampleType.F32)) {
      const bytes = new Uint8Array(3 * sampleSize(t));
      fromFloat32(t, Float32Array.of(2, -2, Number.NaN), bytes);
      const back = new Float32Array(3);
      toFloat32(t, bytes, back);
      // The largest value: just below 1.0 (rounds to 1.0 in Float32 for 32 and 64-bit types).
      expect(back[0]).toBeLessThanOrEqual(1);
      expect(back[0]).toBeGreaterThan(0.99);
      expect(back[1]).toBe(-1);
      expect(back[2]).toBe(0);
    }
  });

  it('round-trips every integer of 8, 16 and 24-bit types exactly through Float32', () => {
    for (const t of [SampleType.U8, SampleType.I8, SampleType.U16, SampleType.I16, SampleType.U24, SampleType.I24]) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 3 * 8, maxLength: 3 * 8 }), (raw) => {
          const bytes = raw.subarray(0, 8 * sampleSize(t));
          const fl = new Float32Array(8);
          toFloat32(t, bytes, fl);
          const back = new Uint8Array(bytes.length);
          fromFloat32(t, fl, back);
          expect(back).toEqual(bytes);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('round-trips Float32 values through every type within its resolution', () => {
    fc.assert(
      fc.property(fc.float({ min: -1, max: Math.fround(0.999), noNaN: true }), (x) => {
        for (const t of ALL) {
          const bytes = new Uint8Array(sampleSize(t));
          fromFloat32(t, Float32Array.of(x), bytes);
          const back = new Float32Array(1);
          toFloat32(t, bytes, back);
          const bits = [8, 16, 24, 32, 64, 8, 16, 24, 32, 64, 0, 0][t]!;
          expect(Math.abs(back[0]! - x)).toBeLessThanOrEqual(bits === 0 ? 0 : Math.max(2 ** (1 - bits), 2 ** -24));
        }
      }),
    );
  });

  it('phases silence to the stream position for partial samples', () => {
    const out = new Uint8Array(5);
    fillSilence(SampleType.U16, out, 0, 5, 1); // out[0] is the high byte of a sample
    expect([...out]).toEqual([0x80, 0, 0x80, 0, 0x80]);
  });
});

describe('AudioSender framing', () => {
  it('keeps datagrams ≤ 1452 bytes on frame boundaries and byteIndex continuous', () => {
    for (const [format, unit] of [
      [f(SampleType.F32, 64), 256],
      [f(SampleType.I24, 2), 6],
      [f(SampleType.F64, 300), 8],
    ] as const) {
      const s = new AudioSender(format, SERVER_TAG.Audio, 3);
      const out: Uint8Array[] = [];
      const total = 10_000 * unit + 5;
      // Uneven pushes, including splits inside frames.
      let sent = 0;
      for (const n of [1, unit * 7 + 3, 4000, total]) {
        const take = Math.min(n, total - sent);
        s.push(new Uint8Array(take), (d) => out.push(d));
        sent += take;
      }
      let next = 0;
      for (const d of out) {
        expect(d.length).toBeLessThanOrEqual(MAX_DATAGRAM);
        const h = decodeAudioHeader(d);
        expect(h.streamIndex).toBe(3);
        expect(Number(h.byteIndex)).toBe(next);
        expect(h.nBytes % unit).toBe(0);
        next += h.nBytes;
      }
      expect(next).toBe(total - (total % unit));
    }
  });
});

describe('StreamReceiver', () => {
  const format = f(SampleType.I16, 2, 1000); // 4-byte frames, 1000 frames/s: 1 ms = 4 bytes
  const collect = () => {
    const chunks: [number, number[], boolean][] = [];
    return { chunks, onStream: (i: number, b: Uint8Array, c: boolean) => chunks.push([i, [...b], c]) };
  };

  it('reorders, discards duplicates and late data, and conceals gaps with silence', () => {
    const tap = collect();
    const r = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 2, maxLatencyMs: 100, onStream: tap.onStream });
    r.push(4, Uint8Array.of(5, 6, 7, 8), 0);
    r.push(0, Uint8Array.of(1, 2, 3, 4), 0);
    r.push(0, Uint8Array.of(1, 2, 3, 4), 0); // duplicate
    r.push(12, Uint8Array.of(13, 14, 15, 16), 0); // leaves a gap at 8..12
    const out = new Uint8Array(16);
    expect(r.read(out, 1)).toBe(4);
    expect([...out]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 13, 14, 15, 16]);
    r.push(8, Uint8Array.of(9, 10, 11, 12), 2); // too late
    const s = r.stats();
    expect(s).toMatchObject({ receivedSamples: 6, duplicateSamples: 2, lateSamples: 2, concealedSamples: 2, lostSamples: 0, concealedSpans: 1 });
    expect(tap.chunks.filter((c) => c[2])).toEqual([[8, [0, 0, 0, 0], true]]);
  });

  it('rebuilds samples from bytes arriving one at a time or cut inside samples (the reference padder panics on its first complete sample)', () => {
    // I24 stereo: 3-byte samples, 6-byte frames; 1000 frames/s so 1 ms is one frame.
    const fmt = f(SampleType.I24, 2, 1000);
    const bytes = Uint8Array.from({ length: 60 }, (_, i) => i + 1);
    const tap = collect();
    const r = new StreamReceiver(fmt, { startIndex: 0, targetLatencyMs: 1, maxLatencyMs: 100, onStream: tap.onStream });
    for (let i = 0; i < bytes.length; i++) r.push(i, bytes.subarray(i, i + 1), 0);
    const out = new Uint8Array(60);
    expect(r.read(out, 0)).toBe(10);
    expect([...out]).toEqual([...bytes]);
    expect(tap.chunks.flatMap((c) => c[1])).toEqual([...bytes]);
    // U16: a packet ends inside a sample and the next one is lost. Concealment is phased to the
    // sample grid: the high byte of the cut sample gets the midpoint 0x80, the next sample's low byte 0.
    const u16 = new StreamReceiver(f(SampleType.U16, 1, 1000), { startIndex: 0, targetLatencyMs: 1, maxLatencyMs: 100 });
    u16.push(0, Uint8Array.of(1, 2, 3), 0);
    u16.push(5, Uint8Array.of(6, 7, 8, 9, 10, 11, 12), 0);
    const o16 = new Uint8Array(12);
    expect(u16.read(o16, 0)).toBe(6);
    expect([...o16]).toEqual([1, 2, 3, 0x80, 0, 6, 7, 8, 9, 10, 11, 12]);
    expect(u16.stats()).toMatchObject({ concealedSamples: 1, concealedSpans: 1, receivedSamples: 5 });
  });

  it('fills with silence while buffering and after an underrun, without advancing the stream', () => {
    const r = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 3 });
    const out = new Uint8Array(8).fill(1);
    expect(r.read(out, 0)).toBe(0);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    r.push(0, new Uint8Array(12).fill(9), 0);
    expect(r.read(new Uint8Array(16), 1)).toBe(3);
    expect(r.stats()).toMatchObject({ underrunFrames: 1, playing: false, playoutIndex: 12 });
  });

  it('restarts at a jump larger than maxGapMs instead of concealing it', () => {
    const tap = collect();
    const r = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 1, maxGapMs: 100, onStream: tap.onStream });
    r.push(0, new Uint8Array(4), 0);
    r.push(2 ** 50, new Uint8Array(4).fill(3), 0);
    r.flush();
    expect(r.stats()).toMatchObject({ resyncs: 1, concealedSamples: 0 });
    expect(tap.chunks.map((c) => c[0])).toEqual([2 ** 50]);
  });

  it('follows a sender back after a run of packets far behind (a stale datagram made it jump)', () => {
    const tap = collect();
    const r = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 1, maxGapMs: 100, onStream: tap.onStream });
    r.push(1_000_000, new Uint8Array(4), 0); // stale, far ahead: restarts there
    for (let i = 0; i < 8; i++) r.push(i * 4, new Uint8Array(4).fill(i + 1), 0);
    r.push(32, new Uint8Array(4).fill(9), 0);
    r.flush();
    expect(r.stats().resyncs).toBe(1);
    // The eighth packet behind (at 28) restarts the stream; what follows is contiguous with it.
    expect(tap.chunks.filter((c) => !c[2])).toEqual([[28, [8, 8, 8, 8, 9, 9, 9, 9], false]]);
  });

  it('bounds the buffer: data far beyond the maximum latency pushes the playout forward', () => {
    const r = new StreamReceiver(format, { startIndex: 0, targetLatencyMs: 10, maxLatencyMs: 20, maxGapMs: 100_000 });
    for (let i = 0; i < 100; i++) r.push(i * 400, new Uint8Array(400), 0);
    r.read(new Uint8Array(4), 1);
    const s = r.stats();
    expect(s.bufferLevelMs).toBeLessThanOrEqual(20);
    expect(s.overflowFrames).toBeGreaterThan(0);
  });

  it('drops packets that would exceed the reordering window of maxSpans', () => {
    const r = new StreamReceiver(format, { startIndex: 0, maxSpans: 2 });
    r.push(4, new Uint8Array(1), 0);
    r.push(8, new Uint8Array(1), 0);
    r.push(12, new Uint8Array(1), 0);
    expect(r.stats().droppedPackets).toBe(1);
  });

  /** A sender 200 ppm fast pushing a 100 Hz sine; playout every 5 ms for `seconds`; returns the output. */
  const driftRun = (mode: 'slip' | 'resample', seconds: number) => {
    const mono: Format = { sampleRate: 48_000, channelCount: 1, bufferSize: 0, sampleType: SampleType.F32 };
    let tapBytes = 0;
    let tapMismatch = 0;
    const sine = (n: number): number => Math.fround(0.5 * Math.sin((2 * Math.PI * 100 * n) / 48_000));
    const r = new StreamReceiver(mono, {
      startIndex: 0,
      targetLatencyMs: 40,
      driftCorrection: mode,
      onStream: (i, b) => {
        const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let k = 0; k + 4 <= b.length; k += 4) if (v.getFloat32(k, true) !== sine((i + k) / 4)) tapMismatch++;
        tapBytes += b.length;
      },
    });
    const output: number[] = [];
    const levels: number[] = [];
    let sent = 0;
    const block = new Float32Array(240);
    for (let t = 5; t <= seconds * 1000; t += 5) {
      const due = Math.floor(t * 48 * (1 + 200e-6));
      const chunk = new Uint8Array((due - sent) * 4);
      const v = new DataView(chunk.buffer);
      for (let n = sent; n < due; n++) v.setFloat32((n - sent) * 4, sine(n), true);
      for (let off = 0; off < chunk.length; off += 1432) r.push(sent * 4 + off, chunk.subarray(off, off + 1432), t);
      sent = due;
      const out = new Uint8Array(240 * 4);
      r.read(out, t);
      toFloat32(SampleType.F32, out, block);
      if (t > seconds * 1000 - 2000) output.push(...block);
      if (t > 30_000) levels.push(r.stats().bufferLevelMs);
    }
    let maxStep = 0;
    for (let k = 1; k < output.length; k++) maxStep = Math.max(maxStep, Math.abs(output[k]! - output[k - 1]!));
    return { stats: r.stats(), maxStep, levels, tapBytes, tapMismatch, sent };
  };

  it('corrects 200 ppm of drift by resampling: level held, output smooth, recording exact', () => {
    const ideal = 0.5 * ((2 * Math.PI * 100) / 48_000);
    const res = driftRun('resample', 90);
    expect(res.stats.driftPpm).toBeGreaterThan(170);
    expect(res.stats.driftPpm).toBeLessThan(230);
    expect(Math.max(...res.levels)).toBeLessThan(60);
    expect(Math.min(...res.levels)).toBeGreaterThan(20);
    expect(res.stats.removedFrames + res.stats.insertedFrames + res.stats.underrunFrames + res.stats.overflowFrames).toBe(0);
    expect(res.maxStep).toBeLessThan(1.2 * ideal);
    expect(res.tapMismatch).toBe(0);
    expect(res.tapBytes).toBe(res.stats.playoutIndex);
    // Frame slipping holds the level too, but each removed frame doubles a step.
    const slip = driftRun('slip', 90);
    expect(slip.stats.removedFrames).toBeGreaterThan(0);
    expect(Math.max(...slip.levels)).toBeLessThan(60);
    expect(slip.maxStep).toBeGreaterThan(1.5 * ideal);
  });

  it('never allocates for a peer-chosen format beyond maxBufferBytes', () => {
    expect(() => new StreamReceiver(f(SampleType.F64, 65_536, 1e9), { maxBufferBytes: 1 << 20 })).toThrow(RangeError);
  });
});

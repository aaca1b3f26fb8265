import { beforeAll, describe, expect, it } from 'vitest';
import { impairedScenario, runSim, type SimResult } from './sim.js';

const TEN_MINUTES = 10 * 60 * 1000;

describe('end to end over an impaired in-memory network, clocks 200 ppm apart', () => {
  let r: SimResult;
  beforeAll(() => {
    r = runSim(impairedScenario(TEN_MINUTES));
  });

  it('keeps the connection for the whole run', () => {
    expect(r.net.stats.lost).toBeGreaterThan(0.04 * r.net.stats.sent);
    expect(r.serverEvents).toEqual(['connected', 'io-started']);
    expect(r.clientEvents).toEqual(['connected', 'io-started']);
    expect(r.client.servers()).toMatchObject([{ peer: 'S', io: 'active' }]);
    expect(r.server.clients()).toMatchObject([{ peer: 'C', state: 'connected', io: true }]);
    expect(r.server.counters.malformed + r.client.counters.malformed).toBe(0);
  });

  it('keeps latency within the configured bound by correcting drift, not by dropping', () => {
    expect(r.maxLevelMs.down).toBeLessThanOrEqual(80);
    expect(r.maxLevelMs.up).toBeLessThanOrEqual(80);
    for (const s of [r.down, r.up]) {
      expect(s.overflowFrames).toBe(0);
      expect(s.underrunFrames).toBe(0);
      expect(s.resyncs).toBe(0);
    }
    // Server runs 200 ppm fast relative to the client: the client removes ~0.0002 × 48000 × 600 frames.
    expect(r.down.driftPpm).toBeGreaterThan(180);
    expect(r.down.driftPpm).toBeLessThan(220);
    expect(r.up.driftPpm).toBeGreaterThan(-220);
    expect(r.up.driftPpm).toBeLessThan(-180);
    expect(r.down.removedFrames - r.down.insertedFrames).toBeGreaterThan(5000);
    expect(r.down.removedFrames - r.down.insertedFrames).toBeLessThan(6500);
    expect(r.up.insertedFrames - r.up.removedFrames).toBeGreaterThan(5000);
    expect(r.up.insertedFrames - r.up.removedFrames).toBeLessThan(6500);
  });

  it('records the input exactly except for concealed spans, whose count matches the statistics', () => {
    for (const [tap, stats, sampleBytes] of [
      [r.downTap, r.down, 4],
      [r.upTap, r.up, 2],
    ] as const) {
      expect(tap.mismatches).toBe(0);
      expect(tap.gaps).toBe(0);
      expect(tap.dataBytes).toBeGreaterThan(0);
      expect(tap.concealedBytes).toBe(stats.concealedSamples * sampleBytes);
      expect(tap.concealedSpans).toBe(stats.concealedSpans);
      expect(tap.concealedBytes).toBeGreaterThan(0);
      // Every byte the playout passed is either received data or concealed.
      expect(tap.dataBytes + tap.concealedBytes).toBe(stats.playoutIndex);
      expect(stats.lateSamples).toBeGreaterThan(0);
      expect(stats.duplicateSamples).toBeGreaterThan(0);
      expect(stats.lostSamples).toBeLessThanOrEqual(stats.concealedSamples);
    }
  });
});

describe('the same network with drift corrected by resampling', () => {
  let r: SimResult;
  beforeAll(() => {
    r = runSim({ ...impairedScenario(3 * 60 * 1000), driftCorrection: 'resample' });
  });

  it('holds latency and estimates the drift without slipping frames, recording exactly', () => {
    expect(r.clientEvents).toEqual(['connected', 'io-started']);
    expect(r.maxLevelMs.down).toBeLessThanOrEqual(80);
    expect(r.maxLevelMs.up).toBeLessThanOrEqual(80);
    expect(r.down.driftPpm).toBeGreaterThan(170);
    expect(r.up.driftPpm).toBeLessThan(-170);
    for (const s of [r.down, r.up]) expect(s.removedFrames + s.insertedFrames + s.overflowFrames + s.underrunFrames).toBe(0);
    expect(r.downTap.mismatches + r.upTap.mismatches).toBe(0);
    expect(r.downTap.concealedBytes).toBe(r.down.concealedSamples * 4);
  });
});

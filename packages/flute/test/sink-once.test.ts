// The ObjectSink contract: every sink a writer opens gets exactly one complete() or exactly one
// abort(), never both, never twice, and nothing after it, on every path the receiver can take.
import { describe, expect, it } from 'vitest';
import { encodeAlcPacket, HET_FTI } from '@proto/lct';
import { md5 } from '../src/md5.js';
import { FluteReceiver } from '../src/receiver/receiver.js';
import type { ObjectMeta, ObjectSink, ObjectWriter, SinkResult } from '../src/writer.js';
import { blockPackets, fdtPacket } from './support/craft.js';
import { Recorder, T0, randomBytes, run, setup } from './support/harness.js';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

type WriteMode = 'sync' | 'deferred' | 'throw';
type CompleteMode = 'sync' | 'deferred' | 'throw' | 'reject';

/** What one sink was told. */
interface SinkLog {
  readonly meta: ObjectMeta;
  readonly calls: string[];
  bytes: number;
  completes: number;
  aborts: number;
  /** Calls that broke the contract (anything after complete/abort). */
  readonly violations: string[];
  readonly writes: Deferred<void>[];
  complete: Deferred<SinkResult | void> | undefined;
}

/** An ObjectWriter that records every call on every sink it opens. */
class RecordingWriter implements ObjectWriter {
  readonly sinks: SinkLog[] = [];
  constructor(readonly mode: { readonly write?: WriteMode; readonly complete?: CompleteMode } = {}) {}

  open(meta: ObjectMeta): ObjectSink {
    const log: SinkLog = { meta, calls: [], bytes: 0, completes: 0, aborts: 0, violations: [], writes: [], complete: undefined };
    this.sinks.push(log);
    const ended = (): boolean => log.completes + log.aborts > 0;
    return {
      write: (chunk) => {
        if (ended()) log.violations.push('write after end');
        log.calls.push('write');
        log.bytes += chunk.length;
        if (this.mode.write === 'throw') throw new Error('disk on fire');
        if (this.mode.write === 'deferred') {
          const d = deferred<void>();
          log.writes.push(d);
          return d.promise;
        }
        return undefined;
      },
      complete: () => {
        if (ended()) log.violations.push(log.completes > 0 ? 'complete twice' : 'complete after abort');
        log.calls.push('complete');
        log.completes++;
        switch (this.mode.complete) {
          case 'throw':
            throw new Error('rename failed');
          case 'reject':
            return Promise.reject(new Error('rename failed'));
          case 'deferred':
            log.complete = deferred<SinkResult | void>();
            return log.complete.promise;
          default:
            return { path: `/out/${meta.contentLocation}` };
        }
      },
      abort: (reason) => {
        if (ended()) log.violations.push(log.aborts > 0 ? 'abort twice' : 'abort after complete');
        log.calls.push(`abort:${reason}`);
        log.aborts++;
      },
    };
  }

  /** Every sink ended exactly once, with nothing after. */
  expectEachEndedOnce(): void {
    for (const s of this.sinks) {
      expect(s.violations, s.meta.contentLocation).toEqual([]);
      expect(s.completes + s.aborts, `${s.meta.contentLocation}: ${s.calls.join(' ')}`).toBe(1);
    }
  }

  ends(): string[] {
    return this.sinks.map((s) => s.calls.filter((c) => c !== 'write').join(' '));
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const LONG = T0 + 3_600_000;

function describeObject(rx: FluteReceiver, toi: number, data: Uint8Array, extra: { contentLength?: number; contentMd5?: Uint8Array; id?: number } = {}, at = T0): void {
  rx.push(
    fdtPacket({
      id: extra.id ?? toi,
      files: [{ contentLocation: `o${toi}`, toi: BigInt(toi), contentLength: extra.contentLength ?? data.length, contentMd5: extra.contentMd5 ?? md5(data) }],
      expiresMs: LONG,
    }),
    at,
  );
}

function closeSessionPacket(): Uint8Array {
  return encodeAlcPacket({
    header: { tsi: 1, toi: 0, tsiBits: 32, toiBits: 32, closeSession: true, extensions: [{ het: HET_FTI, fti: { fecEncodingId: 0, transferLength: 0, symbolLength: 0, maxSourceBlockLength: 0 } }] },
    payloadId: { sbn: 0, esi: 0 },
    payload: new Uint8Array(0),
  });
}

describe('ObjectSink contract: one complete() or one abort() per sink', () => {
  it('a verified object: one complete, with sync and with asynchronous writes and completion', async () => {
    for (const mode of [{}, { write: 'deferred', complete: 'deferred' }] as const) {
      const w = new RecordingWriter(mode);
      const rx = new FluteReceiver({ writer: w });
      const rec = new Recorder(rx);
      const data = randomBytes(4000, 1);
      describeObject(rx, 1, data);
      for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 })) rx.push(d, T0);
      if (mode.write === 'deferred') {
        const log = w.sinks[0]!;
        expect(log.calls).toEqual(['write', 'write']);
        // complete() waits for every write, settled in any order.
        log.writes[1]!.resolve();
        await tick();
        expect(log.completes).toBe(0);
        log.writes[0]!.resolve();
        await tick();
        expect(log.completes).toBe(1);
        expect(rec.completed).toHaveLength(0);
        log.complete!.resolve({ path: '/x' });
      }
      await rx.whenWritten();
      expect(rec.completed.map((c) => c.meta.contentLocation)).toEqual(['o1']);
      // Repeats of the finished object and cleanup long after touch nothing.
      for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 })) rx.push(d, T0 + 100);
      rx.cleanup(T0 + 60_000);
      rx.close();
      w.expectEachEndedOnce();
      expect(w.ends()).toEqual(['complete']);
    }
  });

  it('MD5 and size mismatches: one abort, never a complete, and nothing more on later packets or cleanup', async () => {
    const w = new RecordingWriter();
    const rx = new FluteReceiver({ writer: w });
    const rec = new Recorder(rx);
    const a = randomBytes(4000, 2);
    describeObject(rx, 1, a, { contentMd5: md5(randomBytes(4000, 3)) });
    const b = randomBytes(4000, 4);
    describeObject(rx, 2, b, { contentLength: 5000 });
    for (const d of [...blockPackets({ toi: 1, data: a, T: 1000, B: 2 }), ...blockPackets({ toi: 2, data: b, T: 1000, B: 2 })]) rx.push(d, T0);
    expect(rec.failed.map((f) => f.reason)).toEqual(['md5-mismatch', 'size-mismatch']);
    for (const d of blockPackets({ toi: 1, data: a, T: 1000, B: 2 })) rx.push(d, T0 + 10);
    rx.cleanup(T0 + 60_000);
    rx.close();
    await rx.whenWritten();
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:md5-mismatch', 'abort:size-mismatch']);
  });

  it('a B flag, then a timeout: one abort; a later round opens a new sink that completes', () => {
    const w = new RecordingWriter();
    const rx = new FluteReceiver({ writer: w });
    const rec = new Recorder(rx);
    const data = randomBytes(4000, 5);
    describeObject(rx, 1, data);
    const packets = blockPackets({ toi: 1, data, T: 1000, B: 2, closeLast: true });
    // Block 0 and the B-flagged last packet: the sink is open, block 1 is missing.
    for (const i of [0, 1, 3]) rx.push(packets[i]!, T0);
    expect(w.sinks).toHaveLength(1);
    rx.cleanup(T0 + 1_000);
    expect(rec.interrupted).toHaveLength(1);
    expect(w.ends()).toEqual(['']);
    rx.cleanup(T0 + 10_000);
    expect(rec.failed.map((f) => f.reason)).toEqual(['timeout']);
    rx.cleanup(T0 + 11_000);
    // A later carousel round is a new object with a new sink.
    for (const d of packets) rx.push(d, T0 + 30_000);
    expect(rec.completed).toHaveLength(1);
    rx.cleanup(T0 + 90_000);
    rx.close();
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:timeout', 'complete']);
  });

  it('removeObject on the sender (B flag on the cut transfer): one abort when the object times out', async () => {
    const w = new RecordingWriter();
    const p = setup({ receiver: { writer: w, objectTimeoutMs: 2_000 }, sender: { fec: { maxSourceBlockLength: 4 } } });
    const toi = p.sender.addObject({ source: randomBytes(100_000, 6), contentLocation: 'cut' });
    let blocks = 0;
    p.receiver.on('object-progress', (e) => (blocks = e.blocks));
    await run(p, () => blocks >= 2, 60_000, 1);
    expect(p.sender.removeObject(toi)).toBe(true);
    await run(p, () => p.rec.failed.length > 0, 30_000);
    expect(p.rec.interrupted).toHaveLength(1);
    expect(p.rec.failed.map((f) => f.reason)).toEqual(['timeout']);
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:timeout']);
  });

  it('a timeout, the A flag and close() racing a completion in progress: one complete, no abort', async () => {
    for (const waitFor of ['writes', 'complete'] as const) {
      const w = new RecordingWriter({ write: waitFor === 'writes' ? 'deferred' : 'sync', complete: 'deferred' });
      const rx = new FluteReceiver({ writer: w, objectTimeoutMs: 1_000, closeGraceMs: 100 });
      const rec = new Recorder(rx);
      const data = randomBytes(4000, 7);
      describeObject(rx, 1, data);
      for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 })) rx.push(d, T0);
      const log = w.sinks[0]!;
      expect(log.completes).toBe(waitFor === 'writes' ? 0 : 1);
      let written = false;
      void rx.whenWritten().then(() => (written = true));
      // Verified content may not fail from outside any more.
      rx.cleanup(T0 + 5_000);
      rx.push(closeSessionPacket(), T0 + 5_000);
      rx.cleanup(T0 + 6_000);
      expect(rec.sessionsClosed.map((s) => s.reason)).toEqual(['close-flag']);
      rx.close();
      await tick();
      expect(rec.failed).toEqual([]);
      expect(log.aborts).toBe(0);
      for (const d of log.writes) d.resolve();
      await tick();
      expect(log.completes).toBe(1);
      expect(written).toBe(false);
      log.complete!.resolve({ path: '/done' });
      await rx.whenWritten();
      expect(written).toBe(true);
      expect(rec.completed.map((c) => c.path)).toEqual(['/done']);
      w.expectEachEndedOnce();
      expect(w.ends()).toEqual(['complete']);
    }
  });

  it('a failed write aborts once and complete() never comes, however many writes are pending', async () => {
    const w = new RecordingWriter({ write: 'deferred' });
    const rx = new FluteReceiver({ writer: w });
    const rec = new Recorder(rx);
    const data = randomBytes(100 * 100, 8);
    describeObject(rx, 1, data);
    // 100 one-symbol blocks: 100 writes in flight when the object is verified.
    for (const d of blockPackets({ toi: 1, data, T: 100, B: 1 })) rx.push(d, T0);
    const log = w.sinks[0]!;
    expect(log.writes).toHaveLength(100);
    // The newest writes succeed first; the oldest one fails last.
    for (let i = 99; i >= 1; i--) log.writes[i]!.resolve();
    await tick();
    expect(log.completes + log.aborts).toBe(0);
    log.writes[0]!.reject(new Error('disk full'));
    await rx.whenWritten();
    expect(rec.failed.map((f) => f.reason)).toEqual(['write-error']);
    expect(rec.completed).toEqual([]);
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:write-error']);
    expect(rx.pendingWriteBytes).toBe(0);
  });

  it('a write that throws aborts once', () => {
    const w = new RecordingWriter({ write: 'throw' });
    const rx = new FluteReceiver({ writer: w });
    const rec = new Recorder(rx);
    const data = randomBytes(4000, 9);
    describeObject(rx, 1, data);
    for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 })) rx.push(d, T0);
    rx.cleanup(T0 + 60_000);
    expect(rec.failed.map((f) => f.reason)).toEqual(['write-error']);
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:write-error']);
  });

  it('a complete() that throws or rejects fails the object (write-error) without an abort', async () => {
    for (const complete of ['throw', 'reject'] as const) {
      const w = new RecordingWriter({ complete });
      const rx = new FluteReceiver({ writer: w });
      const rec = new Recorder(rx);
      const data = randomBytes(4000, 10);
      describeObject(rx, 1, data);
      for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 })) rx.push(d, T0);
      await rx.whenWritten();
      rx.cleanup(T0 + 60_000);
      rx.close();
      expect(rec.failed.map((f) => f.reason)).toEqual(['write-error']);
      expect(rec.completed).toEqual([]);
      w.expectEachEndedOnce();
      expect(w.ends()).toEqual(['complete']);
    }
  });

  it('the A flag and receiver close() abort objects being received, once; close() drops what follows', async () => {
    const w = new RecordingWriter();
    const rx = new FluteReceiver({ writer: w, closeGraceMs: 100 });
    const rec = new Recorder(rx);
    const a = randomBytes(4000, 11);
    describeObject(rx, 1, a);
    rx.push(blockPackets({ toi: 1, data: a, T: 1000, B: 2 })[0]!, T0);
    rx.push(blockPackets({ toi: 1, data: a, T: 1000, B: 2 })[1]!, T0);
    rx.push(closeSessionPacket(), T0 + 1);
    rx.cleanup(T0 + 200);
    expect(rec.sessionsClosed.map((s) => s.reason)).toEqual(['close-flag']);
    expect(w.ends()).toEqual(['abort:session-closed']);
    // A new session (another TSI) with an object half received, then the receiver closes.
    const b = randomBytes(4000, 12);
    rx.push(fdtPacket({ tsi: 2, id: 1, files: [{ contentLocation: 'b', toi: 1n, contentLength: 4000, contentMd5: md5(b) }], expiresMs: LONG }), T0 + 300);
    for (const d of blockPackets({ tsi: 2, toi: 1, data: b, T: 1000, B: 2 }).slice(0, 2)) rx.push(d, T0 + 300);
    expect(w.sinks).toHaveLength(2);
    rx.close();
    rx.close();
    expect(rx.closed).toBe(true);
    expect(rec.sessionsClosed.map((s) => s.reason)).toEqual(['close-flag', 'receiver-closed']);
    expect(rec.failed.map((f) => f.reason)).toEqual(['session-closed', 'session-closed']);
    // Everything after close() is dropped and counted; cleanup has nothing left to do.
    const before = rx.stats.dropped['session-closed'];
    for (const d of blockPackets({ tsi: 2, toi: 1, data: b, T: 1000, B: 2 })) rx.push(d, T0 + 400);
    expect(rx.stats.dropped['session-closed']).toBe(before + 4);
    expect(rx.sessions()).toEqual([]);
    expect(rx.nextDeadline()).toBe(Infinity);
    rx.cleanup(T0 + 3_600_000);
    await rx.whenWritten();
    expect(rec.completed).toEqual([]);
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:session-closed', 'abort:session-closed']);
    expect(rx.memory).toBe(0);
  });

  it('a memory limit or an unknown EXT_CENC after the sink opened: one abort', () => {
    const w = new RecordingWriter();
    const rx = new FluteReceiver({ writer: w, limits: { maxObjectMemory: 3 * 4096 + 3000 } });
    const rec = new Recorder(rx);
    const a = randomBytes(8000, 13);
    describeObject(rx, 1, a);
    const pa = blockPackets({ toi: 1, data: a, T: 1000, B: 2 });
    // Block 0 goes to the sink; blocks 1, 2 and 3 opened at once outgrow maxObjectMemory.
    for (const i of [0, 1, 2, 4, 6]) rx.push(pa[i]!, T0);
    const b = randomBytes(4000, 14);
    describeObject(rx, 2, b);
    const pb = blockPackets({ toi: 2, data: b, T: 1000, B: 2 });
    rx.push(pb[0]!, T0);
    rx.push(pb[1]!, T0);
    rx.push(blockPackets({ toi: 2, data: b, T: 1000, B: 2, cenc: 9 })[2]!, T0);
    for (const d of [...pa, ...pb]) rx.push(d, T0 + 1);
    rx.cleanup(T0 + 60_000);
    expect(rec.failed.map((f) => f.reason)).toEqual(['memory-limit', 'unsupported-encoding']);
    w.expectEachEndedOnce();
    expect(w.ends()).toEqual(['abort:memory-limit', 'abort:unsupported-encoding']);
    expect(rx.memory).toBe(0);
  });
});

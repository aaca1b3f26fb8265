import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  EFP_FLAG_EMBEDDED,
  EFP_IN_PLACE_HEADROOM,
  EFP_UNKNOWN_CODE,
  EFP_UNKNOWN_DTS,
  EFP_UNKNOWN_PTS,
  EfpContent,
  EfpEmbeddedType,
  EfpReceiver,
  EfpSender,
  encodeEfpPacket,
  encodeEmbeddedData,
  extractEmbeddedData,
  fourcc,
  type Superframe,
} from '@proto/efp';
import { runLossScenario } from '../bench/loss-scenario.js';
import { packFrames, xorshiftBytes } from './helpers.js';

const MTU = 1456;
const T1 = MTU - 8;

function sender(superFrameNo = 0): EfpSender {
  return new EfpSender({ mtu: MTU, superFrameNo });
}

function pushAll(r: EfpReceiver, packets: Uint8Array[], now = 0): string[] {
  return packets.map((p) => r.push(p, now));
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

describe('EfpReceiver: the reference unit-test scenarios', () => {
  it('a single Type 2 of MTU-32 bytes', () => {
    const [f] = packFrames(sender(), [MTU - 32], { dataContent: EfpContent.h264, code: 'ANXB' });
    expect(f!.packets.length).toBe(1);
    const r = new EfpReceiver();
    expect(pushAll(r, f!.packets)).toEqual(['accepted']);
    const [got] = r.poll(0);
    expect(got).toMatchObject({ size: MTU - 32, broken: false, streamId: 1, dataContent: 0x83, code: fourcc('ANXB'), pts: 1000n, dts: 1000n });
    expect(same(got!.data, f!.payload)).toBe(true);
  });

  it('a 1-byte frame keeps pts, code and content', () => {
    const s = sender();
    const packets = s.pack(new Uint8Array([0xaa]), { streamId: 4, pts: 1001, dts: 1000, code: 2, dataContent: EfpContent.adts });
    const r = new EfpReceiver();
    pushAll(r, packets);
    expect(r.poll(0)).toEqual([
      expect.objectContaining({ size: 1, pts: 1001n, dts: 1000n, code: 2, dataContent: EfpContent.adts, streamId: 4, broken: false }),
    ]);
  });

  it('Type 1 + Type 2 sizes, and a 5 x (MTU-8) + 12 ramp', () => {
    const r = new EfpReceiver();
    const s = sender();
    for (const size of [T1 + 1, T1 * 2, 5 * T1 + 12]) {
      const ramp = new Uint8Array(size).map((_, i) => i & 0xff);
      pushAll(r, s.pack(ramp, { streamId: 1, pts: 1 }));
      const [got] = r.poll(0);
      expect(got?.broken).toBe(false);
      expect(same(got!.data, ramp)).toBe(true);
    }
  });

  it('first fragment lost: broken, correct size, the hole zeroed and the data after it intact', () => {
    const [f] = packFrames(sender(), [5 * T1 + 12]);
    const r = new EfpReceiver({ timeoutMs: 50 });
    pushAll(r, f!.packets.slice(1), 0);
    expect(r.poll(49)).toEqual([]);
    expect(r.nextDeadline()).toBe(50);
    const [got] = r.poll(50);
    expect(got).toMatchObject({ broken: true, size: 5 * T1 + 12, pts: 1000n });
    expect(got!.data.subarray(0, T1).every((b) => b === 0)).toBe(true);
    expect(same(got!.data.subarray(T1), f!.payload.subarray(T1))).toBe(true);
    expect(r.stats).toMatchObject({ framesDelivered: 1, framesBroken: 1 });
  });

  it('Type 1 fragments swapped, and the Type 2 first', () => {
    const [f] = packFrames(sender(), [4 * T1 + 100]);
    const p = f!.packets;
    for (const order of [[1, 0, 2, 3, 4], [4, 0, 1, 2, 3], [4, 3, 2, 1, 0]]) {
      const r = new EfpReceiver();
      pushAll(r, order.map((i) => p[i]!));
      const [got] = r.poll(0);
      expect(got?.broken).toBe(false);
      expect(same(got!.data, f!.payload)).toBe(true);
    }
  });

  it('Type 2 lost: broken, pts and code unknown, size (MTU-8) x ofFragmentNo', () => {
    const [f] = packFrames(sender(), [3 * T1 + 100], { code: 'ANXB', dataContent: EfpContent.h264 });
    const r = new EfpReceiver();
    pushAll(r, f!.packets.slice(0, 3));
    const [got] = r.poll(100);
    expect(got).toMatchObject({ broken: true, size: 3 * T1, pts: EFP_UNKNOWN_PTS, dts: EFP_UNKNOWN_DTS, code: EFP_UNKNOWN_CODE, dataContent: 0 });
    expect(same(got!.data, f!.payload.subarray(0, 3 * T1))).toBe(true);
  });

  it('Type 2 lost after an earlier frame: content and code come from the stream', () => {
    const [a, b] = packFrames(sender(), [100, 3 * T1 + 100], { code: 'ANXB', dataContent: EfpContent.h264 });
    const r = new EfpReceiver();
    pushAll(r, a!.packets);
    pushAll(r, b!.packets.slice(0, 3));
    const got = r.poll(100);
    expect(got[1]).toMatchObject({ broken: true, pts: EFP_UNKNOWN_PTS, code: fourcc('ANXB'), dataContent: EfpContent.h264 });
  });

  it('HOL: two frames swapped are still delivered in order', () => {
    const [a, b] = packFrames(sender(), [3 * T1, 2 * T1]);
    const r = new EfpReceiver({ timeoutMs: 50, holTimeoutMs: 20 });
    const got: Superframe[] = [];
    for (const p of [...b!.packets, ...a!.packets]) {
      r.push(p, 0);
      got.push(...r.poll(0)); // run-to-completion: poll after each packet
    }
    expect(got.map((f) => f.pts)).toEqual([1000n, 1001n]);
    expect(got.every((f) => !f.broken)).toBe(true);
  });

  it('HOL: five frames given in reverse with the third lost come out 1, 2, 4, 5', () => {
    const fs = packFrames(sender(), Array<number>(5).fill(5 * T1 + 12), { code: 0 });
    const r = new EfpReceiver({ timeoutMs: 50, holTimeoutMs: 20 });
    for (const i of [4, 3, 1, 0]) expect(pushAll(r, fs[i]!.packets)).toEqual(fs[i]!.packets.map(() => 'accepted'));
    const got = r.poll(0);
    expect(got.map((f) => f.pts)).toEqual([1000n, 1001n]); // frame 3 (pts 1002) blocks the head
    expect(r.nextDeadline()).toBe(70);
    got.push(...r.poll(69));
    expect(got.length).toBe(2);
    got.push(...r.poll(70));
    expect(got.map((f) => f.pts)).toEqual([1000n, 1001n, 1003n, 1004n]);
    expect(got.every((f) => !f.broken && f.size === 5 * T1 + 12)).toBe(true);
  });

  it('100k frames of random sizes', () => {
    const s = sender();
    const r = new EfpReceiver();
    let seed = 12345;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
    let bad = 0;
    let delivered = 0;
    for (let i = 0; i < 100_000; i++) {
      const size = Math.floor(rnd() * 10_000);
      const payload = new Uint8Array(size);
      for (let k = 0; k < size; k += 97) payload[k] = (i + k) & 0xff; // a marker in every fragment
      for (const p of s.pack(payload, { streamId: 1 + (i % 255), pts: i })) r.push(p, i);
      for (const f of r.poll(i)) {
        delivered++;
        if (f.broken || f.pts !== BigInt(i) || f.streamId !== 1 + (i % 255) || !same(f.data, payload)) bad++;
      }
    }
    expect(delivered).toBe(100_000);
    expect(bad).toBe(0);
    expect(r.framesInFlight).toBe(0);
  });

  it('embedded data records travel with the frame', () => {
    const body = xorshiftBytes(3000, 9);
    const framed = encodeEmbeddedData(
      [
        { type: EfpEmbeddedType.h222Pmt, data: new Uint8Array([9, 9]) },
        { type: EfpEmbeddedType.privateData, data: new Uint8Array([1, 2, 3]) },
      ],
      body,
    );
    const r = new EfpReceiver();
    pushAll(r, sender().pack(framed, { streamId: 1, pts: 1, flags: EFP_FLAG_EMBEDDED }));
    const [got] = r.poll(0);
    expect(got!.flags).toBe(EFP_FLAG_EMBEDDED);
    const { records, payload } = extractEmbeddedData(got!.data);
    expect(records.map((x) => [x.type, [...x.data]])).toEqual([[2, [9, 9]], [1, [1, 2, 3]]]);
    expect(same(payload, body)).toBe(true);
  });

  it('random sizes up to 1 MB with 2% loss, 2% partial loss and 10% shuffled fragments (lean run)', () => {
    // bench/loss-stress.ts runs the same scenario at full count.
    for (const holTimeoutMs of [0, 20]) {
      const r = runLossScenario({ frames: 150, seed: 777, holTimeoutMs });
      expect(r.mismatches).toEqual([]);
      expect(r.intact + r.broken + r.lost).toBe(r.sent);
      expect(r.lost + r.partial + r.shuffled).toBeGreaterThan(0);
    }
  });

  it('sender and receiver recreated with superFrameNo 4567', () => {
    for (let round = 0; round < 2; round++) {
      const fs = packFrames(sender(4567), [10, 5000, 1424]);
      const r = new EfpReceiver();
      for (const f of fs) pushAll(r, f.packets);
      expect(r.poll(0).map((f) => f.superFrameNo)).toEqual([4567, 4568, 4569]);
    }
  });

  it('per-call send callbacks and run-to-completion delivery', () => {
    const s = sender();
    const r = new EfpReceiver();
    const got: Superframe[] = [];
    for (let i = 0; i < 20; i++) {
      s.pack(xorshiftBytes(i * 700, i + 1), { streamId: 1, pts: i }, (p) => {
        r.push(p, i);
        got.push(...r.poll(i));
      });
    }
    expect(got.map((f) => Number(f.pts))).toEqual([...Array(20).keys()]);
  });

  it('zero-copy send (packInPlace) into the receiver', () => {
    const payload = xorshiftBytes(200_000, 5);
    const frame = new Uint8Array(EFP_IN_PLACE_HEADROOM + payload.length);
    frame.set(payload, EFP_IN_PLACE_HEADROOM);
    const r = new EfpReceiver();
    sender().packInPlace(frame, { streamId: 1, pts: 1 }, (p) => r.push(p, 0));
    const [got] = r.poll(0);
    expect(got?.broken).toBe(false);
    expect(same(got!.data, payload)).toBe(true);
  });

  it('HOL: a late fragment of a frame already delivered is too old', () => {
    const [a, b] = packFrames(sender(), [3 * T1, 100]);
    const r = new EfpReceiver({ timeoutMs: 50, holTimeoutMs: 20 });
    pushAll(r, a!.packets.slice(1));
    pushAll(r, b!.packets);
    const got = r.poll(70);
    expect(got.map((f) => [f.pts, f.broken])).toEqual([[1000n, true], [1001n, false]]);
    expect(r.push(a!.packets[0]!, 71)).toBe('tooOld');
    expect(r.stats.tooOld).toBe(1);
  });

  it('HOL: a superFrameNo gap of 3 after two lost frames', () => {
    const fs = packFrames(sender(), [100, 100, 100, 100, 100]);
    const r = new EfpReceiver({ timeoutMs: 50, holTimeoutMs: 20 });
    pushAll(r, fs[0]!.packets, 0);
    pushAll(r, fs[1]!.packets, 0);
    pushAll(r, fs[4]!.packets, 0);
    const got = r.poll(0);
    expect(got.map((f) => f.superFrameNo)).toEqual([0, 1]);
    expect(r.poll(69)).toEqual([]);
    const late = r.poll(70);
    expect(late.map((f) => [f.superFrameNo, f.broken])).toEqual([[4, false]]);
    expect(late[0]!.superFrameNo - got[1]!.superFrameNo).toBe(3);
  });
});

describe('EfpReceiver: Type 3 paths', () => {
  const size = 2 * T1 + (MTU - 20); // tail of MTU-20 bytes > MTU-32: Type 1, Type 1, Type 3, Type 2
  it('reassembles in every arrival order', () => {
    const [f] = packFrames(sender(), [size]);
    expect(f!.packets.map((p) => p[0]! & 15)).toEqual([1, 1, 3, 2]);
    for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [3, 0, 1, 2], [2, 3, 0, 1]]) {
      const r = new EfpReceiver();
      pushAll(r, order.map((i) => f!.packets[i]!));
      const [got] = r.poll(0);
      expect(got?.broken, String(order)).toBe(false);
      expect(same(got!.data, f!.payload)).toBe(true);
    }
  });

  it('Type 3 lost: broken, size (MTU-8) x ofFragmentNo as the reference reports it', () => {
    const [f] = packFrames(sender(), [size]);
    const r = new EfpReceiver();
    pushAll(r, [f!.packets[0]!, f!.packets[1]!, f!.packets[3]!]);
    const [got] = r.poll(100);
    expect(got).toMatchObject({ broken: true, size: 3 * T1, pts: 1000n });
    expect(got!.data.subarray(2 * T1).every((b) => b === 0)).toBe(true);
  });

  it('Type 2 lost: the Type 3 fixes the size', () => {
    const [f] = packFrames(sender(), [size]);
    const r = new EfpReceiver();
    pushAll(r, f!.packets.slice(0, 3));
    const [got] = r.poll(100);
    expect(got).toMatchObject({ broken: true, size, pts: EFP_UNKNOWN_PTS });
    expect(same(got!.data, f!.payload)).toBe(true);
  });

  it('a frame that is one Type 3 + Type 2 (tail only)', () => {
    const [f] = packFrames(sender(), [MTU - 10]);
    expect(f!.packets.map((p) => p.length)).toEqual([MTU - 2, 32]);
    for (const order of [[0, 1], [1, 0]]) {
      const r = new EfpReceiver();
      pushAll(r, order.map((i) => f!.packets[i]!));
      const [got] = r.poll(0);
      expect(got?.broken).toBe(false);
      expect(same(got!.data, f!.payload)).toBe(true);
    }
  });
});

describe('EfpReceiver: numbering, duplicates, slots and limits', () => {
  it('u16 wraparound keeps HOL order across 65535 -> 0', () => {
    const fs = packFrames(sender(65533), [100, 3000, 100, 3000, 100]);
    expect(fs.map((f) => f.sfn)).toEqual([65533, 65534, 65535, 0, 1]);
    const r = new EfpReceiver({ holTimeoutMs: 10 });
    for (const i of [0, 2, 1, 4, 3]) pushAll(r, fs[i]!.packets);
    expect(r.poll(0).map((f) => f.superFrameNo)).toEqual([65533, 65534, 65535, 0, 1]);
  });

  it('ignores duplicates of every type while in flight, and calls them too old after delivery', () => {
    const [f] = packFrames(sender(), [2 * T1 + (MTU - 20)]);
    const p = f!.packets;
    const r = new EfpReceiver();
    expect(pushAll(r, [p[0]!, p[0]!, p[2]!, p[2]!, p[3]!, p[3]!, p[1]!])).toEqual([
      'accepted', 'duplicate', 'accepted', 'duplicate', 'accepted', 'duplicate', 'accepted',
    ]);
    expect(r.push(p[1]!, 0)).toBe('duplicate'); // complete but not yet polled
    expect(r.poll(0).length).toBe(1);
    expect(pushAll(r, p)).toEqual(['tooOld', 'tooOld', 'tooOld', 'tooOld']);
    expect(r.stats).toMatchObject({ duplicate: 4, tooOld: 4, framesDelivered: 1 });
    const [single] = packFrames(sender(1), [10]);
    r.push(single!.packets[0]!, 0);
    expect(r.push(single!.packets[0]!, 0)).toBe('duplicate');
  });

  it('drops a fragment whose slot (superFrameNo mod 8192) is held by another frame', () => {
    const s = sender();
    const [a] = packFrames(s, [3 * T1]);
    s.superFrameNo = 8192;
    const [b] = packFrames(s, [100]);
    const r = new EfpReceiver();
    r.push(a!.packets[0]!, 0);
    expect(r.push(b!.packets[0]!, 0)).toBe('slotBusy');
    pushAll(r, a!.packets.slice(1));
    expect(r.poll(0).map((f) => f.superFrameNo)).toEqual([0]);
    // Once the slot is free, 8192 gets it (a forward jump of 8192 frames).
    expect(r.push(b!.packets[0]!, 1)).toBe('accepted');
    expect(r.poll(1).map((f) => f.superFrameNo)).toEqual([8192]);
  });

  it('discards the whole frame on an ofFragmentNo mismatch or a fragmentNo past it', () => {
    const [f] = packFrames(sender(), [3 * T1 + 10]);
    const p = f!.packets;
    const r = new EfpReceiver();
    r.push(p[0]!, 0);
    const wrongOf = p[1]!.slice();
    wrongOf[6] = 9;
    expect(r.push(wrongOf, 0)).toBe('inconsistent');
    expect(r.framesInFlight).toBe(0);
    expect(pushAll(r, p.slice(1))).toEqual(['tooOld', 'tooOld', 'tooOld']);
    expect(r.poll(1000)).toEqual([]);
    expect(r.stats.framesDiscarded).toBe(1);

    const [g] = packFrames(sender(100), [3 * T1 + 10]);
    const r2 = new EfpReceiver();
    r2.push(g!.packets[0]!, 0);
    const past = encodeEfpPacket({ type: 1, flags: 0, streamId: 1, superFrameNo: 100, fragmentNo: 5, ofFragmentNo: 3, payload: new Uint8Array(T1) });
    expect(r2.push(past, 0)).toBe('inconsistent');
    expect(r2.push(past, 0)).toBe('tooOld'); // the frame was discarded: its fragments are too old now
    expect(r2.push(new Uint8Array([1, 1, 7, 0, 5, 0, 3, 0, 1]), 0)).toBe('malformed'); // same, with no frame: just bad
  });

  it('checks what the reference does not: equal Type 1 sizes, one tail, one stream', () => {
    const [f] = packFrames(sender(), [2 * T1 + (MTU - 20)]);
    const p = f!.packets;
    const short = encodeEfpPacket({ type: 1, flags: 0, streamId: 1, superFrameNo: 0, fragmentNo: 1, ofFragmentNo: 3, payload: new Uint8Array(100) });
    const r = new EfpReceiver();
    r.push(p[0]!, 0);
    expect(r.push(short, 0)).toBe('inconsistent');

    const otherStream = p[1]!.slice();
    otherStream[1] = 7;
    const r2 = new EfpReceiver();
    r2.push(p[0]!, 0);
    expect(r2.push(otherStream, 0)).toBe('inconsistent');

    // A Type 2 with data when a Type 3 already carried the tail.
    const t2 = encodeEfpPacket({
      type: 2, flags: 0, streamId: 1, dataContent: 0, superFrameNo: 0, ofFragmentNo: 3, type1PacketSize: T1,
      pts: 1000n, dtsPtsDiff: 0, code: 0, payload: new Uint8Array(10),
    });
    const r3 = new EfpReceiver();
    r3.push(p[2]!, 0);
    expect(r3.push(t2, 0)).toBe('inconsistent');
  });

  it('rejects truncated, malformed, unknown and private packets without throwing', () => {
    const r = new EfpReceiver();
    const t2 = sender().pack(new Uint8Array(50), { streamId: 1, pts: 1 })[0]!;
    expect(r.push(new Uint8Array(0), 0)).toBe('truncated');
    expect(r.push(new Uint8Array([1, 1, 0, 0, 0, 0, 1]), 0)).toBe('truncated');
    expect(r.push(t2.subarray(0, 31), 0)).toBe('truncated');
    expect(r.push(t2.subarray(0, 81), 0)).toBe('truncated'); // 32 + sizeOfData (50) = 82
    expect(r.push(new Uint8Array([3, 1, 0, 0]), 0)).toBe('truncated');
    expect(r.push(new Uint8Array([0x10, 1, 2, 3]), 0)).toBe('type0');
    expect(r.push(new Uint8Array([0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 0)).toBe('unknownType');
    expect(r.push(new Uint8Array([0x0f]), 0)).toBe('unknownType');
    expect(r.push(new Uint8Array([1, 1, 0, 0, 0, 0, 1, 0]), 0)).toBe('malformed'); // empty Type 1
    expect(r.push(new Uint8Array([1, 1, 0, 0, 2, 0, 2, 0, 9]), 0)).toBe('malformed'); // fragmentNo = ofFragmentNo
    expect(r.push(new Uint8Array([3, 1, 0, 0, 8, 0, 0, 0, 9]), 0)).toBe('malformed'); // Type 3 with ofFragmentNo 0
    expect(r.push(new Uint8Array([3, 1, 0, 0, 1, 0, 1, 0, 9, 9]), 0)).toBe('malformed'); // tail longer than a fragment
    expect(r.push('nope' as unknown as Uint8Array, 0)).toBe('malformed');
    expect(r.push(t2, 0)).toBe('accepted');
    expect(r.poll(0).length).toBe(1);
    expect(r.stats).toMatchObject({ packets: 14, truncated: 5, type0: 1, unknownType: 2, malformed: 5, accepted: 1 });
  });

  it('bounds memory: frame size, bytes buffered and frames in flight', () => {
    const fs = packFrames(sender(), [5 * T1, 5 * T1, 5 * T1]);
    const small = new EfpReceiver({ maxFrameSize: 4 * T1 });
    expect(small.push(fs[0]!.packets[0]!, 0)).toBe('overLimit');

    const bytes = new EfpReceiver({ maxBufferedBytes: 7 * T1 });
    expect(bytes.push(fs[0]!.packets[0]!, 0)).toBe('accepted');
    expect(bytes.bufferedBytes).toBeGreaterThan(6 * T1);
    expect(bytes.push(fs[1]!.packets[0]!, 0)).toBe('overLimit');
    pushAll(bytes, fs[0]!.packets.slice(1));
    expect(bytes.poll(0).length).toBe(1);
    expect(bytes.bufferedBytes).toBe(0);
    expect(bytes.push(fs[1]!.packets[0]!, 0)).toBe('accepted'); // room again

    const count = new EfpReceiver({ maxFramesInFlight: 2 });
    expect(fs.map((f) => count.push(f.packets[0]!, 0))).toEqual(['accepted', 'accepted', 'overLimit']);
    expect(count.stats.overLimit).toBe(1);
  });

  it('a forged header cannot make it allocate more than maxFrameSize', () => {
    const r = new EfpReceiver();
    const huge = encodeEfpPacket({ type: 1, flags: 0, streamId: 1, superFrameNo: 1, fragmentNo: 0, ofFragmentNo: 65535, payload: new Uint8Array(1448) });
    expect(r.push(huge, 0)).toBe('overLimit');
    expect(r.bufferedBytes).toBe(0);
  });

  it('frees the memory of a discarded frame at once, even while an older frame is in flight', async () => {
    // Hostile pairs: a Type 1 that claims a large frame, then a fragment that contradicts it. Each
    // frame is discarded (and no longer counted in bufferedBytes); its memory must go with it, not
    // stay referenced until the oldest frame in flight reaches its deadline.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live: WeakRef<Uint8Array>[] = [];
    const r = new EfpReceiver({
      timeoutMs: 10_000,
      maxFrameSize: 1 << 20,
      maxBufferedBytes: 4 << 20,
      allocate: (size) => {
        const m = new Uint8Array(size);
        live.push(new WeakRef(m));
        return m;
      },
    });
    const fragment = (sfn: number, of: number): Uint8Array =>
      encodeEfpPacket({ type: 1, flags: 0, streamId: 1, superFrameNo: sfn, fragmentNo: 0, ofFragmentNo: of, payload: new Uint8Array(100) });
    const [head] = packFrames(sender(8000), [2 * T1 + 10]);
    expect(r.push(head!.packets[0]!, 0)).toBe('accepted'); // the oldest frame: in flight throughout
    for (let i = 1; i <= 3000; i++) {
      const sfn = (8000 + i) & 0xffff;
      expect(r.push(fragment(sfn, 1000), 1)).toBe('accepted'); // 100 kB each
      expect(r.push(fragment(sfn, 999), 1)).toBe('inconsistent');
      expect(r.poll(1)).toEqual([]);
    }
    expect(r.stats.framesDiscarded).toBe(3000);
    expect(r.bufferedBytes).toBeLessThan(4 * T1);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(live.filter((w) => w.deref() !== undefined).length).toBe(1); // the head's
    // The head frame still completes intact.
    pushAll(r, head!.packets.slice(1), 2);
    const [got] = r.poll(2);
    expect(got?.broken).toBe(false);
    expect(same(got!.data, head!.payload)).toBe(true);
    expect(r.framesInFlight).toBe(0);
  });

  it('zeroes the missing regions of broken frames built in recycled memory', () => {
    const stale = (size: number): Uint8Array => new Uint8Array(size).fill(0xee);
    const [f] = packFrames(sender(), [4 * T1 + 50]);
    const r = new EfpReceiver({ allocate: stale });
    pushAll(r, [f!.packets[0]!, f!.packets[2]!, f!.packets[4]!]);
    const [got] = r.poll(1000);
    expect(got?.broken).toBe(true);
    const want = f!.payload.slice();
    want.fill(0, T1, 2 * T1);
    want.fill(0, 3 * T1, 4 * T1);
    expect(same(got!.data, want)).toBe(true);
    expect(() => new EfpReceiver({ allocate: () => new Uint8Array(1) }).push(f!.packets[0]!, 0)).toThrow(TypeError);
  });

  it('without HOL delivers as frames complete; with HOL waits for two frames or a timeout to start', () => {
    const fs = packFrames(sender(), [3 * T1, 100]);
    const r = new EfpReceiver();
    pushAll(r, fs[1]!.packets);
    pushAll(r, fs[0]!.packets.slice(0, 2));
    expect(r.poll(0).map((f) => f.superFrameNo)).toEqual([1]);
    pushAll(r, fs[0]!.packets.slice(2));
    expect(r.poll(0).map((f) => f.superFrameNo)).toEqual([0]);

    const h = new EfpReceiver({ timeoutMs: 30, holTimeoutMs: 5 });
    pushAll(h, fs[1]!.packets, 0);
    expect(h.poll(0)).toEqual([]); // a single frame: the head is not known yet
    expect(h.nextDeadline()).toBe(30);
    expect(h.poll(30).map((f) => f.superFrameNo)).toEqual([1]); // timed out: the head starts there
    // As in the reference, a frame older than the head is still taken: it becomes the head, and is
    // delivered (here broken) at its deadline + the HOL timeout, after the newer frame.
    expect(h.push(fs[0]!.packets[0]!, 31)).toBe('accepted');
    expect(h.nextDeadline()).toBe(66);
    expect(h.poll(66).map((f) => [f.superFrameNo, f.broken])).toEqual([[0, true]]);
  });

  it('HOL recovers when the sender restarts its numbering', () => {
    const r = new EfpReceiver({ timeoutMs: 30, holTimeoutMs: 5 });
    const before = packFrames(sender(30_000), [100, 100, 100]);
    for (const f of before) pushAll(r, f.packets, 0);
    expect(r.poll(0).map((f) => f.superFrameNo)).toEqual([30_000, 30_001, 30_002]);
    const after = packFrames(sender(0), [100, 100, 100]);
    for (const f of after) pushAll(r, f.packets, 10);
    expect(r.poll(10)).toEqual([]); // behind the head: waits for its deadline + HOL
    expect(r.poll(45).map((f) => f.superFrameNo)).toEqual([0, 1, 2]);
    const more = packFrames(sender(3), [100]);
    pushAll(r, more[0]!.packets, 50);
    expect(r.poll(50).map((f) => f.superFrameNo)).toEqual([3]); // in order again, at once
  });

  it('reports deadlines and delivers timed-out frames, HOL deadlines including the HOL timeout', () => {
    const fs = packFrames(sender(), [3 * T1, 3 * T1]);
    const r = new EfpReceiver({ timeoutMs: 100 });
    expect(r.nextDeadline()).toBeUndefined();
    r.push(fs[0]!.packets[0]!, 10);
    r.push(fs[1]!.packets[0]!, 20);
    expect(r.nextDeadline()).toBe(110);
    expect(r.poll(110).map((f) => f.superFrameNo)).toEqual([0]);
    expect(r.nextDeadline()).toBe(120);
    pushAll(r, fs[1]!.packets.slice(1), 50);
    expect(r.nextDeadline()).toBe(50);
    expect(r.poll(50).map((f) => f.broken)).toEqual([false]);
    expect(r.nextDeadline()).toBeUndefined();

    const h = new EfpReceiver({ timeoutMs: 100, holTimeoutMs: 40 });
    h.push(fs[0]!.packets[0]!, 10);
    h.push(fs[1]!.packets[0]!, 20);
    h.poll(20);
    expect(h.nextDeadline()).toBe(150);
    expect(h.poll(150).map((f) => f.superFrameNo)).toEqual([0]);
    expect(h.nextDeadline()).toBe(160);
  });

  it('passes the source tag and the flags through, and delivers to onFrame', () => {
    const got: Superframe[] = [];
    const r = new EfpReceiver({ onFrame: (f) => got.push(f) });
    const packets = sender().pack(new Uint8Array(3000), { streamId: 6, pts: 1, flags: 0x20 });
    packets.forEach((p) => r.push(p, 0, 42));
    expect(r.poll(0)).toEqual([]);
    expect(got).toEqual([expect.objectContaining({ source: 42, flags: 0x20, streamId: 6, size: 3000 })]);
  });

  it('stream 0 carries efpsig', () => {
    const r = new EfpReceiver();
    pushAll(r, sender().pack(new TextEncoder().encode('{"streams":[]}'), { streamId: 0, pts: 1, dataContent: EfpContent.efpsig }));
    expect(r.poll(0)).toEqual([expect.objectContaining({ streamId: 0, dataContent: 0x80, size: 14 })]);
  });
});

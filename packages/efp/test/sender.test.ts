import { describe, expect, it } from 'vitest';
import {
  EFP_FLAG_EMBEDDED,
  EFP_IN_PLACE_HEADROOM,
  EfpContent,
  EfpReceiver,
  EfpSender,
  decodeEfpPacket,
  type EfpPacket,
} from '@proto/efp';
import { hex, xorshiftBytes } from './helpers.js';

const kinds = (packets: Uint8Array[]): number[] => packets.map((p) => p[0]! & 0x0f);

describe('EfpSender', () => {
  it('accepts MTU 255..65535 only', () => {
    expect(() => new EfpSender({ mtu: 254 })).toThrow(RangeError);
    expect(() => new EfpSender({ mtu: 65536 })).toThrow(RangeError);
    expect(() => new EfpSender({ mtu: 1000.5 })).toThrow(RangeError);
    expect(new EfpSender({ mtu: 255 }).mtu).toBe(255);
    expect(new EfpSender({ mtu: 65535 }).mtu).toBe(65535);
    expect(new EfpSender().mtu).toBe(1456);
  });

  it('knows the largest frame: (MTU-8)*65534 + (MTU-32)', () => {
    expect(EfpSender.maxFrameSize(255)).toBe(247 * 65534 + 223);
    expect(EfpSender.maxFrameSize(1456)).toBe(1448 * 65534 + 1424);
    expect(EfpSender.maxFrameSize(65535)).toBe(65527 * 65534 + 65503);
  });

  it('chooses Type 2 alone, Type 1 + Type 2, or Type 1 + Type 3 + Type 2 at the boundaries', () => {
    const mtu = 300;
    const s = new EfpSender({ mtu });
    const shape = (size: number): number[] => kinds(s.pack(new Uint8Array(size), { streamId: 1, pts: 0 }));
    expect(shape(0)).toEqual([2]);
    expect(shape(mtu - 32)).toEqual([2]);
    expect(shape(mtu - 31)).toEqual([3, 2]);
    expect(shape(mtu - 9)).toEqual([3, 2]);
    expect(shape(mtu - 8)).toEqual([1, 2]);
    expect(shape(mtu - 8 + mtu - 32)).toEqual([1, 2]);
    expect(shape(mtu - 8 + mtu - 31)).toEqual([1, 3, 2]);
    expect(shape(3 * (mtu - 8))).toEqual([1, 1, 1, 2]);
    for (const size of [0, 1, 268, 269, 291, 292, 293, 560, 561, 876, 5000]) {
      expect(s.packetCount(size)).toBe(shape(size).length);
    }
  });

  it('numbers fragments and sizes the headers like the reference', () => {
    const s = new EfpSender({ mtu: 300, superFrameNo: 7 });
    const packets = s.pack(new Uint8Array(292 * 2 + 280), { streamId: 9, pts: 5, dataContent: EfpContent.h264, code: 'ANXB' });
    const d = packets.map(decodeEfpPacket);
    expect(d.map((p) => p.type)).toEqual([1, 1, 3, 2]);
    expect(packets.map((p) => p.length)).toEqual([300, 300, 288, 32]);
    const [a, b, t3, t2] = d as [EfpPacket, EfpPacket, EfpPacket, EfpPacket];
    expect(a).toMatchObject({ type: 1, streamId: 9, superFrameNo: 7, fragmentNo: 0, ofFragmentNo: 3 });
    expect(b).toMatchObject({ type: 1, fragmentNo: 1, ofFragmentNo: 3 });
    expect(t3).toMatchObject({ type: 3, superFrameNo: 7, type1PacketSize: 292, ofFragmentNo: 3 });
    expect(t2).toMatchObject({ type: 2, superFrameNo: 7, ofFragmentNo: 3, type1PacketSize: 292, pts: 5n, dtsPtsDiff: 0, code: 0x414e5842 });
    expect((t2 as { payload: Uint8Array }).payload.length).toBe(0);
  });

  it('shares one u16 superFrameNo across streams, wraps to 0 and can be set', () => {
    const s = new EfpSender({ superFrameNo: 65534 });
    const sfn = (streamId: number): number => {
      const p = decodeEfpPacket(s.pack(new Uint8Array(10), { streamId, pts: 1 })[0]!);
      return p.type === 2 ? p.superFrameNo : -1;
    };
    expect([sfn(1), sfn(2), sfn(1), sfn(3)]).toEqual([65534, 65535, 0, 1]);
    s.superFrameNo = 4567;
    expect(sfn(1)).toBe(4567);
    expect(() => (s.superFrameNo = 65536)).toThrow(RangeError);
    expect(() => new EfpSender({ superFrameNo: -1 })).toThrow(RangeError);
  });

  it('rejects what the reference rejects, and leaves the counter alone', () => {
    const s = new EfpSender({ superFrameNo: 10 });
    const p = new Uint8Array(5);
    const bad: [string, () => unknown][] = [
      ['pts', () => s.pack(p, { streamId: 1, pts: 0xffff_ffff_ffff_ffffn })],
      ['dts', () => s.pack(p, { streamId: 1, pts: 5, dts: 0xffff_ffff_ffff_ffffn })],
      ['code', () => s.pack(p, { streamId: 1, pts: 5, code: 0xffff_ffff })],
      ['streamId 0', () => s.pack(p, { streamId: 0, pts: 5, dataContent: EfpContent.h264 })],
      ['dts', () => s.pack(p, { streamId: 1, pts: 5, dts: 6 })],
      ['pts - dts', () => s.pack(p, { streamId: 1, pts: 0xffff_ffffn, dts: 0 })],
      ['flags', () => s.pack(p, { streamId: 1, pts: 5, flags: 0x11 })],
      ['streamId', () => s.pack(p, { streamId: 256, pts: 5 })],
      ['dataContent', () => s.pack(p, { streamId: 1, pts: 5, dataContent: 256 })],
      ['pts', () => s.pack(p, { streamId: 1, pts: -1 })],
      ['pts', () => s.pack(p, { streamId: 1, pts: 1n << 64n })],
      ['fourcc', () => s.pack(p, { streamId: 1, pts: 5, code: 'ABC' })],
    ];
    for (const [field, fn] of bad) expect(fn, field).toThrow(RangeError);
    expect(s.superFrameNo).toBe(10);
    // The largest legal pts - dts, and stream 0 with efpsig, are fine.
    const ok = s.pack(p, { streamId: 1, pts: 0xffff_fffen, dts: 0 });
    expect(decodeEfpPacket(ok[0]!)).toMatchObject({ dtsPtsDiff: 0xffff_fffe });
    const sig = s.pack(p, { streamId: 0, pts: 1, dataContent: EfpContent.efpsig });
    expect(decodeEfpPacket(sig[0]!)).toMatchObject({ streamId: 0, dataContent: 0x80 });
    expect(s.superFrameNo).toBe(12);
  });

  it('rejects frames over the maximum size at MTU 255', () => {
    const s = new EfpSender({ mtu: 255 });
    expect(() => s.pack(new Uint8Array(s.maxFrameSize + 1), { streamId: 1, pts: 0 })).toThrow(/exceeds/);
  });

  it('packs the largest frame at MTU 255 into 65535 packets that reassemble intact', () => {
    const s = new EfpSender({ mtu: 255 });
    const payload = xorshiftBytes(s.maxFrameSize, 3);
    const packets = s.pack(payload, { streamId: 1, pts: 0 });
    expect(packets.length).toBe(65535);
    expect(packets.every((p) => p.length === 255)).toBe(true); // the 223-byte tail fills the Type 2 exactly
    const r = new EfpReceiver({ maxFrameSize: 32 << 20 });
    for (const p of packets) r.push(p, 0);
    const [f] = r.poll(0);
    expect(f?.broken).toBe(false);
    expect(f?.size).toBe(payload.length);
    expect(Buffer.compare(f!.data, payload)).toBe(0);
  });

  it('packs at MTU 65535 and reassembles', () => {
    const s = new EfpSender({ mtu: 65535 });
    const payload = xorshiftBytes(1_000_000, 5);
    const packets = s.pack(payload, { streamId: 3, pts: 9 });
    expect(kinds(packets)).toEqual([...Array<number>(15).fill(1), 2]);
    expect(packets[0]!.length).toBe(65535);
    const r = new EfpReceiver();
    for (const p of packets) r.push(p, 0);
    const [f] = r.poll(0);
    expect(f).toMatchObject({ broken: false, size: 1_000_000, streamId: 3, pts: 9n });
    expect(Buffer.compare(f!.data, payload)).toBe(0);
  });

  it('emits through a callback the same packets it returns, valid after the call', () => {
    const payload = xorshiftBytes(5000, 11);
    const a = new EfpSender({ mtu: 500 }).pack(payload, { streamId: 2, pts: 3, flags: EFP_FLAG_EMBEDDED });
    const b: Uint8Array[] = [];
    new EfpSender({ mtu: 500 }).pack(payload, { streamId: 2, pts: 3, flags: EFP_FLAG_EMBEDDED }, (p) => b.push(p));
    expect(b.map(hex)).toEqual(a.map(hex));
  });

  it('packInPlace writes the same packets without copying the payload', () => {
    for (const size of [0, 100, 1424, 1425, 1448, 2872, 2873, 100_000]) {
      const payload = xorshiftBytes(size, size + 1);
      const want = new EfpSender().pack(payload, { streamId: 4, pts: 77, code: 'USER' }).map(hex);
      const frame = new Uint8Array(EFP_IN_PLACE_HEADROOM + size);
      frame.set(payload, EFP_IN_PLACE_HEADROOM);
      const got: string[] = [];
      new EfpSender().packInPlace(frame, { streamId: 4, pts: 77, code: 'USER' }, (p) => {
        expect(p.buffer).toBe(frame.buffer); // a view of the caller's memory: nothing copied
        got.push(hex(p));
      });
      expect(got, `size ${size}`).toEqual(want);
    }
    expect(() => new EfpSender().packInPlace(new Uint8Array(31), { streamId: 1, pts: 0 }, () => undefined)).toThrow(RangeError);
  });

  it('packInPlace stays right when the same buffer is reused at other sizes and offsets', () => {
    const memory = new Uint8Array(EFP_IN_PLACE_HEADROOM + 64 + 50_000);
    const inPlace = new EfpSender({ mtu: 600 });
    const copying = new EfpSender({ mtu: 600 });
    for (const [offset, size] of [[0, 20_000], [0, 50_000], [0, 3_000], [64, 50_000], [64, 10_000], [0, 50_064]] as const) {
      const payload = xorshiftBytes(size, offset + size);
      const frame = memory.subarray(offset, offset + EFP_IN_PLACE_HEADROOM + size);
      frame.set(payload, EFP_IN_PLACE_HEADROOM);
      const got: string[] = [];
      inPlace.packInPlace(frame, { streamId: 1, pts: size }, (p) => got.push(hex(p)));
      expect(got, `offset ${offset} size ${size}`).toEqual(copying.pack(payload, { streamId: 1, pts: size }).map(hex));
    }
  });
});

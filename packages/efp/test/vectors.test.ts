import { describe, expect, it } from 'vitest';
import { EfpReceiver, EfpSender, maskEfpPadding, type Superframe } from '@proto/efp';
import { asVectorFrame, frameOptions, fromHex, hex, loadVectors, parseSendArgs, patternBytes } from './helpers.js';

const vectors = loadVectors();

describe('interop vectors from the C++ reference 0.4', () => {
  it('finds the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
  });

  for (const { file, vector } of vectors) {
    describe(file, () => {
      const args = parseSendArgs(vector.send_args);

      it('our sender emits the same packets (Type 2 padding masked)', () => {
        const sender = new EfpSender({ mtu: args.mtu, superFrameNo: args.sfnStart });
        const ours: string[] = [];
        args.sizes.forEach((size, i) => {
          for (const p of sender.pack(patternBytes(args.pattern, size), frameOptions(args, i))) ours.push(hex(p));
        });
        const theirs = vector.packets.map((p) => hex(maskEfpPadding(fromHex(p))));
        expect(ours).toEqual(theirs);
        // Our padding is zero, so masking ours changes nothing.
        expect(ours.map((p) => hex(maskEfpPadding(fromHex(p))))).toEqual(ours);
      });

      it('the sent frames are the ones the vector lists', () => {
        expect(vector.sent_frames.map((f) => Number(f.size))).toEqual(args.sizes);
      });

      it('our receiver fed the recorded packets delivers the frames the reference delivered', () => {
        const timeoutMs = Number(/--timeout (\d+)/.exec(vector.receiver_args)?.[1] ?? '100');
        const rx = new EfpReceiver({ timeoutMs });
        const got: Superframe[] = [];
        let now = 0;
        for (const p of vector.packets) {
          expect(rx.push(fromHex(p), now)).toBe('accepted');
          got.push(...rx.poll(now));
          now += 1;
        }
        got.push(...rx.poll(now + timeoutMs));
        const ours = got.map(asVectorFrame);
        const want = vector.received_frames.map((f) => (f.broken === '1' ? { ...f, sha256: '(broken)' } : f));
        expect(ours.map((f) => (f.broken === '1' ? { ...f, sha256: '(broken)' } : f))).toEqual(want);
        expect(rx.framesInFlight).toBe(0);
        expect(rx.bufferedBytes).toBe(0);
      });
    });
  }
});

// Pack + reassemble throughput next to a plain Uint8Array.set copy of the same bytes, measured in the
// same process: reassembly is one copy per byte, so the copy is the ceiling.
import { runBench } from '@proto/bench';
import { EFP_IN_PLACE_HEADROOM, EfpReceiver, EfpSender, type Superframe } from '@proto/efp';

const MTU = 1456;
const BIG = 1024 * 1024;

function frameOf(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

let now = 0;
let deliveredBytes = 0;
const count = (f: Superframe): void => {
  if (f.broken) throw new Error('broken frame in a lossless benchmark');
  deliveredBytes += f.size;
};

// A pool the application recycles delivered frames into (EfpReceiverOptions.allocate).
const pool: Uint8Array[] = [];
const allocate = (size: number): Uint8Array => {
  const m = pool.pop();
  return m !== undefined && m.length >= size ? m : new Uint8Array(size);
};
const recycle = (f: Superframe): void => {
  count(f);
  pool.push(new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.buffer.byteLength - f.data.byteOffset));
};

const big = frameOf(BIG);
const copyDst = new Uint8Array(BIG);
const anchor = { name: 'Uint8Array.set', bytes: BIG, fn: () => copyDst.set(big) };

// 1. Defaults: pack() copies into fresh memory, the receiver reassembles into fresh memory.
const sender = new EfpSender({ mtu: MTU });
const receiver = new EfpReceiver({ onFrame: count });
const push = (p: Uint8Array): void => {
  receiver.push(p, now);
};

// 2. Zero-copy send (packInPlace writes headers into the frame's own memory) and recycled frames.
// The frame is not refilled between iterations: a producer writes it in place in real use, and the
// bytes' values do not change the work.
const inPlace = new Uint8Array(EFP_IN_PLACE_HEADROOM + BIG);
inPlace.set(big, EFP_IN_PLACE_HEADROOM);
const inPlaceSender = new EfpSender({ mtu: MTU });
const pooledReceiver = new EfpReceiver({ onFrame: recycle, allocate });
const pushPooled = (p: Uint8Array): void => {
  pooledReceiver.push(p, now);
};

// 3. Reassembly alone, from packets packed once (their superFrameNo rewritten per round).
const packets = new EfpSender({ mtu: MTU }).pack(big, { streamId: 1, pts: 0 });
const soloReceiver = new EfpReceiver({ onFrame: recycle, allocate });
function renumber(sfn: number): void {
  for (const p of packets) {
    const at = (p[0]! & 0x0f) === 2 ? 6 : 2;
    p[at] = sfn;
    p[at + 1] = sfn >>> 8;
  }
}

await runBench(
  `EFP pack + reassemble, 1 MB superframes, MTU ${MTU} (${sender.packetCount(BIG)} packets each)`,
  [
    {
      name: 'pack + reassemble (fresh memory)',
      ours: {
        name: 'efp',
        bytes: BIG,
        fn: () => {
          sender.pack(big, { streamId: 1, pts: now }, push);
          receiver.poll(now);
          now++;
        },
      },
      anchor,
    },
    {
      name: 'packInPlace + reassemble (recycled)',
      ours: {
        name: 'efp zero-copy',
        bytes: BIG,
        fn: () => {
          inPlaceSender.packInPlace(inPlace, { streamId: 1, pts: now }, pushPooled);
          pooledReceiver.poll(now);
          now++;
        },
      },
      anchor,
    },
    {
      name: 'reassemble only (recycled)',
      ours: {
        name: 'efp receiver',
        bytes: BIG,
        fn: () => {
          renumber(now & 0xffff);
          for (const p of packets) soloReceiver.push(p, now);
          soloReceiver.poll(now);
          now++;
        },
      },
      anchor,
    },
  ],
  { unit: 'Gbit/s' },
);

const small = frameOf(100);
const smallSender = new EfpSender({ mtu: MTU });
const smallReceiver = new EfpReceiver({ onFrame: count });
const smallDst = new Uint8Array(100);
await runBench('EFP pack + reassemble, 100-byte superframes (one 132-byte packet each)', [
  {
    name: '100 B frames, packets/s',
    ours: {
      name: 'efp',
      ops: 1,
      fn: () => {
        for (const p of smallSender.pack(small, { streamId: 1, pts: now })) smallReceiver.push(p, now);
        smallReceiver.poll(now);
        now++;
      },
    },
    anchor: { name: 'Uint8Array.set 100 B', ops: 1, fn: () => smallDst.set(small) },
  },
]);

if (deliveredBytes === 0) throw new Error('nothing was delivered');

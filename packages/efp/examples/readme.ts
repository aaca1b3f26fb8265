// The README's examples, kept here so that they typecheck.
import { EfpContent, EfpReceiver, EfpSender } from '@proto/efp';
import { EfpUdpReceiver, EfpUdpSender } from '@proto/efp/node';

const sender = new EfpSender({ mtu: 1456 });
const receiver = new EfpReceiver({ timeoutMs: 100 });
const frame = new Uint8Array(100_000);
for (const packet of sender.pack(frame, { streamId: 1, pts: 90_000n, dataContent: EfpContent.h264, code: 'ANXB' })) {
  receiver.push(packet, performance.now()); // in real life: each datagram as it arrives
}
for (const f of receiver.poll(performance.now())) console.log(f.superFrameNo, f.size, f.broken, f.pts);
setTimeout(() => receiver.poll(performance.now()), (receiver.nextDeadline() ?? 0) - performance.now());

const rx = await EfpUdpReceiver.open({ bind: '127.0.0.1:5000', holTimeoutMs: 20 });
rx.on('frame', (f) => console.log(f.superFrameNo, f.size, f.broken));
const tx = await EfpUdpSender.open({ to: '127.0.0.1:5000', rateBitsPerSecond: 50e6 });
await tx.send(new Uint8Array(200_000), { streamId: 1, pts: 0 });
await new Promise((resolve) => setTimeout(resolve, 200));
await tx.close();
await rx.close();

import { FluteReceiver, FluteSender } from '@proto/flute';

const sender = new FluteSender({ tsi: 1, fec: { encodingId: 5, repair: { percent: 20 } } });
const receiver = new FluteReceiver();                                  // MemoryWriter by default
receiver.on('object-completed', (e) => console.log(e.meta.contentLocation, e.data?.length, 'bytes,', e.recoveredSymbols, 'symbols rebuilt'));
sender.addObject({ source: crypto.getRandomValues(new Uint8Array(60_000)), contentLocation: 'random.bin' });
for (let now = Date.now(), i = 0; i < 200 && sender.nextDeadline() <= now; i++) {
  const datagram = sender.poll(now);                                   // give it to a UDP socket…
  if (datagram !== undefined && i % 9 !== 5) receiver.push(datagram, now, '10.0.0.1:4000'); // …or lose one in 9
}

import { fileURLToPath } from 'node:url';
import { FluteUdpReceiver, FluteUdpSender, collectFiles, fileObject } from '@proto/flute/node';

const rx = await FluteUdpReceiver.open({ address: '239.255.0.1:0', interface: '127.0.0.1' }); // port 0: any free one
const tx = await FluteUdpSender.open({ destination: rx.address, interface: '127.0.0.1', ttl: 1, bitrate: 100e6, flute: { tsi: 1, fec: { encodingId: 6, repair: { percent: 15 } } } });
const files = await collectFiles([fileURLToPath(new URL('.', import.meta.url))]); // this folder, by path inside it
for (const file of files) tx.addObject(fileObject(file));
for await (const o of rx.objects()) {
  console.log(o.meta.contentLocation, o.data?.length, 'bytes');
  if (rx.engine.stats.objectsCompleted === files.length) break;
}
await Promise.all([tx.close(), rx.close()]);

// The README's example: a server and a client wired back to back, no sockets.
import { SyfalaClient, SyfalaServer, STANDARD_FORMAT } from '@proto/syfala';

const server = new SyfalaServer({ formats: { inputs: [STANDARD_FORMAT], outputs: [] } });
const client = new SyfalaClient({ discoveryTargets: ['server'], autoStart: true, receiverOptions: () => ({ targetLatencyMs: 20 }) });
client.startDiscovery(0);
for (let now = 0; now < 50; now++) {
  for (let t = client.poll(now); t; t = client.poll(now)) server.push(t.data, now, 'client');
  for (let t = server.poll(now); t; t = server.poll(now)) client.push(t.data, now, 'server');
  server.sendAudio('client', 0, new Uint8Array(8 * 48)); // 1 ms of stereo F32, once IO is active
}
const out = new Uint8Array(8 * 480);
client.receiver('server', 0)?.read(out, 50); // playout at the local clock; stats() for counters

export const stats = client.receiver('server', 0)?.stats();
console.log(stats);

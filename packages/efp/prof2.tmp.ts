import { EfpReceiver, EfpSender } from '@proto/efp';
const big = new Uint8Array(1 << 20);
const s = new EfpSender({ mtu: 1456 });
let n = 0;
const r = new EfpReceiver({ onFrame: () => { n++; } });
const pk = s.pack(big, { streamId: 1, pts: 0 });
const t0 = performance.now();
for (let i = 0; i < 3000; i++) {
  const sfn = i & 0xffff;
  for (const p of pk) { if ((p[0]! & 15) === 2) { p[6] = sfn; p[7] = sfn >> 8; } else { p[2] = sfn; p[3] = sfn >> 8; } }
  for (const p of pk) r.push(p, i);
  r.poll(i);
}
console.log('recv only', (performance.now() - t0) / 3000, 'ms/frame', n);

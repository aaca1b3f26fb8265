import { EfpReceiver, EfpSender } from '@proto/efp';
const big = new Uint8Array(1 << 20);
const s = new EfpSender({ mtu: 1456 });
let n = 0;
const r = new EfpReceiver({ onFrame: () => { n++; } });
let t0 = performance.now();
for (let i = 0; i < 2000; i++) s.pack(big, { streamId: 1, pts: i });
console.log('pack only', (performance.now() - t0) / 2000, 'ms/frame');
const pk = s.pack(big, { streamId: 1, pts: 0 });
t0 = performance.now();
for (let i = 0; i < 2000; i++) {
  // rewrite sfn so each iteration is a new frame
  const sfn = i & 0xffff;
  for (const p of pk) { if ((p[0]! & 15) === 2) { p[6] = sfn; p[7] = sfn >> 8; } else { p[2] = sfn; p[3] = sfn >> 8; } }
  for (const p of pk) r.push(p, i);
  r.poll(i);
}
console.log('recv only', (performance.now() - t0) / 2000, 'ms/frame', n);

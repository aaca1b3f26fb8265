import { FluteReceiver, FluteSender, MemoryWriter, type ObjectWriter } from '@proto/flute';
const size = 64 << 20;
const data = new Uint8Array(size); for (let i = 0; i < size; i += 97) data[i] = i;
const s = new FluteSender({ tsi: 1 });
s.addObject({ source: data, contentLocation: 'x' });
const dgs: Uint8Array[] = [];
for (let now = 0; ; now++) { const d = s.poll(now); if (d === undefined) { if (s.idle) break; continue; } dgs.push(d); }
console.log('datagrams', dgs.length, 'size', dgs[5]!.length);
const counting: ObjectWriter = { open: () => { let n = 0; return { write(c) { n += c.length; }, complete() { return {}; }, abort() {} }; } };
for (const md5 of [false, true]) for (let rep = 0; rep < 2; rep++) {
  const r = new FluteReceiver({ writer: counting, verifyMd5: md5 });
  let done = 0; r.on('object-completed', () => done++);
  const t = performance.now();
  for (const d of dgs) r.push(d, Date.now(), '127.0.0.1:1');
  const ms = performance.now() - t;
  console.log(`md5=${md5} done=${done} ${(ms * 1000 / dgs.length).toFixed(2)} us/packet ${(size * 8 / ms / 1e3).toFixed(0)} Mbit/s`);
}

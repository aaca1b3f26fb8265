// Closing a receiver with objects half received: their sinks are aborted (a FileWriter deletes its
// temporary file) and close() waits for that, from the engine, the UDP adapter and the `flute` command.
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriter, FluteUdpReceiver } from '@proto/flute/node';
import { md5 } from '../src/md5.js';
import { FluteReceiver } from '../src/receiver/receiver.js';
import type { ObjectWriter } from '../src/writer.js';
import { flute, requireBuild } from './support/cli-process.js';
import { blockPackets, fdtPacket } from './support/craft.js';
import { T0, randomBytes } from './support/harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'flute-close-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('closing a receiver with an object half received', () => {
  it('whenWritten() waits for an asynchronous abort', async () => {
    let release!: () => void;
    const aborted = new Promise<void>((r) => (release = r));
    let discarded = false;
    const writer: ObjectWriter = {
      open: () => ({
        write: () => {},
        complete: () => {},
        abort: async () => {
          await aborted;
          discarded = true;
        },
      }),
    };
    const rx = new FluteReceiver({ writer });
    const data = randomBytes(4000, 1);
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'half', toi: 1n, contentLength: 4000, contentMd5: md5(data) }], expiresMs: T0 + 60_000 }), T0);
    for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 }).slice(0, 2)) rx.push(d, T0);
    rx.close();
    let written = false;
    const w = rx.whenWritten().then(() => (written = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toBe(false);
    release();
    await w;
    expect(discarded).toBe(true);
  });

  it('FluteUdpReceiver.close() aborts it: the FileWriter leaves no temporary file behind', async () => {
    const out = join(tmp, 'udp');
    const rx = await FluteUdpReceiver.open({ address: '127.0.0.1:0', flute: { writer: new FileWriter(out) } });
    const failed: string[] = [];
    const closed: string[] = [];
    rx.on('object-failed', (e) => failed.push(e.reason));
    rx.on('session-closed', (e) => closed.push(e.reason));
    const socket = createSocket('udp4');
    const send = (d: Uint8Array): Promise<void> => new Promise((resolve, reject) => socket.send(d, rx.address.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    const data = randomBytes(4000, 2);
    await send(fdtPacket({ id: 1, files: [{ contentLocation: 'dir/half.bin', toi: 1n, contentLength: 4000, contentMd5: md5(data) }], expiresMs: Date.now() + 600_000 }));
    // Block 0 of two: the sink is open (its temporary file created), block 1 never comes.
    for (const d of blockPackets({ toi: 1, data, T: 1000, B: 2 }).slice(0, 2)) await send(d);
    await until('temporary file', () => existsSync(join(out, 'dir')) && readdirSync(join(out, 'dir')).some((name) => name.endsWith('.part')));
    await rx.close();
    socket.close();
    expect(failed).toEqual(['session-closed']);
    expect(closed).toEqual(['receiver-closed']);
    expect(readdirSync(join(out, 'dir'))).toEqual([]);
  });

  it('`flute receive --count 1` exits 0 with a second file in flight, and leaves only the first in its folder', async () => {
    requireBuild();
    const dir = join(tmp, 'files');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-small.bin'), randomBytes(200_000, 3));
    // One packet each in turn: by the time the small file completes the big one has blocks written.
    writeFileSync(join(dir, 'b-big.bin'), randomBytes(8_000_000, 4));
    const out = join(tmp, 'out-count');
    const rx = flute(['receive', '-g', '239.255.43.21:0', '-i', '127.0.0.1', '-o', out, '--count', '1', '--timeout', '30', '--json']);
    const { group } = (await rx.waitFor('listening')) as { group: string };
    const tx = flute(['send', '-g', group, '-i', '127.0.0.1', '--ttl', '1', '-b', '20M', '--start-delay', '200', '--json', '--tsi', '21', dir]);
    const code = await rx.exit;
    tx.child.kill('SIGINT');
    await tx.exit;
    expect(code, rx.stderr).toBe(0);
    const started = rx.events.filter((e) => e['event'] === 'object-started').map((e) => e['contentLocation']);
    expect(started).toEqual(expect.arrayContaining(['a-small.bin', 'b-big.bin']));
    expect(rx.events.filter((e) => e['event'] === 'object-failed')).toEqual([]);
    expect(rx.events.at(-1)).toMatchObject({ event: 'summary', files: 1, failed: 0 });
    expect(readdirSync(out)).toEqual(['a-small.bin']);
  }, 60_000);
});

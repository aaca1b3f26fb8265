import { describe, expect, it } from 'vitest';
import { EfpSender, type Superframe } from '@proto/efp';
import { EfpSrtReceiver, EfpUdpReceiver, SrtBridge, UdpRelay, findSrtLiveTransmit, freeUdpPort, srtUri } from '@proto/efp/node';
import { createSocket } from 'node:dgram';
import { lines, runCli, waitForStderr } from './cli-helpers.js';
import { sha256 } from './helpers.js';

// srt-live-transmit comes from Debian's srt-tools; .ci/run installs it. In CI a missing binary is a
// failure, elsewhere the SRT tests are skipped.
const binary = findSrtLiveTransmit();
const inCi = (process.env['CI'] ?? '') !== '';
const runSrt = binary !== undefined || inCi;

function requireSrt(): void {
  if (binary === undefined) throw new Error('srt-live-transmit is not installed (Debian srt-tools); CI must install it (.ci/run)');
}

describe('srt:// URIs', () => {
  it('carries latency, payload size, passphrase and extra options', () => {
    expect(srtUri({ host: '127.0.0.1', port: 9000 }, 'caller', {})).toBe('srt://127.0.0.1:9000?mode=caller&latency=200&payloadsize=1456');
    expect(srtUri({ host: '0.0.0.0', port: 9000 }, 'listener', { latencyMs: 1000, payloadSize: 1316, passphrase: 'correct horse'.replace(' ', '-'), pbkeylen: 32, extraParams: { maxbw: 0 } })).toBe(
      'srt://:9000?mode=listener&latency=1000&payloadsize=1316&passphrase=correct-horse&pbkeylen=32&maxbw=0',
    );
    expect(() => srtUri({ host: '::1', port: 1 }, 'caller', { passphrase: 'short' })).toThrow(RangeError);
    expect(() => srtUri({ host: '::1', port: 1 }, 'caller', { passphrase: 'has&ampersand' })).toThrow(RangeError);
    expect(srtUri({ host: '::1', port: 1 }, 'caller', {})).toMatch(/^srt:\/\/\[::1\]:1\?/);
  });

  it('refuses to start without the binary', async () => {
    await expect(SrtBridge.start({ mode: 'caller', srt: '127.0.0.1:9', binary: '/nonexistent/srt-live-transmit' })).rejects.toThrow(/srt-tools/);
  });
});

describe.skipIf(!runSrt)('EFP over SRT through srt-live-transmit', () => {
  it('efp send -> srt-live-transmit caller -> 5% lossy UDP relay -> srt-live-transmit listener -> efp recv: every frame intact', async () => {
    requireSrt();
    const srtPort = await freeUdpPort();
    const count = 40;
    // SRT live mode cannot recover a lost last packet (no later packet shows the gap, and the sender
    // waits for a loss report: Haivision/srt#1722), so the sender goes on for a few frames after the
    // ones checked; every checked frame still crosses the lossy path.
    const extra = 5;
    const rx = runCli(['recv', '--srt', `127.0.0.1:${srtPort}`, '--latency', '1000', '--count', String(count), '--idle', '30']);
    await waitForStderr(rx, /listening on srt/);
    const relay = await UdpRelay.start({ listen: '127.0.0.1:0', target: { host: '127.0.0.1', port: srtPort }, loss: 0.05, seed: 2024 });
    const tx = runCli([
      'send', '--srt', `127.0.0.1:${relay.address().port}`, '--latency', '1000', '--generate', String(count + extra),
      '--size-range', '1:120000', '--pattern', 'random', '--seed', '5', '--rate', '16M', '--content', 'h265', '--code', 'ANXB',
    ]);
    const [txCode, rxCode] = await Promise.all([tx.exit, rx.exit]);
    await relay.close();
    expect(txCode, tx.stderr()).toBe(0);
    expect(rxCode, rx.stderr()).toBe(0);
    const sent = lines(tx.stdout());
    const got = lines(rx.stdout());
    expect(sent.length).toBe(count + extra);
    expect(got).toEqual(sent.slice(0, count)); // same sfn, sizes, metadata and sha256, none broken, in order
    expect(relay.stats.dropped).toBeGreaterThan(0); // the path really lost packets
  });

  it('an encrypted bridge pair carries frames, and the bridge restarts a killed srt-live-transmit', async () => {
    requireSrt();
    const srtPort = await freeUdpPort();
    const passphrase = 'efp-test-passphrase';
    const rx = await EfpSrtReceiver.open({ srt: `127.0.0.1:${srtPort}`, passphrase, latencyMs: 200 });
    const caller = await SrtBridge.start({ mode: 'caller', srt: `127.0.0.1:${srtPort}`, passphrase, latencyMs: 200, restartDelayMs: 100 });
    const frames: Superframe[] = [];
    rx.udp.on('frame', (f) => frames.push(f));
    const out = createSocket('udp4');
    const sender = new EfpSender();
    const sendFrame = async (size: number): Promise<void> => {
      for (const p of sender.pack(new Uint8Array(size).fill(size & 0xff), { streamId: 1, pts: size })) {
        await new Promise<void>((resolve) => out.send(p, caller.udp.port, caller.udp.host, () => resolve()));
      }
    };
    const waitFrames = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && frames.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await caller.waitConnected(15_000);
    await sendFrame(20_000);
    await waitFrames(1);
    expect(frames.map((f) => [f.size, f.broken])).toEqual([[20_000, false]]);

    const restarted = new Promise<number>((resolve) => caller.once('restart', resolve));
    process.kill(caller.pid!, 'SIGKILL');
    expect(await restarted).toBe(1);
    await caller.waitConnected(15_000);
    await sendFrame(30_000);
    await waitFrames(2);
    expect(frames.map((f) => [f.size, f.broken])).toEqual([[20_000, false], [30_000, false]]);
    expect(sha256(frames[1]!.data)).toBe(sha256(new Uint8Array(30_000).fill(30_000 & 0xff)));
    out.close();
    await caller.stop();
    await rx.close();
  });

  it('EfpUdpReceiver and SrtBridge stop cleanly when nothing ever connects', async () => {
    requireSrt();
    const udp = await EfpUdpReceiver.open({ bind: '127.0.0.1:0' });
    const listener = await SrtBridge.start({ mode: 'listener', srt: `127.0.0.1:${await freeUdpPort()}`, udp: udp.address() });
    expect(listener.connected).toBe(false);
    await expect(listener.waitConnected(200)).rejects.toThrow(/not connected/);
    await listener.stop();
    await udp.close();
  });
});

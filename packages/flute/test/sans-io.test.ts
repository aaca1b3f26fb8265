import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { epochMsToNtpSeconds } from '@proto/fdt';
import { FluteReceiver } from '../src/receiver/receiver.js';
import { fdtPacket, objectPackets } from './support/craft.js';
import { Recorder, T0, randomBytes } from './support/harness.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Source text without comments, so that prose may name what code must not use. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('engines are browser-safe and sans-IO', () => {
  const files = sources(src).map((f) => relative(src, f));
  // src/node holds the Node adapters; src/sim is the test network that drives engines on a clock.
  const engine = files.filter((f) => !f.startsWith('node/') && !f.startsWith('cli/'));
  const clockFree = engine.filter((f) => !f.startsWith('sim/'));

  it('has the sources it checks', () => {
    expect(clockFree).toEqual(expect.arrayContaining(['receiver/receiver.ts', 'receiver/object.ts', 'sender/sender.ts', 'fec/scheme.ts']));
  });

  it('imports no node:* module and uses no Buffer outside src/node', () => {
    for (const f of engine) {
      const text = code(join(src, f));
      expect(text, f).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|\bBuffer\b|\bprocess\./);
    }
  });

  it('reads no clock and sets no timer in the sender and receiver', () => {
    for (const f of clockFree) {
      const text = code(join(src, f));
      expect(text, f).not.toMatch(/\bDate\.now\b|new Date\(\s*\)|performance\.now|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/);
    }
  });
});

describe('time comes from `now` only', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('places a Cache-Control Expires in the NTP era of the clock it is given, whatever the wall clock says', () => {
    // The wall clock is set a century off: nothing the receiver reports may depend on it.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2200, 0, 1) });
    const rx = new FluteReceiver();
    const rec = new Recorder(rx);
    const expiresMs = T0 + 3_600_000;
    rx.push(fdtPacket({ id: 1, files: [{ contentLocation: 'cached', toi: 1n, contentLength: 100, cacheControl: { directive: 'expires', expires: epochMsToNtpSeconds(expiresMs) } }], expiresMs: T0 + 60_000 }), T0);
    for (const d of objectPackets({ toi: 1, data: randomBytes(100) })) rx.push(d, T0);
    expect(rec.completed[0]?.meta.cacheControl).toEqual({ directive: 'expires', expiresMs });
    // Receive-once holds until that Expires: the next round is redundant, not delivered again.
    for (const d of objectPackets({ toi: 1, data: randomBytes(100) })) rx.push(d, T0 + 1000);
    expect(rec.completed).toHaveLength(1);
  });
});

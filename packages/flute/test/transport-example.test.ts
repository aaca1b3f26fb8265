import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

describe('README transport example (examples/udp.ts)', () => {
  it('sends the examples folder over loopback multicast and gets every file back', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    await import('../examples/udp.js');
    const dir = fileURLToPath(new URL('../examples/', import.meta.url));
    const want = readdirSync(dir).map((name) => `${name} ${statSync(dir + name).size} bytes`);
    expect(lines.sort()).toEqual(want.sort());
  }, 30_000);
});

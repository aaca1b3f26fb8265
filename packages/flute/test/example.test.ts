import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

describe('README example (examples/readme.ts)', () => {
  it('delivers the object through one lost datagram in nine, rebuilt by Reed-Solomon', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    await import('../examples/readme.js');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^random\.bin 60000 bytes, [1-9]\d* symbols rebuilt$/);
  });
});

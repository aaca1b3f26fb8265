import { expect, it, vi } from 'vitest';

it('the README example runs and delivers audio', async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const { stats } = await import('../examples/sans-io.js');
  expect(stats?.receivedSamples).toBeGreaterThan(0);
  expect(stats?.playing).toBe(true);
});

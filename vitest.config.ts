import { defineConfig } from 'vitest/config';

// Tests run against each package's TypeScript source through the custom
// "@proto/source" export condition, so no build is needed to test.
const conditions = ['@proto/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@proto/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

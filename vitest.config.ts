import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores, and most files drive a real Chromium: more workers only thrash.
    maxWorkers: 2,
    pool: 'forks',
  },
});

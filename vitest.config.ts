import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores, and most files drive a real Chromium: more workers only thrash. Files named
    // *.serial.test.ts measure the server's responsiveness or run the bench harness: `npm test`
    // runs them after the rest, one at a time, so other files' browsers do not skew them.
    maxWorkers: 2,
    pool: 'forks',
  },
});

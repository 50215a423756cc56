import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not speed checks: generous, so a machine whose cores are busy elsewhere still passes.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Two cores, and most files drive a real Chromium: more workers only thrash (a third saved 30 s
    // of 457 and made timing-sensitive tests fail in CI). Files named
    // *.serial.test.ts measure the server's responsiveness or run the bench harness: `npm test`
    // runs them after the rest, one at a time, so other files' browsers do not skew them.
    maxWorkers: 2,
    pool: 'forks',
    // Files share their worker's module cache instead of importing (and transforming) the source
    // again each: a minute of CPU on two cores. Every file starts its own servers, browsers and
    // databases, so nothing else is shared.
    isolate: false,
  },
});

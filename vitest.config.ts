import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not speed checks: generous, so a machine whose cores are busy elsewhere still passes.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Two cores, and most files drive a real Chromium; but many files also spend their time waiting
    // on other processes (workers, receivers, retries), so a third worker shortens the whole run
    // (measured: 428 s against 457 s for the parallel part). Files named
    // *.serial.test.ts measure the server's responsiveness or run the bench harness: `npm test`
    // runs them after the rest, one at a time, so other files' browsers do not skew them.
    maxWorkers: 3,
    pool: 'forks',
    // Files share their worker's module cache instead of importing (and transforming) the source
    // again each: a minute of CPU on two cores. Every file starts its own servers, browsers and
    // databases, so nothing else is shared.
    isolate: false,
  },
});

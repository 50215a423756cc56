import { afterAll, beforeAll } from 'vitest';
import type { RunOutcome, RunResources, ScreenshotSize, TestPlan } from '../../src/domain/index.js';
import { BrowserPool, defaultChromiumPath, runPlan } from '../../src/runner/index.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { CollectingSink } from './plan-builder.js';

/** What one `run` reported: the outcome runPlan returned and every event it sent. */
export interface PlanRun {
  outcome: RunOutcome;
  sink: CollectingSink;
}

export interface RunnerFixture {
  /** This file's pool. Constructed at once (so it can be destructured); its browser starts in beforeAll. */
  pool: BrowserPool;
  /** The fixture server's base URL (no trailing slash), or the URL of `path` on it. Call it in hooks and tests only. */
  url: (path?: string) => string;
  /** Runs `plan` on the pool, collecting the events; a fresh AbortController's signal unless one is given. */
  run: (plan: TestPlan, opts?: { signal?: AbortSignal; resources?: RunResources; passedScreenshots?: ScreenshotSize }) => Promise<PlanRun>;
}

/**
 * Registers beforeAll/afterAll for one fixture server and one BrowserPool per test file (vitest
 * runs files in parallel workers, each with its own browser), and returns the pool, the server's
 * URLs and a `run` that executes a plan with a CollectingSink.
 *
 * `launchBrowser: false` leaves the first browser launch to the tests (for tests of the pool itself).
 */
export function useRunnerFixture({ launchBrowser = true }: { launchBrowser?: boolean } = {}): RunnerFixture {
  let server: FixtureServer | undefined;
  const pool = new BrowserPool({ executablePath: defaultChromiumPath() });
  beforeAll(async () => {
    server = await startFixtureServer();
    if (launchBrowser) await pool.browser();
  }, 30_000);
  afterAll(async () => {
    await pool.close();
    await server?.close();
  });
  const baseUrl = (): string => {
    if (!server) throw new Error('the fixture server is not started yet: use url() inside hooks and tests');
    return server.url;
  };
  return {
    pool,
    url: (path = '') => (path === '' ? baseUrl() : `${baseUrl()}${path.startsWith('/') ? '' : '/'}${path}`),
    run: async (plan, { signal = new AbortController().signal, resources, passedScreenshots } = {}) => {
      const sink = new CollectingSink();
      const outcome = await runPlan(plan, { pool, sink, signal, resources, passedScreenshots });
      return { outcome, sink };
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool, defaultChromiumPath, runPlan } from '../../src/runner/index.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { CollectingSink, goto, plan, step } from './plan-builder.js';

let server: FixtureServer;
const pool = new BrowserPool({ executablePath: defaultChromiumPath() });

beforeAll(async () => {
  server = await startFixtureServer();
});

afterAll(async () => {
  await pool.close();
  await server?.close();
});

/** Starts a plan whose second step waits 5 s in the page, and resolves once that step runs. */
async function startLongRun(): Promise<{ done: ReturnType<typeof runPlan>; sink: CollectingSink }> {
  const sink = new CollectingSink();
  const done = runPlan(
    plan([goto(`${server.url}/title.html`), step('execute', { code: 'await new Promise((r) => setTimeout(r, 5000))' })]),
    { pool, sink, signal: new AbortController().signal },
  );
  while (sink.ofType('step-started').length < 2) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  return { done, sink };
}

describe('BrowserPool', { timeout: 30_000 }, () => {
  it('shares one launch between concurrent callers and reports the browser', async () => {
    const [a, b] = await Promise.all([pool.browser(), pool.browser()]);
    expect(a).toBe(b);
    const info = await pool.info();
    expect(info.name).toBe('chromium');
    expect(info.version).toBe(a.version());
  });

  it('reports a crashed page as error INTERNAL_ERROR', async () => {
    const { done, sink } = await startLongRun();
    const page = (await pool.browser()).contexts()[0]?.pages()[0];
    if (!page) throw new Error('no page');
    const cdp = await page.context().newCDPSession(page);
    cdp.send('Page.crash').catch(() => undefined);
    const outcome = await done;
    expect(outcome).toEqual({ status: 'error', errorCode: 'INTERNAL_ERROR', message: 'The page crashed' });
    expect(sink.ofType('console').some((c) => c.entry.level === 'crash')).toBe(true);
  });

  it('reports a closed tab as WINDOW_OR_TAB_DOES_NOT_EXIST', async () => {
    const { done } = await startLongRun();
    void (await pool.browser()).contexts()[0]?.pages()[0]?.close();
    expect(await done).toMatchObject({ status: 'failed', errorCode: 'WINDOW_OR_TAB_DOES_NOT_EXIST' });
  });

  it('reports a dead browser as error INTERNAL_ERROR and relaunches on the next request', async () => {
    const { done } = await startLongRun();
    const first = await pool.browser();
    void first.close();
    expect(await done).toMatchObject({ status: 'error', errorCode: 'INTERNAL_ERROR' });
    const next = await pool.browser();
    expect(next).not.toBe(first);
    expect(next.isConnected()).toBe(true);
  });
});

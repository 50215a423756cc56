import type { Browser, BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BrowserPool, defaultChromiumPath, runPlan } from '../../src/runner/index.js';
import { CollectingSink, goto, plan, step } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

// The first launch is left to the tests: they check how the pool shares it.
const { pool, url } = useRunnerFixture({ launchBrowser: false });

/** Starts a plan whose second step waits 5 s in the page, and resolves once that step runs. */
async function startLongRun(): Promise<{ done: ReturnType<typeof runPlan>; sink: CollectingSink }> {
  const sink = new CollectingSink();
  const done = runPlan(plan([goto(url('/title.html')), step('execute', { code: 'await new Promise((r) => setTimeout(r, 5000))' })]), {
    pool,
    sink,
    signal: new AbortController().signal,
  });
  // The second step (five seconds of waiting in the page) is under way.
  await sink.waitFor((events) => events.filter((e) => e.type === 'step-started').length >= 2);
  return { done, sink };
}

/** The pool's spare context, once it is open. */
async function waitForSpare(): Promise<BrowserContext | undefined> {
  await pool.spareReady();
  return (await pool.browser()).contexts().find((c) => pool.isSpare(c));
}

/**
 * Checks the browser holds nothing but one spare context. A spare is chosen in the 'close' event of
 * a run's context, which fires before `close()` resolves, so once the runs' contexts are closed and
 * the spare is ready nothing else can still be opening.
 */
async function expectOnlySpareLeft(): Promise<void> {
  await pool.spareReady();
  const browser = await pool.browser();
  expect(browser.contexts().map((c) => pool.isSpare(c))).toEqual([true]);
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
    const page = pool.contextsInUse()[0]?.pages()[0];
    if (!page) throw new Error('no page');
    const cdp = await page.context().newCDPSession(page);
    cdp.send('Page.crash').catch(() => undefined);
    const outcome = await done;
    expect(outcome).toEqual({ status: 'error', errorCode: 'INTERNAL_ERROR', message: 'The page crashed' });
    expect(sink.ofType('console').some((c) => c.entry.level === 'crash')).toBe(true);
  });

  it('ends a run whose page crashes during a step’s sleep at once, as error', async () => {
    const sink = new CollectingSink();
    // A minute of sleep before the second step: only the crash can end the run before it.
    const done = runPlan(plan([goto(url('/title.html')), step('execute', { code: '1' }, { sleep: 60 })]), { pool, sink, signal: new AbortController().signal });
    await sink.waitFor((events) => events.filter((e) => e.type === 'step-started').length >= 2);
    const page = pool.contextsInUse()[0]?.pages()[0];
    if (!page) throw new Error('no page');
    const cdp = await page.context().newCDPSession(page);
    cdp.send('Page.crash').catch(() => undefined);
    expect(await done).toEqual({ status: 'error', errorCode: 'INTERNAL_ERROR', message: 'The page crashed' });
  });

  it('reports a closed tab as WINDOW_OR_TAB_DOES_NOT_EXIST', async () => {
    const { done } = await startLongRun();
    void pool.contextsInUse()[0]?.pages()[0]?.close();
    expect(await done).toMatchObject({ status: 'failed', errorCode: 'WINDOW_OR_TAB_DOES_NOT_EXIST' });
  });

  it('reports a dead browser as error INTERNAL_ERROR and relaunches on the next request', async () => {
    const { done } = await startLongRun();
    const first = await pool.browser();
    const closing = first.close();
    expect(await done).toMatchObject({ status: 'error', errorCode: 'INTERNAL_ERROR' });
    // The next request after the browser is gone (its context may report closing before it does).
    await closing;
    const next = await pool.browser();
    expect(next).not.toBe(first);
    expect(next.isConnected()).toBe(true);
  });

  it('hands out a fresh context per run and keeps the next one ready: never the same twice, the spare discarded when the options change', async () => {
    const opts = { viewport: { width: 800, height: 600 } };
    const first = await pool.freshPage(opts);
    await first.context.close();
    // The spare for these options opens in the background once the run's context closed.
    const spare = await waitForSpare();
    expect(spare).toBeDefined();
    const second = await pool.freshPage(opts);
    expect(second.context).toBe(spare);
    expect(second.context).not.toBe(first.context);
    expect(pool.isSpare(second.context)).toBe(false);
    expect(second.page.url()).toBe('about:blank');
    expect(second.page.viewportSize()).toEqual({ width: 800, height: 600 });
    await second.context.close();
    await waitForSpare();

    // Other options: the waiting spare does not fit and is closed.
    const other = await pool.freshPage({ viewport: { width: 640, height: 480 } });
    expect(other.page.viewportSize()).toEqual({ width: 640, height: 480 });
    await other.context.close();
    // What is left, once the spare that did not fit is closed, is the spare for the last options.
    await expectOnlySpareLeft();
    const last = await pool.freshPage({ viewport: { width: 640, height: 480 } });
    expect(last.page.viewportSize()).toEqual({ width: 640, height: 480 });
    await last.context.close();
  });

  it('runs that start together get contexts of their own and leave one spare behind', async () => {
    const opts = { viewport: { width: 700, height: 500 } };
    const fresh = await Promise.all([1, 2, 3, 4].map(() => pool.freshPage(opts)));
    expect(new Set(fresh.map((f) => f.context)).size).toBe(4);
    await Promise.all(fresh.map((f) => f.context.close()));
    await expectOnlySpareLeft();
  });

  it('with spareContext off, opens nothing ahead of time', async () => {
    const own = new BrowserPool({ executablePath: defaultChromiumPath(), spareContext: false });
    try {
      const first = await own.freshPage({});
      // A spare would be chosen in the context's 'close' event, before close() resolves, and
      // spareReady() would wait for it to open: none means none is coming.
      await first.context.close();
      await own.spareReady();
      expect((await own.browser()).contexts()).toHaveLength(0);
    } finally {
      await own.close();
    }
  });

  it('does not hand out a spare of a browser that died, and close() closes the spare with the browser', async () => {
    const own = new BrowserPool({ executablePath: defaultChromiumPath() });
    let last: Browser | undefined;
    try {
      const first = await own.freshPage({});
      const dead = first.browser;
      await first.context.close();
      await dead.close();
      const next = await own.freshPage({});
      expect(next.browser).not.toBe(dead);
      expect(next.browser.isConnected()).toBe(true);
      expect(next.page.isClosed()).toBe(false);
      last = next.browser;
    } finally {
      await own.close();
    }
    expect(last?.isConnected()).toBe(false);
  });
});

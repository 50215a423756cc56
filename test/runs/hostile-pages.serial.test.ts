import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { yamlStep as step, yamlTest as test } from '../helpers/yaml.js';

/** Hostile pages end within their limits, and the API keeps answering meanwhile. */
let bugrun: TestBugrun;
let fixture: { url: string; close(): Promise<void> };

beforeAll(async () => {
  fixture = await startFixtureServer();
  bugrun = await startBugrun({ concurrency: 1 });
  const url = fixture.url;
  await bugrun.importYaml({
    'loop.yaml': test(
      'loop',
      step('goto', `url: '${url}/hostile-loop.html'`) +
        step('click', `selector: 'css=#go'`, { execution: 'run_timeout: 3' }) +
        step('click', `selector: 'css=#go'`, { execution: 'run_timeout: 3' }),
    ),
    'alerts.yaml': test(
      'alerts',
      step('goto', `url: '${url}/hostile-alerts.html'`) +
        step('assert', `selector: 'css=#count', assertion_property: textContent, assertion_type: greaterThan, assertion_expected_value: 20`, {
          execution: 'run_timeout: 5',
        }),
    ),
    'dom.yaml': test(
      'dom',
      step('goto', `url: '${url}/hostile-dom.html'`, { execution: 'run_timeout: 20' }) +
        step('assert', `selector: 'css=#deepest', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'bottom'`, {
          execution: 'run_timeout: 20',
        }),
    ),
    'pending.yaml': test(
      'pending',
      step('goto', `url: '${url}/hostile-pending.html'`, { execution: 'run_timeout: 3' }) +
        step('assert', `selector: 'css=#state', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'waiting'`, {
          execution: 'run_timeout: 3',
        }),
    ),
    'close.yaml': test(
      'close',
      step('goto', `url: '${url}/hostile-close.html'`) +
        step('click', `selector: 'css=#close'`, { execution: 'run_timeout: 3' }) +
        step('assert', `assertion_property: pageTitle, assertion_type: contain, assertion_expected_value: 'Self'`, { execution: 'run_timeout: 3' }),
    ),
  });
}, 60_000);

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
});

/** Runs the test while timing the status endpoint; returns the final run and the slowest answer. */
async function runWhileProbing(slug: string) {
  const runId = await bugrun.startRun(slug);
  let slowest = 0;
  let status = 'queued';
  const deadline = Date.now() + 60_000;
  while (!['passed', 'failed', 'error', 'stopped'].includes(status)) {
    if (Date.now() > deadline) throw new Error(`${slug} run still ${status} after 60 s`);
    const t0 = performance.now();
    const res = await bugrun.api('GET', `/api/v2/testruns/${runId}/status/`);
    slowest = Math.max(slowest, performance.now() - t0);
    status = (res.json() as { status: string }).status;
    await new Promise((r) => setTimeout(r, 20));
  }
  const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as {
    status: string;
    errorCode: string | null;
    stepsRuns: { status: string; errorCode: string | null }[];
  };
  return { run, slowest };
}

describe('hostile pages', () => {
  it('an infinite JavaScript loop fails its step and the run ends', async () => {
    const { run, slowest } = await runWhileProbing('loop');
    expect(run.status).toBe('failed');
    expect(run.errorCode).not.toBeNull();
    // A blocked event loop would show up as answers of seconds; this only fails if the API stalls.
    expect(slowest).toBeLessThan(1000);
  });

  it('an endless stream of alert()s never hangs the run', async () => {
    const { run, slowest } = await runWhileProbing('alerts');
    expect(run.status).toBe('passed');
    expect(slowest).toBeLessThan(1000);
  });

  it('a huge, deeply nested DOM still runs', async () => {
    const { run } = await runWhileProbing('dom');
    expect(run.status).toBe('passed');
  });

  it("a request that never finishes does not block the page's steps", async () => {
    const { run } = await runWhileProbing('pending');
    expect(['passed']).toContain(run.status);
  });

  it('a page that tries to close its own window goes on (Chromium refuses: the tab was not opened by a script)', async () => {
    const { run } = await runWhileProbing('close');
    expect(run.status).toBe('passed');
    expect(run.stepsRuns.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
  });

  it('leaves no browser context behind: the one a hostile run used is closed when it ends', async () => {
    const runId = await bugrun.startRun('loop');
    await bugrun.waitFor(runId, ['running']);
    expect(bugrun.pool.contextsInUse()).toHaveLength(1);
    expect((await bugrun.waitFor(runId, ['passed', 'failed', 'error', 'stopped'], 60_000)).status).toBe('failed');
    expect(bugrun.pool.contextsInUse()).toHaveLength(0);
  });
});

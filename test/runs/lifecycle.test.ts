import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendants } from '../../src/runs/process-stats.js';
import { openStore } from '../../src/store/index.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/** Queue, stop from every state, bounded queue, a dying browser: real runs in real Chromium. */
let fixture: { url: string; close(): Promise<void> };
const TERMINAL = ['passed', 'failed', 'error', 'stopped', 'skipped'] as const;

function bundle(url: string): Record<string, string> {
  const open = yamlStep('goto', `url: '${url}/title.html'`);
  return {
    'quick.yaml': yamlTest('quick', open),
    'slow.yaml': yamlTest(
      'slow',
      open +
        yamlStep('assert', "assertion_property: pageUrlIs, assertion_type: contain, assertion_expected_value: 'title'", {
          name: 'Long pause',
          execution: 'sleep: 30',
        }),
    ),
  };
}

beforeAll(async () => {
  fixture = await startFixtureServer();
});
afterAll(async () => fixture?.close());

async function statusOf(bugrun: TestBugrun, id: string): Promise<string> {
  return ((await bugrun.api('GET', `/api/v2/testruns/${id}/status/`)).json() as { status: string }).status;
}

describe('queue and stop', () => {
  let bugrun: TestBugrun;
  beforeAll(async () => {
    bugrun = await startBugrun({ concurrency: 1, maxQueued: 3 });
    const suite = `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Quick'\n  slug: 'quick-suite'\n  suite_settings: { run_in_parallel: false, auto_retry: 0, auto_add_new_tests: false }\n  tests:\n    - test_source: 'quick'\n`;
    await bugrun.importYaml({ ...bundle(fixture.url), 'suite.yaml': suite });
  });
  afterAll(async () => bugrun?.close());

  it('runs in order, bounds the queue with 429 + Retry-After, and stops runs in every state', async () => {
    const running = await bugrun.startRun('slow');
    await bugrun.waitFor(running, ['running']);
    const queued = [await bugrun.startRun('quick'), await bugrun.startRun('quick'), await bugrun.startRun('quick')];
    for (const id of queued) expect(await statusOf(bugrun, id)).toBe('queued');

    const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'quick');
    const full = await bugrun.api('POST', '/api/v2/testruns/', { testId: test?.id });
    expect(full.statusCode).toBe(429);
    expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    expect((full.json() as { detail: string }).detail).toMatch(/throttled/);
    // A suite run's tests count against the same queue.
    const suite = await bugrun.service.store.suites.getBySlug(bugrun.service.projectId, 'quick-suite');
    const fullForSuites = await bugrun.api('POST', '/api/v2/suiteruns/', { suiteId: suite?.id });
    expect(fullForSuites.statusCode).toBe(429);
    expect(Number(fullForSuites.headers['retry-after'])).toBeGreaterThan(0);
    expect(await bugrun.service.store.suiteRuns.list(bugrun.service.projectId, { ordering: '-started', offset: 0, limit: 10 })).toEqual({ count: 0, rows: [] });

    // A queued run stops at once, even with concurrent stops.
    const stops = await Promise.all(Array.from({ length: 5 }, () => bugrun.api('POST', `/api/v2/testruns/${queued[0]}/stop/`)));
    for (const res of stops) {
      expect(res.statusCode).toBe(200);
      expect((res.json() as { status: string }).status).toBe('stopped');
    }

    // The running one stops at once: the answer already says stopped (its browser context closes
    // behind it, checked by the runner's own stop tests).
    const stopped = await bugrun.api('POST', `/api/v2/testruns/${running}/stop/`);
    expect((stopped.json() as { status: string }).status).toBe('stopped');

    // The rest run in order, and a finished run stays as it is when stopped.
    await bugrun.waitFor(queued[2], ['passed']);
    const a = (await bugrun.api('GET', `/api/v2/testruns/${queued[1]}/`)).json() as { status: string; started: string };
    const b = (await bugrun.api('GET', `/api/v2/testruns/${queued[2]}/`)).json() as { status: string; started: string };
    expect(a.status).toBe('passed');
    expect(Date.parse(a.started)).toBeLessThan(Date.parse(b.started));
    const again = await bugrun.api('POST', `/api/v2/testruns/${queued[2]}/stop/`);
    expect((again.json() as { status: string }).status).toBe('passed');
    expect(await statusOf(bugrun, queued[0])).toBe('stopped');
    expect(await statusOf(bugrun, running)).toBe('stopped');
  });
});

describe('200 runs at once', { timeout: 600_000 }, () => {
  let bugrun: TestBugrun;
  beforeAll(async () => {
    bugrun = await startBugrun({ concurrency: 2 });
    await bugrun.importYaml(bundle(fixture.url));
  });
  afterAll(async () => bugrun?.close());

  it('with nine in ten of them stopped: every run reaches a terminal status and the counts add up', async () => {
    const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'quick');
    const created = await Promise.all(Array.from({ length: 200 }, () => bugrun.api('POST', '/api/v2/testruns/', { testId: test?.id })));
    expect(created.every((r) => r.statusCode === 200)).toBe(true);
    const ids = created.map((r) => (r.json() as { id: string }).id);
    expect(new Set(ids).size).toBe(200);
    // 180 stopped while queued (or just started), 20 run to the end: enough to keep both slots busy.
    const stopped = await Promise.all(ids.filter((_, i) => i % 10 !== 0).map((id) => bugrun.api('POST', `/api/v2/testruns/${id}/stop/`)));
    expect(stopped.every((r) => r.statusCode === 200)).toBe(true);

    const countByStatus = async () => {
      const counts: Record<string, number> = {};
      for (const status of ['queued', 'initialized', 'running', ...TERMINAL]) {
        counts[status] = ((await bugrun.api('GET', `/api/v2/testruns/?status=${status}&page_size=1`)).json() as { count: number }).count;
      }
      return counts;
    };
    const terminal = (counts: Record<string, number>) => TERMINAL.reduce((n, s) => n + (counts[s] ?? 0), 0);
    const counts = await waitUntil('every run terminal', countByStatus, (c) => terminal(c) === 200, 540_000);
    expect(counts.stopped).toBeGreaterThanOrEqual(180);
    expect((counts.passed ?? 0) + (counts.stopped ?? 0)).toBe(200);
    const sequences = await Promise.all(ids.map(async (id) => ((await bugrun.api('GET', `/api/v2/testruns/${id}/`)).json() as { sequence: number }).sequence));
    expect(new Set(sequences).size).toBe(200);
    expect(bugrun.pool.contextsInUse()).toHaveLength(0);
  }, 300_000);
});

describe('a browser that dies', () => {
  let bugrun: TestBugrun;
  beforeAll(async () => {
    bugrun = await startBugrun({ concurrency: 1 });
    await bugrun.importYaml(bundle(fixture.url));
  });
  afterAll(async () => bugrun?.close());

  it('ends its run as error at once, even during a step’s sleep, and the next run gets a fresh browser', async () => {
    const runId = await bugrun.startRun('slow');
    // Killed while the step sleeps its 30 s: the sleep must not outlast the browser.
    await waitUntil(
      'the pause step running',
      async () => ((await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { stepsRuns: { name: string | null; status: string }[] }).stepsRuns,
      (steps) => steps.some((s) => s.name === 'Long pause' && s.status === 'running'),
    );
    const browser = await bugrun.pool.browser();
    const chromium = descendants(process.pid).filter((p) => p.ppid === process.pid);
    expect(chromium.length).toBeGreaterThan(0);
    // Kill the browser's main process (a direct child of this process) the hard way.
    for (const p of chromium) process.kill(p.pid, 'SIGKILL');
    const status = await bugrun.waitFor(runId, ['error', 'failed', 'passed', 'stopped'], 15_000);
    expect(status.status).toBe('error');
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { errorCode: string };
    expect(run.errorCode).toBe('INTERNAL_ERROR');
    expect(browser.isConnected()).toBe(false);

    const next = await bugrun.startRun('quick');
    expect((await bugrun.waitFor(next, ['passed', 'failed', 'error'], 30_000)).status).toBe('passed');
    expect((await bugrun.pool.browser()).isConnected()).toBe(true);
  });
});

describe('graceful shutdown', () => {
  it('ends the runs in flight as error and closes the browser', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bugrun-shutdown-'));
    const bugrun = await startBugrun({ concurrency: 1, dataDir });
    await bugrun.importYaml(bundle(fixture.url));
    const runId = await bugrun.startRun('slow');
    await bugrun.waitFor(runId, ['running']);
    const browser = await bugrun.pool.browser();
    await bugrun.close();
    expect(browser.isConnected()).toBe(false);
    const store = await openStore({ dataDir });
    const run = await store.runs.getById(runId);
    expect(run?.status).toBe('error');
    expect(run?.errorMessage).toMatch(/shut down/);
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});

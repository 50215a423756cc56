import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/config.js';
import { isTerminal, TRACE_POLICIES, type RunStatus, type TracePolicy } from '../../src/domain/index.js';
import { BrowserPool, defaultChromiumPath } from '../../src/runner/index.js';
import { RunService } from '../../src/runs/index.js';
import { traceDecision } from '../../src/runs/trace-policy.js';
import { openStore, type Store } from '../../src/store/index.js';
import { importBundle, startSuiteRun, startTestRun } from '../../src/use-cases/index.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * The worker's trace policy (BUGRUN_TRACE) over real runs in real Chromium: which runs record a
 * trace and which keep it, decided once the outcome is known; and the configuration that sets it.
 */
let dir: string;
let store: Store;
let fixture: FixtureServer;
let projectId: string;
const pool = new BrowserPool({ executablePath: defaultChromiumPath() });
const ids = new Map<string, string>();

const suite = `schema_version: '1.0'
schema_type: suite
data:
  suite_name: 'Retried'
  slug: 'retried'
  suite_settings: { run_in_parallel: false, auto_retry: 1, auto_add_new_tests: false }
  tests:
    - test_source: 'fails'
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bugrun-trace-policy-'));
  store = await openStore({ dataDir: dir });
  fixture = await startFixtureServer();
  projectId = (await store.projects.ensureDefault({ name: 'Default project', slug: 'default' })).id;
  const files = {
    'passes.yaml': yamlTest('passes', yamlStep('goto', `url: '${fixture.url}/button.html'`, { name: 'Open' })),
    'fails.yaml': yamlTest(
      'fails',
      yamlStep('goto', `url: '${fixture.url}/button.html'`, { name: 'Open' }) +
        yamlStep('click', "selector: 'css=#missing'", { name: 'Submit', execution: 'run_timeout: 1' }),
    ),
    'suite.yaml': suite,
  };
  const result = await importBundle(
    store,
    projectId,
    Object.entries(files).map(([path, text]) => ({ path, text })),
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  for (const o of result.objects) ids.set(o.slug, o.id);
  await pool.browser();
}, 60_000);

afterAll(async () => {
  await pool.close();
  await store?.close();
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A worker with this policy, for the duration of `work` (one at a time: they share the queue). */
async function withWorker<T>(trace: TracePolicy, work: (runs: RunService) => Promise<T>): Promise<T> {
  const runs = new RunService({ store, worker: { pool, concurrency: 1, trace, heartbeatMs: 60_000 } });
  await runs.start();
  try {
    return await work(runs);
  } finally {
    await runs.close();
  }
}

async function runTest(runs: RunService, slug: string): Promise<{ id: string; status: RunStatus }> {
  const started = await startTestRun({ store, runs }, { projectId, testId: ids.get(slug) ?? null, profile: null, variables: [], triggeredBy: 'api' });
  if (!started.ok) throw new Error(JSON.stringify(started.errors));
  const ended = await waitUntil(
    `run of ${slug}`,
    () => store.runs.getById(started.run.id),
    (r) => r !== null && isTerminal(r.status),
  );
  return { id: started.run.id, status: ended!.status };
}

async function traceOf(runId: string): Promise<Buffer | null> {
  const artifact = (await store.artifacts.listByRun(runId)).find((a) => a.kind === 'trace');
  return artifact ? store.blobs.get(artifact.blobKey) : null;
}

async function cloudLogs(runId: string): Promise<string> {
  const artifact = (await store.artifacts.listByRun(runId)).find((a) => a.kind === 'cloud_logs');
  return (await store.blobs.get(artifact!.blobKey))!.toString('utf8');
}

describe('trace policies', () => {
  it('off records nothing, even for a failed run', async () => {
    const run = await withWorker('off', (runs) => runTest(runs, 'fails'));
    expect(run.status).toBe('failed');
    expect(await traceOf(run.id)).toBeNull();
    expect(await cloudLogs(run.id)).not.toMatch(/trace/i);
  });

  it("retain-on-failure keeps a failed run's trace and drops a passed one's", async () => {
    const [failed, passed] = await withWorker('retain-on-failure', async (runs) => [await runTest(runs, 'fails'), await runTest(runs, 'passes')]);
    expect(failed?.status).toBe('failed');
    const zip = await traceOf(failed!.id);
    expect(zip?.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip!.includes('trace.trace')).toBe(true);
    expect(await cloudLogs(failed!.id)).toMatch(/Recording a Playwright trace \(trace policy retain-on-failure\)/);

    expect(passed?.status).toBe('passed');
    expect(await traceOf(passed!.id)).toBeNull();
    expect(await cloudLogs(passed!.id)).toMatch(/Trace recorded \(\d+ KiB\)[\s\S]*Trace discarded: the run passed/);
  });

  it("on-first-retry records only a suite's retried attempt", async () => {
    const attempts = await withWorker('on-first-retry', async (runs) => {
      const started = await startSuiteRun(
        { store, runs },
        { projectId, suiteId: ids.get('retried') ?? null, profile: null, variables: [], triggeredBy: 'api' },
      );
      if (!started.ok) throw new Error(JSON.stringify(started.errors));
      const id = started.suiteRun.id;
      return waitUntil(
        'both attempts',
        async () => (await store.runs.listBySuiteRuns([id])).get(id) ?? [],
        (list) => list.length === 2 && list.every((r) => isTerminal(r.status)),
      );
    });
    expect(attempts.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(await traceOf(attempts[0]!.id)).toBeNull();
    expect((await traceOf(attempts[1]!.id))?.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('decides per policy and attempt which runs record and which outcomes keep the trace', () => {
    const table = TRACE_POLICIES.map((p) => {
      const d = traceDecision(p, 1);
      return [p, d.record, traceDecision(p, 2).record, d.keep('passed'), d.keep('failed'), d.keep('error'), d.keep('stopped')];
    });
    expect(table).toEqual([
      ['off', false, false, true, true, true, true],
      ['on', true, true, true, true, true, true],
      ['retain-on-failure', true, true, false, true, true, false],
      ['on-first-retry', false, true, true, true, true, true],
    ]);
  });
});

describe('BUGRUN_TRACE', () => {
  it('is off by default and takes each policy', () => {
    expect(resolveConfig({}, {}).trace).toBe('off');
    for (const policy of TRACE_POLICIES) expect(resolveConfig({}, { BUGRUN_TRACE: policy }).trace).toBe(policy);
    expect(resolveConfig({}, { BUGRUN_TRACE: ' Retain-On-Failure ' }).trace).toBe('retain-on-failure');
  });

  it('refuses anything else', () => {
    expect(() => resolveConfig({}, { BUGRUN_TRACE: 'bogus' })).toThrow(
      new ConfigError('BUGRUN_TRACE must be one of off, on, retain-on-failure, on-first-retry (got "bogus")'),
    );
  });

  it('BUGRUN_RETENTION keeps traces for their own number of days', () => {
    expect(resolveConfig({}, { BUGRUN_RETENTION: 'default=30,trace=7' }).retentionDays).toEqual({ default: 30, trace: 7 });
  });
});

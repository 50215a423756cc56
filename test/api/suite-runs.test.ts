import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * Suite runs end to end in real Chromium, on SQLite and PostgreSQL: sequential, parallel,
 * auto-retried and stopped suites, a suite whose test does not exist, and an empty suite.
 */
const skipPostgres = await postgresUnavailable();
const DIALECTS = skipPostgres === null ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

interface TestRun {
  id: string;
  name: string;
  status: string;
  errorCode: string | null;
  suiteRunId: string | null;
  attempt: number;
  started: string | null;
  ended: string | null;
  stepsRuns: { name: string | null; status: string; computedValue: string | null }[];
}
interface SuiteRun {
  id: string;
  status: string;
  errorCode: string | null;
  parallelRun: boolean;
  parallelSlots: number;
  finishedTests: number;
  totalTests: number;
  started: string | null;
  ended: string | null;
  testRuns: TestRun[];
}

function suiteYaml(slug: string, tests: string[], settings: { parallel?: boolean; retry?: number } = {}): string {
  return `schema_version: '1.0'
schema_type: suite
data:
  suite_name: 'Suite ${slug}'
  slug: '${slug}'
  suite_settings:
    run_in_parallel: ${settings.parallel ?? false}
    auto_retry: ${settings.retry ?? 0}
    auto_add_new_tests: false
  tests:${tests.length === 0 ? ' []' : tests.map((t) => `\n    - test_source: '${t}'`).join('')}
`;
}

describe.each(DIALECTS)('suite runs on %s', (dialect) => {
  let bugrun: TestBugrun;
  let fixture: FixtureServer;
  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
  const suiteIds = new Map<string, string>();

  /** A test that waits at gate `name`, then shows the built-in suite variables. */
  const gated = (slug: string, gate: string) =>
    yamlTest(
      slug,
      yamlStep('goto', `url: '${fixture.url}/gate?name=${gate}'`, { name: 'Wait at the gate' }) +
        yamlStep('setLocalVariable', "local_variable_name: seen, local_variable_source: value, value: '{{suiteName}}/{{suiteId}}/{{suiteRunId}}'", {
          name: 'Built-ins',
        }),
      { name: `Test ${slug}` },
    );

  beforeAll(async () => {
    fixture = await startFixtureServer();
    database = dialect === 'postgres' ? await scratchDatabase() : null;
    bugrun = await startBugrun({ concurrency: 2, ...(database ? { databaseUrl: database.url } : {}) });
    const objects = await bugrun.importYaml({
      'a.yaml': gated('a', `${dialect}-a`),
      'b.yaml': gated('b', `${dialect}-b`),
      'c.yaml': gated('c', `${dialect}-c`),
      'p1.yaml': gated('p1', `${dialect}-p1`),
      'p2.yaml': gated('p2', `${dialect}-p2`),
      's1.yaml': gated('s1', `${dialect}-s1`),
      's2.yaml': gated('s2', `${dialect}-s2`),
      'flaky.yaml': yamlTest(
        'flaky',
        yamlStep('goto', `url: '${fixture.url}/count?name=${dialect}-flaky'`) +
          yamlStep('assert', "selector: 'css=#count', assertion_property: textContent, assertion_type: equal, assertion_expected_value: '2'", {
            name: 'Second time lucky',
            execution: 'run_timeout: 1',
          }) +
          yamlStep('goto', `url: '${fixture.url}/gate?name=${dialect}-retry'`),
      ),
      'never.yaml': yamlTest(
        'never',
        yamlStep('goto', `url: '${fixture.url}/title.html'`) +
          yamlStep('assert', "assertion_property: pageTitle, assertion_type: equal, assertion_expected_value: 'Never'", { execution: 'run_timeout: 1' }),
      ),
      'broken.yaml': `schema_version: '1.0'\nschema_type: test\ndata:\n  name: 'Broken'\n  slug: 'broken'\n  runtime: browser\n  screen_size: desktop\n  groups:\n    - component_source: 'no-such-component'\n`,
      'sequential.yaml': suiteYaml('sequential', ['a', 'b', 'c']),
      'parallel.yaml': suiteYaml('parallel', ['p1', 'p2'], { parallel: true }),
      'retried.yaml': suiteYaml('retried', ['flaky', 'never'], { retry: 2 }),
      'stopped.yaml': suiteYaml('stopped', ['s1', 's2']),
      'ghost.yaml': suiteYaml('ghost', ['no-such-test', 'broken', 'a']),
      'empty.yaml': suiteYaml('empty', []),
    });
    for (const o of objects) if (o.type === 'suite') suiteIds.set(o.slug, o.id);
    fixture.open(`${dialect}-a`);
    fixture.open(`${dialect}-c`);
  }, 90_000);

  afterAll(async () => {
    await bugrun?.close();
    await fixture?.close();
    await database?.drop();
  });

  async function startSuite(slug: string): Promise<string> {
    const res = await bugrun.api('POST', '/api/v2/suiteruns/', { suiteId: suiteIds.get(slug) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { id: string; status: string; webappUrl: string };
    expect(body.webappUrl).toBe(`http://bugrun.test/suite-runs/${body.id}`);
    return body.id;
  }

  async function suiteRun(id: string): Promise<SuiteRun> {
    return (await bugrun.api('GET', `/api/v2/suiteruns/${id}/`)).json() as SuiteRun;
  }

  /** Polls the suite run until `done` holds of it. */
  async function until(id: string, done: (run: SuiteRun) => boolean): Promise<SuiteRun> {
    for (;;) {
      const run = await suiteRun(id);
      if (done(run)) return run;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const ended = (run: SuiteRun) => run.ended !== null;

  it('runs a sequential suite one test at a time, in order, with the suite built-ins set', async () => {
    const id = await startSuite('sequential');
    // a passes at once (its gate is open); b waits at its gate while c has not started.
    await fixture.arrived(`${dialect}-b`);
    const midway = await until(id, (r) => r.testRuns[1]?.status === 'running');
    expect(midway.status).toBe('running');
    expect(midway.testRuns.map((r) => r.status)).toEqual(['passed', 'running', 'queued']);
    expect(midway.testRuns[2]?.started).toBeNull();
    const status = (await bugrun.api('GET', `/api/v2/suiteruns/${id}/status/`)).json();
    expect(status).toMatchObject({ id, status: 'running', finishedTests: 1, totalTests: 3 });
    fixture.open(`${dialect}-b`);
    const run = await until(id, ended);
    expect(run.status).toBe('passed');
    expect(run).toMatchObject({ parallelRun: false, parallelSlots: 1, finishedTests: 3, totalTests: 3, errorCode: null });
    expect(run.testRuns.map((r) => [r.name, r.status, r.suiteRunId])).toEqual([
      ['Test a', 'passed', id],
      ['Test b', 'passed', id],
      ['Test c', 'passed', id],
    ]);
    // Each test started after the one before it ended.
    for (let i = 1; i < run.testRuns.length; i++) {
      expect(Date.parse(run.testRuns[i]?.started ?? '')).toBeGreaterThanOrEqual(Date.parse(run.testRuns[i - 1]?.ended ?? ''));
    }
    const seen = run.testRuns[0]?.stepsRuns.find((s) => s.name === 'Built-ins')?.computedValue;
    expect(seen).toBe(`Suite sequential/${suiteIds.get('sequential')}/${id}`);
  });

  it('runs a parallel suite over the worker slots at once', async () => {
    const id = await startSuite('parallel');
    // Both tests wait at their gates together: neither waited for the other.
    await Promise.all([fixture.arrived(`${dialect}-p1`), fixture.arrived(`${dialect}-p2`)]);
    const both = await until(id, (r) => r.testRuns.every((t) => t.status === 'running'));
    expect(both).toMatchObject({ status: 'running', parallelRun: true, parallelSlots: 2 });
    fixture.open(`${dialect}-p1`);
    fixture.open(`${dialect}-p2`);
    const run = await until(id, ended);
    expect(run.status).toBe('passed');
    expect(run.testRuns.map((r) => r.status)).toEqual(['passed', 'passed']);
  });

  it('retries a failed test: auto_retrying while the retry runs, a later pass counts, failed attempts stay in the history', async () => {
    const id = await startSuite('retried');
    await fixture.arrived(`${dialect}-retry`);
    const retrying = await until(id, (r) => r.testRuns[1]?.status === 'running');
    expect(retrying.testRuns.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'auto_retrying'],
      [2, 'running'],
      [1, 'queued'],
    ]);
    fixture.open(`${dialect}-retry`);
    const run = await until(id, ended);
    expect(run.testRuns.map((r) => [r.name, r.attempt, r.status])).toEqual([
      ['flaky', 1, 'failed'],
      ['flaky', 2, 'passed'],
      ['never', 1, 'failed'],
      ['never', 2, 'failed'],
      ['never', 3, 'failed'],
    ]);
    expect(run.status).toBe('failed');
    expect(run.errorCode).toBe('ASSERT_FAILED');
    expect(run.finishedTests).toBe(2);
    const junit = await bugrun.api('GET', `/api/v2/suiteruns/${id}/report/junit/`);
    expect(junit.headers['content-type']).toContain('application/xml');
    // One testcase per test (its last attempt), the failure naming its step and error code.
    expect(junit.body.match(/<testcase /g)).toHaveLength(2);
    expect(junit.body).toContain('<testsuite name="Suite retried" tests="2" failures="1" errors="0" skipped="0"');
    expect(junit.body).toMatch(/<failure type="ASSERT_FAILED" message="Step 2 &quot;assert&quot; failed: ASSERT_FAILED: /);
    expect(junit.body).toContain('<testcase name="flaky"');
  });

  it('stops a suite: the running test ends stopped, the one not started skipped', async () => {
    const id = await startSuite('stopped');
    await fixture.arrived(`${dialect}-s1`);
    await until(id, (r) => r.testRuns[0]?.status === 'running');
    const stop = await bugrun.api('POST', `/api/v2/suiteruns/${id}/stop/`);
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({ id, status: 'stopped' });
    const run = await until(id, (r) => r.testRuns.every((t) => t.status !== 'running' && t.status !== 'initialized'));
    expect(run.status).toBe('stopped');
    expect(run.testRuns.map((r) => r.status)).toEqual(['stopped', 'skipped']);
    // Stopping again changes nothing.
    expect((await bugrun.api('POST', `/api/v2/suiteruns/${id}/stop/`)).json()).toMatchObject({ status: 'stopped' });
  });

  it('ends a test the suite lists but the project lacks, and one that cannot be planned, as error, and runs the others', async () => {
    const id = await startSuite('ghost');
    const run = await until(id, ended);
    expect(run.testRuns.map((r) => [r.name, r.status, r.errorCode])).toEqual([
      ['no-such-test', 'error', 'INITIALIZATION_ERROR'],
      ['Broken', 'error', 'INITIALIZATION_ERROR'],
      ['Test a', 'passed', null],
    ]);
    expect(run.status).toBe('error');
    expect(run.errorCode).toBe('INITIALIZATION_ERROR');
  });

  it('recovers a suite run left unfinished after its last test ended (a process died between the two): the sweep ends it', async () => {
    const id = await startSuite('empty');
    const store = bugrun.service.store;
    // What a process that died right after ending the suite's last test leaves behind.
    expect(await store.suiteRuns.transition(id, ['passed'], { status: 'running', ended: null })).not.toBeNull();
    const run = await until(id, ended);
    expect(run.status).toBe('passed');
  });

  it('passes an empty suite at once, with no tests', async () => {
    const run = await suiteRun(await startSuite('empty'));
    expect(run).toMatchObject({ status: 'passed', totalTests: 0, finishedTests: 0, testRuns: [] });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, startWorker, type BugrunProcess, type RunningServer } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { childrenOf, stillRunning } from '../helpers/processes.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';

/**
 * Bugrun as a team runs it on several machines: API processes and worker processes, each a real
 * `bugrun` process with a data directory of its own, around one PostgreSQL database and one
 * artifact store (a shared directory, as on a shared volume; the S3 backend has its own tests).
 */
const TOKEN = 'cluster-token';
const TERMINAL = ['passed', 'failed', 'error', 'stopped'];
const skipPostgres = await postgresUnavailable();

type Run = {
  id: string;
  status: string;
  errorCode: string | null;
  errorMessage?: string | null;
  stepsRuns: { name: string | null; status: string; screenshotUrl: string | null }[];
};

describe.skipIf(skipPostgres !== null)('API and worker processes on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let sql: pg.Client;
  let artifacts: string;
  let fixture: FixtureServer;
  const dirs: string[] = [];
  const processes: BugrunProcess[] = [];
  let apiA: RunningServer;
  let apiB: RunningServer;
  const workers: (BugrunProcess & { id: string })[] = [];
  const testIds: Record<string, string> = {};

  /** Each process has its own data directory: nothing is shared but the database and the artifacts. */
  async function env(): Promise<Record<string, string>> {
    const dataDir = await mkdtemp(join(tmpdir(), 'bugrun-cluster-'));
    dirs.push(dataDir);
    return {
      BUGRUN_ARTIFACT_STORE: artifacts,
      BUGRUN_DATABASE_URL: db.url,
      BUGRUN_TOKEN: TOKEN,
      BUGRUN_DATA_DIR: dataDir,
      BUGRUN_HEARTBEAT_SECONDS: '1',
      BUGRUN_WORKER_DEAD_AFTER_SECONDS: '3',
    };
  }
  async function api(extra: Record<string, string> = {}): Promise<RunningServer> {
    const p = await startServer(['--no-worker', '--port', String(await freePort())], { ...(await env()), ...extra });
    processes.push(p);
    return p;
  }
  async function worker(concurrency = 1): Promise<BugrunProcess & { id: string }> {
    const p = await startWorker(['--concurrency', String(concurrency)], await env());
    processes.push(p);
    workers.push(p);
    return p;
  }
  async function call(
    server: RunningServer,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; text: string }> {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Token ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  }
  async function startRun(server: RunningServer, test: string, variables: { key: string; value: string }[] = []): Promise<string> {
    const res = await call(server, 'POST', '/api/v2/testruns/', { testId: testIds[test], variables });
    expect(res.status, res.text).toBe(200);
    return (res.json as { id: string }).id;
  }
  function ended(server: RunningServer, runId: string, timeoutMs = 120_000): Promise<Run> {
    return waitUntil(
      `run ${runId} ends`,
      async () => (await call(server, 'GET', `/api/v2/testruns/${runId}/`)).json as Run,
      (r) => TERMINAL.includes(r.status),
      timeoutMs,
    );
  }
  async function workerOf(runId: string): Promise<string | null> {
    const { rows } = await sql.query<{ worker_id: string | null }>('select worker_id from test_runs where id = $1', [runId]);
    return rows[0]?.worker_id ?? null;
  }
  async function errorMessageOf(runId: string): Promise<string | null> {
    const { rows } = await sql.query<{ error_message: string | null }>('select error_message from test_runs where id = $1', [runId]);
    return rows[0]?.error_message ?? null;
  }

  beforeAll(async () => {
    db = await scratchDatabase();
    sql = new pg.Client({ connectionString: db.url });
    artifacts = await mkdtemp(join(tmpdir(), 'bugrun-cluster-artifacts-'));
    dirs.push(artifacts);
    fixture = await startFixtureServer();
    // The first API process migrates the database; the rest start beside it.
    apiA = await api();
    [apiB] = await Promise.all([api(), worker()]);
    await sql.connect();
    const imported = await call(apiA, 'POST', '/api/v2/import/', {
      files: [
        { path: 'count.yaml', content: yamlTest('count', yamlStep('goto', `url: '${fixture.url}/title.html?n={{n}}'`)) },
        {
          path: 'held.yaml',
          content: yamlTest(
            'held',
            yamlStep('goto', `url: '${fixture.url}/title.html?held={{gate}}'`, { name: 'Before' }) +
              yamlStep('goto', `url: '${fixture.url}/gate?name={{gate}}'`, { name: 'Held' }) +
              yamlStep('goto', `url: '${fixture.url}/title.html?after={{gate}}'`, { name: 'After' }),
          ),
        },
      ],
    });
    expect(imported.status, imported.text).toBe(200);
    for (const o of (imported.json as { objects: { slug: string; id: string }[] }).objects) testIds[o.slug] = o.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await sql?.end();
    await fixture?.close();
    await db?.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('takes runs in the order they were queued, whichever API process queued them', async () => {
    // One worker, one slot: the order it starts runs in is the queue's.
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) ids.push(await startRun(n % 2 === 0 ? apiA : apiB, 'count', [{ key: 'n', value: `fifo-${n}` }]));
    for (const id of ids) expect((await ended(apiA, id)).status).toBe('passed');
    const visits = fixture.requests().filter((r) => r.includes('n=fifo-'));
    expect(visits).toEqual(ids.map((_, n) => `/title.html?n=fifo-${n}`));
  }, 120_000);

  it('executes 50 runs created at once through two API processes on three workers, each exactly once', async () => {
    await Promise.all([worker(), worker()]);
    const ids = await Promise.all(Array.from({ length: 50 }, (_, n) => startRun(n % 2 === 0 ? apiA : apiB, 'count', [{ key: 'n', value: `once-${n}` }])));
    expect(new Set(ids).size).toBe(50);
    // One query watches all 50 (50 pollers would load the API processes more than the runs do).
    await waitUntil(
      'all 50 runs end',
      async () =>
        (await sql.query<{ n: number }>('select count(*)::int as n from test_runs where id = any($1) and status = any($2)', [ids, TERMINAL])).rows[0]!.n,
      (n) => n === ids.length,
      240_000,
    );
    const runs = await Promise.all(ids.map((id, n) => ended(n % 2 === 0 ? apiB : apiA, id)));
    expect(runs.map((r) => r.status)).toEqual(ids.map(() => 'passed'));
    // Each page was opened once: no run executed twice, none lost.
    const visits = fixture.requests().filter((r) => r.includes('n=once-'));
    expect(visits.sort()).toEqual(ids.map((_, n) => `/title.html?n=once-${n}`).sort());
    const { rows } = await sql.query<{ worker_id: string | null }>('select distinct worker_id from test_runs where id = any($1)', [ids]);
    const owners = new Set(rows.map((r) => r.worker_id));
    expect([...owners].every((o) => workers.some((w) => w.id === o))).toBe(true);
    expect(owners.size).toBeGreaterThan(1);
  }, 300_000);

  it('stops a run through the other API process: the context closes, no further step runs, and its records agree', async () => {
    const runId = await startRun(apiA, 'held', [{ key: 'gate', value: 'stop' }]);
    await fixture.arrived('stop');
    const stop = await call(apiB, 'POST', `/api/v2/testruns/${runId}/stop/`);
    expect(stop.status, stop.text).toBe(200);
    // The worker closed the context: the held page request was dropped, unanswered.
    await fixture.dropped('stop');
    const run = await ended(apiA, runId);
    expect(run.status).toBe('stopped');
    expect(fixture.requests()).not.toContain('/title.html?after=stop');
    expect(run.stepsRuns.find((s) => s.name === 'After')?.status).not.toBe('passed');

    // The worker writes the run's final files once its context closed.
    const artifacts = await waitUntil(
      'the final files of the stopped run',
      async () => (await call(apiA, 'GET', `/api/v2/testruns/${runId}/debug-artifacts/`)).json as { kind: string; file: string }[],
      (list) => list.some((a) => a.kind === 'logs') && list.some((a) => a.kind === 'report'),
    );
    const logs = await fetch(`${apiB.url}/api/v2/testruns/${runId}/logs/`, { headers: { authorization: `Token ${TOKEN}` } });
    expect(logs.status).toBe(200);
    expect(await logs.text()).toMatch(/Run ended: stopped/);
    const junit = (await call(apiB, 'GET', `/api/v2/testruns/${runId}/report/junit/`)).text;
    expect(junit).toMatch(/<skipped message="Run stopped"\/>/);
    const stored = await Promise.all(artifacts.filter((a) => a.kind === 'report').map(async (a) => (await fetch(a.file)).text()));
    const storedJunit = stored.find((x) => x.startsWith('<?xml')) ?? '';
    expect(storedJunit).toMatch(/<skipped message="Run stopped"\/>/);
    const stepsOf = (xml: string) => /<system-out>([\s\S]*)<\/system-out>/.exec(xml)?.[1]?.replace(/\(\d+\.\d+ s\)/g, '');
    expect(stepsOf(storedJunit)).toBe(stepsOf(junit));
  }, 120_000);

  it('serves a run’s files through either API process, signed by the secret they share', async () => {
    const runId = await startRun(apiA, 'count', [{ key: 'n', value: 'files' }]);
    const run = await ended(apiA, runId);
    const shot = new URL(run.stepsRuns[0]!.screenshotUrl!);
    for (const server of [apiA, apiB]) {
      const res = await fetch(server.url + shot.pathname + shot.search);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
    }
  }, 120_000);

  it('ends the runs of a worker killed with SIGKILL as error, naming the worker; the others go on', async () => {
    const runId = await startRun(apiA, 'held', [{ key: 'gate', value: 'kill' }]);
    await fixture.arrived('kill');
    const owner = await workerOf(runId);
    const victim = workers.find((w) => w.id === owner);
    expect(victim, `run ${runId} owned by ${owner}`).toBeDefined();
    const browsers = await childrenOf(victim!.pid);
    expect(browsers.length).toBeGreaterThan(0);
    await victim!.stop('SIGKILL');
    workers.splice(workers.indexOf(victim!), 1);
    const run = await ended(apiB, runId);
    expect(run).toMatchObject({ status: 'error', errorCode: 'INTERNAL_ERROR' });
    expect(await errorMessageOf(runId)).toContain(`Worker ${victim!.id} (pid ${victim!.pid}`);
    expect((await call(apiB, 'GET', `/api/v2/testruns/${runId}/report/junit/`)).text).toContain(victim!.id);
    fixture.open('kill');
    // Its browser went with it; the other workers still take runs.
    await waitUntil(
      'the killed worker’s browser exits',
      () => stillRunning(browsers),
      (alive) => alive.length === 0,
    );
    expect((await ended(apiA, await startRun(apiB, 'count', [{ key: 'n', value: 'after-kill' }]))).status).toBe('passed');
  }, 120_000);

  it('keeps queued runs while every worker is gone, and runs them when one comes back; an API restart loses nothing', async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    const ids = await Promise.all([0, 1, 2, 3].map((n) => startRun(n % 2 === 0 ? apiA : apiB, 'count', [{ key: 'n', value: `survive-${n}` }])));
    await apiA.stop('SIGTERM');
    // BUGRUN_MAX_QUEUED counts the database's queue: the runs the other API process queued too.
    apiA = await api({ BUGRUN_MAX_QUEUED: String(ids.length) });
    const refused = await call(apiA, 'POST', '/api/v2/testruns/', { testId: testIds.count });
    expect(refused.status, refused.text).toBe(429);
    await worker(2);
    for (const id of ids) expect((await ended(apiA, id)).status).toBe('passed');
  }, 120_000);

  it('an API process killed while a run executes: the run goes on, and the restarted process tells its outcome', async () => {
    const runId = await startRun(apiB, 'held', [{ key: 'gate', value: 'api-restart' }]);
    await fixture.arrived('api-restart');
    await apiB.stop('SIGKILL');
    apiB = await api();
    fixture.open('api-restart');
    expect((await ended(apiB, runId)).status).toBe('passed');
  }, 120_000);

  it('a worker stopped with SIGTERM ends its run as error and exits 0; the run is not executed again', async () => {
    const runId = await startRun(apiA, 'held', [{ key: 'gate', value: 'term' }]);
    await fixture.arrived('term');
    const ownerId = await workerOf(runId);
    const owner = workers.find((w) => w.id === ownerId)!;
    expect(owner, `run ${runId} owned by ${ownerId}`).toBeDefined();
    expect(await owner.stop('SIGTERM')).toBe(0);
    workers.splice(workers.indexOf(owner), 1);
    const run = await ended(apiB, runId);
    expect(run).toMatchObject({ status: 'error', errorCode: 'INTERNAL_ERROR' });
    expect(await errorMessageOf(runId)).toBe('Bugrun was shut down while the run was executing');
    fixture.open('term');
    expect(fixture.requests().filter((r) => r === '/title.html?held=term')).toHaveLength(1);
    expect(await workerOf(runId)).toBe(owner.id);
  }, 120_000);

  it('runs a suite through an API process on the workers; a worker killed mid-suite ends that test error and the suite carries on', async () => {
    const suite = `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Cluster suite'\n  slug: 'cluster'\n  suite_settings: { run_in_parallel: false, auto_retry: 0, auto_add_new_tests: false }\n  tests:\n    - test_source: 'held'\n    - test_source: 'count'\n`;
    const imported = await call(apiA, 'POST', '/api/v2/import/', { files: [{ path: 'suite.yaml', content: suite }] });
    expect(imported.status, imported.text).toBe(200);
    const suiteId = (imported.json as { objects: { id: string }[] }).objects[0]?.id;
    await Promise.all([worker(), worker()]);
    const started = await call(apiB, 'POST', '/api/v2/suiteruns/', {
      suiteId,
      variables: [
        { key: 'gate', value: 'suite-kill' },
        { key: 'n', value: 'suite' },
      ],
    });
    expect(started.status, started.text).toBe(200);
    const suiteRunId = (started.json as { id: string }).id;
    await fixture.arrived('suite-kill');
    const suiteRun = async () => (await call(apiA, 'GET', `/api/v2/suiteruns/${suiteRunId}/`)).json as { status: string; testRuns: Run[] };
    const first = (await suiteRun()).testRuns[0] as Run;
    const ownerId = await workerOf(first.id);
    const owner = workers.find((w) => w.id === ownerId);
    expect(owner, `run ${first.id} owned by ${ownerId}`).toBeDefined();
    await owner!.stop('SIGKILL');
    workers.splice(workers.indexOf(owner!), 1);
    // The reaper of any live process ends the dead worker's test; the suite then runs its next test elsewhere.
    const done = await waitUntil('the suite run ends', suiteRun, (r) => TERMINAL.includes(r.status), 120_000);
    fixture.open('suite-kill');
    expect(done.testRuns.map((r) => [r.status, r.errorCode])).toEqual([
      ['error', 'INTERNAL_ERROR'],
      ['passed', null],
    ]);
    expect(done.status).toBe('error');
  }, 180_000);

  it("starts each tick of a schedule once, with every process's scheduler looking at it", async () => {
    const created = await call(apiA, 'POST', '/api/v2/schedules/', {
      name: 'Every second',
      testId: testIds.count,
      cron: '* * * * * *',
      variables: [{ key: 'n', value: 'tick' }],
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { id: string }).id;
    const ticks = () =>
      sql.query<{ run: string; tick: string }>('select id as run, scheduled_for as tick from test_runs where schedule_id = $1', [id]).then((r) => r.rows);
    await waitUntil('three scheduled runs', ticks, (rows) => rows.length >= 3, 60_000);
    expect((await call(apiB, 'PATCH', `/api/v2/schedules/${id}/`, { enabled: false })).status).toBe(200);
    const rows = await ticks();
    expect(new Set(rows.map((r) => r.tick)).size).toBe(rows.length);
    for (const r of rows) expect((await ended(apiB, r.run)).status).toBe('passed');
    // Every process ran the scheduler; none met a tick another had started (that would fail its transaction).
    for (const p of processes) expect(p.output()).not.toMatch(/background error in scheduler/);
  }, 120_000);
});

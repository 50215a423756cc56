import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWith, ConfigError } from '../../src/config/config.js';
import { createService, type Service } from '../../src/service.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { runCli } from '../helpers/cli.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';

describe('a serve process on SQLite', () => {
  let bugrun: TestBugrun;
  beforeAll(async () => {
    bugrun = await startBugrun();
  });
  afterAll(async () => bugrun.close());

  it('refuses a second process on the same database, naming the way to run several', async () => {
    const second = await runCli(['serve', '--port', '0', '--data-dir', bugrun.dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another Bugrun process (pid ${process.pid}) is using ${join(bugrun.dataDir, 'bugrun.sqlite')}`);
    expect(second.stderr).toContain('BUGRUN_DATABASE_URL=postgres://');
    // The first process goes on serving.
    expect((await bugrun.service.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses the API-only and worker roles, which need other processes on one database', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bugrun-roles-'));
    try {
      for (const role of ['api', 'worker'] as const) {
        await expect(createService(configWith({ dataDir }), { role })).rejects.toBeInstanceOf(ConfigError);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('/healthz says its role and that it reaches the database; /metrics counts runs by status and the queue', async () => {
    const health = await bugrun.service.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', role: 'serve', database: 'ok', queued: 0, active: 0 });
    const metrics = await bugrun.service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/^bugrun_runs\{status="queued"\} 0$/m);
    expect(metrics.body).toMatch(/^bugrun_queue_depth 0$/m);
    expect(metrics.body).toMatch(/^bugrun_workers_alive 1$/m);
    expect(metrics.body).toMatch(/^bugrun_worker_slots\{state="total"\} 2$/m);
  });
});

const skipPostgres = await postgresUnavailable();

describe.skipIf(skipPostgres !== null)('an API process and a worker process on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let fixture: Awaited<ReturnType<typeof startFixtureServer>>;
  const services: Service[] = [];
  const dirs: string[] = [];
  // One data dir for both, as on a shared volume: the worker writes the files the API serves.
  const start = async (role: 'api' | 'worker', demo = false) => {
    const dataDir = dirs[0] ?? (await mkdtemp(join(tmpdir(), 'bugrun-roles-')));
    if (dirs.length === 0) dirs.push(dataDir);
    const config = configWith({ dataDir, port: 0, databaseUrl: db.url, token: 'roles-token', concurrency: 2, demo });
    const service = await createService(config, { role });
    services.push(service);
    await service.start();
    return service;
  };

  beforeAll(async () => {
    db = await scratchDatabase();
    fixture = await startFixtureServer();
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    await fixture?.close();
    await db?.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('a run created on the API process is executed by the worker, and the API serves its files', async () => {
    const api = await start('api');
    const worker = await start('worker');
    expect(api.pool).toBeNull();
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      api.app.inject({ method, url, headers: { authorization: 'Token roles-token' }, ...(payload ? { payload } : {}) });
    const imported = await call('POST', '/api/v2/import/', {
      files: [{ path: 't.yaml', content: yamlTest('t', yamlStep('goto', `url: '${fixture.url}/title.html'`)) }],
    });
    expect(imported.statusCode).toBe(200);
    const testId = (imported.json() as { objects: { id: string }[] }).objects[0]!.id;
    const runId = ((await call('POST', '/api/v2/testruns/', { testId })).json() as { id: string }).id;
    const status = await waitUntil(
      'the run',
      async () => (await call('GET', `/api/v2/testruns/${runId}/status/`)).json() as { status: string },
      (s) => ['passed', 'failed', 'error', 'stopped'].includes(s.status),
    );
    expect(status.status).toBe('passed');
    const row = await api.store.runs.getById(runId);
    expect(row?.workerId).toBe(worker.runs.worker?.id);
    // Screenshots were written by the worker; the API process serves them from the shared store.
    const run = (await call('GET', `/api/v2/testruns/${runId}/`)).json() as { stepsRuns: { screenshotUrl: string }[] };
    const shot = new URL(run.stepsRuns[0]!.screenshotUrl);
    expect((await api.app.inject({ method: 'GET', url: shot.pathname + shot.search })).statusCode).toBe(200);
    const health = (await api.app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(health).toMatchObject({ status: 'ok', role: 'api', database: 'ok', queued: 0 });
    // The worker's histograms count what it executed; the API process executed nothing.
    const workerMetrics = (await worker.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(workerMetrics).toMatch(/^bugrun_run_duration_seconds_count\{status="passed"\} 1$/m);
    expect(workerMetrics).toMatch(/^bugrun_step_duration_seconds_count\{status="passed"\} 1$/m);
    expect(workerMetrics).toMatch(/^bugrun_queue_oldest_age_seconds 0$/m);
    expect((await api.app.inject({ method: 'GET', url: '/metrics' })).body).not.toMatch(/^bugrun_run_duration_seconds_count/m);
  });

  it('imports the demo project once per database: a later --demo start keeps what the team changed', async () => {
    const first = await start('api', true);
    const tests = await first.store.tests.listAll(first.projectId);
    expect(tests.map((t) => t.name)).toContain('Add two products to the cart');
    const profile = await first.store.profiles.getBySlug(first.projectId, 'default');
    expect(profile).not.toBeNull();
    // The team points the shared demo profile elsewhere and renames a test.
    const edited = { ...(profile!.data as object), variables: [{ key: 'demo_url', value: 'https://staging.example.com' }] };
    await first.store.profiles.upsert(first.projectId, { slug: 'default', name: 'Default', data: edited });
    const renamed = tests.find((t) => t.name === 'Add two products to the cart')!;
    await first.store.tests.upsert(first.projectId, { slug: renamed.slug, name: 'Renamed by the team', data: renamed.data });

    const second = await start('api', true);
    expect(second.projectId).toBe(first.projectId);
    expect((await second.store.profiles.getBySlug(first.projectId, 'default'))?.data).toEqual(edited);
    const after = await second.store.tests.listAll(first.projectId);
    expect(after.map((t) => t.id).sort()).toEqual(tests.map((t) => t.id).sort());
    expect(after.find((t) => t.id === renamed.id)?.name).toBe('Renamed by the team');
  });

  it('runs the retention sweeper on one process at a time', async () => {
    const [a, b] = [await start('api'), await start('worker')];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const hold = () =>
      a.store.exclusive('artifact-sweeper', async () => {
        entered();
        await held;
        return 'first';
      });
    // Each service sweeps once as it starts: until those sweeps end, the lock is theirs.
    let first = hold();
    while ((await Promise.race([inside.then(() => 'held' as const), first])) === null) first = hold();
    // While the API process sweeps, the worker's sweep stands aside rather than sweep beside it.
    expect(await b.sweeper.sweep()).toBeNull();
    release();
    expect(await first).toBe('first');
    expect(await b.sweeper.sweep()).toBe(0);
  });
});

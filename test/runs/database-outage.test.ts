import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, startWorker, type BugrunProcess, type RunningServer } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';

/**
 * The database goes away while an API process and a worker process use it (through a proxy the
 * test cuts): requests answer 503, the run in flight ends cleanly, and both processes carry on
 * once it is back, without a restart.
 */
const TOKEN = 'outage-token';
const skipPostgres = await postgresUnavailable();

describe.skipIf(skipPostgres !== null)('the database away for a while', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let proxy: TcpProxy;
  let fixture: FixtureServer;
  let api: RunningServer;
  let worker: BugrunProcess;
  const dirs: string[] = [];
  let testId: string;
  let heldId: string;

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(api.url + path, {
      method,
      headers: { authorization: `Token ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  };
  const ended = (runId: string) =>
    waitUntil(
      `run ${runId} ends`,
      async () => (await call('GET', `/api/v2/testruns/${runId}/status/`)).json,
      (s) => ['passed', 'failed', 'error', 'stopped'].includes(String(s.status)),
      120_000,
    );

  beforeAll(async () => {
    db = await scratchDatabase();
    proxy = await startTcpProxy(Number(new URL(db.url).port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    fixture = await startFixtureServer();
    const env = async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'bugrun-outage-'));
      dirs.push(dataDir);
      return {
        BUGRUN_DATABASE_URL: viaProxy.toString(),
        BUGRUN_TOKEN: TOKEN,
        BUGRUN_DATA_DIR: dataDir,
        BUGRUN_HEARTBEAT_SECONDS: '1',
        BUGRUN_WORKER_DEAD_AFTER_SECONDS: '3',
      };
    };
    api = await startServer(['--no-worker', '--port', String(await freePort())], await env());
    worker = await startWorker(['--concurrency', '1'], await env());
    const imported = await call('POST', '/api/v2/import/', {
      files: [
        {
          path: 't.yaml',
          content: yamlTest('t', yamlStep('goto', `url: '${fixture.url}/gate?name={{gate}}'`) + yamlStep('goto', `url: '${fixture.url}/title.html'`)),
        },
      ],
    });
    expect(imported.status).toBe(200);
    testId = (imported.json.objects as { id: string }[])[0]!.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api, worker].map((p) => p?.stop('SIGKILL')));
    await proxy?.close();
    await fixture?.close();
    await db?.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After meanwhile, not 500, while the run in flight goes on', async () => {
    heldId = ((await call('POST', '/api/v2/testruns/', { testId, variables: [{ key: 'gate', value: 'outage' }] })).json as { id: string }).id;
    await fixture.arrived('outage');
    proxy.cut();
    const listed = await call('GET', '/api/v2/testruns/');
    expect(listed.status).toBe(503);
    expect(listed.headers.get('retry-after')).toBe('5');
    expect(listed.json).toEqual({ detail: 'The database cannot be reached; retry in a few seconds.' });
    expect((await call('POST', '/api/v2/testruns/', { testId })).status).toBe(503);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', role: 'api', database: 'unreachable' });
    // The worker notices too: its heartbeat fails, and the run goes on without its records.
    await waitUntil(
      'the worker sees the database gone',
      async () => worker.output(),
      (out) => /background error in heartbeat/.test(out),
    );
    fixture.open('outage');
    await waitUntil(
      'the run reaches its last step',
      async () => fixture.requests(),
      (r) => r.includes('/title.html'),
    );
    // Four more failed heartbeats (1 s apart): the run has ended in the browser and waits to record
    // its end, and the worker's last heartbeat is older than BUGRUN_WORKER_DEAD_AFTER_SECONDS, so the
    // API process may declare it dead when the database is back. It must carry on all the same.
    const failedBeats = () => worker.output().split('background error in heartbeat').length - 1;
    const seen = failedBeats();
    await waitUntil(
      'the outage lasts on',
      async () => failedBeats(),
      (n) => n >= seen + 4,
    );
    expect((await call('GET', `/api/v2/testruns/${heldId}/status/`)).status).toBe(503);
  });

  it('ends the run in flight cleanly and carries on once the database is back, without a restart', async () => {
    proxy.restore();
    const held = await ended(heldId);
    expect(['passed', 'error']).toContain(held.status);
    const health = await waitUntil(
      'the API reaches the database again',
      () => fetch(`${api.url}/healthz`),
      (r) => r.status === 200,
    );
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    const next = ((await call('POST', '/api/v2/testruns/', { testId, variables: [{ key: 'gate', value: 'after' }] })).json as { id: string }).id;
    fixture.open('after');
    expect((await ended(next)).status).toBe('passed');
  }, 180_000);
});

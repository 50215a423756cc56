import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants } from '../../src/runs/process-stats.js';
import { freePort, startServer, type RunningServer } from '../helpers/cli.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { waitGone } from '../helpers/processes.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/** kill -9 of the whole service mid-run, then a restart: nothing recorded is lost, nothing hangs. */
describe('crash recovery', () => {
  let dir = '';
  let server: RunningServer | undefined;
  let fixture: { url: string; close(): Promise<void> } | undefined;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ends the interrupted run as error with what it recorded, and runs the queued one', async () => {
    fixture = await startFixtureServer();
    dir = await mkdtemp(join(tmpdir(), 'bugrun-crash-'));
    const port = await freePort();
    const args = ['--port', String(port), '--data-dir', dir];
    const env = { BUGRUN_TOKEN: 'crash-token', BUGRUN_CONCURRENCY: '1' };
    server = await startServer(args, env);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server!.url}${path}`, {
        method,
        headers: { authorization: 'Token crash-token', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
      return { status: res.status, headers: res.headers, json: (await res.json().catch(() => null)) as Record<string, unknown> };
    };
    const open = yamlStep('goto', `url: '${fixture.url}/title.html'`);
    const pause = (sleep: number) =>
      yamlStep('assert', "assertion_property: pageUrlIs, assertion_type: contain, assertion_expected_value: 'title'", { execution: `sleep: ${sleep}` });
    const imported = await api('POST', '/api/v2/import/', {
      files: [
        { path: 'slow.yaml', content: yamlTest('slow', open + pause(0.2) + pause(0.2) + pause(60)) },
        { path: 'quick.yaml', content: yamlTest('quick', open) },
      ],
    });
    expect(imported.status).toBe(200);
    const ids = Object.fromEntries((imported.json.objects as { slug: string; id: string }[]).map((o) => [o.slug, o.id]));

    const slow = (await api('POST', '/api/v2/testruns/', { testId: ids.slow })).json.id as string;
    await waitUntil(
      "the slow run's third step",
      async () => (await api('GET', `/api/v2/testruns/${slow}/status/`)).json,
      (s) => Number(s.finishedSteps) >= 3,
    );
    const queued = (await api('POST', '/api/v2/testruns/', { testId: ids.quick })).json.id as string;
    expect((await api('GET', `/api/v2/testruns/${queued}/status/`)).json.status).toBe('queued');

    const browserPids = descendants(server.child.pid!).map((p) => p.pid);
    expect(browserPids.length).toBeGreaterThan(0);
    expect(await server.stop('SIGKILL')).toBeNull();
    // The browser must not outlive the service (its pipe to the dead server closed).
    expect(await waitGone(browserPids)).toEqual([]);

    server = await startServer(args, env);
    const run = (await api('GET', `/api/v2/testruns/${slow}/`)).json as {
      status: string;
      errorCode: string;
      stepsRuns: { status: string; screenshotUrl: string | null }[];
    };
    expect(run.status).toBe('error');
    expect(run.errorCode).toBe('INTERNAL_ERROR');
    const done = run.stepsRuns.filter((s) => s.status === 'passed');
    expect(done.length).toBeGreaterThanOrEqual(3);
    for (const s of done) expect((await fetch(s.screenshotUrl!)).status).toBe(200);
    const logs = await api('GET', `/api/v2/testruns/${slow}/logs/`);
    expect(logs.status).toBe(302);
    const logText = await (await fetch(logs.headers.get('location')!)).text();
    expect(logText).toMatch(/started/);
    const artifacts = (await api('GET', `/api/v2/testruns/${slow}/debug-artifacts/`)).json as unknown as { kind: string }[];
    expect(artifacts.map((a) => a.kind)).toContain('logs_partial');

    const status = await waitUntil(
      'the queued run after the restart',
      async () => (await api('GET', `/api/v2/testruns/${queued}/status/`)).json.status as string,
      (s) => ['passed', 'failed', 'error', 'stopped'].includes(s),
    );
    expect(status).toBe('passed');
  }, 120_000);
});

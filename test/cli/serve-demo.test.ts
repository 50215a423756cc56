import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { descendants } from '../../src/runs/process-stats.js';
import { freePort, startServer, type RunningServer } from '../helpers/cli.js';
import { stillRunning } from '../helpers/processes.js';
import { waitUntil } from '../helpers/wait.js';

/** `bugrun serve --demo` (what `npm start` runs) as a real process: banner, demo run, restart. */
describe('bugrun serve --demo', () => {
  let dataDir = '';
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints URL, token and a curl command whose run passes; everything survives a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bugrun-serve-'));
    const port = await freePort();
    server = await startServer(['--demo', '--port', String(port), '--data-dir', dataDir], { BUGRUN_TOKEN: '' });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    const curl = /curl -s -X POST (\S+) -H "Authorization: Token (\S+)" -H 'Content-Type: application\/json' -d '(.+)'/.exec(server.output());
    expect(curl, server.output()).not.toBeNull();
    const [, url, token, body] = curl as unknown as string[];
    expect(token).toBe(server.token);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const created = await fetch(url, { method: 'POST', headers: { authorization: `Token ${token}`, 'content-type': 'application/json' }, body });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const auth = { authorization: `Token ${token}`, 'content-type': 'application/json' };
    const finalStatus = (runId: string) =>
      waitUntil(
        `demo run ${runId}`,
        async () => ((await (await fetch(`${server!.url}/api/v2/testruns/${runId}/status/`, { headers: auth })).json()) as { status: string }).status,
        (status) => ['passed', 'failed', 'error', 'stopped'].includes(status),
        120_000,
      );
    const steps = async (runId: string) =>
      JSON.stringify(((await (await fetch(`${server!.url}/api/v2/testruns/${runId}/`, { headers: auth })).json()) as { stepsRuns: unknown[] }).stepsRuns);
    const status = await finalStatus(id);
    expect(status, status === 'passed' ? '' : await steps(id)).toBe('passed');

    // The other demo tests: the shop served at /demo/ works, and the failing example fails.
    const tests = (await (await fetch(`${server.url}/api/v2/tests/`, { headers: auth })).json()) as { results: { id: string; slug: string }[] };
    for (const [slug, expected] of [
      ['cart', 'passed'],
      ['failing-example', 'failed'],
    ]) {
      const testId = tests.results.find((t) => t.slug === slug)?.id;
      const res = await fetch(`${server.url}/api/v2/testruns/`, { method: 'POST', headers: auth, body: JSON.stringify({ testId }) });
      expect(await finalStatus(((await res.json()) as { id: string }).id)).toBe(expected);
    }

    // SIGTERM: a clean exit that takes the browser with it.
    const browserPids = descendants(server.child.pid!).map((p) => p.pid);
    expect(browserPids.length).toBeGreaterThan(0);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(await stillRunning(browserPids)).toEqual([]);
    server = await startServer(['--demo', '--port', String(port), '--data-dir', dataDir], { BUGRUN_TOKEN: '' });
    expect(server.token).toBe(token);
    const again = await fetch(`${server.url}/api/v2/testruns/${id}/`, { headers: { authorization: `Token ${token}` } });
    expect(again.status).toBe(200);
    const run = (await again.json()) as { status: string; stepsRuns: unknown[] };
    expect(run.status).toBe('passed');
    expect(run.stepsRuns).toHaveLength(6);
  }, 600_000);
});

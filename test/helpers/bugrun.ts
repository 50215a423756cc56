import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { configWith, type Config } from '../../src/config/config.js';
import type { RunStatus } from '../../src/domain/index.js';
import type { BrowserPool } from '../../src/runner/index.js';
import { createService, type Service, type ServiceOptions } from '../../src/service.js';

export interface TestBugrun {
  service: Service;
  /** The service's browser pool (a `serve` process always has one). */
  pool: BrowserPool;
  token: string;
  dataDir: string;
  /** An authenticated request through Fastify's inject (no socket). */
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Imports YAML documents given as `{path: text}`; throws with the errors when invalid. */
  importYaml(files: Record<string, string>): Promise<{ type: string; slug: string; id: string; status: string }[]>;
  /** Polls the status endpoint until the run is in one of `statuses`. */
  waitFor(runId: string, statuses: RunStatus[], timeoutMs?: number): Promise<{ status: RunStatus; finishedSteps: number; totalSteps: number }>;
  /** Starts a run of the test with this slug; returns the run id. */
  startRun(testSlug: string, extra?: Record<string, unknown>): Promise<string>;
  /** Fetches a signed file URL we handed out, through inject. */
  download(url: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startBugrun(overrides: Partial<Config> = {}, options: ServiceOptions = {}): Promise<TestBugrun> {
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'bugrun-test-')));
  const config = configWith({
    dataDir,
    port: 0,
    concurrency: 2,
    publicUrl: 'http://bugrun.test',
    token: `test-token-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  });
  const service = await createService(config, options);
  await service.start();
  const token = service.token;
  const pool = service.pool;
  if (!pool) throw new Error(`a ${service.role} process has no browser pool`);

  const api: TestBugrun['api'] = (method, url, body, headers = {}) =>
    service.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Token ${token}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  const bugrun: TestBugrun = {
    service,
    pool,
    token,
    dataDir,
    api,
    async importYaml(files) {
      const res = await api('POST', '/api/v2/import/', { files: Object.entries(files).map(([path, content]) => ({ path, content })) });
      if (res.statusCode !== 200) throw new Error(`import failed (${res.statusCode}): ${res.body}`);
      return (res.json() as { objects: { type: string; slug: string; id: string; status: string }[] }).objects;
    },
    async waitFor(runId, statuses, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await api('GET', `/api/v2/testruns/${runId}/status/`);
        const status = res.json() as { status: RunStatus; finishedSteps: number; totalSteps: number };
        if (statuses.includes(status.status)) return status;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${status.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async startRun(testSlug, extra = {}) {
      const test = await service.store.tests.getBySlug(service.projectId, testSlug);
      if (!test) throw new Error(`no test ${testSlug}`);
      const res = await api('POST', '/api/v2/testruns/', { testId: test.id, ...extra });
      if (res.statusCode !== 200) throw new Error(`run not created (${res.statusCode}): ${res.body}`);
      return (res.json() as { id: string }).id;
    },
    async download(url) {
      const u = new URL(url);
      return service.app.inject({ method: 'GET', url: u.pathname + u.search });
    },
    async close() {
      await service.close();
      if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return bugrun;
}

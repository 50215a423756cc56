import autocannon from 'autocannon';
import { runAndCheck } from '../lib/bench-service.js';
import type { FigureContext } from '../lib/context.js';
import { httpJson } from '../lib/http.js';
import { row } from '../lib/rows.js';
import { round } from '../lib/stats.js';
import { seedRuns } from '../lib/seed.js';

export interface LoadFigure {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface ApiLoadResult {
  seededRuns: number;
  seedMs: number;
  seedRunsPerSecond: number;
  deepPage: number;
  connections: number;
  seconds: number;
  /** Each endpoint with the server idle and while `backgroundRuns` runs execute. */
  idle: Record<'healthz' | 'status' | 'deepPage', LoadFigure>;
  busy: Record<'healthz' | 'status' | 'deepPage', LoadFigure>;
  backgroundRuns: number;
  backgroundRunsCompleted: number;
}

async function load(url: string, token: string | null, connections: number, seconds: number): Promise<LoadFigure> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: token ? { authorization: `Token ${token}` } : {},
    // The load generator runs in a worker thread, so it does not share the server's event loop.
    workers: 1,
  });
  return {
    requestsPerSec: round(result.requests.average, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * API capacity with a deep history: seeds `apiSeedRuns` runs through the store, then loads
 * `GET /testruns/{id}/status/` and a deep `GET /testruns/?page=N` with autocannon over
 * 127.0.0.1, with the server idle and while runs execute. `GET /healthz` (no auth, no database)
 * is the baseline: what Fastify itself serves on this machine under the same conditions.
 */
export async function measureApiLoad(ctx: FigureContext): Promise<ApiLoadResult> {
  const { bench, referenceId } = await ctx.main();
  const { service, token, url } = bench;
  const test = await service.store.tests.get(service.projectId, referenceId);
  if (!test) throw new Error('bench: reference test missing');
  const seed = await seedRuns(service.store, service.projectId, test, ctx.options.apiSeedRuns);
  ctx.log(`  seeded ${ctx.options.apiSeedRuns} runs in ${(seed.ms / 1000).toFixed(1)} s (${seed.runsPerSecond.toFixed(0)} runs/s)`);

  const first = await httpJson('GET', `${url}/api/v2/testruns/?page_size=1&ordering=started`, { token });
  const listed = first.body as { count: number; results: { id: string }[] };
  const statusId = listed.results[0]?.id;
  if (!statusId) throw new Error('bench: no run to query');
  const deepPage = Math.max(1, Math.floor((listed.count / 20) * 0.9));
  const urls = {
    healthz: `${url}/healthz`,
    status: `${url}/api/v2/testruns/${statusId}/status/`,
    deepPage: `${url}/api/v2/testruns/?page=${deepPage}`,
  };
  const probe = await httpJson('GET', urls.deepPage, { token });
  if (probe.status !== 200) throw new Error(`bench: deep page answered ${probe.status}`);

  const { apiConnections: connections, apiSeconds: seconds } = ctx.options;
  const measure = async (): Promise<ApiLoadResult['idle']> => ({
    healthz: await load(urls.healthz, null, connections, seconds),
    status: await load(urls.status, token, connections, seconds),
    deepPage: await load(urls.deepPage, token, connections, seconds),
  });
  const idle = await measure();

  // Busy: keep runs of the reference test executing for the whole measurement.
  let stop = false;
  let completed = 0;
  const loops = Array.from({ length: ctx.options.apiBackgroundRuns }, async () => {
    while (!stop) {
      await runAndCheck(bench, referenceId, 1);
      completed++;
    }
  });
  let busy: ApiLoadResult['idle'];
  try {
    busy = await measure();
  } finally {
    stop = true;
    await Promise.all(loops);
  }

  const result: ApiLoadResult = {
    seededRuns: ctx.options.apiSeedRuns,
    seedMs: round(seed.ms, 0),
    seedRunsPerSecond: round(seed.runsPerSecond, 0),
    deepPage,
    connections,
    seconds,
    idle,
    busy,
    backgroundRuns: ctx.options.apiBackgroundRuns,
    backgroundRunsCompleted: completed,
  };
  const runs = `${Math.round(ctx.options.apiSeedRuns / 1000)}k runs`;
  ctx.emit(row('api', `status req/s while runs execute (${runs})`, 'req/s', busy.status.requestsPerSec, { value: busy.healthz.requestsPerSec, label: 'GET /healthz' }, { kind: 'valueMin', min: 5000 }));
  ctx.emit(row('api', `status p99 while runs execute`, 'ms', busy.status.p99Ms, { value: busy.healthz.p99Ms, label: 'GET /healthz' }, { kind: 'valueMax', max: 20 }));
  ctx.emit(row('api', `list page ${deepPage} req/s while runs execute`, 'req/s', busy.deepPage.requestsPerSec, { value: busy.healthz.requestsPerSec, label: 'GET /healthz' }));
  ctx.emit(row('api', `list page ${deepPage} p99 while runs execute`, 'ms', busy.deepPage.p99Ms, { value: busy.healthz.p99Ms, label: 'GET /healthz' }, { kind: 'valueMax', max: 20 }));
  ctx.emit(row('api', `status req/s, idle server`, 'req/s', idle.status.requestsPerSec, { value: idle.healthz.requestsPerSec, label: 'GET /healthz' }, { kind: 'valueMin', min: 5000 }));
  ctx.emit(row('api', `status p99, idle server`, 'ms', idle.status.p99Ms, { value: idle.healthz.p99Ms, label: 'GET /healthz' }, { kind: 'valueMax', max: 20 }));
  ctx.emit(row('api', `list page ${deepPage} req/s, idle server`, 'req/s', idle.deepPage.requestsPerSec, { value: idle.healthz.requestsPerSec, label: 'GET /healthz' }));
  ctx.emit(row('api', `list page ${deepPage} p99, idle server`, 'ms', idle.deepPage.p99Ms, { value: idle.healthz.p99Ms, label: 'GET /healthz' }, { kind: 'valueMax', max: 20 }));
  return result;
}

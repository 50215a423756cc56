import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { runAndCheck, runBatch } from '../lib/bench-service.js';
import type { FigureContext } from '../lib/context.js';
import { httpJson } from '../lib/http.js';
import { mainThreadCpuMs } from '../lib/processes.js';
import { row } from '../lib/rows.js';
import { round } from '../lib/stats.js';
import { copyStepRuns, seedRunsFromTemplate } from '../lib/seed.js';

export interface LoadFigure {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  errors: number;
  non2xx: number;
  /**
   * Main-thread (event loop) CPU per request in ms: robust to machine load, unlike req/s;
   * 1000 / this is what one core could serve. Includes autocannon when it runs in-thread.
   */
  cpuPerRequestMs: number;
  /** The server's event-loop delay during the load (same process), p99 and max in ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface ApiLoadResult {
  seededRuns: number;
  seedMs: number;
  seedRunsPerSecond: number;
  deepPage: number;
  connections: number;
  seconds: number;
  workers: number;
  /** Each endpoint with the server idle and while `backgroundRuns` runs execute. */
  idle: Record<'healthz' | 'status' | 'deepPage', LoadFigure>;
  /** A bare node:http server in this process, idle: the machine's ceiling at that moment. */
  bareHttp: LoadFigure;
  busy: Record<'healthz' | 'status' | 'deepPage', LoadFigure>;
  backgroundRuns: number;
  backgroundRunsCompleted: number;
}

async function load(url: string, token: string | null, connections: number, seconds: number, workers: number): Promise<LoadFigure> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpu0 = mainThreadCpuMs();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: token ? { authorization: `Token ${token}` } : {},
    // In a worker thread the load generator does not share the server's event loop.
    ...(workers > 0 ? { workers } : {}),
  });
  delay.disable();
  const cpuMs = mainThreadCpuMs() - cpu0;
  return {
    cpuPerRequestMs: round(cpuMs / Math.max(1, result.requests.total), 3),
    requestsPerSec: round(result.requests.average, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    loopDelayP99Ms: round(delay.percentile(99) / 1e6, 1),
    loopDelayMaxMs: round(delay.max / 1e6, 1),
  };
}

/** A bare node:http server answering a tiny JSON body: what this machine serves at all right now. */
async function bareHttpCeiling(connections: number, seconds: number, workers: number): Promise<LoadFigure> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('bench: bare server has no port');
    return await load(`http://127.0.0.1:${address.port}/`, null, connections, seconds, workers);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
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
  const [template] = await runAndCheck(bench, referenceId, 1);
  if (!template) throw new Error('bench: no template run');
  const seed = seedRunsFromTemplate(service.config.dataDir, template.id, ctx.options.apiSeedRuns);
  ctx.log(`  seeded ${ctx.options.apiSeedRuns} runs in ${(seed.ms / 1000).toFixed(1)} s (${seed.runsPerSecond.toFixed(0)} runs/s)`);

  const first = await httpJson('GET', `${url}/api/v2/testruns/?page_size=1`, { token });
  const count = (first.body as { count: number }).count;
  const deepPage = Math.max(1, Math.floor((count / 20) * 0.9));
  const page = await httpJson('GET', `${url}/api/v2/testruns/?page=${deepPage}`, { token });
  const pageIds = (page.body as { results: { id: string }[] }).results.map((r) => r.id);
  const stepRows = copyStepRuns(service.config.dataDir, template.id, pageIds);
  // A seeded run (a copy of a real one, plan included) is what the status endpoint reads.
  const statusId = pageIds[0];
  if (!statusId) throw new Error('bench: no run to query');
  ctx.log(`  ${count} runs stored; page ${deepPage}'s ${pageIds.length} runs got ${stepRows} step runs`);
  const urls = {
    healthz: `${url}/healthz`,
    status: `${url}/api/v2/testruns/${statusId}/status/`,
    deepPage: `${url}/api/v2/testruns/?page=${deepPage}`,
  };
  const probe = await httpJson('GET', urls.deepPage, { token });
  if (probe.status !== 200) throw new Error(`bench: deep page answered ${probe.status}`);

  const { apiConnections: connections, apiSeconds: seconds, apiWorkers: workers } = ctx.options;
  const measure = async (): Promise<ApiLoadResult['idle']> => ({
    healthz: await load(urls.healthz, null, connections, seconds, workers),
    status: await load(urls.status, token, connections, seconds, workers),
    deepPage: await load(urls.deepPage, token, connections, seconds, workers),
  });
  const bareHttp = await bareHttpCeiling(connections, seconds, workers);
  const idle = await measure();

  // Busy: keep runs of the reference test executing for the whole measurement.
  let stop = false;
  let completed = 0;
  const loops = Array.from({ length: ctx.options.apiBackgroundRuns }, async () => {
    while (!stop) {
      const { failures } = await runBatch(bench, referenceId, 1);
      for (const f of failures) ctx.runFailed(f);
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
    workers,
    idle,
    bareHttp,
    busy,
    backgroundRuns: ctx.options.apiBackgroundRuns,
    backgroundRunsCompleted: completed,
  };
  const runs = `${Math.round(ctx.options.apiSeedRuns / 1000)}k runs`;
  ctx.emit(
    row(
      'api',
      `status req/s while runs execute (${runs})`,
      'req/s',
      busy.status.requestsPerSec,
      { value: busy.healthz.requestsPerSec, label: 'GET /healthz' },
      { kind: 'valueMin', min: 5000 },
    ),
  );
  ctx.emit(
    row('api', `status p99 while runs execute`, 'ms', busy.status.p99Ms, { value: busy.healthz.p99Ms, label: 'GET /healthz' }, { kind: 'valueMax', max: 20 }),
  );
  ctx.emit(
    row('api', `list page ${deepPage} req/s while runs execute`, 'req/s', busy.deepPage.requestsPerSec, {
      value: busy.healthz.requestsPerSec,
      label: 'GET /healthz',
    }),
  );
  ctx.emit(
    row(
      'api',
      `list page ${deepPage} p99 while runs execute`,
      'ms',
      busy.deepPage.p99Ms,
      { value: busy.healthz.p99Ms, label: 'GET /healthz' },
      { kind: 'valueMax', max: 20 },
    ),
  );
  ctx.emit(row('api', `GET /healthz req/s, idle server`, 'req/s', idle.healthz.requestsPerSec, { value: bareHttp.requestsPerSec, label: 'bare node:http' }));
  ctx.emit(
    row('api', `status main-thread CPU per request, idle`, 'ms', idle.status.cpuPerRequestMs, { value: idle.healthz.cpuPerRequestMs, label: 'GET /healthz' }),
  );
  ctx.emit(
    row('api', `list page ${deepPage} main-thread CPU per request`, 'ms', idle.deepPage.cpuPerRequestMs, {
      value: idle.healthz.cpuPerRequestMs,
      label: 'GET /healthz',
    }),
  );
  ctx.emit(
    row(
      'api',
      `status req/s, idle server`,
      'req/s',
      idle.status.requestsPerSec,
      { value: idle.healthz.requestsPerSec, label: 'GET /healthz' },
      { kind: 'valueMin', min: 5000 },
    ),
  );
  ctx.emit(row('api', `status p99, idle server`, 'ms', idle.status.p99Ms, { value: idle.healthz.p99Ms, label: 'GET /healthz' }, { kind: 'valueMax', max: 20 }));
  ctx.emit(
    row('api', `list page ${deepPage} req/s, idle server`, 'req/s', idle.deepPage.requestsPerSec, {
      value: idle.healthz.requestsPerSec,
      label: 'GET /healthz',
    }),
  );
  ctx.emit(
    row(
      'api',
      `list page ${deepPage} p99, idle server`,
      'ms',
      idle.deepPage.p99Ms,
      { value: idle.healthz.p99Ms, label: 'GET /healthz' },
      { kind: 'valueMax', max: 20 },
    ),
  );
  return result;
}

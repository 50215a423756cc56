import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { isoMs, nowMs } from '../lib/clock.js';
import type { FigureContext } from '../lib/context.js';
import { httpJson, sleep } from '../lib/http.js';
import { repoRoot } from '../lib/paths.js';
import { QUEUE_PROBE_SLUG, referenceYaml, type BenchStep } from '../lib/reference-test.js';
import { row } from '../lib/rows.js';
import { median, summarize, type Summary } from '../lib/stats.js';

export interface CrossProcessQueueResult {
  reps: number;
  /** POST on the API process → first status poll (back to back) that is not `queued`. */
  clientLeftQueuedMs: Summary;
  /** The run's own `queued` → `started` timestamps, set by two processes on one database. */
  queuedToStartedMs: Summary;
}

const TOKEN = 'bench-cross-process';
/** Where the bench may create (and drop) a database of its own. */
const ADMIN_URL = process.env.BUGRUN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The queue across processes: `bugrun serve --no-worker` and an idle `bugrun worker` on a
 * PostgreSQL database of their own. The worker is woken by LISTEN/NOTIFY when the API process
 * queues a run; the figure is how long that takes, polled back to back as the single-process one.
 */
export async function measureCrossProcessQueue(ctx: FigureContext, reps: number): Promise<CrossProcessQueueResult> {
  const name = `bugrun_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const children: ChildProcess[] = [];
  try {
    const port = await freePort();
    const env = async () => ({
      BUGRUN_DATABASE_URL: url.toString(),
      BUGRUN_TOKEN: TOKEN,
      BUGRUN_DATA_DIR: await mkdtemp(join(ctx.tempRoot, 'cross-process-')),
      // One shared artifact directory, as on a shared volume.
      BUGRUN_ARTIFACT_STORE: join(ctx.tempRoot, 'cross-process-artifacts'),
    });
    const api = `http://127.0.0.1:${port}`;
    children.push(await start(['serve', '--no-worker', '--port', String(port)], await env(), /is running at/));
    children.push(await start(['worker', '--concurrency', '1'], await env(), /is taking runs/));
    const imported = await httpJson('POST', `${api}/api/v2/import/`, {
      token: TOKEN,
      body: { files: [{ path: 'probe.yaml', content: referenceYaml(ctx.siteUrl, PROBE, QUEUE_PROBE_SLUG) }] },
    });
    const testId = (imported.body as { objects?: { id: string }[] }).objects?.[0]?.id;
    if (imported.status !== 200 || !testId) throw new Error(`bench: import on the API process answered ${imported.status}`);

    const left: number[] = [];
    const queuedToStarted: number[] = [];
    const warmups = ctx.options.warmup ? 1 : 0;
    for (let rep = 0; rep < reps + warmups; rep++) {
      // Idle: the last run's files are written and the worker has opened its next browser context
      // (100-300 ms; it cannot be asked from outside, so the wait is generous).
      await sleep(1000);
      const sentAt = nowMs();
      const created = await httpJson('POST', `${api}/api/v2/testruns/`, { token: TOKEN, body: { testId } });
      const runId = (created.body as { id?: string }).id;
      if (created.status !== 200 || !runId) throw new Error(`bench: POST /testruns/ on the API process answered ${created.status}`);
      let leftAt = Number.NaN;
      let status = 'queued';
      const deadline = Date.now() + 60_000;
      while (!['passed', 'failed', 'error', 'stopped'].includes(status)) {
        if (Date.now() > deadline) throw new Error(`bench: cross-process run ${runId} still ${status} after 60 s`);
        status = String(((await httpJson('GET', `${api}/api/v2/testruns/${runId}/status/`, { token: TOKEN })).body as { status?: string }).status);
        if (status !== 'queued' && Number.isNaN(leftAt)) leftAt = nowMs();
        if (!Number.isNaN(leftAt)) await sleep(20);
      }
      if (status !== 'passed') throw new Error(`bench: cross-process run ${runId} ended ${status}`);
      const details = (await httpJson('GET', `${api}/api/v2/testruns/${runId}/`, { token: TOKEN })).body as { queued: string; started: string };
      if (rep < warmups) continue;
      left.push(leftAt - sentAt);
      queuedToStarted.push(isoMs(details.started) - isoMs(details.queued));
    }
    ctx.emit(row('queue', 'POST → status leaves queued, worker in another process (idle)', 'ms', median(left), undefined, { kind: 'valueMax', max: 50 }));
    ctx.emit(row('queue', 'run queued → started, worker in another process (idle)', 'ms', median(queuedToStarted), undefined, { kind: 'valueMax', max: 50 }));
    return { reps, clientLeftQueuedMs: summarize(left), queuedToStartedMs: summarize(queuedToStarted) };
  } finally {
    await Promise.all(children.map(stop));
    await admin(`drop database if exists ${name} with (force)`);
  }
}

const PROBE: BenchStep[] = [
  { action: 'goto', path: '/form.html' },
  { action: 'assertText', selector: '#status', expected: 'Ready' },
];

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `bugrun <args>` and resolves once its output matches `ready`. */
async function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'bugrun.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`bench: bugrun ${args[0]} exited ${code}:\n${out}`)));
  });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

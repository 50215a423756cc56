import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith } from '../../src/config/config.js';
import type { RunStatus } from '../../src/domain/index.js';
import type { BrowserPool } from '../../src/runner/index.js';
import { createService, type Service } from '../../src/service.js';
import { nowMs } from './clock.js';
import { httpJson, sleep } from './http.js';

const TERMINAL: readonly RunStatus[] = ['passed', 'failed', 'error', 'stopped', 'skipped'];

export interface StepRunTimes {
  type: string;
  status: string;
  started: string | null;
  ended: string | null;
}

export interface RunDetails {
  id: string;
  status: RunStatus;
  errorCode: string | null;
  queued: string;
  started: string | null;
  ended: string | null;
  stepsRuns: StepRunTimes[];
}

export interface StartedRun {
  id: string;
  /** Epoch ms just before the POST was written. */
  sentAt: number;
  postMs: number;
}

export interface Observed {
  status: RunStatus;
  /** Epoch ms of the poll that first showed a terminal status. */
  observedAt: number;
  /** Epoch ms of the poll that first showed a status other than `queued` (NaN if never seen). */
  leftQueuedAt: number;
  polls: number;
}

export interface BenchService {
  readonly service: Service;
  readonly url: string;
  readonly token: string;
  /** Imports BugBug YAML over the import endpoint; returns test slug → id. */
  importYaml(files: Record<string, string>): Promise<Map<string, string>>;
  startRun(testId: string): Promise<StartedRun>;
  status(runId: string): Promise<RunStatus>;
  details(runId: string): Promise<RunDetails>;
  /**
   * Resolves once the browser context the pool opens for the next run (after a run's context
   * closes) is ready: that work belongs to the run before, so figures that charge CPU or time to
   * runs wait for it.
   */
  pool: BrowserPool;
  spareReady(): Promise<void>;
  /** Polls the status endpoint every `pollMs` (0: back to back) until the run ends. */
  waitForEnd(runId: string, opts?: { pollMs?: number; timeoutMs?: number }): Promise<Observed>;
  close(): Promise<void>;
}

/**
 * Starts the service in this process exactly as `bugrun serve` composes it (createService, then
 * runs + listen on 127.0.0.1:0), with a throw-away data dir. Every call goes over real HTTP.
 */
export async function startBenchService(opts: { concurrency: number; tempRoot?: string }): Promise<BenchService> {
  const dataDir = await mkdtemp(join(opts.tempRoot ?? tmpdir(), 'bugrun-bench-data-'));
  const token = `bench-${randomBytes(12).toString('hex')}`;
  let service: Service;
  try {
    service = await createService(configWith({ dataDir, port: 0, host: '127.0.0.1', concurrency: opts.concurrency, token, publicUrl: 'http://127.0.0.1' }), {
      logger: false,
    });
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const pool = service.pool;
  if (!pool) throw new Error('bench: a serve process has a browser pool');
  const url = (await service.listen()).replace('localhost', '127.0.0.1');
  const api = `${url}/api/v2`;

  const bench: BenchService = {
    service,
    url,
    token,
    async importYaml(files) {
      const res = await httpJson('POST', `${api}/import/`, {
        token,
        body: { files: Object.entries(files).map(([path, content]) => ({ path, content })) },
      });
      if (res.status !== 200) throw new Error(`bench: import failed (${res.status}): ${JSON.stringify(res.body)}`);
      const objects = (res.body as { objects: { type: string; slug: string; id: string }[] }).objects;
      return new Map(objects.filter((o) => o.type === 'test').map((o) => [o.slug, o.id]));
    },
    async startRun(testId) {
      const sentAt = nowMs();
      const res = await httpJson('POST', `${api}/testruns/`, { token, body: { testId } });
      if (res.status !== 200) throw new Error(`bench: run not created (${res.status}): ${JSON.stringify(res.body)}`);
      return { id: (res.body as { id: string }).id, sentAt, postMs: res.ms };
    },
    async status(runId) {
      const res = await httpJson('GET', `${api}/testruns/${runId}/status/`, { token });
      if (res.status !== 200) throw new Error(`bench: status of ${runId} failed (${res.status})`);
      return (res.body as { status: RunStatus }).status;
    },
    async details(runId) {
      const res = await httpJson('GET', `${api}/testruns/${runId}/`, { token });
      if (res.status !== 200) throw new Error(`bench: run ${runId} failed to load (${res.status})`);
      return res.body as RunDetails;
    },
    pool,
    spareReady: () => pool.spareReady(),
    async waitForEnd(runId, { pollMs = 10, timeoutMs = 120_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let leftQueuedAt = Number.NaN;
      for (let polls = 1; ; polls++) {
        const status = await bench.status(runId);
        const at = nowMs();
        if (status !== 'queued' && Number.isNaN(leftQueuedAt)) leftQueuedAt = at;
        if (TERMINAL.includes(status)) return { status, observedAt: at, leftQueuedAt, polls };
        if (Date.now() > deadline) throw new Error(`bench: run ${runId} still ${status} after ${timeoutMs} ms`);
        if (pollMs > 0) await sleep(pollMs);
      }
    },
    async close() {
      try {
        await service.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  return bench;
}

/** A run of the bench's own test that did not pass: a finding to report, not a harness error. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}

/** One line on why a run did not pass: its status, error code and the first step that failed. */
export function describeFailure(d: RunDetails, status: string): string {
  const bad = d.stepsRuns.find((s) => s.status !== 'passed') as (StepRunTimes & { sequence?: number; name?: string; error?: string | null }) | undefined;
  const took = bad?.started && bad.ended ? ` after ${Date.parse(bad.ended) - Date.parse(bad.started)} ms` : '';
  const step = bad ? ` at step #${(bad.sequence ?? 0) + 1} ${bad.type} "${bad.name ?? ''}": ${bad.error ?? ''}${took}` : '';
  return `run ${d.id} ended ${status} (${d.errorCode ?? 'no error code'})${step}`;
}

export interface BatchOutcome {
  /** Every run, passed or not. */
  details: RunDetails[];
  /** One line per run that did not pass. */
  failures: string[];
}

/** Starts `count` runs of a test at once and waits for all of them. */
export async function runBatch(bench: BenchService, testId: string, count: number): Promise<BatchOutcome> {
  const started = await Promise.all(Array.from({ length: count }, () => bench.startRun(testId)));
  const ended = await Promise.all(started.map((r) => bench.waitForEnd(r.id, { pollMs: 50 })));
  await bench.spareReady();
  const details = await Promise.all(started.map((r) => bench.details(r.id)));
  const failures = details.flatMap((d, i) => (ended[i]?.status === 'passed' ? [] : [describeFailure(d, ended[i]?.status ?? '?')]));
  return { details, failures };
}

/** Like runBatch, but a run that does not pass is an error (where the figure needs a good run). */
export async function runAndCheck(bench: BenchService, testId: string, count: number): Promise<RunDetails[]> {
  const { details, failures } = await runBatch(bench, testId, count);
  if (failures[0]) throw new RunFailedError(`bench: ${failures[0]}`);
  return details;
}

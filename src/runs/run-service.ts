import { EventEmitter } from 'node:events';
import { countPlanSteps, isTerminal, type Failure, type RunOutcome, type RunStatus, type TestPlan, type TriggeredBy } from '../domain/index.js';
import type { RunRow, Store } from '../store/index.js';
import { RunReaper } from './reaper.js';
import { allowedFrom } from './state-machine.js';
import { RunWorker, type RunWorkerOptions } from './worker.js';

export interface NewRun {
  projectId: string;
  /** Chosen up front: the plan's built-in `testRunId` variable already holds it. */
  runId: string;
  testId: string;
  testName: string;
  profileId: string | null;
  profileName: string | null;
  triggeredBy: TriggeredBy;
  variables: { key: string; value: string | null }[];
  suiteRunId?: string | null;
  /** What to execute, or why it cannot be executed (the run then ends as `error` at once). */
  plan: TestPlan | Failure;
}

export interface RunServiceOptions {
  store: Store;
  /** Null: this process only creates and stops runs (an API process); workers elsewhere execute them. */
  worker: Omit<RunWorkerOptions, 'store'> | null;
  /** Runs waiting beyond this, in the whole database, are refused (QueueFullError → 429). */
  maxQueued?: number;
  /** How often dead workers' runs are looked for, and when a worker counts as dead, in ms. */
  reaper?: { intervalMs?: number; deadAfterMs?: number };
}

/** The queue holds as many runs as it may: the client should retry later. */
export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many queued runs');
  }
}

/**
 * Creates runs as `queued` (row and queue job in one transaction), stops them wherever they
 * execute, and, when this process is a worker, executes them. With the reaper it is the only
 * writer of run status. Background failures are emitted as 'error' events, never thrown at callers.
 */
export class RunService extends EventEmitter<{ error: [unknown, string] }> {
  readonly worker: RunWorker | null;
  private readonly reaper: RunReaper;
  private started = false;

  constructor(private readonly opts: RunServiceOptions) {
    super();
    this.worker = opts.worker ? new RunWorker({ store: opts.store, ...opts.worker }) : null;
    this.worker?.on('error', (err, context) => this.emit('error', err, context));
    const worker = this.worker;
    this.reaper = new RunReaper(opts.store, {
      intervalMs: opts.reaper?.intervalMs ?? 5_000,
      deadAfterMs: opts.reaper?.deadAfterMs ?? 20_000,
      // SQLite serves one process: any other worker recorded in it is gone.
      soleProcessWorker: opts.store.dialect === 'sqlite' ? () => worker?.id ?? null : undefined,
    });
    this.reaper.on('error', (err) => this.emit('error', err, 'reaper'));
  }

  /** Starts the worker (if any), then the reaper, which ends what dead workers left behind. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.worker?.start();
    await this.reaper.sweep();
    this.reaper.start();
  }

  /** Stops taking work and ends this process's runs in flight as `error` (graceful shutdown). */
  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.reaper.stop();
    await this.worker?.close();
  }

  async create(input: NewRun): Promise<RunRow> {
    const { store } = this.opts;
    const max = this.opts.maxQueued ?? Infinity;
    if (Number.isFinite(max)) {
      const { count } = await store.runs.countByStatus('queued');
      // Roughly when a slot frees up: the queue drains a few runs at a time.
      if (count >= max) throw new QueueFullError(Math.max(1, Math.ceil(count / (this.opts.worker?.concurrency ?? 2))));
    }
    const plan = 'errorCode' in input.plan ? null : input.plan;
    const run = await store.transaction(async (tx) => {
      const row = await tx.runs.create({
        id: input.runId,
        projectId: input.projectId,
        testId: input.testId,
        testName: input.testName,
        profileId: input.profileId,
        profileName: input.profileName,
        status: 'queued',
        triggeredBy: input.triggeredBy,
        runMode: 'server',
        screenSizeType: plan?.screen.type ?? 'desktop',
        browserWidth: plan?.screen.width ?? null,
        browserHeight: plan?.screen.height ?? null,
        totalSteps: plan ? countPlanSteps(plan) : 0,
        variables: input.variables,
        suiteRunId: input.suiteRunId ?? null,
        plan,
      });
      if (plan) await tx.jobs.enqueue(row.id);
      return row;
    });
    if (!plan) return (await this.end(run.id, { status: 'error', ...(input.plan as Failure) })) ?? run;
    // Wakes an idle worker now rather than at its next poll.
    await store.signals.publish('run-queued', run.id).catch((err: unknown) => this.emit('error', err, 'queue signal'));
    return run;
  }

  /** Stops a run in any state, on whichever worker executes it; a finished run is returned unchanged. Null: no such run. */
  async stop(projectId: string, runId: string): Promise<RunRow | null> {
    const { runs, signals } = this.opts.store;
    const run = await runs.get(projectId, runId);
    if (!run || isTerminal(run.status)) return run;
    const stopped = await runs.transition(runId, allowedFrom('stopped'), { status: 'stopped', ended: new Date().toISOString() });
    // The worker closes the run's browser context when it hears this (or at its next heartbeat).
    await signals.publish('run-stopped', runId).catch((err: unknown) => this.emit('error', err, 'stop signal'));
    return stopped ?? (await runs.get(projectId, runId));
  }

  /** Runs waiting in the whole database, and executing in this process, for health and metrics. */
  async load(): Promise<{ queued: number; active: number }> {
    const { count } = await this.opts.store.runs.countByStatus('queued');
    return { queued: count, active: this.worker?.inFlight ?? 0 };
  }

  private async end(runId: string, outcome: RunOutcome): Promise<RunRow | null> {
    const status: RunStatus = outcome.status;
    return this.opts.store.runs.transition(runId, allowedFrom(status), {
      status,
      errorCode: outcome.errorCode,
      errorMessage: outcome.message,
      ended: new Date().toISOString(),
    });
  }
}

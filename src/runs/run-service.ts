import { EventEmitter } from 'node:events';
import { countPlanSteps, isTerminal, type Failure, type RunOutcome, type RunStatus, type TestPlan, type TriggeredBy } from '../domain/index.js';
import type { RunRow, Store, SuiteRunRow } from '../store/index.js';
import { RunReaper } from './reaper.js';
import { allowedFrom } from './state-machine.js';
import { advanceSuite, advanceSuiteRun, stopSuiteRun, type NewSuiteTest } from './suite-runs.js';
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
  /** The schedule tick that starts the run: one run per tick, whichever process fires it. */
  schedule?: { id: string; tick: string } | null;
  /** What to execute, or why it cannot be executed (the run then ends as `error` at once). */
  plan: TestPlan | Failure;
}

export interface NewSuiteRun {
  projectId: string;
  suiteId: string;
  suiteName: string;
  /** Chosen up front: each plan's built-in `suiteRunId` already holds it. */
  suiteRunId: string;
  profileId: string | null;
  profileName: string | null;
  triggeredBy: TriggeredBy;
  variables: { key: string; value: string | null }[];
  parallelRun: boolean;
  autoRetry: number;
  /** In suite order. */
  tests: NewSuiteTest[];
  schedule?: { id: string; tick: string } | null;
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

/** What a new run's row says of its plan (null: it has none, and ends `error` at once). */
function planned(plan: TestPlan | null) {
  return {
    runMode: 'server' as const,
    screenSizeType: plan?.screen.type ?? 'desktop',
    browserWidth: plan?.screen.width ?? null,
    browserHeight: plan?.screen.height ?? null,
    totalSteps: plan ? countPlanSteps(plan) : 0,
    plan,
  };
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

  /** Refuses `adding` more runs when the queue would hold more than it may. */
  private async admit(store: Store, adding: number): Promise<void> {
    const max = this.opts.maxQueued ?? Infinity;
    if (!Number.isFinite(max)) return;
    const { count } = await store.runs.countByStatus('queued');
    // Roughly when a slot frees up: the queue drains a few runs at a time.
    if (count + adding > max) throw new QueueFullError(Math.max(1, Math.ceil(count / (this.opts.worker?.concurrency ?? 2))));
  }

  /**
   * Creates a run (and its queue job). `store` may be a caller's transaction, which the run then
   * joins: the caller wakes the workers with `announce` once it has committed.
   */
  async create(input: NewRun, store: Store = this.opts.store): Promise<RunRow> {
    await this.admit(store, 1);
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
        ...planned(plan),
        variables: input.variables,
        suiteRunId: input.suiteRunId ?? null,
        schedule: input.schedule ?? null,
      });
      if (plan) await tx.jobs.enqueue(row.id);
      return row;
    });
    if (!plan) return (await this.end(store, run.id, { status: 'error', ...(input.plan as Failure) })) ?? run;
    if (!store.inTransaction) await this.announce(run.id);
    return run;
  }

  /** Wakes an idle worker for a queued run now rather than at its next poll. */
  async announce(runId: string): Promise<void> {
    await this.opts.store.signals.publish('run-queued', runId).catch((err: unknown) => this.emit('error', err, 'queue signal'));
  }

  /**
   * Creates a suite run and all its test runs at once, in suite order: a parallel suite's are all
   * queued, a sequential suite's held back to be released one at a time as each ends. A test
   * that cannot be planned ends `error` at once and the suite carries on.
   */
  async createSuite(input: NewSuiteRun, store: Store = this.opts.store): Promise<SuiteRunRow> {
    await this.admit(store, input.tests.length);
    const slots = input.parallelRun ? await this.liveSlots(store) : 1;
    const released = await store.transaction(async (tx) => {
      await tx.suiteRuns.create({
        id: input.suiteRunId,
        projectId: input.projectId,
        suiteId: input.suiteId,
        suiteName: input.suiteName,
        triggeredBy: input.triggeredBy,
        profileId: input.profileId,
        profileName: input.profileName,
        variables: input.variables,
        parallelRun: input.parallelRun,
        parallelSlots: Math.max(1, Math.min(input.tests.length, slots)),
        autoRetry: input.autoRetry,
        totalTests: input.tests.length,
        schedule: input.schedule ?? null,
      });
      for (const [position, test] of input.tests.entries()) {
        const plan = 'errorCode' in test.plan ? null : test.plan;
        await tx.runs.create({
          id: test.runId,
          projectId: input.projectId,
          testId: test.testId,
          testName: test.testName,
          profileId: input.profileId,
          profileName: input.profileName,
          triggeredBy: input.triggeredBy,
          ...planned(plan),
          variables: input.variables,
          suiteRunId: input.suiteRunId,
          suitePosition: position,
          held: true,
        });
        if (!plan) {
          const failure = test.plan as Failure;
          const patch = { status: 'error' as const, errorCode: failure.errorCode, errorMessage: failure.message, ended: new Date().toISOString() };
          await tx.runs.transition(test.runId, allowedFrom('error'), patch);
        }
      }
      return advanceSuiteRun(tx, input.suiteRunId);
    });
    if (released.length > 0 && !store.inTransaction) await this.announce(released[0]);
    return (await store.suiteRuns.get(input.projectId, input.suiteRunId)) as SuiteRunRow;
  }

  /** Stops a suite run: executing tests end `stopped`, those not started `skipped`. Null: no such suite run. */
  async stopSuite(projectId: string, suiteRunId: string): Promise<SuiteRunRow | null> {
    const { store } = this.opts;
    const found = await store.suiteRuns.get(projectId, suiteRunId);
    if (!found) return null;
    const stopped = await store.transaction((tx) => stopSuiteRun(tx, suiteRunId));
    for (const runId of stopped?.executing ?? []) await this.stop(projectId, runId);
    return (await store.suiteRuns.get(projectId, suiteRunId)) ?? found;
  }

  /** Worker slots of the live workers, in the whole database. */
  private async liveSlots(store: Store): Promise<number> {
    const since = new Date(Date.now() - (this.opts.reaper?.deadAfterMs ?? 20_000)).toISOString();
    const workers = await store.workers.listAlive(since);
    return workers.reduce((sum, w) => sum + w.concurrency, 0);
  }

  /** Stops a run in any state, on whichever worker executes it; a finished run is returned unchanged. Null: no such run. */
  async stop(projectId: string, runId: string): Promise<RunRow | null> {
    const { runs, signals } = this.opts.store;
    const run = await runs.get(projectId, runId);
    if (!run || isTerminal(run.status)) return run;
    const stopped = await runs.transition(runId, allowedFrom('stopped'), { status: 'stopped', ended: new Date().toISOString() });
    // The worker closes the run's browser context when it hears this (or at its next heartbeat).
    await signals.publish('run-stopped', runId).catch((err: unknown) => this.emit('error', err, 'stop signal'));
    if (run.suiteRunId) await advanceSuite(this.opts.store, run.suiteRunId);
    return stopped ?? (await runs.get(projectId, runId));
  }

  /** Runs waiting in the whole database, and executing in this process, for health and metrics. */
  async load(): Promise<{ queued: number; active: number }> {
    const { count } = await this.opts.store.runs.countByStatus('queued');
    return { queued: count, active: this.worker?.inFlight ?? 0 };
  }

  private async end(store: Store, runId: string, outcome: RunOutcome): Promise<RunRow | null> {
    const status: RunStatus = outcome.status;
    // Single runs only: a suite's unplannable tests end inside createSuite.
    return store.runs.transition(runId, allowedFrom(status), {
      status,
      errorCode: outcome.errorCode,
      errorMessage: outcome.message,
      ended: new Date().toISOString(),
    });
  }
}

import { EventEmitter } from 'node:events';
import { countPlanSteps, isTerminal, type Failure, type RunOutcome, type RunStatus, type TestPlan, type TriggeredBy } from '../domain/index.js';
import { runPlan, type BrowserPool } from '../runner/index.js';
import type { RunRow, Store } from '../store/index.js';
import { ProcessSampler } from './process-stats.js';
import { RunQueue } from './queue.js';
import { RunRecorder } from './recorder.js';
import { retentionPolicy, type Retention } from './retention.js';
import { storeResources } from './run-resources.js';
import { ACTIVE_STATUSES, allowedFrom } from './state-machine.js';

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
  pool: BrowserPool;
  concurrency: number;
  /** Runs waiting beyond this are refused (QueueFullError → 429). */
  maxQueued?: number;
  retention?: Retention;
  /** Sample browser CPU/memory for `container_stats` every this many ms. */
  statsIntervalMs?: number;
  /** Extra time past a run's own limit before the watchdog reclaims its slot. */
  watchdogGraceMs?: number;
}

/** The queue holds as many runs as it may: the client should retry later. */
export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many queued runs');
  }
}

const SHUTDOWN = 'shutdown';
const WATCHDOG = 'watchdog';

/**
 * Orchestrates runs: creates them as `queued`, works them off in a bounded queue, stops them,
 * and ends what a previous process left behind. The only writer of run status.
 * Background failures are emitted as 'error' events, never thrown at callers.
 */
export class RunService extends EventEmitter<{ error: [unknown, string] }> {
  private readonly queue: RunQueue;
  private readonly controllers = new Map<string, AbortController>();
  private readonly retention: Retention;
  private started = false;

  constructor(private readonly opts: RunServiceOptions) {
    super();
    this.retention = opts.retention ?? retentionPolicy();
    this.queue = new RunQueue(
      opts.concurrency,
      (id) => this.execute(id),
      (err, id) => this.emit('error', err, id),
    );
  }

  /** Ends runs a killed process left active, re-queues waiting runs, warms the browser, starts the workers. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { runs } = this.opts.store;
    for (const run of await runs.listByStatus([...ACTIVE_STATUSES])) {
      await this.end(run.id, {
        status: 'error',
        errorCode: 'INTERNAL_ERROR',
        message: 'Bugrun stopped while this run was executing (the process was killed or crashed); it was not finished',
      });
    }
    for (const run of await runs.listByStatus(['queued'])) this.queue.push(run.id);
    // A warm browser makes the first run start in milliseconds; a failure here is not fatal
    // (each run launches it again and reports INITIALIZATION_ERROR if it still cannot).
    void this.opts.pool.browser().catch((err: unknown) => this.emit('error', err, 'browser warm-up'));
    this.queue.start();
  }

  /** Stops taking work and ends the runs in flight as `error` (graceful shutdown). */
  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const controller of this.controllers.values()) controller.abort(SHUTDOWN);
    await this.queue.pause();
  }

  async create(input: NewRun): Promise<RunRow> {
    const max = this.opts.maxQueued ?? Infinity;
    if (this.queue.size >= max) {
      // Roughly when a slot frees up: the queue drains `concurrency` runs at a time.
      throw new QueueFullError(Math.max(1, Math.ceil(this.queue.size / this.opts.concurrency)));
    }
    const plan = 'errorCode' in input.plan ? null : input.plan;
    const run = await this.opts.store.runs.create({
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
    if (!plan) return (await this.end(run.id, { status: 'error', ...(input.plan as Failure) })) ?? run;
    this.queue.push(run.id);
    return run;
  }

  /** Stops a run in any state; a finished run is returned unchanged. Null: no such run. */
  async stop(projectId: string, runId: string): Promise<RunRow | null> {
    const { runs } = this.opts.store;
    const run = await runs.get(projectId, runId);
    if (!run || isTerminal(run.status)) return run;
    const stopped = await runs.transition(runId, allowedFrom('stopped'), { status: 'stopped', ended: new Date().toISOString() });
    this.controllers.get(runId)?.abort('stop');
    return stopped ?? (await runs.get(projectId, runId));
  }

  /** Waiting and executing counts of this process, for health and metrics. */
  load(): { queued: number; active: number } {
    return { queued: this.queue.size, active: this.queue.active };
  }

  private async execute(runId: string): Promise<void> {
    const { store, pool } = this.opts;
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    const sampler = new ProcessSampler(process.pid, this.opts.statsIntervalMs ?? 1000);
    try {
      const run = await store.runs.transition(runId, allowedFrom('initialized'), { status: 'initialized' });
      if (!run || !run.plan) return; // stopped while it waited
      const plan = run.plan as TestPlan;
      const recorder = new RunRecorder({
        store,
        runId,
        testId: run.testId,
        testName: run.testName,
        retention: this.retention,
      });
      recorder.orchestration(`Run ${runId} queued at ${run.queued}; worker slot taken after ${Date.now() - Date.parse(run.queued)} ms (pid ${process.pid})`);
      recorder.log('info', `Run ${runId} of test "${plan.testName}" started (${countPlanSteps(plan)} steps)`);
      sampler.start();
      let outcome = await this.guarded(
        runPlan(plan, { pool, sink: recorder, signal: controller.signal, resources: storeResources(store, run.projectId, plan.testId) }),
        controller,
        plan.settings.runTimeoutMs,
      );
      if (controller.signal.reason === SHUTDOWN) {
        outcome = { status: 'error', errorCode: 'INTERNAL_ERROR', message: 'Bugrun was shut down while the run was executing' };
      }
      recorder.orchestration(`Runner returned ${outcome.status}`);
      // The run ends with its own outcome whatever happens to its files.
      await recorder.finish(outcome, await sampler.stop()).catch((err: unknown) => recorder.writeErrors.push(err));
      for (const err of recorder.writeErrors) this.emit('error', err, runId);
      await this.end(runId, outcome);
    } finally {
      await sampler.stop();
      this.controllers.delete(runId);
    }
  }

  /**
   * The runner enforces step and run limits itself; this is the last line of defence so nothing
   * can hold a worker slot forever: past the run limit plus a grace period the run is aborted,
   * and if the runner still does not settle the slot is taken back anyway.
   */
  private async guarded(run: Promise<RunOutcome>, controller: AbortController, runTimeoutMs: number): Promise<RunOutcome> {
    const grace = this.opts.watchdogGraceMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<RunOutcome>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(WATCHDOG);
        const stuck: RunOutcome = {
          status: 'error',
          errorCode: 'SINGLE_TEST_TIME_EXCEEDED',
          message: 'The run did not end within its time limit; its worker slot was reclaimed',
        };
        // Give the runner a moment to close its context after the abort, then move on regardless.
        void Promise.race([run, new Promise((r) => setTimeout(r, 5_000))]).then(() => resolve(stuck));
      }, runTimeoutMs + grace);
    });
    try {
      return await Promise.race([run, watchdog]);
    } finally {
      clearTimeout(timer);
    }
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

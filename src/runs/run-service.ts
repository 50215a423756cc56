import { EventEmitter } from 'node:events';
import {
  countPlanSteps,
  isTerminal,
  type Failure,
  type RunOutcome,
  type RunStatus,
  type TestPlan,
  type TriggeredBy,
} from '../domain/index.js';
import { runPlan, type BrowserPool } from '../runner/index.js';
import type { RunRow, Store } from '../store/index.js';
import { RunQueue } from './queue.js';
import { RunRecorder } from './recorder.js';
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
  /** What to execute, or why it cannot be executed (the run then ends as `error` at once). */
  plan: TestPlan | Failure;
}

export interface RunServiceOptions {
  store: Store;
  pool: BrowserPool;
  concurrency: number;
}

const SHUTDOWN = 'shutdown';

/**
 * Orchestrates runs: creates them as `queued`, works them off in a bounded queue, stops them,
 * and ends what a previous process left behind. The only writer of run status.
 * Background failures are emitted as 'error' events, never thrown at callers.
 */
export class RunService extends EventEmitter<{ error: [unknown, string] }> {
  private readonly queue: RunQueue;
  private readonly controllers = new Map<string, AbortController>();
  private started = false;

  constructor(private readonly opts: RunServiceOptions) {
    super();
    this.queue = new RunQueue(opts.concurrency, (id) => this.execute(id), (err, id) => this.emit('error', err, id));
  }

  /** Ends runs a killed process left active, re-queues waiting runs, starts the workers. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { runs } = this.opts.store;
    for (const run of await runs.listByStatus([...ACTIVE_STATUSES])) {
      await this.end(run.id, {
        status: 'error',
        errorCode: 'INTERNAL_ERROR',
        message: 'Bugrun stopped while this run was executing (the process was killed or crashed)',
      });
    }
    for (const run of await runs.listByStatus(['queued'])) this.queue.push(run.id);
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
      plan,
    });
    if (!plan) {
      const failure = input.plan as Failure;
      return (await this.end(run.id, { status: 'error', ...failure })) ?? run;
    }
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
    const { store } = this.opts;
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    try {
      const run = await store.runs.transition(runId, allowedFrom('initialized'), { status: 'initialized' });
      if (!run || !run.plan) return; // stopped while it waited
      const plan = run.plan as TestPlan;
      const recorder = new RunRecorder(store, runId, async (event) => {
        await store.runs.transition(runId, allowedFrom('running'), {
          status: 'running',
          started: event.at,
          browserName: event.browserName,
          browserVersion: event.browserVersion,
          osName: event.osName,
          browserWidth: event.width,
          browserHeight: event.height,
        });
      });
      recorder.log('info', `Run ${runId} of test "${plan.testName}" started (${countPlanSteps(plan)} steps)`);
      let outcome = await runPlan(plan, { pool: this.opts.pool, sink: recorder, signal: controller.signal });
      if (controller.signal.reason === SHUTDOWN) {
        outcome = { status: 'error', errorCode: 'INTERNAL_ERROR', message: 'Bugrun was shut down while the run was executing' };
      }
      await recorder.finish(outcome);
      for (const err of recorder.writeErrors) this.emit('error', err, runId);
      await this.end(runId, outcome);
    } finally {
      this.controllers.delete(runId);
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

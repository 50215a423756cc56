import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import {
  ACTIVE_STATUSES,
  countPlanSteps,
  DEFAULT_TRACE_POLICY,
  type RunOutcome,
  type RunSink,
  type RunStatus,
  type ScreenshotSize,
  type StepRunStatus,
  type TestPlan,
  type TracePolicy,
} from '../domain/index.js';
import { runPlan, type BrowserPool } from '../runner/index.js';
import { isDatabaseUnavailable, type QueuedJob, type RunRow, type Store } from '../store/index.js';
import { ProcessSampler } from './process-stats.js';
import { RunRecorder } from './recorder.js';
import { retentionPolicy, type Retention } from './retention.js';
import { storeResources } from './run-resources.js';
import { allowedFrom } from './state-machine.js';
import { advanceSuite } from './suite-runs.js';
import { traceDecision } from './trace-policy.js';

/** Told as this worker's runs and steps end (metrics). */
export interface RunObserver {
  runEnded(status: RunStatus, seconds: number): void;
  stepEnded(status: StepRunStatus, seconds: number): void;
}

export interface RunWorkerOptions {
  store: Store;
  pool: BrowserPool;
  /** Runs executing at once. */
  concurrency: number;
  retention?: Retention;
  /** Sample browser CPU/memory for `container_stats` every this many ms. */
  statsIntervalMs?: number;
  /** Extra time past a run's own limit before the watchdog reclaims its slot. */
  watchdogGraceMs?: number;
  /** How often the worker renews its heartbeat and checks its runs are still its own, in ms. */
  heartbeatMs?: number;
  /** How often it looks for queued runs when no signal woke it, in ms. */
  pollMs?: number;
  observer?: RunObserver;
  /** When runs record a Playwright trace (BUGRUN_TRACE); a run's own policy (`"trace": true`) wins. Default: DEFAULT_TRACE_POLICY. */
  trace?: TracePolicy;
  /** The size of a cleanly passed step's screenshot (BUGRUN_PASSED_SCREENSHOTS); default: DEFAULT_PASSED_SCREENSHOTS. */
  passedScreenshots?: ScreenshotSize;
}

const SHUTDOWN = 'shutdown';
const WATCHDOG = 'watchdog';
/** Others ended the run (stopped through any process, or declared this worker dead). */
const LOST = 'lost';

/**
 * Executes queued runs: takes them from the queue (woken by a signal, or by polling), claims each
 * in one transaction with its job, runs it and records it. It owns what it claims: its writes are
 * fenced by its id, and it proves it is alive with a heartbeat. Background failures are emitted
 * as 'error' events, never thrown at callers.
 */
export class RunWorker extends EventEmitter<{ error: [unknown, string] }> {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly controllers = new Map<string, AbortController>();
  private readonly retention: Retention;
  private readonly unsubscribe: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private readonly retries = new Set<NodeJS.Timeout>();
  private running = false;
  private active = 0;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private idle: (() => void)[] = [];

  constructor(private readonly opts: RunWorkerOptions) {
    super();
    this.retention = opts.retention ?? retentionPolicy();
  }

  /** Registers, warms the browser and starts taking runs. */
  async start(): Promise<void> {
    if (this.running) return;
    const { store, pool } = this.opts;
    await this.register(store);
    this.running = true;
    this.unsubscribe.push(
      store.signals.subscribe('run-queued', () => this.pump()),
      store.signals.subscribe('run-stopped', (runId) => this.controllers.get(runId)?.abort('stop')),
    );
    const every = (ms: number, fn: () => Promise<unknown>, context: string) => {
      const timer = setInterval(() => void fn().catch((err: unknown) => this.emit('error', err, context)), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.opts.heartbeatMs ?? 5_000, () => this.heartbeat(), 'heartbeat');
    every(this.opts.pollMs ?? 2_000, async () => this.pump(), 'queue poll');
    // A warm browser makes the first run start in milliseconds; a failure here is not fatal
    // (each run launches it again and reports INITIALIZATION_ERROR if it still cannot).
    void pool.browser().catch((err: unknown) => this.emit('error', err, 'browser warm-up'));
    this.pump();
  }

  private async register(store: Store): Promise<void> {
    await store.workers.register({ id: this.id, host: hostname(), pid: process.pid, concurrency: this.opts.concurrency });
  }

  /** Stops taking work, ends the runs in flight as `error` and unregisters (graceful shutdown). */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    this.unsubscribe.splice(0).forEach((off) => off());
    for (const controller of this.controllers.values()) controller.abort(SHUTDOWN);
    await this.pumping;
    if (this.active > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.opts.store.workers.remove(this.id).catch((err: unknown) => this.emit('error', err, 'unregister'));
  }

  /** Runs executing now. */
  get inFlight(): number {
    return this.active;
  }

  /** Takes queued runs while slots are free; one pass at a time, repeated if woken meanwhile. */
  pump(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        await this.fill().catch((err: unknown) => this.emit('error', err, 'queue'));
      } while (this.pumpAgain && this.running);
    })().finally(() => (this.pumping = null));
  }

  private async fill(): Promise<void> {
    const { store, concurrency } = this.opts;
    while (this.running && this.active < concurrency) {
      const jobs = await store.jobs.take(concurrency - this.active);
      if (jobs.length === 0) return;
      for (const job of jobs) {
        const run = await this.claim(job);
        if (!run) continue;
        this.active++;
        void this.execute(run)
          .catch((err: unknown) => this.emit('error', err, run.id))
          .finally(() => {
            this.active--;
            if (this.active === 0) this.idle.splice(0).forEach((resolve) => resolve());
            this.pump();
          });
      }
    }
  }

  /** The run becomes this worker's and its job done, together; null when it is not queued any more. */
  private claim(job: QueuedJob): Promise<RunRow | null> {
    return this.opts.store.transaction(async (tx) => {
      // A run is only ever claimed by a worker the others see alive.
      if (!(await tx.workers.beat(this.id))) await this.register(tx);
      const run = await tx.runs.transition(job.runId, allowedFrom('initialized'), { status: 'initialized', workerId: this.id });
      await tx.jobs.settle(job);
      // The suite run starts with its first test.
      if (run?.suiteRunId) await tx.suiteRuns.transition(run.suiteRunId, ['queued'], { status: 'running', started: new Date().toISOString() });
      return run;
    });
  }

  /** Proves this worker alive, and lets go of runs others ended (a stop whose signal was missed). */
  private async heartbeat(): Promise<void> {
    const { store } = this.opts;
    // Declared dead while alive (heartbeats came too late, the database was away): others ended
    // the runs it held then, which the check below aborts; it carries on under the same id.
    if (!(await store.workers.beat(this.id))) await this.register(store);
    const held = [...this.controllers.keys()];
    const still = new Set(await store.runs.filterByStatus(held, ACTIVE_STATUSES));
    for (const id of held) if (!still.has(id)) this.controllers.get(id)?.abort(LOST);
  }

  private async execute(run: RunRow): Promise<void> {
    const { store, pool } = this.opts;
    const runId = run.id;
    const fence = { workerId: this.id };
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    const sampler = new ProcessSampler(process.pid, this.opts.statsIntervalMs ?? 1000);
    try {
      if (!run.plan) return;
      const plan = run.plan as TestPlan;
      const tracing = traceDecision(plan.trace ?? this.opts.trace ?? DEFAULT_TRACE_POLICY, run.attempt);
      const recorder = new RunRecorder({ store, runId, testId: run.testId, testName: run.testName, retention: this.retention, fence, keepTrace: tracing.keep });
      recorder.orchestration(`Run ${runId} queued at ${run.queued}; taken by worker ${this.id} after ${Date.now() - Date.parse(run.queued)} ms`);
      if (tracing.record) recorder.orchestration(`Recording a Playwright trace (trace policy ${tracing.policy}${plan.trace ? ", the run's own" : ''})`);
      recorder.log('info', `Run ${runId} of test "${plan.testName}" started (${countPlanSteps(plan)} steps)`);
      sampler.start();
      const startedAt = Date.now();
      let outcome = await this.guarded(
        runPlan(plan, {
          pool,
          sink: this.observed(recorder),
          signal: controller.signal,
          resources: storeResources(store, run.projectId, plan.testId),
          trace: tracing.record ? { note: (message) => recorder.orchestration(message) } : undefined,
          passedScreenshots: this.opts.passedScreenshots,
        }),
        controller,
        plan.settings.runTimeoutMs,
      );
      if (controller.signal.reason === SHUTDOWN) {
        outcome = { status: 'error', errorCode: 'INTERNAL_ERROR', message: 'Bugrun was shut down while the run was executing' };
      }
      // A stop through another process (or a reaper that thought this worker dead) may land after
      // the runner finished: what is stored about the run then tells that one story. The database
      // may be away (a restart, a failover): the run's end waits for it to return.
      const now = await this.persistently(() => store.runs.getById(runId));
      if (now && (now.status === 'stopped' || now.status === 'error')) outcome = { status: now.status, errorCode: now.errorCode, message: now.errorMessage };
      recorder.orchestration(`Runner returned ${outcome.status}`);
      // The run ends with its own outcome whatever happens to its files.
      let cloudLogsWritten = true;
      await recorder.finish(outcome, await sampler.stop()).catch((err: unknown) => {
        cloudLogsWritten = false;
        recorder.writeErrors.push(err);
      });
      for (const err of recorder.writeErrors) this.emit('error', err, runId);
      const final = { status: outcome.status, errorCode: outcome.errorCode, errorMessage: outcome.message, ended: new Date().toISOString() };
      const ended = await this.persistently(() => store.runs.transition(runId, allowedFrom(outcome.status), final, fence));
      if (ended) this.opts.observer?.runEnded(outcome.status, (Date.now() - startedAt) / 1000);
      // The storage is away: cloud_logs, which says so, is written when it is back.
      if (!cloudLogsWritten) this.retryInBackground(() => recorder.writeCloudLogs(), runId);
      // Whoever ended the run, its suite run (if any) takes its next step now.
      if (run.suiteRunId) await this.persistently(() => advanceSuite(store, run.suiteRunId as string));
    } finally {
      await sampler.stop();
      this.controllers.delete(runId);
    }
  }

  /** Runs `fn` again while the database is out of reach (backing off to every 5 s), for as long as this worker runs. */
  private async persistently<T>(fn: () => Promise<T>): Promise<T> {
    for (let delayMs = 250; ; delayMs = Math.min(2 * delayMs, 5_000)) {
      try {
        return await fn();
      } catch (err) {
        if (!this.running || !isDatabaseUnavailable(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** Retries a write the storage refused, backing off to every 5 s, for ten minutes or until close. */
  private retryInBackground(write: () => Promise<void>, context: string): void {
    const deadline = Date.now() + 10 * 60_000;
    const attempt = (delayMs: number) => {
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        write().catch((err: unknown) => {
          if (!this.running || Date.now() > deadline) this.emit('error', err, context);
          else attempt(Math.min(2 * delayMs, 5_000));
        });
      }, delayMs);
      timer.unref();
      this.retries.add(timer);
    };
    attempt(500);
  }

  /** The recorder, with the observer told of each step that ends. */
  private observed(sink: RunSink): RunSink {
    const { observer } = this.opts;
    if (!observer) return sink;
    return {
      emit(event) {
        if (event.type === 'step-ended' && event.step.started && event.step.ended) {
          observer.stepEnded(event.step.status, (Date.parse(event.step.ended) - Date.parse(event.step.started)) / 1000);
        }
        sink.emit(event);
      },
    };
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
}

import { randomUUID } from 'node:crypto';
import { countPlanSteps, isTerminal, type ErrorCode, type Failure, type RunStatus, type TestPlan } from '../domain/index.js';
import type { RunListRow, Store, SuiteRunRow } from '../store/index.js';
import { allowedFrom } from './state-machine.js';

/** One test of a new suite run, planned by the caller. */
export interface NewSuiteTest {
  /** Chosen up front: the plan's built-in `testRunId` already holds it. */
  runId: string;
  testId: string | null;
  testName: string;
  /** What to execute, or why it cannot be (that test then ends `error` and the suite carries on). */
  plan: TestPlan | Failure;
}

/** What the suite run's status becomes once each test's last attempt has ended. */
export function suiteOutcome(lastAttempts: readonly RunListRow[]): { status: RunStatus; errorCode: ErrorCode | null; errorMessage: string | null } {
  const first = (status: RunStatus) => lastAttempts.find((r) => r.status === status);
  const culprit = first('failed') ?? first('error') ?? first('stopped');
  if (!culprit) return { status: 'passed', errorCode: null, errorMessage: null };
  const message = culprit.errorMessage ? `${culprit.testName}: ${culprit.errorMessage}` : `${culprit.testName} ${culprit.status}`;
  return { status: culprit.status, errorCode: culprit.errorCode, errorMessage: message };
}

/** The same plan for a new run: only its run id (and the built-in `testRunId` holding it) changes. */
export function replan(plan: TestPlan, runId: string): TestPlan {
  return {
    ...plan,
    runId,
    variables: plan.variables.map((v) => (v.source === 'builtin' && v.key === 'testRunId' ? { ...v, value: runId } : v)),
  };
}

/** Each position's attempts, in suite order. */
function attemptsByPosition<T extends Pick<RunListRow, 'suitePosition'>>(runs: readonly T[]): T[][] {
  const byPosition = new Map<number, T[]>();
  for (const run of runs) {
    const position = run.suitePosition ?? 0;
    byPosition.set(position, [...(byPosition.get(position) ?? []), run]);
  }
  return [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, attempts]) => attempts);
}

/** The last attempt of each test of a suite run, in suite order: what decides the suite. */
export function lastAttempts<T extends Pick<RunListRow, 'suitePosition'>>(runs: readonly T[]): T[] {
  return attemptsByPosition(runs).map((attempts) => attempts[attempts.length - 1]);
}

const waiting = (run: RunListRow) => run.status === 'queued' && run.held;
const now = () => new Date().toISOString();

/**
 * Takes a suite run one step on from what its test runs say, under its row lock: retries a
 * failed test (while attempts remain), releases the next held test (sequential) or all of them
 * (parallel), and ends the suite once every test's last attempt has ended. Idempotent: called
 * after every end of one of its test runs, and by recovery for any suite run not finished.
 * Call inside a transaction; returns the runs it put in the queue.
 */
export async function advanceSuiteRun(tx: Store, suiteRunId: string): Promise<string[]> {
  const suite = await tx.suiteRuns.lock(suiteRunId);
  if (!suite || isTerminal(suite.status)) return [];
  const runs = (await tx.runs.listBySuiteRuns([suiteRunId])).get(suiteRunId) ?? [];
  const released: string[] = [];
  const lasts: RunListRow[] = [];
  for (const attempts of attemptsByPosition(runs)) {
    const last = attempts[attempts.length - 1];
    // A retry that ended: the attempt it retried is a failed one of the history again.
    for (const earlier of attempts.slice(0, -1)) {
      if (earlier.status === 'auto_retrying' && isTerminal(last.status)) await tx.runs.transition(earlier.id, ['auto_retrying'], { status: 'failed' });
    }
    const next = last.status === 'failed' && last.attempt <= suite.autoRetry ? await retry(tx, suite, last) : null;
    if (next) released.push(next.id);
    lasts.push(next ?? last);
  }
  const busy = lasts.some((r) => !isTerminal(r.status) && !waiting(r));
  const held = lasts.filter(waiting);
  for (const run of suite.parallelRun ? held : busy ? [] : held.slice(0, 1)) {
    if (await tx.runs.transition(run.id, ['queued'], { held: false })) {
      await tx.jobs.enqueue(run.id);
      released.push(run.id);
    }
  }
  if (!busy && held.length === 0) {
    const outcome = suiteOutcome(lasts);
    await tx.suiteRuns.transition(suiteRunId, ['queued', 'running'], { ...outcome, started: suite.started ?? now(), ended: now() });
  }
  return released;
}

/** Queues the next attempt of a failed test; its failed attempt is `auto_retrying` meanwhile. */
async function retry(tx: Store, suite: SuiteRunRow, failed: RunListRow): Promise<RunListRow | null> {
  const plan = (await tx.runs.getById(failed.id))?.plan as TestPlan | null;
  if (!plan || !(await tx.runs.transition(failed.id, allowedFrom('auto_retrying'), { status: 'auto_retrying' }))) return null;
  const runId = randomUUID();
  const next = await tx.runs.create({
    id: runId,
    projectId: suite.projectId,
    testId: failed.testId,
    testName: failed.testName,
    profileId: failed.profileId,
    profileName: failed.profileName,
    triggeredBy: failed.triggeredBy,
    runMode: failed.runMode,
    screenSizeType: failed.screenSizeType,
    browserWidth: failed.browserWidth,
    browserHeight: failed.browserHeight,
    totalSteps: countPlanSteps(plan),
    variables: failed.variables,
    plan: replan(plan, runId),
    suiteRunId: suite.id,
    suitePosition: failed.suitePosition,
    attempt: failed.attempt + 1,
  });
  await tx.jobs.enqueue(runId);
  return next;
}

/**
 * Stops a suite run: the suite ends `stopped`, its tests not started yet `skipped`, and a failed
 * attempt waiting for its retry `failed`. Returns the test runs still executing, for the caller
 * to stop where they run. Call inside a transaction; null when the suite run had already ended.
 */
export async function stopSuiteRun(tx: Store, suiteRunId: string): Promise<{ suite: SuiteRunRow; executing: string[] } | null> {
  const suite = await tx.suiteRuns.lock(suiteRunId);
  if (!suite || isTerminal(suite.status)) return null;
  const ended = now();
  const stopped = await tx.suiteRuns.transition(suiteRunId, ['queued', 'running'], { status: 'stopped', ended, started: suite.started ?? ended });
  const runs = (await tx.runs.listBySuiteRuns([suiteRunId])).get(suiteRunId) ?? [];
  const executing: string[] = [];
  for (const run of runs) {
    if (run.status === 'queued') await tx.runs.transition(run.id, allowedFrom('skipped'), { status: 'skipped', held: false, ended });
    else if (run.status === 'auto_retrying') await tx.runs.transition(run.id, ['auto_retrying'], { status: 'failed' });
    else if (!isTerminal(run.status)) executing.push(run.id);
  }
  return { suite: stopped ?? suite, executing };
}

/** `advanceSuiteRun` in its own transaction; an idle worker hears of what it queued at once. */
export async function advanceSuite(store: Store, suiteRunId: string): Promise<void> {
  const released = await store.transaction((tx) => advanceSuiteRun(tx, suiteRunId));
  if (released.length > 0) await store.signals.publish('run-queued', released[0]);
}

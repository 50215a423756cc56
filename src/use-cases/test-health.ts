import type { RunStatus } from '../domain/index.js';
import type { HistoryRunRow, OutcomeRow, Store } from '../store/index.js';

/*
 * Test health (issue #17): a test's history with its pass rate, median duration and flakiness,
 * and a project's pass rate per day, slowest and flakiest tests.
 *
 * Flaky, precisely: among a test's last FLAKY_WINDOW finished runs (passed, failed, error or
 * stopped; latest first by start), either
 *  - flip: two consecutive runs of those that passed or failed (error and stopped runs between
 *    them are passed over) ended differently, and both executed the same definition: the same
 *    steps, components inlined, and screen in the run's plan snapshot (variables, profiles and
 *    settings aside). A change of outcome across a change of definition is the change's doing,
 *    not flakiness; a run without a plan matches nothing.
 *  - retry pass: in one suite run, an attempt of the test failed and a later attempt of it (an
 *    auto-retry, which runs the same plan) passed.
 * Runs that ended `error` or `stopped` are shown but never make a test flaky.
 */

/** How many of a test's latest finished runs flakiness is judged on. */
export const FLAKY_WINDOW = 20;
export const HISTORY_LIMIT = { default: 50, max: 200 } as const;
export const HEALTH_DAYS = { default: 14, max: 90 } as const;
/** How many tests the slowest and flakiest lists hold. */
export const HEALTH_TOP = 10;

const DAY_MS = 86_400_000;

export interface Flakiness {
  flaky: boolean;
  /** Changes between passed and failed with the definition unchanged. */
  flips: number;
  /** Suite runs in which a failed attempt of the test was followed by a passing one. */
  retryPasses: number;
  /** Why it is flaky, in a sentence; null when it is not. */
  reason: string | null;
}

/** Passed among passed, failed and error (stopped, skipped and unfinished runs are no verdict); null without any. */
export function passRate(counts: { passed: number; failed: number; error: number }): number | null {
  const total = counts.passed + counts.failed + counts.error;
  return total === 0 ? null : counts.passed / total;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Judges one test's outcomes (as `TestHistoryRepo.outcomes` gives them: its runs that passed or
 * failed among its latest finished runs, oldest first). `scope` completes the reason's sentence.
 */
export function assessFlakiness(outcomes: readonly OutcomeRow[], scope = `in its last ${FLAKY_WINDOW} finished runs`): Flakiness {
  let flips = 0;
  for (let i = 1; i < outcomes.length; i++) {
    const run = outcomes[i];
    if (run.sameDefinitionAsPrevious && run.status !== outcomes[i - 1].status) flips++;
  }
  // Attempts of one test in one suite run: a failed one followed by a passing one.
  const attempts = new Map<string, OutcomeRow[]>();
  for (const run of outcomes) {
    if (run.suiteRunId === null) continue;
    const key = `${run.suiteRunId}/${run.suitePosition ?? ''}`;
    attempts.set(key, [...(attempts.get(key) ?? []), run]);
  }
  let retryPasses = 0;
  for (const runs of attempts.values()) {
    const firstFailure = Math.min(...runs.filter((r) => r.status === 'failed').map((r) => r.attempt));
    if (runs.some((r) => r.status === 'passed' && r.attempt > firstFailure)) retryPasses++;
  }
  const parts: string[] = [];
  if (flips > 0) parts.push(`flipped between passed and failed ${flips === 1 ? 'once' : `${flips} times`} without a change to its definition`);
  if (retryPasses > 0) parts.push(`failed, then passed on a retry in ${plural(retryPasses, 'suite run')}`);
  const reason = parts.length > 0 ? `${parts.join(', and ')}, ${scope}.` : null;
  return { flaky: reason !== null, flips, retryPasses, reason: reason && reason[0]?.toUpperCase() + reason.slice(1) };
}

/** Milliseconds from start to end, for runs that have both. */
function durationOf(run: Pick<HistoryRunRow, 'started' | 'ended'>): number | null {
  if (!run.started || !run.ended) return null;
  return Date.parse(run.ended) - Date.parse(run.started);
}

export interface TestHistory {
  /** Newest first. */
  runs: HistoryRunRow[];
  /** Of the runs listed. */
  passRate: number | null;
  /** Of the runs listed that passed or failed, in milliseconds. */
  medianDurationMs: number | null;
  flakiness: Flakiness;
}

/** A test's latest `limit` runs, their pass rate and median duration, and whether the test is flaky. */
export async function testHistory(store: Store, projectId: string, testId: string, limit: number): Promise<TestHistory> {
  const { runs, outcomes } = await store.testHistory.testSnapshot(projectId, testId, limit, FLAKY_WINDOW);
  const count = (status: RunStatus) => runs.filter((r) => r.status === status).length;
  const durations = runs
    .filter((r) => r.status === 'passed' || r.status === 'failed')
    .map(durationOf)
    .filter((d): d is number => d !== null);
  return {
    runs,
    passRate: passRate({ passed: count('passed'), failed: count('failed'), error: count('error') }),
    medianDurationMs: median(durations),
    flakiness: assessFlakiness(outcomes),
  };
}

export interface DayHealth {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  passed: number;
  failed: number;
  error: number;
  total: number;
  passRate: number | null;
}

export interface SlowTest {
  testId: string;
  name: string;
  medianDurationMs: number;
  runs: number;
}

export interface FlakyTest extends Flakiness {
  testId: string;
  name: string;
  /** The outcomes judged, oldest first. */
  outcomes: { id: string; status: 'passed' | 'failed' }[];
}

export interface ProjectHealth {
  days: number;
  /** First and last UTC day of the period (today), `YYYY-MM-DD`. */
  from: string;
  to: string;
  passRate: number | null;
  daily: DayHealth[];
  slowest: SlowTest[];
  flakiest: FlakyTest[];
}

/**
 * The project over the last `days` UTC days, today included: runs per day with their pass rate,
 * the tests slowest by median duration and the flakiest tests, as `assessFlakiness` judges them
 * on their last finished runs of the period, most flips first.
 */
export async function projectHealth(store: Store, projectId: string, days: number, now = new Date()): Promise<ProjectHealth> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const start = today - (days - 1) * DAY_MS;
  const since = new Date(start).toISOString();
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const [counts, slow, outcomes] = await Promise.all([
    store.testHistory.dailyCounts(projectId, since),
    store.testHistory.slowestTests(projectId, since, HEALTH_TOP),
    store.testHistory.outcomes(projectId, { since, window: FLAKY_WINDOW }),
  ]);

  const byDay = new Map(counts.map((c) => [c.date, c]));
  const daily: DayHealth[] = [];
  for (let ms = start; ms <= today; ms += DAY_MS) {
    const date = dayOf(ms);
    const c = byDay.get(date) ?? { passed: 0, failed: 0, error: 0 };
    daily.push({ date, passed: c.passed, failed: c.failed, error: c.error, total: c.passed + c.failed + c.error, passRate: passRate(c) });
  }
  const sum = (key: 'passed' | 'failed' | 'error') => daily.reduce((n, d) => n + d[key], 0);

  const byTest = new Map<string, OutcomeRow[]>();
  for (const o of outcomes) byTest.set(o.testId, [...(byTest.get(o.testId) ?? []), o]);
  const scope = `in its last ${FLAKY_WINDOW} finished runs of the last ${plural(days, 'day')}`;
  const flakiest = [...byTest.values()]
    .map((runs) => {
      const first = runs[0];
      return { testId: first.testId, name: first.testName, ...assessFlakiness(runs, scope), outcomes: runs.map((r) => ({ id: r.id, status: r.status })) };
    })
    .filter((t) => t.flaky)
    .sort((a, b) => b.flips - a.flips || b.retryPasses - a.retryPasses || a.name.localeCompare(b.name) || a.testId.localeCompare(b.testId))
    .slice(0, HEALTH_TOP);

  return {
    days,
    from: dayOf(start),
    to: dayOf(today),
    passRate: passRate({ passed: sum('passed'), failed: sum('failed'), error: sum('error') }),
    daily,
    slowest: slow.map((s) => ({ testId: s.testId, name: s.testName, medianDurationMs: s.medianMs, runs: s.runs })),
    flakiest,
  };
}

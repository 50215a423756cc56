import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ErrorCode, RunStatus, TriggeredBy } from '../domain/index.js';
import { snapshot, toIso, toNumber } from './codec.js';
import type { Database } from './database.js';

/** The store's dialect (store.ts's `Dialect`, which imports this file). */
type Dialect = 'sqlite' | 'postgres';

/*
 * Read-only queries over test_runs for test health (issue #17): a test's latest runs, the outcomes
 * flakiness is judged on, pass counts per UTC day and median durations. Every query starts from
 * one of the (project_id, test_id, sort_time, id) and (project_id, sort_time, id) indexes; the
 * plan column (up to megabytes) is read only for the few runs whose definitions are compared, and
 * compared inside the database, so no plan leaves it.
 */

/** A run as a test's history shows it: no plan, no variables. */
export interface HistoryRunRow {
  id: string;
  testName: string;
  status: RunStatus;
  errorCode: ErrorCode | null;
  triggeredBy: TriggeredBy;
  profileName: string | null;
  queued: string;
  started: string | null;
  ended: string | null;
  sortTime: string;
  suiteRunId: string | null;
  suitePosition: number | null;
  attempt: number;
}

/**
 * A run that passed or failed, among the latest finished runs of its test, oldest first. Its
 * definition is the test as the run executed it: the plan's groups (components inlined) and
 * screen, without the run's variables, settings or ids.
 */
export interface OutcomeRow {
  id: string;
  testId: string;
  /** The test's current name. */
  testName: string;
  status: 'passed' | 'failed';
  sortTime: string;
  suiteRunId: string | null;
  suitePosition: number | null;
  attempt: number;
  /**
   * The run executed the same definition as the test's previous run that passed or failed (in
   * the same window). False for a test's first outcome, and when either run has no plan.
   */
  sameDefinitionAsPrevious: boolean;
}

export interface DayCountRow {
  /** A UTC day, `YYYY-MM-DD`. */
  date: string;
  passed: number;
  failed: number;
  error: number;
}

export interface MedianDurationRow {
  testId: string;
  testName: string;
  medianMs: number;
  /** How many runs the median is of. */
  runs: number;
}

export interface OutcomeOptions {
  /** One test; otherwise every test of the project that still exists. */
  testId?: string;
  /** Only runs whose sortTime is at or after this instant. */
  since?: string;
  /** How many of each test's latest finished runs (passed, failed, error, stopped) to look at. */
  window: number;
}

export interface TestHistoryRepo {
  /** The test's latest `limit` runs (any status), newest first. */
  recentRuns(projectId: string, testId: string, limit: number): Promise<HistoryRunRow[]>;
  /**
   * Of each test's latest `window` finished runs, the ones that passed or failed, by test, then
   * oldest first, each saying whether it ran the same definition as the one before it.
   */
  outcomes(projectId: string, opts: OutcomeOptions): Promise<OutcomeRow[]>;
  /** Runs that passed, failed or ended in error since `since`, per UTC day of their sortTime (days without any are absent). */
  dailyCounts(projectId: string, since: string): Promise<DayCountRow[]>;
  /**
   * The tests (still in the project) whose runs since `since` that passed or failed took longest,
   * by median duration (started to ended), longest first.
   */
  slowestTests(projectId: string, since: string, limit: number): Promise<MedianDurationRow[]>;
  /** `recentRuns` and `outcomes` of one test, read in one snapshot so they agree. */
  testSnapshot(projectId: string, testId: string, limit: number, window: number): Promise<{ runs: HistoryRunRow[]; outcomes: OutcomeRow[] }>;
}

/** Finished: how a run that ran (or was meant to) ended. `skipped` never ran. */
const FINISHED = ['passed', 'failed', 'error', 'stopped'] as const;
const DECIDED = ['passed', 'failed'] as const;

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql.lit(v)),
    sql`, `,
  );

/**
 * The definition a run executed, as one comparable value: the plan's screen and groups (steps,
 * with components inlined). PostgreSQL compares jsonb's canonical text (hashed, so the window
 * holds 32 bytes a run); SQLite's `->` re-serialises the JSON it reads the same way every time.
 */
function definitionOf(dialect: Dialect, plan: RawBuilder<unknown>): RawBuilder<string | null> {
  if (dialect === 'postgres') return sql<string | null>`md5((${plan}::jsonb -> 'screen')::text || (${plan}::jsonb -> 'groups')::text)`;
  return sql<string | null>`((${plan} -> '$.screen') || (${plan} -> '$.groups'))`;
}

/** Milliseconds from started to ended. */
function durationMs(dialect: Dialect): RawBuilder<number> {
  if (dialect === 'postgres') return sql<number>`(extract(epoch from (ended::timestamptz - started::timestamptz)) * 1000)::float8`;
  return sql<number>`((unixepoch(ended, 'subsec') - unixepoch(started, 'subsec')) * 1000.0)`;
}

interface RawOutcome {
  id: string;
  test_id: string;
  test_name: string;
  status: string;
  sort_time: string;
  suite_run_id: string | null;
  suite_position: number | string | null;
  attempt: number | string;
  same_definition: number | string;
}

export function createTestHistoryRepo(db: Kysely<Database>, dialect: Dialect): TestHistoryRepo {
  async function recentRuns(trx: Kysely<Database>, projectId: string, testId: string, limit: number): Promise<HistoryRunRow[]> {
    const rows = await trx
      .selectFrom('test_runs')
      .select([
        'id',
        'test_name',
        'status',
        'error_code',
        'triggered_by',
        'profile_name',
        'queued',
        'started',
        'ended',
        'sort_time',
        'suite_run_id',
        'suite_position',
        'attempt',
      ])
      .where('project_id', '=', projectId)
      .where('test_id', '=', testId)
      .orderBy('sort_time', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      testName: r.test_name,
      status: r.status as RunStatus,
      errorCode: r.error_code as ErrorCode | null,
      triggeredBy: r.triggered_by as TriggeredBy,
      profileName: r.profile_name,
      queued: r.queued,
      started: r.started,
      ended: r.ended,
      sortTime: r.sort_time,
      suiteRunId: r.suite_run_id,
      suitePosition: r.suite_position === null ? null : toNumber(r.suite_position),
      attempt: toNumber(r.attempt),
    }));
  }

  async function outcomes(trx: Kysely<Database>, projectId: string, opts: OutcomeOptions): Promise<OutcomeRow[]> {
    const since = opts.since === undefined ? null : toIso(opts.since);
    const sinceFilter = since === null ? sql`` : sql`and sort_time >= ${since}`;
    // One test: its index walked newest first, stopping after `window` rows. Every test: the
    // period's rows read by time first (materialised, so the numbering per test cannot make the
    // planner walk each test's whole history instead), each test's newest `window` kept.
    const recent =
      opts.testId !== undefined
        ? sql`select id, test_id, status, sort_time, suite_run_id, suite_position, attempt
              from test_runs
              where project_id = ${projectId} and test_id = ${opts.testId} and status in (${list(FINISHED)}) ${sinceFilter}
              order by sort_time desc, id desc
              limit ${opts.window}`
        : sql`select id, test_id, status, sort_time, suite_run_id, suite_position, attempt
              from (
                select id, test_id, status, sort_time, suite_run_id, suite_position, attempt,
                       row_number() over (partition by test_id order by sort_time desc, id desc) as rn
                from period
              ) numbered
              where rn <= ${opts.window}`;
    const period =
      opts.testId !== undefined
        ? sql``
        : sql`period as materialized (
                select id, test_id, status, sort_time, suite_run_id, suite_position, attempt
                from test_runs
                where project_id = ${projectId} and test_id is not null and status in (${list(FINISHED)}) ${sinceFilter}
              ),`;
    // The plan is read for the outcomes only, and their definitions compared in the database.
    const { rows } = await sql<RawOutcome>`
      with ${period} recent as (${recent}),
      decided as (
        select w.id, w.test_id, t.name as test_name, w.status, w.sort_time, w.suite_run_id, w.suite_position, w.attempt,
               ${definitionOf(dialect, sql`r.plan`)} as definition
        from recent w
        join test_runs r on r.id = w.id
        join tests t on t.id = w.test_id and t.project_id = ${projectId}
        where w.status in (${list(DECIDED)})
      )
      select id, test_id, test_name, status, sort_time, suite_run_id, suite_position, attempt,
             case when definition = lag(definition) over (partition by test_id order by sort_time, id) then 1 else 0 end as same_definition
      from decided
      order by test_id, sort_time, id`.execute(trx);
    return rows.map((r) => ({
      id: r.id,
      testId: r.test_id,
      testName: r.test_name,
      status: r.status as 'passed' | 'failed',
      sortTime: r.sort_time,
      suiteRunId: r.suite_run_id,
      suitePosition: r.suite_position === null ? null : toNumber(r.suite_position),
      attempt: toNumber(r.attempt),
      sameDefinitionAsPrevious: toNumber(r.same_definition) === 1,
    }));
  }

  return {
    recentRuns: (projectId, testId, limit) => recentRuns(db, projectId, testId, limit),
    outcomes: (projectId, opts) => outcomes(db, projectId, opts),

    testSnapshot(projectId, testId, limit, window) {
      return snapshot(db, async (trx) => ({
        runs: await recentRuns(trx, projectId, testId, limit),
        outcomes: await outcomes(trx, projectId, { testId, window }),
      }));
    },

    async dailyCounts(projectId, since) {
      // sort_time is ISO-8601 UTC text: its first ten characters are the UTC day.
      const { rows } = await sql<{ day: string; passed: number | string; failed: number | string; error: number | string }>`
        select substr(sort_time, 1, 10) as day,
               sum(case when status = 'passed' then 1 else 0 end) as passed,
               sum(case when status = 'failed' then 1 else 0 end) as failed,
               sum(case when status = 'error' then 1 else 0 end) as error
        from test_runs
        where project_id = ${projectId} and sort_time >= ${toIso(since)} and status in ('passed', 'failed', 'error')
        group by 1
        order by 1`.execute(db);
      return rows.map((r) => ({ date: r.day, passed: toNumber(r.passed), failed: toNumber(r.failed), error: toNumber(r.error) }));
    },

    async slowestTests(projectId, since, limit) {
      // A median both dialects compute: each test's durations numbered in order, the middle one
      // (odd count) or the mean of the middle two (even count) kept. The period's runs are read
      // by time first (materialised: see `outcomes`).
      const { rows } = await sql<{ test_id: string; test_name: string; median_ms: number | string; runs: number | string }>`
        with timed as materialized (
          select test_id, ${durationMs(dialect)} as ms
          from test_runs
          where project_id = ${projectId} and sort_time >= ${toIso(since)} and status in (${list(DECIDED)})
            and test_id is not null and started is not null and ended is not null
        ),
        numbered as (
          select test_id, ms, row_number() over (partition by test_id order by ms) as rn, count(*) over (partition by test_id) as n
          from timed
        )
        select numbered.test_id, t.name as test_name, avg(ms) as median_ms, max(n) as runs
        from numbered
        join tests t on t.id = numbered.test_id and t.project_id = ${projectId}
        where rn in ((n + 1) / 2, (n + 2) / 2)
        group by numbered.test_id, t.name
        order by median_ms desc, t.name, numbered.test_id
        limit ${limit}`.execute(db);
      return rows.map((r) => ({ testId: r.test_id, testName: r.test_name, medianMs: Math.round(toNumber(r.median_ms)), runs: toNumber(r.runs) }));
    },
  };
}

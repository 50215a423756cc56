import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type UpdateObject } from 'kysely';
import type { ErrorCode, RunStatus, TriggeredBy } from '../domain/index.js';
import { atomic, fromFlag, fromJson, fromJsonOrNull, nowIso, snapshot, toFlag, toIso, toIsoOrNull, toJson, toNumber, type Page } from './codec.js';
import type { Database, TestRunTable } from './database.js';
import { reusableQuery } from './reusable-query.js';

export type RunMode = 'server' | 'local' | 'recording';
export type ScreenSizeType = 'desktop' | 'mobile' | 'custom';

/** A run-time variable override, as the API receives it. */
export interface RunVariable {
  key: string;
  value: string | null;
}

export interface RunRow {
  id: string;
  projectId: string;
  testId: string | null;
  testName: string;
  profileId: string | null;
  profileName: string | null;
  status: RunStatus;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  triggeredBy: TriggeredBy;
  runMode: RunMode;
  screenSizeType: ScreenSizeType;
  browserName: string | null;
  browserVersion: string | null;
  browserWidth: number | null;
  browserHeight: number | null;
  osName: string | null;
  /** 1, 2, 3… per project, in creation order. */
  sequence: number;
  queued: string;
  started: string | null;
  ended: string | null;
  modified: string;
  /** started ?? queued: what lists order and filter by. */
  sortTime: string;
  totalSteps: number;
  finishedSteps: number;
  variables: RunVariable[];
  /** The executable plan snapshot (a TestPlan), or null when there is none. */
  plan: unknown;
  suiteRunId: string | null;
  userId: string | null;
  /**
   * Changes with every write to the run's step runs (kept by a trigger, whoever writes): equal
   * values mean the step runs are unchanged, so what was derived from them can be reused.
   */
  stepsVersion: number;
  /** The worker executing the run (or that last did); null before one takes it. */
  workerId: string | null;
  /** Where the test stands in its suite run (0-based); null outside a suite. */
  suitePosition: number | null;
  /** 1, then 2, 3… for a suite's auto-retries of the same test. */
  attempt: number;
  /** Queued, but in no queue until its suite run releases it. */
  held: boolean;
  /** The schedule that started the run, and the tick it started it for. */
  scheduleId: string | null;
  scheduledFor: string | null;
}

export interface RunCreateInput {
  /** Chosen by the caller when something (the plan's testRunId) must know it up front. */
  id?: string;
  projectId: string;
  testId?: string | null;
  testName: string;
  profileId?: string | null;
  profileName?: string | null;
  /** Default `queued`. */
  status?: RunStatus;
  triggeredBy: TriggeredBy;
  runMode: RunMode;
  screenSizeType: ScreenSizeType;
  browserWidth?: number | null;
  browserHeight?: number | null;
  totalSteps?: number;
  variables?: RunVariable[];
  plan?: unknown;
  suiteRunId?: string | null;
  suitePosition?: number | null;
  attempt?: number;
  /** Created queued but not enqueued: the suite run releases it later. */
  held?: boolean;
  /** A schedule's tick: at most one run per schedule and tick (a unique index). */
  schedule?: { id: string; tick: string } | null;
  userId?: string | null;
  /** Default now. */
  queued?: string;
}

/** A run as lists show it: without the plan (up to megabytes of JSON no list needs). */
export type RunListRow = Omit<RunRow, 'plan'>;

/** What the status endpoint shows: read without the plan and variables, the bulk of a row. */
export type RunStatusRow = Pick<RunRow, 'id' | 'status' | 'finishedSteps' | 'totalSteps' | 'modified'>;

/** What `update`/`transition` may change. `modified` and `sortTime` follow automatically. */
export type RunPatch = Partial<
  Omit<RunRow, 'id' | 'projectId' | 'sequence' | 'modified' | 'sortTime' | 'stepsVersion' | 'suitePosition' | 'attempt' | 'scheduleId' | 'scheduledFor'>
>;

/**
 * Limits a write to the runs a worker owns. A stop leaves the owner in place (it still writes how
 * the run ended); a reaper that ends a dead worker's run removes it, so a worker that lost a run
 * cannot change it any more.
 */
export interface RunFence {
  workerId: string;
}

export interface RunListOptions {
  status?: RunStatus | readonly RunStatus[];
  testId?: string;
  /** Inclusive bound on sortTime (started, or queued for runs not started yet). */
  startedAfter?: string;
  /** Inclusive bound on sortTime. */
  startedBefore?: string;
  ordering: 'started' | '-started';
  offset: number;
  limit: number;
}

export interface RunRepo {
  /** Inserts a run with the project's next sequence number (atomic, also across processes). */
  create(input: RunCreateInput): Promise<RunRow>;
  /** Null when the run does not exist or belongs to another project. */
  get(projectId: string, id: string): Promise<RunRow | null>;
  getById(id: string): Promise<RunRow | null>;
  /** `get` narrowed to the status fields; null in the same cases. */
  getStatus(projectId: string, id: string): Promise<RunStatusRow | null>;
  /** Throws when the run does not exist. */
  update(id: string, patch: RunPatch): Promise<RunRow>;
  /**
   * Compare-and-set: applies `patch` only while the run's status is one of `from`. Null when the
   * run was not in one of those statuses (someone else moved it first) or does not exist.
   */
  transition(id: string, from: readonly RunStatus[], patch: RunPatch, fence?: RunFence): Promise<RunRow | null>;
  /** Ordered by sortTime then id, both in the direction of `ordering`. */
  list(projectId: string, opts: RunListOptions): Promise<Page<RunListRow>>;
  /** Adds one finished step; returns the new count, or null when the run does not exist (or is fenced off). */
  incrementFinishedSteps(id: string, fence?: RunFence): Promise<number | null>;
  /** Runs in `status` across projects, and when the oldest of them was queued. */
  countByStatus(status: RunStatus): Promise<{ count: number; oldestQueued: string | null }>;
  /** How many runs are in each status, in the whole database (statuses with none are absent). */
  countAllByStatus(): Promise<Partial<Record<RunStatus, number>>>;
  /**
   * Runs in `statuses` that no live worker owns: no owner, or one not in `keep` whose heartbeat
   * is older than `aliveSince` or gone. One statement, so a worker that registered before it
   * claimed a run is always seen alive with it.
   */
  listOrphans(statuses: readonly RunStatus[], aliveSince: string, keep?: readonly string[]): Promise<RunListRow[]>;
  /** Of these runs, the ones still in `statuses` (a worker checking that its runs are still its own). */
  filterByStatus(ids: readonly string[], statuses: readonly RunStatus[]): Promise<string[]>;
  /** The test runs of these suite runs (every attempt), by suite run, in suite order then attempt. */
  listBySuiteRuns(suiteRunIds: readonly string[]): Promise<Map<string, RunListRow[]>>;
  /** The runs a schedule started, latest tick first. */
  listBySchedule(projectId: string, scheduleId: string, page: { offset: number; limit: number }): Promise<Page<RunListRow>>;
  /** The status of the last run of the test (outside suites) that ended before `run` did, if any. */
  previousEndedStatus(run: Pick<RunRow, 'id' | 'projectId' | 'testId' | 'ended'>): Promise<RunStatus | null>;
}

function toRow(r: Selectable<TestRunTable>): RunRow {
  return { ...toListRow(r), plan: fromJsonOrNull(r.plan) };
}

type ListColumns = Omit<Selectable<TestRunTable>, 'plan'>;
const LIST_COLUMNS = [
  'id',
  'project_id',
  'test_id',
  'test_name',
  'profile_id',
  'profile_name',
  'status',
  'error_code',
  'error_message',
  'triggered_by',
  'run_mode',
  'screen_size_type',
  'browser_name',
  'browser_version',
  'browser_width',
  'browser_height',
  'os_name',
  'sequence',
  'queued',
  'started',
  'ended',
  'modified',
  'sort_time',
  'total_steps',
  'finished_steps',
  'variables',
  'suite_run_id',
  'user_id',
  'steps_version',
  'worker_id',
  'suite_position',
  'attempt',
  'held',
  'schedule_id',
  'scheduled_for',
] as const satisfies readonly (keyof ListColumns)[];

function toListRow(r: ListColumns): RunListRow {
  return {
    id: r.id,
    projectId: r.project_id,
    testId: r.test_id,
    testName: r.test_name,
    profileId: r.profile_id,
    profileName: r.profile_name,
    status: r.status as RunStatus,
    errorCode: r.error_code as ErrorCode | null,
    errorMessage: r.error_message,
    triggeredBy: r.triggered_by as TriggeredBy,
    runMode: r.run_mode as RunMode,
    screenSizeType: r.screen_size_type as ScreenSizeType,
    browserName: r.browser_name,
    browserVersion: r.browser_version,
    browserWidth: r.browser_width,
    browserHeight: r.browser_height,
    osName: r.os_name,
    sequence: toNumber(r.sequence),
    queued: r.queued,
    started: r.started,
    ended: r.ended,
    modified: r.modified,
    sortTime: r.sort_time,
    totalSteps: toNumber(r.total_steps),
    finishedSteps: toNumber(r.finished_steps),
    variables: fromJson(r.variables) as RunVariable[],
    suiteRunId: r.suite_run_id,
    userId: r.user_id,
    stepsVersion: toNumber(r.steps_version),
    workerId: r.worker_id,
    suitePosition: r.suite_position === null ? null : toNumber(r.suite_position),
    attempt: toNumber(r.attempt),
    held: fromFlag(r.held),
    scheduleId: r.schedule_id,
    scheduledFor: r.scheduled_for,
  };
}

/** Maps a camelCase patch to columns; `sort_time` is recomputed in SQL from the resulting row. */
function toColumns(patch: RunPatch): UpdateObject<Database, 'test_runs'> {
  const set: UpdateObject<Database, 'test_runs'> = { modified: nowIso() };
  if (patch.testId !== undefined) set.test_id = patch.testId;
  if (patch.testName !== undefined) set.test_name = patch.testName;
  if (patch.profileId !== undefined) set.profile_id = patch.profileId;
  if (patch.profileName !== undefined) set.profile_name = patch.profileName;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.errorCode !== undefined) set.error_code = patch.errorCode;
  if (patch.errorMessage !== undefined) set.error_message = patch.errorMessage;
  if (patch.triggeredBy !== undefined) set.triggered_by = patch.triggeredBy;
  if (patch.runMode !== undefined) set.run_mode = patch.runMode;
  if (patch.screenSizeType !== undefined) set.screen_size_type = patch.screenSizeType;
  if (patch.browserName !== undefined) set.browser_name = patch.browserName;
  if (patch.browserVersion !== undefined) set.browser_version = patch.browserVersion;
  if (patch.browserWidth !== undefined) set.browser_width = patch.browserWidth;
  if (patch.browserHeight !== undefined) set.browser_height = patch.browserHeight;
  if (patch.osName !== undefined) set.os_name = patch.osName;
  const queued = patch.queued === undefined ? undefined : toIso(patch.queued);
  const started = patch.started === undefined ? undefined : toIsoOrNull(patch.started);
  if (queued !== undefined) set.queued = queued;
  if (started !== undefined) set.started = started;
  if (patch.ended !== undefined) set.ended = toIsoOrNull(patch.ended);
  if (patch.totalSteps !== undefined) set.total_steps = patch.totalSteps;
  if (patch.finishedSteps !== undefined) set.finished_steps = patch.finishedSteps;
  if (patch.variables !== undefined) set.variables = toJson(patch.variables);
  if (patch.plan !== undefined) set.plan = patch.plan === null ? null : toJson(patch.plan);
  if (patch.suiteRunId !== undefined) set.suite_run_id = patch.suiteRunId;
  if (patch.userId !== undefined) set.user_id = patch.userId;
  if (patch.workerId !== undefined) set.worker_id = patch.workerId;
  if (patch.held !== undefined) set.held = toFlag(patch.held);
  if (started !== undefined || queued !== undefined) {
    // In an UPDATE, column names on the right-hand side read the row as it was, so each input
    // comes from the patch when it has one. The cast gives an untyped NULL parameter a type.
    const newStarted = started !== undefined ? sql<string | null>`cast(${started} as text)` : sql.ref<string | null>('started');
    const newQueued = queued !== undefined ? sql<string>`cast(${queued} as text)` : sql.ref<string>('queued');
    set.sort_time = sql<string>`coalesce(${newStarted}, ${newQueued})`;
  }
  return set;
}

type Direction = 'asc' | 'desc';

/**
 * OFFSET walks the index one entry at a time, so a page past the middle is read from the other
 * end: with `count` rows, rows [offset, offset + limit) in one direction are rows
 * [count - offset - limit, count - offset) in the other (page 4,500 of 5,000: 10k steps, not 90k).
 */
export function shorterWalk(
  count: number,
  offset: number,
  limit: number,
  order: Direction,
): { walk: Direction; offset: number; limit: number; order: Direction } {
  const end = Math.min(count, offset + limit);
  if (end <= offset) return { walk: order, offset, limit: 0, order };
  if (offset <= count - end) return { walk: order, offset, limit: end - offset, order };
  return { walk: order === 'asc' ? 'desc' : 'asc', offset: count - end, limit: end - offset, order };
}

function statusFilter(status: RunStatus | readonly RunStatus[]): readonly RunStatus[] {
  return typeof status === 'string' ? [status] : status;
}

export function createRunRepo(db: Kysely<Database>): RunRepo {
  // What every status poll runs: compiled once.
  const statusOf = reusableQuery(db, 2, (id, projectId) =>
    db.selectFrom('test_runs').select(['id', 'status', 'finished_steps', 'total_steps', 'modified']).where('id', '=', id).where('project_id', '=', projectId),
  );
  return {
    async create(input) {
      return atomic(db, async (trx) => {
        // Bumping the project's counter row locks it (PostgreSQL) or holds the write lock
        // (SQLite) until commit, so concurrent creates get distinct, gapless numbers.
        const counter = await trx
          .updateTable('projects')
          .set((eb) => ({ run_sequence: eb('run_sequence', '+', 1) }))
          .where('id', '=', input.projectId)
          .returning('run_sequence')
          .executeTakeFirst();
        if (!counter) throw new Error(`no such project: ${input.projectId}`);
        const queued = input.queued === undefined ? nowIso() : toIso(input.queued);
        const row = await trx
          .insertInto('test_runs')
          .values({
            id: input.id ?? randomUUID(),
            project_id: input.projectId,
            test_id: input.testId ?? null,
            test_name: input.testName,
            profile_id: input.profileId ?? null,
            profile_name: input.profileName ?? null,
            status: input.status ?? 'queued',
            error_code: null,
            error_message: null,
            triggered_by: input.triggeredBy,
            run_mode: input.runMode,
            screen_size_type: input.screenSizeType,
            browser_name: null,
            browser_version: null,
            browser_width: input.browserWidth ?? null,
            browser_height: input.browserHeight ?? null,
            os_name: null,
            sequence: toNumber(counter.run_sequence),
            queued,
            started: null,
            ended: null,
            modified: queued,
            sort_time: queued,
            total_steps: input.totalSteps ?? 0,
            finished_steps: 0,
            variables: toJson(input.variables ?? []),
            plan: input.plan === undefined || input.plan === null ? null : toJson(input.plan),
            suite_run_id: input.suiteRunId ?? null,
            suite_position: input.suitePosition ?? null,
            attempt: input.attempt ?? 1,
            held: toFlag(input.held ?? false),
            schedule_id: input.schedule?.id ?? null,
            scheduled_for: input.schedule?.tick ?? null,
            user_id: input.userId ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRow(row);
      });
    },

    async get(projectId, id) {
      const r = await db.selectFrom('test_runs').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async getById(id) {
      const r = await db.selectFrom('test_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async getStatus(projectId, id) {
      const [r] = await statusOf(id, projectId);
      if (!r) return null;
      return {
        id: r.id,
        status: r.status as RunStatus,
        finishedSteps: toNumber(r.finished_steps),
        totalSteps: toNumber(r.total_steps),
        modified: r.modified,
      };
    },

    async update(id, patch) {
      const r = await db.updateTable('test_runs').set(toColumns(patch)).where('id', '=', id).returningAll().executeTakeFirst();
      if (!r) throw new Error(`no such run: ${id}`);
      return toRow(r);
    },

    async transition(id, from, patch, fence) {
      if (from.length === 0) return null;
      let q = db
        .updateTable('test_runs')
        .set(toColumns(patch))
        .where('id', '=', id)
        .where('status', 'in', [...from]);
      if (fence) q = q.where('worker_id', '=', fence.workerId);
      const r = await q.returningAll().executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async list(projectId, opts) {
      const statuses = opts.status === undefined ? null : statusFilter(opts.status);
      if (statuses !== null && statuses.length === 0) return { count: 0, rows: [] };
      const after = opts.startedAfter === undefined ? undefined : toIso(opts.startedAfter);
      const before = opts.startedBefore === undefined ? undefined : toIso(opts.startedBefore);
      const unfiltered = statuses === null && opts.testId === undefined && after === undefined && before === undefined;
      // Builds the WHERE clause of both the count and the page, so they always agree.
      const matching = (trx: Kysely<Database>) => {
        let q = trx.selectFrom('test_runs').where('project_id', '=', projectId);
        if (statuses !== null) q = q.where('status', 'in', [...statuses]);
        if (opts.testId !== undefined) q = q.where('test_id', '=', opts.testId);
        if (after !== undefined) q = q.where('sort_time', '>=', after);
        if (before !== undefined) q = q.where('sort_time', '<=', before);
        return q;
      };
      // One snapshot: the page's position is computed from the count.
      return snapshot(db, async (trx) => {
        // Without filters the trigger-maintained count (migration 2026-11-28-run-list-counters)
        // replaces a count(*) over the project's whole history.
        const counted = unfiltered
          ? await trx.selectFrom('projects').select('run_count as count').where('id', '=', projectId).executeTakeFirst()
          : await matching(trx)
              .select((eb) => eb.fn.countAll<number | string>().as('count'))
              .executeTakeFirst();
        const count = toNumber(counted?.count ?? 0);
        const span = shorterWalk(count, opts.offset, opts.limit, opts.ordering === 'started' ? 'asc' : 'desc');
        if (span.limit === 0) return { count, rows: [] };
        // Deferred join: the OFFSET walk reads only ids from the (project, [filter,] sort_time, id)
        // index; just the page's rows are then fetched.
        const pageIds = matching(trx).select('id').orderBy('sort_time', span.walk).orderBy('id', span.walk).offset(span.offset).limit(span.limit);
        const rows = await trx
          .selectFrom('test_runs')
          .select(LIST_COLUMNS)
          .where('id', 'in', pageIds)
          .orderBy('sort_time', span.order)
          .orderBy('id', span.order)
          .execute();
        return { count, rows: rows.map(toListRow) };
      });
    },

    async incrementFinishedSteps(id, fence) {
      let q = db
        .updateTable('test_runs')
        .set((eb) => ({ finished_steps: eb('finished_steps', '+', 1), modified: nowIso() }))
        .where('id', '=', id);
      if (fence) q = q.where('worker_id', '=', fence.workerId);
      const r = await q.returning('finished_steps').executeTakeFirst();
      return r ? toNumber(r.finished_steps) : null;
    },

    async countByStatus(status) {
      const r = await db
        .selectFrom('test_runs')
        .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('queued').as('oldest')])
        .where('status', '=', status)
        .executeTakeFirst();
      return { count: toNumber(r?.count ?? 0), oldestQueued: (r?.oldest as string | null | undefined) ?? null };
    },

    async countAllByStatus() {
      const rows = await db
        .selectFrom('test_runs')
        .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, toNumber(r.count)]));
    },

    async listOrphans(statuses, aliveSince, keep = []) {
      if (statuses.length === 0) return [];
      const rows = await db
        .selectFrom('test_runs')
        .select(LIST_COLUMNS)
        .where('status', 'in', [...statuses])
        .where((eb) => {
          const live = eb.exists(
            eb.selectFrom('workers').select('workers.id').whereRef('workers.id', '=', 'test_runs.worker_id').where('workers.heartbeat', '>=', aliveSince),
          );
          const kept = keep.length > 0 ? eb('worker_id', 'in', [...keep]) : eb.lit(false);
          return eb.or([eb('worker_id', 'is', null), eb.not(eb.or([kept, live]))]);
        })
        .orderBy('queued', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toListRow);
    },

    async listBySuiteRuns(suiteRunIds) {
      const out = new Map<string, RunListRow[]>(suiteRunIds.map((id) => [id, []]));
      if (suiteRunIds.length === 0) return out;
      const rows = await db
        .selectFrom('test_runs')
        .select(LIST_COLUMNS)
        .where('suite_run_id', 'in', [...suiteRunIds])
        .orderBy('suite_position')
        .orderBy('attempt')
        .execute();
      for (const row of rows) out.get(row.suite_run_id as string)?.push(toListRow(row));
      return out;
    },

    async listBySchedule(projectId, scheduleId, page) {
      return snapshot(db, async (trx) => {
        const mine = trx.selectFrom('test_runs').where('schedule_id', '=', scheduleId).where('project_id', '=', projectId);
        const counted = await mine.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
        const rows = await mine.select(LIST_COLUMNS).orderBy('scheduled_for', 'desc').offset(page.offset).limit(page.limit).execute();
        return { count: toNumber(counted.count), rows: rows.map(toListRow) };
      });
    },

    async previousEndedStatus(run) {
      if (run.testId === null || run.ended === null) return null;
      const r = await db
        .selectFrom('test_runs')
        .select('status')
        .where('project_id', '=', run.projectId)
        .where('test_id', '=', run.testId)
        .where('suite_run_id', 'is', null)
        .where('id', '<>', run.id)
        .where('ended', '<=', run.ended)
        .orderBy('ended', 'desc')
        .limit(1)
        .executeTakeFirst();
      return (r?.status as RunStatus | undefined) ?? null;
    },

    async filterByStatus(ids, statuses) {
      if (ids.length === 0 || statuses.length === 0) return [];
      const rows = await db
        .selectFrom('test_runs')
        .select('id')
        .where('id', 'in', [...ids])
        .where('status', 'in', [...statuses])
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable } from 'kysely';
import type { ErrorCode, RunStatus, TriggeredBy } from '../domain/index.js';
import { atomic, fromFlag, fromJson, nowIso, snapshot, toFlag, toJson, toNumber, type Page } from './codec.js';
import type { Database, SuiteRunTable } from './database.js';
import type { RunVariable } from './runs.js';
import { shorterWalk } from './runs.js';

export interface SuiteRunRow {
  id: string;
  projectId: string;
  suiteId: string;
  suiteName: string;
  /** 1, 2, 3… per project, in creation order. */
  sequence: number;
  status: RunStatus;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  triggeredBy: TriggeredBy;
  profileId: string | null;
  profileName: string | null;
  variables: RunVariable[];
  parallelRun: boolean;
  /** The most test runs that may execute at once. */
  parallelSlots: number;
  autoRetry: number;
  /** Tests of the suite when it started (attempts not counted). */
  totalTests: number;
  queued: string;
  started: string | null;
  ended: string | null;
  modified: string;
  sortTime: string;
  userId: string | null;
  /** The schedule that started the suite run, and the tick it started it for. */
  scheduleId: string | null;
  scheduledFor: string | null;
}

export type SuiteRunCreateInput = { id?: string; schedule?: { id: string; tick: string } | null } & Pick<
  SuiteRunRow,
  | 'projectId'
  | 'suiteId'
  | 'suiteName'
  | 'triggeredBy'
  | 'profileId'
  | 'profileName'
  | 'variables'
  | 'parallelRun'
  | 'parallelSlots'
  | 'autoRetry'
  | 'totalTests'
>;

export type SuiteRunPatch = Partial<Pick<SuiteRunRow, 'status' | 'errorCode' | 'errorMessage' | 'started' | 'ended'>>;

export interface SuiteRunListOptions {
  status?: RunStatus;
  startedAfter?: string;
  startedBefore?: string;
  ordering: 'started' | '-started';
  offset: number;
  limit: number;
}

export interface SuiteRunRepo {
  /** Inserts a suite run with the project's next suite run sequence number. */
  create(input: SuiteRunCreateInput): Promise<SuiteRunRow>;
  /** Null when it does not exist or belongs to another project. */
  get(projectId: string, id: string): Promise<SuiteRunRow | null>;
  /**
   * Reads the suite run holding its row's write lock until the transaction ends, so the one
   * decision about what happens next is taken by one process at a time. Call inside a transaction.
   */
  lock(id: string): Promise<SuiteRunRow | null>;
  /** Compare-and-set on status, as RunRepo.transition. */
  transition(id: string, from: readonly RunStatus[], patch: SuiteRunPatch): Promise<SuiteRunRow | null>;
  /** Ordered by sortTime then id, both in the direction of `ordering`. */
  list(projectId: string, opts: SuiteRunListOptions): Promise<Page<SuiteRunRow>>;
  /** Ids of suite runs in these statuses, across projects (recovery). */
  listIdsByStatus(statuses: readonly RunStatus[]): Promise<string[]>;
  /** The suite runs a schedule started, latest tick first. */
  listBySchedule(projectId: string, scheduleId: string, page: { offset: number; limit: number }): Promise<Page<SuiteRunRow>>;
  /** The status of the last run of the suite that ended before `run` did, if any. */
  previousEndedStatus(run: Pick<SuiteRunRow, 'id' | 'projectId' | 'suiteId' | 'ended'>): Promise<RunStatus | null>;
}

function toRow(r: Selectable<SuiteRunTable>): SuiteRunRow {
  return {
    id: r.id,
    projectId: r.project_id,
    suiteId: r.suite_id,
    suiteName: r.suite_name,
    sequence: toNumber(r.sequence),
    status: r.status as RunStatus,
    errorCode: r.error_code as ErrorCode | null,
    errorMessage: r.error_message,
    triggeredBy: r.triggered_by as TriggeredBy,
    profileId: r.profile_id,
    profileName: r.profile_name,
    variables: fromJson(r.variables) as RunVariable[],
    parallelRun: fromFlag(r.parallel_run),
    parallelSlots: toNumber(r.parallel_slots),
    autoRetry: toNumber(r.auto_retry),
    totalTests: toNumber(r.total_tests),
    queued: r.queued,
    started: r.started,
    ended: r.ended,
    modified: r.modified,
    sortTime: r.sort_time,
    userId: r.user_id,
    scheduleId: r.schedule_id,
    scheduledFor: r.scheduled_for,
  };
}

export function createSuiteRunRepo(db: Kysely<Database>): SuiteRunRepo {
  return {
    async create(input) {
      return atomic(db, async (trx) => {
        const counter = await trx
          .updateTable('projects')
          .set((eb) => ({ suite_run_sequence: eb('suite_run_sequence', '+', 1) }))
          .where('id', '=', input.projectId)
          .returning('suite_run_sequence')
          .executeTakeFirst();
        if (!counter) throw new Error(`no such project: ${input.projectId}`);
        const now = nowIso();
        const row = await trx
          .insertInto('suite_runs')
          .values({
            id: input.id ?? randomUUID(),
            project_id: input.projectId,
            suite_id: input.suiteId,
            suite_name: input.suiteName,
            sequence: toNumber(counter.suite_run_sequence),
            status: 'queued',
            error_code: null,
            error_message: null,
            triggered_by: input.triggeredBy,
            profile_id: input.profileId,
            profile_name: input.profileName,
            variables: toJson(input.variables),
            parallel_run: toFlag(input.parallelRun),
            parallel_slots: input.parallelSlots,
            auto_retry: input.autoRetry,
            total_tests: input.totalTests,
            queued: now,
            started: null,
            ended: null,
            modified: now,
            sort_time: now,
            user_id: null,
            schedule_id: input.schedule?.id ?? null,
            scheduled_for: input.schedule?.tick ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRow(row);
      });
    },

    async get(projectId, id) {
      const r = await db.selectFrom('suite_runs').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async lock(id) {
      // An UPDATE takes the row lock (PostgreSQL) or the database's write lock (SQLite) in both
      // dialects, where SELECT … FOR UPDATE exists only in one.
      const r = await db
        .updateTable('suite_runs')
        .set((eb) => ({ modified: eb.ref('modified') }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async transition(id, from, patch) {
      if (from.length === 0) return null;
      const set: Partial<Selectable<SuiteRunTable>> = { modified: nowIso() };
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.errorCode !== undefined) set.error_code = patch.errorCode;
      if (patch.errorMessage !== undefined) set.error_message = patch.errorMessage;
      if (patch.ended !== undefined) set.ended = patch.ended;
      if (patch.started !== undefined) {
        set.started = patch.started;
        if (patch.started !== null) set.sort_time = patch.started;
      }
      const r = await db
        .updateTable('suite_runs')
        .set(set)
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async list(projectId, opts) {
      const matching = (trx: Kysely<Database>) => {
        let q = trx.selectFrom('suite_runs').where('project_id', '=', projectId);
        if (opts.status !== undefined) q = q.where('status', '=', opts.status);
        if (opts.startedAfter !== undefined) q = q.where('sort_time', '>=', opts.startedAfter);
        if (opts.startedBefore !== undefined) q = q.where('sort_time', '<=', opts.startedBefore);
        return q;
      };
      return snapshot(db, async (trx) => {
        const counted = await matching(trx)
          .select((eb) => eb.fn.countAll<number | string>().as('count'))
          .executeTakeFirst();
        const count = toNumber(counted?.count ?? 0);
        const span = shorterWalk(count, opts.offset, opts.limit, opts.ordering === 'started' ? 'asc' : 'desc');
        if (span.limit === 0) return { count, rows: [] };
        const rows = await matching(trx).selectAll().orderBy('sort_time', span.walk).orderBy('id', span.walk).offset(span.offset).limit(span.limit).execute();
        if (span.walk !== span.order) rows.reverse();
        return { count, rows: rows.map(toRow) };
      });
    },

    async listBySchedule(projectId, scheduleId, page) {
      return snapshot(db, async (trx) => {
        const mine = trx.selectFrom('suite_runs').where('schedule_id', '=', scheduleId).where('project_id', '=', projectId);
        const counted = await mine.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
        const rows = await mine.selectAll().orderBy('scheduled_for', 'desc').offset(page.offset).limit(page.limit).execute();
        return { count: toNumber(counted.count), rows: rows.map(toRow) };
      });
    },

    async previousEndedStatus(run) {
      if (run.ended === null) return null;
      const r = await db
        .selectFrom('suite_runs')
        .select('status')
        .where('project_id', '=', run.projectId)
        .where('suite_id', '=', run.suiteId)
        .where('id', '<>', run.id)
        .where('ended', '<=', run.ended)
        .orderBy('ended', 'desc')
        .limit(1)
        .executeTakeFirst();
      return (r?.status as RunStatus | undefined) ?? null;
    },

    async listIdsByStatus(statuses) {
      if (statuses.length === 0) return [];
      const rows = await db
        .selectFrom('suite_runs')
        .select('id')
        .where('status', 'in', [...statuses])
        .orderBy('queued')
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

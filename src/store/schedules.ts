import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, UpdateObject } from 'kysely';
import { fromFlag, fromJson, nowIso, snapshot, toFlag, toJson, toNumber, type Page } from './codec.js';
import type { Database, ScheduleTable } from './database.js';
import type { RunVariable } from './runs.js';

export type ScheduleTargetType = 'test' | 'suite';

export interface ScheduleRow {
  id: string;
  projectId: string;
  name: string;
  targetType: ScheduleTargetType;
  targetId: string;
  cron: string;
  timezone: string;
  profileId: string | null;
  variables: RunVariable[];
  enabled: boolean;
  /** The next tick to start; null while disabled. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  /** The test run or suite run the last tick started. */
  lastRunId: string | null;
  lastSkippedAt: string | null;
  lastSkipReason: string | null;
  created: string;
  modified: string;
}

export type ScheduleInput = Pick<
  ScheduleRow,
  'projectId' | 'name' | 'targetType' | 'targetId' | 'cron' | 'timezone' | 'profileId' | 'variables' | 'enabled' | 'nextRunAt'
>;
export type SchedulePatch = Partial<Omit<ScheduleInput, 'projectId'>>;

export interface ScheduleRepo {
  create(input: ScheduleInput): Promise<ScheduleRow>;
  /** Null when it does not exist or belongs to another project. */
  get(projectId: string, id: string): Promise<ScheduleRow | null>;
  /** Oldest first. */
  list(projectId: string, page: { offset: number; limit: number }): Promise<Page<ScheduleRow>>;
  update(projectId: string, id: string, patch: SchedulePatch): Promise<ScheduleRow | null>;
  delete(projectId: string, id: string): Promise<boolean>;
  /** Enabled schedules whose next tick is at or before `now`, across projects, earliest first. */
  listDue(now: string, limit: number): Promise<ScheduleRow[]>;
  /**
   * Compare-and-set: moves the schedule from the tick `due` to `next`, only while `due` is still
   * its next tick and it is enabled. True for exactly one caller per tick, in every process.
   */
  claimTick(id: string, due: string, next: string | null): Promise<boolean>;
  /** What the claimed tick did: started a run, or was skipped (and why). */
  recordTick(id: string, outcome: { at: string; runId: string } | { at: string; skipped: string }): Promise<void>;
}

function toRow(r: Selectable<ScheduleTable>): ScheduleRow {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    targetType: r.target_type as ScheduleTargetType,
    targetId: r.target_id,
    cron: r.cron,
    timezone: r.timezone,
    profileId: r.profile_id,
    variables: fromJson(r.variables) as RunVariable[],
    enabled: fromFlag(r.enabled),
    nextRunAt: r.next_run_at,
    lastRunAt: r.last_run_at,
    lastRunId: r.last_run_id,
    lastSkippedAt: r.last_skipped_at,
    lastSkipReason: r.last_skip_reason,
    created: r.created,
    modified: r.modified,
  };
}

function toColumns(patch: SchedulePatch): UpdateObject<Database, 'schedules'> {
  const set: UpdateObject<Database, 'schedules'> = { modified: nowIso() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.targetType !== undefined) set.target_type = patch.targetType;
  if (patch.targetId !== undefined) set.target_id = patch.targetId;
  if (patch.cron !== undefined) set.cron = patch.cron;
  if (patch.timezone !== undefined) set.timezone = patch.timezone;
  if (patch.profileId !== undefined) set.profile_id = patch.profileId;
  if (patch.variables !== undefined) set.variables = toJson(patch.variables);
  if (patch.enabled !== undefined) set.enabled = toFlag(patch.enabled);
  if (patch.nextRunAt !== undefined) set.next_run_at = patch.nextRunAt;
  return set;
}

export function createScheduleRepo(db: Kysely<Database>): ScheduleRepo {
  return {
    async create(input) {
      const now = nowIso();
      const row = await db
        .insertInto('schedules')
        .values({
          id: randomUUID(),
          project_id: input.projectId,
          name: input.name,
          target_type: input.targetType,
          target_id: input.targetId,
          cron: input.cron,
          timezone: input.timezone,
          profile_id: input.profileId,
          variables: toJson(input.variables),
          enabled: toFlag(input.enabled),
          next_run_at: input.nextRunAt,
          last_run_at: null,
          last_run_id: null,
          last_skipped_at: null,
          last_skip_reason: null,
          created: now,
          modified: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRow(row);
    },

    async get(projectId, id) {
      const r = await db.selectFrom('schedules').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async list(projectId, page) {
      return snapshot(db, async (trx) => {
        const counted = await trx
          .selectFrom('schedules')
          .where('project_id', '=', projectId)
          .select((eb) => eb.fn.countAll<number | string>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await trx
          .selectFrom('schedules')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('created')
          .orderBy('id')
          .offset(page.offset)
          .limit(page.limit)
          .execute();
        return { count: toNumber(counted.count), rows: rows.map(toRow) };
      });
    },

    async update(projectId, id, patch) {
      const r = await db
        .updateTable('schedules')
        .set(toColumns(patch))
        .where('id', '=', id)
        .where('project_id', '=', projectId)
        .returningAll()
        .executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async delete(projectId, id) {
      const r = await db.deleteFrom('schedules').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async listDue(now, limit) {
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('enabled', '=', 1)
        .where('next_run_at', '<=', now)
        .orderBy('next_run_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },

    async claimTick(id, due, next) {
      const r = await db
        .updateTable('schedules')
        .set({ next_run_at: next })
        .where('id', '=', id)
        .where('enabled', '=', 1)
        .where('next_run_at', '=', due)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async recordTick(id, outcome) {
      const set: UpdateObject<Database, 'schedules'> =
        'runId' in outcome ? { last_run_at: outcome.at, last_run_id: outcome.runId } : { last_skipped_at: outcome.at, last_skip_reason: outcome.skipped };
      await db.updateTable('schedules').set(set).where('id', '=', id).execute();
    },
  };
}

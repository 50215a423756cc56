import type { Kysely } from 'kysely';
import type { RunFence } from './runs.js';
import type { StepRunRecord } from '../domain/index.js';
import { fromJson, toJson } from './codec.js';
import type { Database } from './database.js';

export interface StoredStepRun {
  record: StepRunRecord;
  screenshotKey: string | null;
}

export interface StepRunWithRun extends StoredStepRun {
  runId: string;
}

export interface StepRunRepo {
  /**
   * Inserts the step run or replaces the stored record with the same id (a step is written when
   * it starts and again when it ends). An undefined `screenshotKey` keeps the stored one. With a
   * fence, nothing is written unless the worker still holds the run; returns whether it wrote.
   */
  upsert(runId: string, record: StepRunRecord, screenshotKey?: string | null, fence?: RunFence): Promise<boolean>;
  /** In execution order. */
  listByRun(runId: string): Promise<StoredStepRun[]>;
  /** The step runs of several runs in one query (a page of the run list), by run id. */
  listByRuns(runIds: readonly string[]): Promise<Map<string, StoredStepRun[]>>;
  get(id: string): Promise<StepRunWithRun | null>;
}

export function createStepRunRepo(db: Kysely<Database>): StepRunRepo {
  return {
    async upsert(runId, record, screenshotKey, fence) {
      const fields = {
        sequence: record.sequence,
        step_id: record.stepId,
        status: record.status,
        record: toJson(record),
      };
      const screenshot = screenshotKey === undefined ? {} : { screenshot_key: screenshotKey };
      const values = { id: record.id, test_run_id: runId, screenshot_key: null, ...fields, ...screenshot };
      const insert = db.insertInto('step_runs');
      const guarded = fence
        ? // One statement: the row is written only while the run is this worker's.
          insert
            .columns(['id', 'test_run_id', 'screenshot_key', 'sequence', 'step_id', 'status', 'record'])
            .expression(
              db
                .selectNoFrom((eb) => [
                  eb.val(values.id).as('id'),
                  eb.val(values.test_run_id).as('test_run_id'),
                  eb.val(values.screenshot_key).as('screenshot_key'),
                  eb.val(values.sequence).as('sequence'),
                  eb.val(values.step_id).as('step_id'),
                  eb.val(values.status).as('status'),
                  eb.val(values.record).as('record'),
                ])
                .where((eb) => eb.exists(db.selectFrom('test_runs').select('id').where('id', '=', runId).where('worker_id', '=', fence.workerId))),
            )
        : insert.values(values);
      const result = await guarded.onConflict((oc) => oc.column('id').doUpdateSet({ ...fields, ...screenshot })).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async listByRun(runId) {
      const rows = await db
        .selectFrom('step_runs')
        .select(['record', 'screenshot_key'])
        .where('test_run_id', '=', runId)
        .orderBy('sequence', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((r) => ({ record: fromJson(r.record) as StepRunRecord, screenshotKey: r.screenshot_key }));
    },

    async listByRuns(runIds) {
      const out = new Map<string, StoredStepRun[]>(runIds.map((id) => [id, []]));
      if (runIds.length === 0) return out;
      const rows = await db
        .selectFrom('step_runs')
        .select(['test_run_id', 'record', 'screenshot_key'])
        .where('test_run_id', 'in', runIds)
        .orderBy('test_run_id')
        .orderBy('sequence', 'asc')
        .orderBy('id', 'asc')
        .execute();
      for (const r of rows) out.get(r.test_run_id)?.push({ record: fromJson(r.record) as StepRunRecord, screenshotKey: r.screenshot_key });
      return out;
    },

    async get(id) {
      const r = await db.selectFrom('step_runs').select(['test_run_id', 'record', 'screenshot_key']).where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return { runId: r.test_run_id, record: fromJson(r.record) as StepRunRecord, screenshotKey: r.screenshot_key };
    },
  };
}

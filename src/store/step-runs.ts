import type { Kysely } from 'kysely';
import type { StepRunRecord } from '../domain/index.js';
import { fromJson, toJson } from './codec.js';
import type { Database } from './database.js';

export interface StoredStepRun {
  record: StepRunRecord;
  screenshotArtifactId: string | null;
}

export interface StepRunWithRun extends StoredStepRun {
  runId: string;
}

export interface StepRunRepo {
  /**
   * Inserts the step run or replaces the stored record with the same id (a step is written when
   * it starts and again when it ends). An undefined `screenshotArtifactId` keeps the stored one.
   */
  upsert(runId: string, record: StepRunRecord, screenshotArtifactId?: string | null): Promise<void>;
  /** In execution order. */
  listByRun(runId: string): Promise<StoredStepRun[]>;
  get(id: string): Promise<StepRunWithRun | null>;
}

export function createStepRunRepo(db: Kysely<Database>): StepRunRepo {
  return {
    async upsert(runId, record, screenshotArtifactId) {
      const fields = {
        sequence: record.sequence,
        step_id: record.stepId,
        status: record.status,
        record: toJson(record),
      };
      const screenshot = screenshotArtifactId === undefined ? {} : { screenshot_artifact_id: screenshotArtifactId };
      await db
        .insertInto('step_runs')
        .values({ id: record.id, test_run_id: runId, screenshot_artifact_id: null, ...fields, ...screenshot })
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...fields, ...screenshot }))
        .execute();
    },

    async listByRun(runId) {
      const rows = await db
        .selectFrom('step_runs')
        .select(['record', 'screenshot_artifact_id'])
        .where('test_run_id', '=', runId)
        .orderBy('sequence', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((r) => ({ record: fromJson(r.record) as StepRunRecord, screenshotArtifactId: r.screenshot_artifact_id }));
    },

    async get(id) {
      const r = await db
        .selectFrom('step_runs')
        .select(['test_run_id', 'record', 'screenshot_artifact_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) return null;
      return { runId: r.test_run_id, record: fromJson(r.record) as StepRunRecord, screenshotArtifactId: r.screenshot_artifact_id };
    },
  };
}

import type { Kysely, Selectable } from 'kysely';
import { nowIso, toNumber } from './codec.js';
import type { Database, WorkerTable } from './database.js';

export type WorkerRow = Selectable<WorkerTable>;

/** The processes that execute runs. A worker is alive while its heartbeat is recent. */
export interface WorkerRepo {
  /** Adds the worker, or renews it when it is there already. */
  register(worker: Omit<WorkerRow, 'started' | 'heartbeat'>): Promise<WorkerRow>;
  /** Renews the heartbeat; false when the row is gone (others declared this worker dead). */
  beat(id: string): Promise<boolean>;
  remove(id: string): Promise<void>;
  /** Workers whose heartbeat is at or after `since`. */
  listAlive(since: string): Promise<WorkerRow[]>;
  /** The workers with these ids that are still registered. */
  listByIds(ids: readonly string[]): Promise<WorkerRow[]>;
  /** Deletes the workers not in `keep` whose heartbeat is before `before`. */
  removeDead(before: string, keep?: readonly string[]): Promise<void>;
}

function toRow(r: WorkerRow): WorkerRow {
  return { ...r, pid: toNumber(r.pid), concurrency: toNumber(r.concurrency) };
}

export function createWorkerRepo(db: Kysely<Database>): WorkerRepo {
  return {
    async register(worker) {
      const now = nowIso();
      const row = { ...worker, started: now, heartbeat: now };
      // Again under the same id after others declared it dead: the row is its own.
      await db
        .insertInto('workers')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat: now }))
        .execute();
      return row;
    },
    async beat(id) {
      const r = await db.updateTable('workers').set({ heartbeat: nowIso() }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async remove(id) {
      await db.deleteFrom('workers').where('id', '=', id).execute();
    },
    async listAlive(since) {
      return (await db.selectFrom('workers').selectAll().where('heartbeat', '>=', since).orderBy('started').execute()).map(toRow);
    },
    async listByIds(ids) {
      if (ids.length === 0) return [];
      return (
        await db
          .selectFrom('workers')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).map(toRow);
    },
    async removeDead(before, keep = []) {
      let q = db.deleteFrom('workers').where('heartbeat', '<', before);
      if (keep.length > 0) q = q.where('id', 'not in', [...keep]);
      await q.execute();
    },
  };
}

import type { Kysely } from 'kysely';
import type { AlertEvent, RunStatus } from '../domain/index.js';
import { toNumber } from './codec.js';
import type { Database } from './database.js';

/** A watched run started or finished: written by the status triggers, in the status change's transaction. */
export interface AlertEventRow {
  id: number;
  projectId: string;
  kind: 'test' | 'suite';
  runId: string;
  event: AlertEvent;
  /** The run's status when it happened. */
  status: RunStatus;
  created: string;
}

/** The outbox of run events that alerts are made from. */
export interface AlertEventRepo {
  /** The oldest events waiting. */
  oldest(limit: number): Promise<AlertEventRow[]>;
  /**
   * Takes the event out of the outbox; true for exactly one caller. Call inside the transaction
   * that makes its deliveries, so it is taken exactly when they are written.
   */
  take(id: number): Promise<boolean>;
}

export function createAlertEventRepo(db: Kysely<Database>): AlertEventRepo {
  return {
    async oldest(limit) {
      const rows = await db.selectFrom('alert_events').selectAll().orderBy('id').limit(limit).execute();
      return rows.map((r) => ({
        id: toNumber(r.id),
        projectId: r.project_id,
        kind: r.kind as 'test' | 'suite',
        runId: r.run_id,
        event: r.event as AlertEvent,
        status: r.status as RunStatus,
        created: r.created,
      }));
    },
    async take(id) {
      const r = await db.deleteFrom('alert_events').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

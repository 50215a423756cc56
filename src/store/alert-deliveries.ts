import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AlertEvent, AlertPayload, DeliveryStatus } from '../domain/index.js';
import { fromJson, nowIso, snapshot, toJson, toNumber, type Page } from './codec.js';
import type { AlertDeliveryTable, Database } from './database.js';

export interface AlertDeliveryRow {
  id: string;
  alertId: string;
  projectId: string;
  event: AlertEvent;
  kind: 'test' | 'suite';
  runId: string;
  status: DeliveryStatus;
  attempts: number;
  /** The receiver's HTTP status of the last attempt, if it answered. */
  responseCode: number | null;
  /** Why the last attempt failed (never the URL or a header value). */
  error: string | null;
  payload: AlertPayload;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  created: string;
}

/** How an attempt went: delivered, to be tried again at `retryAt`, or given up (`retryAt` null). */
export interface AttemptResult {
  delivered: boolean;
  responseCode: number | null;
  error: string | null;
  retryAt: string | null;
}

export interface AlertDeliveryRepo {
  /** One delivery per alert and run event; false when it exists already. */
  create(input: Pick<AlertDeliveryRow, 'alertId' | 'projectId' | 'event' | 'kind' | 'runId' | 'payload'>): Promise<boolean>;
  /** Newest first. */
  listByAlert(alertId: string, page: { offset: number; limit: number }): Promise<Page<AlertDeliveryRow>>;
  /** Pending deliveries whose next attempt is due, across projects, earliest first. */
  listDue(now: string, limit: number): Promise<AlertDeliveryRow[]>;
  /**
   * Compare-and-set: counts an attempt and leases the delivery until `leaseUntil` (a process that
   * dies mid-attempt leaves it to be tried again then). True for exactly one caller.
   */
  claim(id: string, due: string, leaseUntil: string): Promise<boolean>;
  /** Records the attempt's outcome. */
  settle(id: string, result: AttemptResult): Promise<void>;
}

function toRow(r: Selectable<AlertDeliveryTable>): AlertDeliveryRow {
  return {
    id: r.id,
    alertId: r.alert_id,
    projectId: r.project_id,
    event: r.event as AlertEvent,
    kind: r.kind as 'test' | 'suite',
    runId: r.run_id,
    status: r.status as DeliveryStatus,
    attempts: toNumber(r.attempts),
    responseCode: r.response_code === null ? null : toNumber(r.response_code),
    error: r.error,
    payload: fromJson(r.payload) as AlertPayload,
    nextAttemptAt: r.next_attempt_at,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    created: r.created,
  };
}

export function createAlertDeliveryRepo(db: Kysely<Database>): AlertDeliveryRepo {
  return {
    async create(input) {
      const now = nowIso();
      const r = await db
        .insertInto('alert_deliveries')
        .values({
          id: randomUUID(),
          alert_id: input.alertId,
          project_id: input.projectId,
          event: input.event,
          kind: input.kind,
          run_id: input.runId,
          status: 'pending',
          attempts: 0,
          response_code: null,
          error: null,
          payload: toJson(input.payload),
          next_attempt_at: now,
          last_attempt_at: null,
          delivered_at: null,
          created: now,
        })
        .onConflict((oc) => oc.columns(['alert_id', 'kind', 'run_id', 'event']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async listByAlert(alertId, page) {
      return snapshot(db, async (trx) => {
        const mine = trx.selectFrom('alert_deliveries').where('alert_id', '=', alertId);
        const counted = await mine.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
        const rows = await mine.selectAll().orderBy('created', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute();
        return { count: toNumber(counted.count), rows: rows.map(toRow) };
      });
    },

    async listDue(now, limit) {
      const rows = await db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },

    async claim(id, due, leaseUntil) {
      const r = await db
        .updateTable('alert_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_attempt_at: nowIso(), next_attempt_at: leaseUntil }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', due)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async settle(id, result) {
      await db
        .updateTable('alert_deliveries')
        .set({
          status: result.delivered ? 'delivered' : result.retryAt === null ? 'failed' : 'pending',
          response_code: result.responseCode,
          error: result.error,
          next_attempt_at: result.delivered ? null : result.retryAt,
          delivered_at: result.delivered ? nowIso() : null,
        })
        .where('id', '=', id)
        .execute();
    },
  };
}

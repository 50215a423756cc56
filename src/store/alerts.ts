import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, UpdateObject } from 'kysely';
import type { AlertAction, AlertEvent, AlertFilters, AlertTarget } from '../domain/index.js';
import { fromFlag, fromJson, nowIso, snapshot, toFlag, toJson, toNumber, type Page } from './codec.js';
import type { AlertTable, Database } from './database.js';

export interface AlertRow {
  id: string;
  projectId: string;
  name: string;
  event: AlertEvent;
  target: AlertTarget;
  enabled: boolean;
  filters: AlertFilters;
  /** As given, credentials included: for delivering only, never to be served. */
  action: AlertAction;
  /** Signs webhook deliveries (null for other actions). */
  secret: string | null;
  created: string;
  modified: string;
}

export type AlertInput = Pick<AlertRow, 'projectId' | 'name' | 'event' | 'target' | 'enabled' | 'filters' | 'action' | 'secret'>;
export type AlertPatch = Partial<Omit<AlertInput, 'projectId'>>;

export interface AlertRepo {
  create(input: AlertInput): Promise<AlertRow>;
  /** Null when it does not exist or belongs to another project. */
  get(projectId: string, id: string): Promise<AlertRow | null>;
  getById(id: string): Promise<AlertRow | null>;
  /** Oldest first. */
  list(projectId: string, page: { offset: number; limit: number }): Promise<Page<AlertRow>>;
  listEnabled(projectId: string): Promise<AlertRow[]>;
  update(projectId: string, id: string, patch: AlertPatch): Promise<AlertRow | null>;
  /** Its deliveries go with it. */
  delete(projectId: string, id: string): Promise<boolean>;
}

function toRow(r: Selectable<AlertTable>): AlertRow {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    event: r.event as AlertEvent,
    target: r.target as AlertTarget,
    enabled: fromFlag(r.enabled),
    filters: fromJson(r.filters) as AlertFilters,
    action: fromJson(r.action) as AlertAction,
    secret: r.secret,
    created: r.created,
    modified: r.modified,
  };
}

export function createAlertRepo(db: Kysely<Database>): AlertRepo {
  return {
    async create(input) {
      const now = nowIso();
      const row = await db
        .insertInto('alerts')
        .values({
          id: randomUUID(),
          project_id: input.projectId,
          name: input.name,
          event: input.event,
          target: input.target,
          enabled: toFlag(input.enabled),
          filters: toJson(input.filters),
          action: toJson(input.action),
          secret: input.secret,
          created: now,
          modified: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRow(row);
    },

    async get(projectId, id) {
      const r = await db.selectFrom('alerts').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async getById(id) {
      const r = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async list(projectId, page) {
      return snapshot(db, async (trx) => {
        const mine = trx.selectFrom('alerts').where('project_id', '=', projectId);
        const counted = await mine.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
        const rows = await mine.selectAll().orderBy('created').orderBy('id').offset(page.offset).limit(page.limit).execute();
        return { count: toNumber(counted.count), rows: rows.map(toRow) };
      });
    },

    async listEnabled(projectId) {
      const rows = await db.selectFrom('alerts').selectAll().where('project_id', '=', projectId).where('enabled', '=', 1).orderBy('created').execute();
      return rows.map(toRow);
    },

    async update(projectId, id, patch) {
      const set: UpdateObject<Database, 'alerts'> = { modified: nowIso() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.event !== undefined) set.event = patch.event;
      if (patch.target !== undefined) set.target = patch.target;
      if (patch.enabled !== undefined) set.enabled = toFlag(patch.enabled);
      if (patch.filters !== undefined) set.filters = toJson(patch.filters);
      if (patch.action !== undefined) set.action = toJson(patch.action);
      if (patch.secret !== undefined) set.secret = patch.secret;
      const r = await db.updateTable('alerts').set(set).where('id', '=', id).where('project_id', '=', projectId).returningAll().executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async delete(projectId, id) {
      const r = await db.deleteFrom('alerts').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

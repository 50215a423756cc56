import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ArtifactKind } from '../domain/index.js';
import { atomic, nowIso, toIso, toIsoOrNull, toNumber } from './codec.js';
import type { ArtifactTable, Database } from './database.js';

export interface ArtifactRow {
  id: string;
  runId: string;
  stepRunId: string | null;
  kind: ArtifactKind;
  /** File name as downloaded, e.g. "logs.txt". */
  name: string;
  /** Where the bytes are in the blob store. */
  blobKey: string;
  contentType: string;
  size: number;
  created: string;
  /** Null: kept forever. */
  expiresAt: string | null;
}

/** id and created default to a new UUID and now; stepRunId and expiresAt to null. */
export type ArtifactInput = Omit<ArtifactRow, 'id' | 'created' | 'stepRunId' | 'expiresAt'> &
  Partial<Pick<ArtifactRow, 'id' | 'created' | 'stepRunId' | 'expiresAt'>>;

export interface ArtifactReplaceResult {
  artifact: ArtifactRow;
  /** The rows it replaced: their blobs are the caller's to delete when the keys differ. */
  replaced: ArtifactRow[];
}

export interface ArtifactRepo {
  add(input: ArtifactInput): Promise<ArtifactRow>;
  get(id: string): Promise<ArtifactRow | null>;
  /** Oldest first. */
  listByRun(runId: string): Promise<ArtifactRow[]>;
  latestByKind(runId: string, kind: ArtifactKind): Promise<ArtifactRow | null>;
  /** Artifacts whose expiry is at or before `nowIso`, soonest expired first. */
  listExpired(nowIso: string, limit?: number): Promise<ArtifactRow[]>;
  delete(id: string): Promise<boolean>;
  /**
   * Atomically swaps the run's artifacts of `kind` for one new row: for files rewritten as the
   * run goes (logs_partial), so readers see exactly one, never none or two.
   */
  replace(runId: string, kind: ArtifactKind, input: ArtifactInput): Promise<ArtifactReplaceResult>;
}

function toRow(r: Selectable<ArtifactTable>): ArtifactRow {
  return {
    id: r.id,
    runId: r.test_run_id,
    stepRunId: r.step_run_id,
    kind: r.kind as ArtifactKind,
    name: r.name,
    blobKey: r.blob_key,
    contentType: r.content_type,
    size: toNumber(r.size),
    created: r.created,
    expiresAt: r.expires_at,
  };
}

async function insert(db: Kysely<Database>, input: ArtifactInput): Promise<ArtifactRow> {
  const row = {
    id: input.id ?? randomUUID(),
    test_run_id: input.runId,
    step_run_id: input.stepRunId ?? null,
    kind: input.kind,
    name: input.name,
    blob_key: input.blobKey,
    content_type: input.contentType,
    size: input.size,
    created: input.created === undefined ? nowIso() : toIso(input.created),
    expires_at: toIsoOrNull(input.expiresAt ?? null),
  };
  await db.insertInto('artifacts').values(row).execute();
  return toRow(row);
}

export function createArtifactRepo(db: Kysely<Database>): ArtifactRepo {
  return {
    add: (input) => insert(db, input),

    async get(id) {
      const r = await db.selectFrom('artifacts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async listByRun(runId) {
      const rows = await db.selectFrom('artifacts').selectAll().where('test_run_id', '=', runId).orderBy('created', 'asc').orderBy('id', 'asc').execute();
      return rows.map(toRow);
    },

    async latestByKind(runId, kind) {
      const r = await db
        .selectFrom('artifacts')
        .selectAll()
        .where('test_run_id', '=', runId)
        .where('kind', '=', kind)
        .orderBy('created', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async listExpired(now, limit) {
      let q = db
        .selectFrom('artifacts')
        .selectAll()
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', toIso(now))
        .orderBy('expires_at', 'asc')
        .orderBy('id', 'asc');
      if (limit !== undefined) q = q.limit(limit);
      return (await q.execute()).map(toRow);
    },

    async delete(id) {
      const result = await db.deleteFrom('artifacts').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async replace(runId, kind, input) {
      if (input.runId !== runId || input.kind !== kind) throw new RangeError('replace: the row must belong to the run and kind it replaces');
      return atomic(db, async (trx) => {
        const replaced = await trx.deleteFrom('artifacts').where('test_run_id', '=', runId).where('kind', '=', kind).returningAll().execute();
        const artifact = await insert(trx, input);
        return { artifact, replaced: replaced.map(toRow) };
      });
    },
  };
}

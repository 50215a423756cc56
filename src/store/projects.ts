import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { fromJsonOrNull, nowIso, toJson } from './codec.js';
import type { Database, ProjectTable } from './database.js';

export interface ProjectRow {
  id: string;
  name: string;
  slug: string;
  settings: unknown;
  created: string;
  modified: string;
}

export interface ProjectInput {
  name: string;
  slug: string;
  settings?: unknown;
}

export interface ProjectRepo {
  create(input: ProjectInput): Promise<ProjectRow>;
  get(id: string): Promise<ProjectRow | null>;
  getBySlug(slug: string): Promise<ProjectRow | null>;
  /** The first project created: the one a fresh install and BUGRUN_TOKEN use. */
  getDefault(): Promise<ProjectRow | null>;
  /** The default project, created if there is none (once, however many processes start together). */
  ensureDefault(input: ProjectInput): Promise<ProjectRow>;
  list(): Promise<ProjectRow[]>;
  /** `settings` replaces the stored document whole; null clears it. */
  updateSettings(id: string, patch: { name?: string; settings: unknown }): Promise<ProjectRow | null>;
}

function toRow(r: Omit<Selectable<ProjectTable>, 'run_sequence' | 'run_count' | 'suite_run_sequence'>): ProjectRow {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    settings: fromJsonOrNull(r.settings),
    created: r.created,
    modified: r.modified,
  };
}

const COLUMNS = ['id', 'name', 'slug', 'settings', 'created', 'modified'] as const;

export function createProjectRepo(db: Kysely<Database>): ProjectRepo {
  const getDefault = async () => {
    const r = await db.selectFrom('projects').select(COLUMNS).orderBy('created', 'asc').orderBy('id', 'asc').limit(1).executeTakeFirst();
    return r ? toRow(r) : null;
  };
  return {
    async create(input) {
      const at = nowIso();
      const row = {
        id: randomUUID(),
        name: input.name,
        slug: input.slug,
        settings: input.settings === undefined || input.settings === null ? null : toJson(input.settings),
        created: at,
        modified: at,
      };
      await db.insertInto('projects').values(row).execute();
      return toRow(row);
    },

    async get(id) {
      const r = await db.selectFrom('projects').select(COLUMNS).where('id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    async getBySlug(slug) {
      const r = await db.selectFrom('projects').select(COLUMNS).where('slug', '=', slug).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    getDefault,

    async ensureDefault(input) {
      const existing = await getDefault();
      if (existing) return existing;
      const at = nowIso();
      await db
        .insertInto('projects')
        .values({ id: randomUUID(), name: input.name, slug: input.slug, settings: null, created: at, modified: at })
        .onConflict((oc) => oc.column('slug').doNothing())
        .execute();
      const created = await getDefault();
      if (!created) throw new Error('the default project could not be created');
      return created;
    },

    async list() {
      const rows = await db.selectFrom('projects').select(COLUMNS).orderBy('created', 'asc').orderBy('id', 'asc').execute();
      return rows.map(toRow);
    },

    async updateSettings(id, patch) {
      const r = await db
        .updateTable('projects')
        .set({
          ...(patch.name === undefined ? {} : { name: patch.name }),
          settings: patch.settings === null ? null : toJson(patch.settings),
          modified: nowIso(),
        })
        .where('id', '=', id)
        .returning(COLUMNS)
        .executeTakeFirst();
      return r ? toRow(r) : null;
    },
  };
}

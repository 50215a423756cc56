import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type SqlBool } from 'kysely';
import { atomic, containsPattern, fromFlag, fromJson, nowIso, toFlag, toJson, toNumber, type Page } from './codec.js';
import type { Database } from './database.js';

/*
 * tests, components, suites and profiles are all "a named JSON document with a slug, per
 * project": one generic repository serves the four tables. Profiles add an is-default flag.
 */

export type DefinitionTableName = 'tests' | 'components' | 'suites' | 'profiles';

export interface DefinitionRow {
  id: string;
  projectId: string;
  slug: string;
  name: string;
  data: unknown;
  created: string;
  modified: string;
}

export interface ProfileRow extends DefinitionRow {
  isDefault: boolean;
}

export interface DefinitionInput {
  slug: string;
  name: string;
  data: unknown;
}

export interface ProfileInput extends DefinitionInput {
  /** true makes this the project's only default profile; undefined keeps the stored flag. */
  isDefault?: boolean;
}

export type DefinitionOrdering = 'name' | '-name' | 'created' | '-created';

export interface DefinitionListOptions {
  /** Case-insensitive substring of the name. */
  query?: string;
  ordering: DefinitionOrdering;
  offset: number;
  limit: number;
}

export interface UpsertResult {
  id: string;
  /** false: the slug existed and its row was updated in place, keeping its id. */
  created: boolean;
}

interface GenericDefinitionRepo<Row, Input> {
  /** Inserts, or updates the row with the same slug in place (re-import keeps ids stable). */
  upsert(projectId: string, input: Input): Promise<UpsertResult>;
  get(projectId: string, id: string): Promise<Row | null>;
  getBySlug(projectId: string, slug: string): Promise<Row | null>;
  /** Every row of the project, by name. */
  listAll(projectId: string): Promise<Row[]>;
  list(projectId: string, opts: DefinitionListOptions): Promise<Page<Row>>;
}

export type DefinitionRepo = GenericDefinitionRepo<DefinitionRow, DefinitionInput>;

export interface ProfileRepo extends GenericDefinitionRepo<ProfileRow, ProfileInput> {
  /** The profile flagged default, or null when none is. */
  getDefault(projectId: string): Promise<ProfileRow | null>;
}

interface StoredDefinition {
  id: string;
  project_id: string;
  slug: string;
  name: string;
  data: string;
  created: string;
  modified: string;
  is_default?: number;
}

const COLUMNS = ['id', 'project_id', 'slug', 'name', 'data', 'created', 'modified'] as const;

/** Ordering keys; every list also orders by id last, so equal names or times page deterministically. */
const ORDER: Record<DefinitionOrdering, { column: 'name_key' | 'created'; direction: 'asc' | 'desc' }> = {
  name: { column: 'name_key', direction: 'asc' },
  '-name': { column: 'name_key', direction: 'desc' },
  created: { column: 'created', direction: 'asc' },
  '-created': { column: 'created', direction: 'desc' },
};

/** The name as searched and sorted: lower-cased in JS, which (unlike SQLite's lower()) knows Unicode. */
function nameKey(name: string): string {
  return name.toLowerCase();
}

/** SQLite's LIKE has no escape character unless told; PostgreSQL's is `\` already. Say it for both. */
function nameContains(query: string) {
  return sql<SqlBool>`name_key like ${containsPattern(nameKey(query))} escape '\\'`;
}

function toDefinitionRow(r: StoredDefinition): DefinitionRow {
  return {
    id: r.id,
    projectId: r.project_id,
    slug: r.slug,
    name: r.name,
    data: fromJson(r.data),
    created: r.created,
    modified: r.modified,
  };
}

function toProfileRow(r: StoredDefinition): ProfileRow {
  return { ...toDefinitionRow(r), isDefault: fromFlag(r.is_default ?? 0) };
}

function createGenericRepo<Row>(
  db: Kysely<Database>,
  table: DefinitionTableName,
  map: (r: StoredDefinition) => Row,
): GenericDefinitionRepo<Row, DefinitionInput> {
  const isProfiles = table === 'profiles';
  const selectRows = () =>
    db
      .selectFrom(table)
      .select(COLUMNS)
      .$if(isProfiles, (qb) => qb.select(sql<number>`is_default`.as('is_default')));

  return {
    async upsert(projectId, input) {
      const at = nowIso();
      const id = randomUUID();
      const fields = { name: input.name, name_key: nameKey(input.name), data: toJson(input.data), modified: at };
      // One statement, so two importers racing on the same slug cannot both insert; the returned
      // id tells whether our insert or the update happened.
      const r = await db
        .insertInto(table)
        .values({ id, project_id: projectId, slug: input.slug, created: at, ...fields })
        .onConflict((oc) => oc.columns(['project_id', 'slug']).doUpdateSet(fields))
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: r.id, created: r.id === id };
    },

    async get(projectId, id) {
      const r = await selectRows().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return r ? map(r) : null;
    },

    async getBySlug(projectId, slug) {
      const r = await selectRows().where('project_id', '=', projectId).where('slug', '=', slug).executeTakeFirst();
      return r ? map(r) : null;
    },

    async listAll(projectId) {
      const rows = await selectRows().where('project_id', '=', projectId).orderBy('name_key', 'asc').orderBy('id', 'asc').execute();
      return rows.map(map);
    },

    async list(projectId, opts) {
      const search = opts.query !== undefined && opts.query !== '' ? nameContains(opts.query) : null;
      const { column, direction } = ORDER[opts.ordering];
      let countQuery = db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('project_id', '=', projectId);
      let rowsQuery = selectRows().where('project_id', '=', projectId);
      if (search) {
        countQuery = countQuery.where(search);
        rowsQuery = rowsQuery.where(search);
      }
      const [counted, rows] = await Promise.all([
        countQuery.executeTakeFirstOrThrow(),
        rowsQuery.orderBy(column, direction).orderBy('id', direction).offset(opts.offset).limit(opts.limit).execute(),
      ]);
      return { count: toNumber(counted.count), rows: rows.map(map) };
    },
  };
}

export function createDefinitionRepo(db: Kysely<Database>, table: Exclude<DefinitionTableName, 'profiles'>): DefinitionRepo {
  return createGenericRepo(db, table, toDefinitionRow);
}

export function createProfileRepo(db: Kysely<Database>): ProfileRepo {
  const base = createGenericRepo(db, 'profiles', toProfileRow);
  return {
    ...base,

    async upsert(projectId, input) {
      // The flag change and the upsert commit together, so a project never shows two defaults.
      return atomic(db, async (trx) => {
        const result = await createGenericRepo(trx, 'profiles', toProfileRow).upsert(projectId, input);
        if (input.isDefault === true) {
          await trx
            .updateTable('profiles')
            .set({ is_default: 0 })
            .where('project_id', '=', projectId)
            .where('id', '!=', result.id)
            .where('is_default', '!=', 0)
            .execute();
        }
        if (input.isDefault !== undefined) {
          await trx
            .updateTable('profiles')
            .set({ is_default: toFlag(input.isDefault) })
            .where('id', '=', result.id)
            .execute();
        }
        return result;
      });
    },

    async getDefault(projectId) {
      const r = await db
        .selectFrom('profiles')
        .select([...COLUMNS, 'is_default'])
        .where('project_id', '=', projectId)
        .where('is_default', '!=', 0)
        .orderBy('created', 'asc')
        .orderBy('id', 'asc')
        .limit(1)
        .executeTakeFirst();
      return r ? toProfileRow(r) : null;
    },
  };
}

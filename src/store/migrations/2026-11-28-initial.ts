import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';

/*
 * Frozen: once released, this file never changes; schema changes go in a new dated migration.
 * It imports nothing of the app (not even domain types), so it keeps meaning what it meant
 * the day it shipped, whatever happens to the code around it.
 */

const DEFINITION_TABLES = ['tests', 'components', 'suites', 'profiles'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every text column compares bytewise in PostgreSQL, as TEXT does in SQLite (BINARY), so
  // ordering and range filters give the same answer in both dialects whatever the database's
  // default collation is; "C" is also the fastest collation to compare.
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const text: RawBuilder<unknown> = isPostgres ? sql`text collate "C"` : sql`text`;

  await db.schema
    .createTable('projects')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('slug', text, (c) => c.notNull().unique())
    .addColumn('settings', text)
    .addColumn('run_sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('modified', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_created_idx').on('projects').columns(['created', 'id']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull().unique())
    .addColumn('prefix', text, (c) => c.notNull())
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('last_used', text)
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('api_tokens_project_idx').on('api_tokens').columns(['project_id', 'created']).execute();

  for (const table of DEFINITION_TABLES) {
    let create = db.schema
      .createTable(table)
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('slug', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('name_key', text, (c) => c.notNull())
      .addColumn('data', text, (c) => c.notNull())
      .addColumn('created', text, (c) => c.notNull())
      .addColumn('modified', text, (c) => c.notNull())
      .addUniqueConstraint(`${table}_project_slug_key`, ['project_id', 'slug']);
    if (table === 'profiles') {
      create = create.addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0));
    }
    await create.execute();
    await db.schema.createIndex(`${table}_name_idx`).on(table).columns(['project_id', 'name_key', 'id']).execute();
    await db.schema.createIndex(`${table}_created_idx`).on(table).columns(['project_id', 'created', 'id']).execute();
  }

  await db.schema
    .createTable('test_runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    // No foreign keys to tests/profiles: a run is history and outlives the definitions it ran;
    // it keeps their names for that reason.
    .addColumn('test_id', text)
    .addColumn('test_name', text, (c) => c.notNull())
    .addColumn('profile_id', text)
    .addColumn('profile_name', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('error_code', text)
    .addColumn('error_message', text)
    .addColumn('triggered_by', text, (c) => c.notNull())
    .addColumn('run_mode', text, (c) => c.notNull())
    .addColumn('screen_size_type', text, (c) => c.notNull())
    .addColumn('browser_name', text)
    .addColumn('browser_version', text)
    .addColumn('browser_width', 'integer')
    .addColumn('browser_height', 'integer')
    .addColumn('os_name', text)
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('queued', text, (c) => c.notNull())
    .addColumn('started', text)
    .addColumn('ended', text)
    .addColumn('modified', text, (c) => c.notNull())
    .addColumn('sort_time', text, (c) => c.notNull())
    .addColumn('total_steps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('finished_steps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('variables', text, (c) => c.notNull())
    .addColumn('plan', text)
    .addColumn('suite_run_id', text)
    .addColumn('user_id', text)
    .addUniqueConstraint('test_runs_project_sequence_key', ['project_id', 'sequence'])
    .execute();
  // The run list orders by (sort_time, id) within a project, optionally filtered by status or
  // test: each index serves one of those shapes without a sort, also at 100,000 runs.
  await db.schema.createIndex('test_runs_list_idx').on('test_runs').columns(['project_id', 'sort_time', 'id']).execute();
  await db.schema.createIndex('test_runs_status_idx').on('test_runs').columns(['project_id', 'status', 'sort_time', 'id']).execute();
  await db.schema.createIndex('test_runs_test_idx').on('test_runs').columns(['project_id', 'test_id', 'sort_time', 'id']).execute();
  // The queue and crash recovery scan by status across projects, oldest first.
  await db.schema.createIndex('test_runs_queue_idx').on('test_runs').columns(['status', 'queued', 'id']).execute();

  await db.schema
    .createTable('step_runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('test_run_id', text, (c) => c.notNull().references('test_runs.id').onDelete('cascade'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('step_id', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('record', text, (c) => c.notNull())
    // No foreign key: the screenshot artifact and the step run are written by independent
    // events, in either order.
    .addColumn('screenshot_key', text)
    .execute();
  await db.schema.createIndex('step_runs_run_idx').on('step_runs').columns(['test_run_id', 'sequence']).execute();

  await db.schema
    .createTable('artifacts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('test_run_id', text, (c) => c.notNull().references('test_runs.id').onDelete('cascade'))
    .addColumn('step_run_id', text)
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('blob_key', text, (c) => c.notNull())
    .addColumn('content_type', text, (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('expires_at', text)
    .execute();
  await db.schema.createIndex('artifacts_run_kind_idx').on('artifacts').columns(['test_run_id', 'kind']).execute();
  await db.schema.createIndex('artifacts_expires_idx').on('artifacts').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['artifacts', 'step_runs', 'test_runs', ...DEFINITION_TABLES, 'api_tokens', 'projects']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

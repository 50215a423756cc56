import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';

/*
 * Frozen. Suite runs: one row per run of a suite, and on each of its test runs where it stands in
 * the suite (position, attempt) and whether it is held back until the suite releases it
 * (a sequential suite's later tests). A held run is `queued` but in no queue.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const text: RawBuilder<unknown> = isPostgres ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('suite_runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    // No foreign key: history outlives the suite, and keeps its name for that reason.
    .addColumn('suite_id', text, (c) => c.notNull())
    .addColumn('suite_name', text, (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('error_code', text)
    .addColumn('error_message', text)
    .addColumn('triggered_by', text, (c) => c.notNull())
    .addColumn('profile_id', text)
    .addColumn('profile_name', text)
    .addColumn('variables', text, (c) => c.notNull())
    .addColumn('parallel_run', 'integer', (c) => c.notNull())
    .addColumn('parallel_slots', 'integer', (c) => c.notNull())
    .addColumn('auto_retry', 'integer', (c) => c.notNull())
    .addColumn('total_tests', 'integer', (c) => c.notNull())
    .addColumn('queued', text, (c) => c.notNull())
    .addColumn('started', text)
    .addColumn('ended', text)
    .addColumn('modified', text, (c) => c.notNull())
    .addColumn('sort_time', text, (c) => c.notNull())
    .addColumn('user_id', text)
    .addUniqueConstraint('suite_runs_project_sequence_key', ['project_id', 'sequence'])
    .execute();
  await db.schema.createIndex('suite_runs_list_idx').on('suite_runs').columns(['project_id', 'sort_time', 'id']).execute();
  // Recovery looks for suite runs not finished yet, across projects.
  await db.schema.createIndex('suite_runs_status_idx').on('suite_runs').columns(['status', 'queued']).execute();
  await db.schema
    .alterTable('projects')
    .addColumn('suite_run_sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('test_runs').addColumn('suite_position', 'integer').execute();
  await db.schema
    .alterTable('test_runs')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('test_runs')
    .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('test_runs_suite_idx').on('test_runs').columns(['suite_run_id', 'suite_position', 'attempt']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('test_runs_suite_idx').execute();
  for (const column of ['held', 'attempt', 'suite_position']) await db.schema.alterTable('test_runs').dropColumn(column).execute();
  await db.schema.alterTable('projects').dropColumn('suite_run_sequence').execute();
  await db.schema.dropTable('suite_runs').execute();
}

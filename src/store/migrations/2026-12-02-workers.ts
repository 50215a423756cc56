import type { Kysely } from 'kysely';

/*
 * Frozen. Scale-out: the processes that execute runs, which of them owns each run, and settings
 * every process shares (the file-link secret, whether the demo project was imported).
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('started', 'text', (c) => c.notNull())
    .addColumn('heartbeat', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workers_heartbeat').on('workers').column('heartbeat').execute();
  await db.schema.alterTable('test_runs').addColumn('worker_id', 'text').execute();
  // Queue depth, the oldest queued run and recovery all look runs up by status across projects.
  await db.schema.createIndex('test_runs_status_queued').on('test_runs').columns(['status', 'queued']).execute();
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  await db.schema.dropIndex('test_runs_status_queued').execute();
  await db.schema.alterTable('test_runs').dropColumn('worker_id').execute();
  await db.schema.dropTable('workers').execute();
}

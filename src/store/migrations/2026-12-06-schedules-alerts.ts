import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';

/*
 * Frozen. Schedules and alerts (issue #16):
 * - schedules, and on each run a schedule started which schedule and which tick of it (one run
 *   per tick is also a unique index: two processes can never both start the same tick);
 * - alerts, an outbox of run events, and each alert's deliveries. The outbox is written by
 *   triggers in the transaction that changes a run's status, so whoever changes it (a worker, a
 *   stop, recovery) and whatever then dies, every start and end of a watched run is told once.
 *   Only projects with an enabled alert pay for it.
 */

const TERMINAL = `('passed', 'failed', 'error', 'stopped', 'skipped')`;

/** When a status change is an alert event: `running` is a start, a terminal status from an active one an end. */
const EVENT_WHEN = `((new.status = 'running' and old.status in ('queued', 'initialized'))
  or (new.status in ${TERMINAL} and old.status in ('queued', 'initialized', 'running')))
  and exists (select 1 from alerts where alerts.project_id = new.project_id and alerts.enabled = 1)`;
const EVENT_NAME = `case when new.status = 'running' then 'started' else 'finished' end`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const text: RawBuilder<unknown> = isPostgres ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('schedules')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    // 'test' | 'suite'; no foreign key: a deleted target makes the schedule's runs fail, visibly.
    .addColumn('target_type', text, (c) => c.notNull())
    .addColumn('target_id', text, (c) => c.notNull())
    .addColumn('cron', text, (c) => c.notNull())
    .addColumn('timezone', text, (c) => c.notNull())
    .addColumn('profile_id', text)
    .addColumn('variables', text, (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // The next tick to start; null while disabled.
    .addColumn('next_run_at', text)
    .addColumn('last_run_at', text)
    .addColumn('last_run_id', text)
    .addColumn('last_skipped_at', text)
    .addColumn('last_skip_reason', text)
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('modified', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedules_due_idx').on('schedules').columns(['enabled', 'next_run_at']).execute();
  await db.schema.createIndex('schedules_project_idx').on('schedules').columns(['project_id', 'created', 'id']).execute();
  for (const table of ['test_runs', 'suite_runs']) {
    await db.schema.alterTable(table).addColumn('schedule_id', text).execute();
    await db.schema.alterTable(table).addColumn('scheduled_for', text).execute();
    await db.schema
      .createIndex(`${table}_schedule_tick_key`)
      .on(table)
      .columns(['schedule_id', 'scheduled_for'])
      .unique()
      .where(sql.ref('schedule_id'), 'is not', null)
      .execute();
  }

  await db.schema
    .createTable('alerts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('event', text, (c) => c.notNull())
    .addColumn('target', text, (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('filters', text, (c) => c.notNull())
    .addColumn('action', text, (c) => c.notNull())
    // Signs webhook deliveries; shown once, when the alert is created.
    .addColumn('secret', text)
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('modified', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_project_idx').on('alerts').columns(['project_id', 'enabled']).execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', isPostgres ? 'bigserial' : 'integer', (c) => (isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('run_id', text, (c) => c.notNull())
    .addColumn('event', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('created', text, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('alert_id', text, (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('event', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('run_id', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('response_code', 'integer')
    .addColumn('error', text)
    // JSON AlertPayload, captured when the event happened.
    .addColumn('payload', text, (c) => c.notNull())
    .addColumn('next_attempt_at', text)
    .addColumn('last_attempt_at', text)
    .addColumn('delivered_at', text)
    .addColumn('created', text, (c) => c.notNull())
    .addUniqueConstraint('alert_deliveries_event_key', ['alert_id', 'kind', 'run_id', 'event'])
    .execute();
  await db.schema.createIndex('alert_deliveries_due_idx').on('alert_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('alert_deliveries_alert_idx').on('alert_deliveries').columns(['alert_id', 'created', 'id']).execute();

  if (isPostgres) {
    const now = `to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    for (const [table, kind, extra] of [
      ['test_runs', 'test', ' and new.suite_run_id is null'],
      ['suite_runs', 'suite', ''],
    ] as const) {
      await sql
        .raw(
          `create function ${table}_alert_event() returns trigger language plpgsql set search_path from current as $$
          begin
            if ${EVENT_WHEN} then
              insert into alert_events (project_id, kind, run_id, event, status, created)
              values (new.project_id, '${kind}', new.id, ${EVENT_NAME}, new.status, ${now});
            end if;
            return null;
          end $$`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger ${table}_alert_event after update of status on ${table} for each row
           when (new.status is distinct from old.status${extra}) execute function ${table}_alert_event()`,
        )
        .execute(db);
    }
  } else {
    const now = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
    for (const [table, kind, extra] of [
      ['test_runs', 'test', ' and new.suite_run_id is null'],
      ['suite_runs', 'suite', ''],
    ] as const) {
      await sql
        .raw(
          `create trigger ${table}_alert_event after update of status on ${table}
           when new.status <> old.status${extra} and ${EVENT_WHEN}
           begin
             insert into alert_events (project_id, kind, run_id, event, status, created)
             values (new.project_id, '${kind}', new.id, ${EVENT_NAME}, new.status, ${now});
           end`,
        )
        .execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const table of ['test_runs', 'suite_runs']) {
    await sql.raw(`drop trigger if exists ${table}_alert_event${isPostgres ? ` on ${table}` : ''}`).execute(db);
    if (isPostgres) await sql.raw(`drop function if exists ${table}_alert_event()`).execute(db);
    await db.schema.dropIndex(`${table}_schedule_tick_key`).execute();
    await db.schema.alterTable(table).dropColumn('scheduled_for').execute();
    await db.schema.alterTable(table).dropColumn('schedule_id').execute();
  }
  for (const table of ['alert_deliveries', 'alert_events', 'alerts', 'schedules']) await db.schema.dropTable(table).execute();
}

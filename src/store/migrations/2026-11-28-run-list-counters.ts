import { PostgresAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/*
 * Frozen (see 2026-11-28-initial.ts). Two counters, kept by triggers so they stay exact whoever
 * writes (the repositories, a cascade, another process, SQL typed by an operator):
 * - projects.run_count: the project's runs, so the unfiltered run list does not count(*) the
 *   whole history on every page (11.6 ms at 100,000 runs);
 * - test_runs.steps_version: bumped by every write to the run's step runs, so a reader can tell
 *   that what it derived from them (a run's serialized JSON) is still current without reading
 *   them again.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .alterTable('projects')
    .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('test_runs')
    .addColumn('steps_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update projects set run_count = (select count(*) from test_runs where test_runs.project_id = projects.id)`.execute(db);
  if (isPostgres) {
    // search_path pinned to the schema being migrated: the triggers then find their tables from
    // any connection, whatever its own search_path.
    await sql`
      create function test_runs_count() returns trigger language plpgsql set search_path from current as $$
      begin
        if tg_op = 'UPDATE' and old.project_id = new.project_id then return null; end if;
        if tg_op in ('INSERT', 'UPDATE') then update projects set run_count = run_count + 1 where id = new.project_id; end if;
        if tg_op in ('DELETE', 'UPDATE') then update projects set run_count = run_count - 1 where id = old.project_id; end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger test_runs_count after insert or delete or update of project_id on test_runs for each row execute function test_runs_count()`.execute(
      db,
    );
    await sql`
      create function step_runs_version() returns trigger language plpgsql set search_path from current as $$
      begin
        if tg_op in ('INSERT', 'UPDATE') then update test_runs set steps_version = steps_version + 1 where id = new.test_run_id; end if;
        if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.test_run_id <> new.test_run_id) then
          update test_runs set steps_version = steps_version + 1 where id = old.test_run_id;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger step_runs_version after insert or update or delete on step_runs for each row execute function step_runs_version()`.execute(db);
  } else {
    await sql`create trigger test_runs_count_insert after insert on test_runs begin
      update projects set run_count = run_count + 1 where id = new.project_id; end`.execute(db);
    await sql`create trigger test_runs_count_delete after delete on test_runs begin
      update projects set run_count = run_count - 1 where id = old.project_id; end`.execute(db);
    await sql`create trigger test_runs_count_move after update of project_id on test_runs when old.project_id <> new.project_id begin
      update projects set run_count = run_count - 1 where id = old.project_id;
      update projects set run_count = run_count + 1 where id = new.project_id; end`.execute(db);
    await sql`create trigger step_runs_version_insert after insert on step_runs begin
      update test_runs set steps_version = steps_version + 1 where id = new.test_run_id; end`.execute(db);
    await sql`create trigger step_runs_version_update after update on step_runs begin
      update test_runs set steps_version = steps_version + 1 where id in (old.test_run_id, new.test_run_id); end`.execute(db);
    await sql`create trigger step_runs_version_delete after delete on step_runs begin
      update test_runs set steps_version = steps_version + 1 where id = old.test_run_id; end`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (isPostgres) {
    await sql`drop trigger if exists step_runs_version on step_runs`.execute(db);
    await sql`drop function if exists step_runs_version()`.execute(db);
    await sql`drop trigger if exists test_runs_count on test_runs`.execute(db);
    await sql`drop function if exists test_runs_count()`.execute(db);
  } else {
    for (const name of [
      'step_runs_version_insert',
      'step_runs_version_update',
      'step_runs_version_delete',
      'test_runs_count_insert',
      'test_runs_count_delete',
      'test_runs_count_move',
    ]) {
      await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
    }
  }
  await db.schema.alterTable('test_runs').dropColumn('steps_version').execute();
  await db.schema.alterTable('projects').dropColumn('run_count').execute();
}

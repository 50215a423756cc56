import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import * as initial from '../../src/store/migrations/2026-11-28-initial.js';
import { openStore } from '../../src/store/index.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('counts the runs a database already had when the run-count migration is applied', async () => {
  dir = mkdtempSync(join(tmpdir(), 'bugrun-migrate-'));
  // A database as the first release left it: only the initial migration, with runs in it.
  const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(join(dir, 'bugrun.sqlite')) }) });
  const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => ({ '2026-11-28-initial': initial }) } }).migrateToLatest();
  expect(error).toBeUndefined();
  await old.destroy();
  const raw = new SQLite(join(dir, 'bugrun.sqlite'));
  const projectId = randomUUID();
  const at = '2026-01-01T00:00:00.000Z';
  raw.prepare('insert into projects (id, name, slug, run_sequence, created, modified) values (?, ?, ?, 3, ?, ?)').run(projectId, 'P', 'p', at, at);
  const insert =
    raw.prepare(`insert into test_runs (id, project_id, test_name, status, triggered_by, run_mode, screen_size_type, sequence, queued, modified, sort_time, variables)
    values (?, ?, 'T', 'passed', 'api', 'server', 'desktop', ?, ?, ?, ?, '[]')`);
  for (let i = 1; i <= 3; i++) insert.run(randomUUID(), projectId, i, at, at, at);
  raw.close();

  const store = await openStore({ dataDir: dir });
  try {
    expect((await store.runs.list(projectId, { ordering: 'started', offset: 0, limit: 2 })).count).toBe(3);
    await store.runs.create({ projectId, testName: 'T', triggeredBy: 'api', runMode: 'server', screenSizeType: 'desktop' });
    const page = await store.runs.list(projectId, { ordering: 'started', offset: 2, limit: 2 });
    expect(page.count).toBe(4);
    // The three old runs share one time (ordered by random id); the new one is last.
    expect(page.rows.map((r) => r.sequence)[1]).toBe(4);
    expect(page.rows).toHaveLength(2);
  } finally {
    await store.close();
  }
});

it('walks to a page from whichever end of the list is nearer', async () => {
  const { shorterWalk } = await import('../../src/store/runs.js');
  expect(shorterWalk(100, 0, 20, 'desc')).toEqual({ walk: 'desc', offset: 0, limit: 20, order: 'desc' });
  expect(shorterWalk(100, 80, 20, 'desc')).toEqual({ walk: 'asc', offset: 0, limit: 20, order: 'desc' });
  expect(shorterWalk(100, 90, 20, 'asc')).toEqual({ walk: 'desc', offset: 0, limit: 10, order: 'asc' });
  expect(shorterWalk(100_000, 89_980, 20, 'desc')).toEqual({ walk: 'asc', offset: 10_000, limit: 20, order: 'desc' });
  expect(shorterWalk(100, 100, 20, 'desc').limit).toBe(0);
});

import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { reusableQuery } from '../../src/store/reusable-query.js';

describe('reusable compiled query', () => {
  const raw = new SQLite(':memory:');
  raw.exec(`create table projects (id text, name text, slug text, settings text, run_sequence integer, run_count integer, created text, modified text);
    insert into projects values ('p1', 'One', 'one', null, 0, 0, 'c', 'm'), ('p2', 'Two', 'two', null, 0, 0, 'c', 'm')`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  afterAll(() => db.destroy());

  it("runs the query compiled once with each call's parameters, in argument order", async () => {
    const find = reusableQuery(db, 2, (id, slug) => db.selectFrom('projects').select('name').where('id', '=', id).where('slug', '=', slug));
    expect(await find('p1', 'one')).toEqual([{ name: 'One' }]);
    expect(await find('p2', 'two')).toEqual([{ name: 'Two' }]);
    expect(await find('p2', 'one')).toEqual([]);
  });

  it('refuses a query whose parameters are not its arguments once each, in order', async () => {
    const swapped = reusableQuery(db, 2, (id, slug) => db.selectFrom('projects').select('name').where('slug', '=', slug).where('id', '=', id));
    await expect(swapped('p1', 'one')).rejects.toThrow(/in order/);
    const extra = reusableQuery(db, 1, (id) => db.selectFrom('projects').select('name').where('id', '=', id).where('run_count', '=', 0));
    await expect(extra('p1')).rejects.toThrow(/once each/);
  });
});

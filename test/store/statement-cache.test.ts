import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingDatabase } from '../../src/store/statement-cache.js';

describe('SQLite prepared-statement cache', () => {
  let raw: SQLite.Database;

  beforeEach(() => {
    raw = new SQLite(':memory:');
    raw.exec('create table t (n integer); insert into t values (1), (2), (3)');
  });

  afterEach(() => {
    if (raw.open) raw.close();
  });

  it('returns the same statement for the same SQL, with its reader flag and fresh parameters each call', () => {
    const db = cachingDatabase(raw);
    const select = db.prepare('select n from t where n >= ? order by n');
    expect(db.prepare('select n from t where n >= ? order by n')).toBe(select);
    expect(select.reader).toBe(true);
    expect(select.all([2])).toEqual([{ n: 2 }, { n: 3 }]);
    expect(db.prepare('select n from t where n >= ? order by n').all([3])).toEqual([{ n: 3 }]);
    const insert = db.prepare('insert into t values (?)');
    expect(insert.reader).toBe(false);
    expect(insert.run([4]).changes).toBe(1);
    expect(db.prepare('insert into t values (?)').run([5]).changes).toBe(1);
    expect(db.prepare('select count(*) as c from t').all([])).toEqual([{ c: 5 }]);
  });

  it('keeps at most maxSize statements, dropping the least recently used', () => {
    const db = cachingDatabase(raw, 2);
    const a = db.prepare('select 1 as a');
    const b = db.prepare('select 2 as b');
    expect(db.prepare('select 1 as a')).toBe(a); // a is now the most recent
    db.prepare('select 3 as c'); // evicts b
    expect(db.cached).toBe(2);
    expect(db.prepare('select 1 as a')).toBe(a);
    expect(db.prepare('select 2 as b')).not.toBe(b);
  });

  it('never hands out a statement while an iteration over it is still open', () => {
    const db = cachingDatabase(raw);
    const sql = 'select n from t order by n';
    const first = db.prepare(sql);
    const iter = first.iterate([]);
    expect(iter.next().value).toEqual({ n: 1 });
    // Reusing `first` here would throw "This statement is busy executing a query".
    const second = db.prepare(sql);
    expect(second).not.toBe(first);
    expect(second.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...iter]).toEqual([{ n: 2 }, { n: 3 }]);
    expect(db.prepare(sql)).toBe(second);
  });

  it('closes the database', () => {
    const db = cachingDatabase(raw);
    db.prepare('select 1');
    db.close();
    expect(raw.open).toBe(false);
    expect(db.cached).toBe(0);
  });
});

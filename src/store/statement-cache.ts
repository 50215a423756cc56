import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every distinct query the repositories build (an `in` list of n values is its own SQL). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL)
 * costs more than running the small indexed queries of the API. This hands Kysely a database
 * whose `prepare` returns a cached statement for SQL text it has seen, least recently used out.
 *
 * Reuse is safe because Kysely only calls `reader`, `all`, `run` and `iterate` (with all the
 * parameters each time) and never switches a statement's modes (`raw`, `pluck`, `expand`,
 * `safeIntegers`). A statement whose `iterate` is still open is `busy` and cannot run again
 * until the iteration ends, so a busy statement is replaced by a fresh one rather than reused.
 */
export function cachingDatabase(database: SQLite.Database, maxSize = STATEMENT_CACHE_SIZE): SqliteDatabase & { readonly cached: number } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt !== undefined && !stmt.busy) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
        cache.set(sql, stmt);
        return stmt;
      }
      stmt = database.prepare(sql);
      cache.delete(sql);
      cache.set(sql, stmt);
      if (cache.size > maxSize) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
    close(): void {
      cache.clear();
      database.close();
    },
    get cached() {
      return cache.size;
    },
  };
}

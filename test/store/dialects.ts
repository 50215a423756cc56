import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';

/** Where the PostgreSQL variant runs; override for another server. */
export const PG_URL = process.env.BUGRUN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Null when PostgreSQL answers; otherwise why not (the PG variant is then skipped, and says so). */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One dialect's disposable database: a temp dir, plus a fresh schema on PostgreSQL. */
export interface StoreFixture {
  open(): Promise<Store>;
  /** Reads tables directly, bypassing the repositories. */
  raw<Row>(query: string): Promise<Row[]>;
  /** Writes directly, as another process or an operator would. */
  exec(query: string): Promise<void>;
  dispose(): Promise<void>;
}

export function sqliteFixture(): StoreFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'bugrun-store-'));
  return {
    open: () => openStore({ dataDir }),
    async raw<Row>(query: string) {
      const db = new SQLite(join(dataDir, 'bugrun.sqlite'), { readonly: true });
      try {
        return db.prepare(query).all() as Row[];
      } finally {
        db.close();
      }
    },
    async exec(query: string) {
      const db = new SQLite(join(dataDir, 'bugrun.sqlite'));
      try {
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
        db.exec(query);
      } finally {
        db.close();
      }
    },
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function postgresFixture(): StoreFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'bugrun-store-'));
  const schema = `bugrun_test_${randomBytes(6).toString('hex')}`;
  const query = async <Row>(text: string): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query(text)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  return {
    open: () => openStore({ dataDir, databaseUrl: PG_URL, schema }),
    raw: query,
    exec: async (text: string) => void (await query(text)),
    async dispose() {
      await query(`drop schema if exists ${schema} cascade; drop schema if exists ${schema}_pgboss cascade`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A database of its own (for several processes, each with its own pool), dropped after. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bugrun_scratch_${randomBytes(6).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

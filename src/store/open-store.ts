import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { directoryBlobs, type BlobStore } from './blobs.js';
import type { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { postgresJobs, sqliteJobs, startBoss } from './run-jobs.js';
import { s3Blobs, type S3Location } from './s3-blobs.js';
import { localSignals, postgresSignals } from './signals.js';
import { cachingDatabase } from './statement-cache.js';
import { bindStore, type Store } from './store.js';

export interface StoreOptions {
  /** Holds bugrun.sqlite (SQLite) and artifacts/ (both dialects). */
  dataDir: string;
  /** `postgres://…` or `postgresql://…` switches to PostgreSQL; null/undefined means SQLite. */
  databaseUrl?: string | null;
  /** PostgreSQL only: the schema to use (created if missing), e.g. a disposable one per test. */
  schema?: string;
  /** Where the blobs live; default a directory, `<dataDir>/artifacts`. */
  artifacts?: BlobLocation;
  /** Background errors of the queue's maintenance (PostgreSQL). */
  onError?: (err: Error) => void;
  /**
   * SQLite: default true, the process takes the database for itself (a second one is refused).
   * False for a short task beside the running server that executes no runs (`bugrun token`).
   */
  exclusive?: boolean;
}

export type BlobLocation = { kind: 'directory'; path: string } | ({ kind: 's3' } & S3Location);

/** Another process holds the SQLite database. */
export class DatabaseInUseError extends Error {}

/**
 * Lower-case only: search_path folds unquoted names to lower case while CREATE SCHEMA quotes
 * them, so a mixed-case name would create one schema and search another.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the database, brings its schema up to date and binds the repositories. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const url = opts.databaseUrl ?? null;
  if (url !== null && !isPostgresUrl(url)) throw new RangeError('databaseUrl must start with postgres:// or postgresql://');
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new RangeError(`invalid schema name: ${opts.schema}`);
  // The data dir holds the database, secrets and every run's files: its owner's alone.
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const artifacts = opts.artifacts ?? { kind: 'directory', path: join(opts.dataDir, 'artifacts') };
  const blobs = artifacts.kind === 's3' ? await s3Blobs(artifacts) : await directoryBlobs(artifacts.path);
  try {
    return url === null ? await openSqliteStore(opts, blobs) : await openPostgresStore(url, opts, blobs);
  } catch (err) {
    blobs.close();
    throw err;
  }
}

async function openSqliteStore(opts: StoreOptions, blobs: BlobStore): Promise<Store> {
  const release = opts.exclusive === false ? () => undefined : lockSqlite(opts.dataDir);
  const db = openSqlite(opts.dataDir);
  await migrateOrDestroy(db, undefined, release);
  const signals = localSignals();
  let closing: Promise<void> | null = null;
  // Idempotent: a composition root may close on several shutdown paths.
  const close = () =>
    (closing ??= signals
      .close()
      .then(() => db.destroy())
      .finally(() => {
        release();
        blobs.close();
      }));
  return bindStore(db, { dialect: 'sqlite', blobs, signals, jobs: sqliteJobs, lockScope: 'bugrun', close });
}

async function openPostgresStore(url: string, opts: StoreOptions, blobs: BlobStore): Promise<Store> {
  const db = await openPostgres(url, opts.schema);
  const schema = await currentSchema(db).catch(async (err: unknown) => {
    await db.destroy();
    throw err;
  });
  await migrateOrDestroy(db, schema);
  const boss = await startBossSerialized(db, url, schema, opts.onError ?? (() => undefined)).catch(async (err: unknown) => {
    await db.destroy();
    throw err;
  });
  const signals = postgresSignals(db, url, schema);
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await signals.close();
      await boss.stop({ graceful: false, wait: true });
      await db.destroy();
      blobs.close();
    })());
  return bindStore(db, { dialect: 'postgres', blobs, signals, jobs: (d) => postgresJobs(boss, d), lockScope: `bugrun.${schema}`, close });
}

/**
 * Starts pg-boss while holding an advisory lock: its schema creation and `createQueue` on a fresh
 * database deadlock when several processes start at the same moment.
 */
async function startBossSerialized(db: Kysely<Database>, url: string, schema: string, onError: (err: Error) => void): Promise<PgBoss> {
  const key = `bugrun.${schema}.pg-boss-start`;
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(conn);
    try {
      return await startBoss(url, schema === 'public' ? 'pgboss' : `${schema}_pgboss`, onError);
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
    }
  });
}

async function migrateOrDestroy(db: Kysely<Database>, schema: string | undefined, release?: () => void): Promise<void> {
  try {
    await migrate(db, schema);
  } catch (err) {
    await db.destroy();
    release?.();
    throw err;
  }
}

/** Open SQLite lock files of this process, by path, with how many stores hold each. */
const heldLocks = new Map<string, number>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * SQLite serves one process: a second one on the same file would execute the same queued runs.
 * A lock file names the holder's pid; a lock whose process is gone is taken over.
 */
function lockSqlite(dataDir: string): () => void {
  const file = join(dataDir, 'bugrun.sqlite.lock');
  const held = heldLocks.get(file) ?? 0;
  if (held === 0) {
    for (;;) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(file, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
          throw new DatabaseInUseError(
            `Another Bugrun process (pid ${pid}) is using ${join(dataDir, 'bugrun.sqlite')}. SQLite serves one process; ` +
              'to run several, set BUGRUN_DATABASE_URL=postgres://... for all of them.',
          );
        }
        rmSync(file, { force: true });
      }
    }
  }
  heldLocks.set(file, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (heldLocks.get(file) ?? 1) - 1;
    if (left > 0) heldLocks.set(file, left);
    else {
      heldLocks.delete(file);
      rmSync(file, { force: true });
    }
  };
}

function openSqlite(dataDir: string): Kysely<Database> {
  const file = join(dataDir, 'bugrun.sqlite');
  // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  const database = new SQLite(file);
  // WAL lets readers work while a run is being recorded; NORMAL is durable in WAL mode except
  // for the last transactions on power loss; busy_timeout makes a second process wait, not fail.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(database) }) });
}

async function openPostgres(url: string, schema: string | undefined): Promise<Kysely<Database>> {
  const pool = new pg.Pool({
    connectionString: url,
    // Every pooled connection resolves unqualified table names in the chosen schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // pg emits 'error' when the server drops a connection; without a listener that event would
  // crash the process. The pool listens only while a client is idle: a client checked out (a
  // transaction, an advisory lock) between two queries needs its own. Either way the pool then
  // discards the client and the next query reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema !== undefined) {
    try {
      await createSchema(db, schema);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return db;
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (err) {
    // Two processes creating it at once: PostgreSQL may fail the loser even with IF NOT EXISTS.
    const found = await sql<{ n: string }>`select nspname as n from pg_namespace where nspname = ${schema}`.execute(db);
    if (found.rows.length === 0) throw err;
  }
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? null;
  if (schema === null) throw new Error('PostgreSQL has no current schema: check search_path');
  return schema;
}

/**
 * Applies pending migrations. Kysely's Migrator holds a lock while it migrates (an advisory
 * lock on PostgreSQL), so processes starting together apply each migration once. The migration
 * tables are pinned to the store's own schema: left unqualified, Kysely's existence check would
 * find another schema's migration table in the same database and skip creating ours.
 */
async function migrate(db: Kysely<Database>, migrationTableSchema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
  }
}

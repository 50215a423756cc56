import { sql, type Kysely } from 'kysely';
import { createAlertDeliveryRepo, type AlertDeliveryRepo } from './alert-deliveries.js';
import { createAlertEventRepo, type AlertEventRepo } from './alert-events.js';
import { createAlertRepo, type AlertRepo } from './alerts.js';
import { createArtifactRepo, type ArtifactRepo } from './artifacts.js';
import type { BlobStore } from './blobs.js';
import type { Database } from './database.js';
import { createDefinitionRepo, createProfileRepo, type DefinitionRepo, type ProfileRepo } from './definitions.js';
import { createProjectRepo, type ProjectRepo } from './projects.js';
import type { RunJobs } from './run-jobs.js';
import { createSettingRepo, type SettingRepo } from './settings.js';
import type { Signals } from './signals.js';
import { createWorkerRepo, type WorkerRepo } from './workers.js';
import { createRunRepo, type RunRepo } from './runs.js';
import { createScheduleRepo, type ScheduleRepo } from './schedules.js';
import { createStepRunRepo, type StepRunRepo } from './step-runs.js';
import { createSuiteRunRepo, type SuiteRunRepo } from './suite-runs.js';
import { createTestHistoryRepo, type TestHistoryRepo } from './test-history.js';
import { createTokenRepo, type TokenRepo } from './tokens.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly dialect: Dialect;
  /** True for the store `transaction` hands its callback: what it writes is not visible to others yet. */
  readonly inTransaction: boolean;
  readonly projects: ProjectRepo;
  readonly tokens: TokenRepo;
  readonly tests: DefinitionRepo;
  readonly components: DefinitionRepo;
  readonly profiles: ProfileRepo;
  readonly suites: DefinitionRepo;
  readonly runs: RunRepo;
  readonly suiteRuns: SuiteRunRepo;
  readonly stepRuns: StepRunRepo;
  readonly artifacts: ArtifactRepo;
  readonly workers: WorkerRepo;
  readonly settings: SettingRepo;
  readonly schedules: ScheduleRepo;
  readonly alerts: AlertRepo;
  readonly alertEvents: AlertEventRepo;
  readonly alertDeliveries: AlertDeliveryRepo;
  /** Read-only: how tests fared over time (history, outcomes, daily counts, durations). */
  readonly testHistory: TestHistoryRepo;
  /** The run queue; its writes join this store's transaction. */
  readonly jobs: RunJobs;
  /** Messages to the other processes of this database (not transactional). */
  readonly signals: Signals;
  /** Not transactional: files written inside a rolled-back transaction stay written. */
  readonly blobs: BlobStore;
  /**
   * Runs `fn` with repositories bound to one transaction: all of it commits, or (when `fn`
   * throws) none of it. Inside, use only `tx`: on SQLite the outer store waits for the
   * transaction's connection, so touching it from `fn` would wait forever. Nested calls join
   * the outer transaction.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` unless another process of this database is running it under the same name (a
   * PostgreSQL advisory lock, held on one connection for the duration); null when it is.
   */
  exclusive<T>(name: string, fn: (store: Store) => Promise<T>): Promise<T | null>;
  /** Rejects when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What does not depend on the transaction: shared by a store and its transactions. */
export interface StoreParts {
  dialect: Dialect;
  blobs: BlobStore;
  signals: Signals;
  jobs: (db: Kysely<Database>) => RunJobs;
  /** Prefix of advisory lock names, so stores in different schemas of one database do not collide. */
  lockScope: string;
  close: () => Promise<void>;
}

/** Binds every repository to `db` (the pool or one transaction). */
export function bindStore(db: Kysely<Database>, parts: StoreParts): Store {
  const { dialect, blobs, signals, close } = parts;
  const store: Store = {
    dialect,
    inTransaction: db.isTransaction,
    projects: createProjectRepo(db),
    tokens: createTokenRepo(db),
    tests: createDefinitionRepo(db, 'tests'),
    components: createDefinitionRepo(db, 'components'),
    profiles: createProfileRepo(db),
    suites: createDefinitionRepo(db, 'suites'),
    runs: createRunRepo(db),
    suiteRuns: createSuiteRunRepo(db),
    stepRuns: createStepRunRepo(db),
    artifacts: createArtifactRepo(db),
    workers: createWorkerRepo(db),
    settings: createSettingRepo(db),
    schedules: createScheduleRepo(db),
    alerts: createAlertRepo(db),
    alertEvents: createAlertEventRepo(db),
    alertDeliveries: createAlertDeliveryRepo(db),
    testHistory: createTestHistoryRepo(db, dialect),
    jobs: parts.jobs(db),
    signals,
    blobs,
    async transaction(fn) {
      if (db.isTransaction) return fn(store);
      return db.transaction().execute((trx) => fn(bindStore(trx, { ...parts, close: closeInTransaction })));
    },
    async exclusive(name, fn) {
      // SQLite serves one process, and this process does not run one job twice at once.
      if (dialect === 'sqlite') return fn(store);
      const key = `${parts.lockScope}.${name}`;
      return db.connection().execute(async (conn) => {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(conn);
        if (!rows[0]?.locked) return null;
        try {
          return await fn(bindStore(conn, { ...parts, close: closeInTransaction }));
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
        }
      });
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close,
  };
  return store;
}

async function closeInTransaction(): Promise<void> {
  throw new Error('close the store, not a transaction');
}

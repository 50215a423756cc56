import type { Kysely } from 'kysely';
import { createArtifactRepo, type ArtifactRepo } from './artifacts.js';
import type { BlobStore } from './blobs.js';
import type { Database } from './database.js';
import { createDefinitionRepo, createProfileRepo, type DefinitionRepo, type ProfileRepo } from './definitions.js';
import { createProjectRepo, type ProjectRepo } from './projects.js';
import { createRunRepo, type RunRepo } from './runs.js';
import { createStepRunRepo, type StepRunRepo } from './step-runs.js';
import { createTokenRepo, type TokenRepo } from './tokens.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly dialect: Dialect;
  readonly projects: ProjectRepo;
  readonly tokens: TokenRepo;
  readonly tests: DefinitionRepo;
  readonly components: DefinitionRepo;
  readonly profiles: ProfileRepo;
  readonly suites: DefinitionRepo;
  readonly runs: RunRepo;
  readonly stepRuns: StepRunRepo;
  readonly artifacts: ArtifactRepo;
  /** Not transactional: files written inside a rolled-back transaction stay written. */
  readonly blobs: BlobStore;
  /**
   * Runs `fn` with repositories bound to one transaction: all of it commits, or (when `fn`
   * throws) none of it. Inside, use only `tx`: on SQLite the outer store waits for the
   * transaction's connection, so touching it from `fn` would wait forever. Nested calls join
   * the outer transaction.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Binds every repository to `db` (the pool or one transaction). */
export function bindStore(db: Kysely<Database>, dialect: Dialect, blobs: BlobStore, close: () => Promise<void>): Store {
  const store: Store = {
    dialect,
    projects: createProjectRepo(db),
    tokens: createTokenRepo(db),
    tests: createDefinitionRepo(db, 'tests'),
    components: createDefinitionRepo(db, 'components'),
    profiles: createProfileRepo(db),
    suites: createDefinitionRepo(db, 'suites'),
    runs: createRunRepo(db),
    stepRuns: createStepRunRepo(db),
    artifacts: createArtifactRepo(db),
    blobs,
    async transaction(fn) {
      if (db.isTransaction) return fn(store);
      return db.transaction().execute((trx) => fn(bindStore(trx, dialect, blobs, closeInTransaction)));
    },
    close,
  };
  return store;
}

async function closeInTransaction(): Promise<void> {
  throw new Error('close the store, not a transaction');
}

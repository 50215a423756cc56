import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from './database.js';

/** A queued run handed to a worker; `jobId` is the queue's own handle (none on SQLite). */
export interface QueuedJob {
  runId: string;
  jobId: string | null;
}

/**
 * The run queue. On PostgreSQL it is pg-boss's: each run's job is written in the transaction
 * that creates its row, and taken by exactly one worker (SKIP LOCKED). On SQLite, which serves
 * one process, the queued rows not held by a suite run are the queue.
 */
export interface RunJobs {
  /** Call inside the transaction that creates the run (or releases a held one). */
  enqueue(runId: string): Promise<void>;
  /** Up to `max` jobs, oldest first; each must be `settle`d. */
  take(max: number): Promise<QueuedJob[]>;
  /** Marks the job done; call inside the transaction that claims the run. */
  settle(job: QueuedJob): Promise<void>;
}

const QUEUE = 'bugrun-runs';

export function sqliteJobs(db: Kysely<Database>): RunJobs {
  return {
    async enqueue() {},
    async take(max) {
      const rows = await db
        .selectFrom('test_runs')
        .select('id')
        .where('status', '=', 'queued')
        .where('held', '=', 0)
        .orderBy('queued')
        .orderBy('id')
        .limit(max)
        .execute();
      return rows.map((r) => ({ runId: r.id, jobId: null }));
    },
    async settle() {},
  };
}

/** Starts pg-boss in its own schema (created on first start) beside the store's. */
export async function startBoss(url: string, schema: string, onError: (err: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, schema, max: 4, schedule: false, supervise: true, migrate: true });
  boss.on('error', onError);
  await boss.start();
  // A job a worker took but never claimed (the worker died in between) expires and is retried.
  await boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 20, retryDelay: 1, expireInSeconds: 60 });
  return boss;
}

/** pg-boss jobs; `db` is the pool or the transaction the calls join. */
export function postgresJobs(boss: PgBoss, db: Kysely<Database>): RunJobs {
  const executor: PgBoss.Db = {
    async executeSql(text, values) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows };
    },
  };
  return {
    async enqueue(runId) {
      await boss.send(QUEUE, { runId }, { id: runId, db: executor });
    },
    async take(max) {
      const jobs = await boss.fetch<{ runId: string }>(QUEUE, { batchSize: max });
      return jobs.map((j) => ({ runId: j.data.runId, jobId: j.id }));
    },
    async settle(job) {
      if (job.jobId !== null) await boss.complete(QUEUE, job.jobId, { db: executor });
    },
  };
}

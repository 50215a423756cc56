import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';

const DAY_MS = 86_400_000;

/** A random v4-style UUID in SQLite, so seeded ids pass the API's UUID check. */
const UUID_SQL = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

export interface SeedResult {
  ms: number;
  runsPerSecond: number;
}

function columnsOf(db: SQLite.Database, table: string): string[] {
  return (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/**
 * Copies a real finished run `count` times in one INSERT … SELECT over a recursive sequence, on
 * the service's own SQLite file (a second connection; WAL lets the service keep serving). Each
 * copy gets a new id and sequence number, and timestamps spread over the past 30 days, older
 * than every real run. Copying a real row keeps the plan, variables and browser fields
 * realistic, which matters because the status endpoint reads (and parses) the whole row.
 * Going through `store.runs.create` costs ~1–3 ms a run here (a transaction, two statements
 * compiled and prepared each time): minutes for 100,000 runs.
 */
export function seedRunsFromTemplate(dataDir: string, templateRunId: string, count: number): SeedResult {
  const t0 = performance.now();
  const db = new SQLite(join(dataDir, 'bugrun.sqlite'));
  try {
    db.pragma('busy_timeout = 10000');
    const template = db.prepare('select project_id, sequence from test_runs where id = ?').get(templateRunId) as
      { project_id: string; sequence: number } | undefined;
    if (!template) throw new Error(`bench: template run ${templateRunId} not found`);
    const project = db.prepare('select run_sequence from projects where id = ?').get(template.project_id) as { run_sequence: number };
    const start = Date.now() - 30 * DAY_MS;
    const stepSeconds = (29 * DAY_MS) / 1000 / count;
    const iso = (offsetSeconds: string): string => `strftime('%Y-%m-%dT%H:%M:%fZ', ${start / 1000} + seq.n * ${stepSeconds} + ${offsetSeconds}, 'unixepoch')`;
    const overrides: Record<string, string> = {
      id: UUID_SQL,
      sequence: `${project.run_sequence} + seq.n`,
      status: `case when seq.n % 10 = 0 then 'failed' else 'passed' end`,
      queued: iso('0'),
      started: iso('0.05'),
      ended: iso('5'),
      modified: iso('5'),
      sort_time: iso('0.05'),
    };
    const cols = columnsOf(db, 'test_runs');
    const select = cols.map((c) => overrides[c] ?? `t.${c}`).join(', ');
    db.transaction(() => {
      db.prepare(
        `with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ?)
         insert into test_runs (${cols.join(', ')}) select ${select} from seq, test_runs t where t.id = ?`,
      ).run(count, templateRunId);
      db.prepare('update projects set run_sequence = run_sequence + ? where id = ?').run(count, template.project_id);
    })();
  } finally {
    db.close();
  }
  const ms = performance.now() - t0;
  return { ms, runsPerSecond: (count * 1000) / ms };
}

/**
 * Gives the listed runs the step runs of `templateRunId` (new ids), so a list page over seeded
 * runs serializes as much as one over real runs. Only the measured page needs them: its cost
 * depends on its own rows, plus the index walk to its offset.
 */
export function copyStepRuns(dataDir: string, templateRunId: string, runIds: readonly string[]): number {
  const db = new SQLite(join(dataDir, 'bugrun.sqlite'));
  try {
    db.pragma('busy_timeout = 10000');
    const cols = columnsOf(db, 'step_runs');
    const select = cols.map((c) => (c === 'id' ? UUID_SQL : c === 'test_run_id' ? '?' : c)).join(', ');
    const insert = db.prepare(`insert into step_runs (${cols.join(', ')}) select ${select} from step_runs where test_run_id = ?`);
    let rows = 0;
    db.transaction(() => {
      for (const id of runIds) rows += insert.run(id, templateRunId).changes;
    })();
    return rows;
  } finally {
    db.close();
  }
}

import type { ColumnType } from 'kysely';

/**
 * Table types for Kysely. They mirror the frozen migrations: when a migration changes a table,
 * change the type here too (the migrations themselves never import this file, so old migrations
 * keep describing the schema as it was).
 *
 * Conventions shared by both dialects, so one code path serves SQLite and PostgreSQL:
 * timestamps are ISO-8601 UTC TEXT with milliseconds (they sort lexicographically), ids are UUID
 * TEXT, JSON documents are TEXT, booleans are INTEGER 0/1.
 */

/** PostgreSQL returns `bigint` as a string (it may exceed 2^53); SQLite returns a number. */
type BigIntColumn = ColumnType<number | string, number, number>;

export interface ProjectTable {
  id: string;
  name: string;
  slug: string;
  /** JSON or NULL. */
  settings: string | null;
  /** Last run sequence handed out; bumped in the transaction that creates a run. */
  run_sequence: ColumnType<number, number | undefined, number>;
  /** Runs of the project, kept exact by triggers on test_runs; read-only for the code. */
  run_count: ColumnType<number, never, never>;
  /** Last suite run sequence handed out. */
  suite_run_sequence: ColumnType<number, number | undefined, number>;
  created: string;
  modified: string;
}

export interface ApiTokenTable {
  id: string;
  project_id: string;
  name: string;
  /** sha256 hex of the token; the plaintext is never stored. */
  token_hash: string;
  /** First characters of the token, so people can tell tokens apart in a list. */
  prefix: string;
  created: string;
  last_used: string | null;
  revoked: ColumnType<number, number | undefined, number>;
}

/** tests, components, suites (and profiles, plus is_default) share this shape. */
export interface DefinitionTable {
  id: string;
  project_id: string;
  slug: string;
  name: string;
  /** Lower-cased name, computed in JS so search and ordering match in both dialects. */
  name_key: string;
  /** JSON. */
  data: string;
  created: string;
  modified: string;
}

export interface ProfileTable extends DefinitionTable {
  is_default: ColumnType<number, number | undefined, number>;
}

export interface TestRunTable {
  id: string;
  project_id: string;
  test_id: string | null;
  test_name: string;
  profile_id: string | null;
  profile_name: string | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
  triggered_by: string;
  run_mode: string;
  screen_size_type: string;
  browser_name: string | null;
  browser_version: string | null;
  browser_width: number | null;
  browser_height: number | null;
  os_name: string | null;
  sequence: number;
  queued: string;
  started: string | null;
  ended: string | null;
  modified: string;
  /** started ?? queued: the one column lists order and filter by, so one index serves them. */
  sort_time: string;
  total_steps: number;
  finished_steps: number;
  /** JSON array of {key, value}. */
  variables: string;
  /** JSON TestPlan or NULL. */
  plan: string | null;
  suite_run_id: string | null;
  user_id: string | null;
  /** Bumped by a trigger on every write to the run's step runs; read-only for the code. */
  steps_version: ColumnType<number, never, never>;
  /** The worker executing (or that last executed) the run; its writes are fenced by it. */
  worker_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where the test stands in its suite run (0-based), null outside a suite. */
  suite_position: ColumnType<number | null, number | null | undefined, number | null>;
  /** 1, then 2, 3… for a suite's auto-retries of the same test. */
  attempt: ColumnType<number, number | undefined, number>;
  /** 1: queued but in no queue until its suite run releases it. */
  held: ColumnType<number, number | undefined, number>;
  /** The schedule that started the run and the tick it started it for (unique together). */
  schedule_id: ColumnType<string | null, string | null | undefined, string | null>;
  scheduled_for: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SuiteRunTable {
  id: string;
  project_id: string;
  suite_id: string;
  suite_name: string;
  sequence: number;
  status: string;
  error_code: string | null;
  error_message: string | null;
  triggered_by: string;
  profile_id: string | null;
  profile_name: string | null;
  /** JSON array of {key, value}. */
  variables: string;
  parallel_run: number;
  parallel_slots: number;
  auto_retry: number;
  total_tests: number;
  queued: string;
  started: string | null;
  ended: string | null;
  modified: string;
  /** started ?? queued. */
  sort_time: string;
  user_id: string | null;
  schedule_id: ColumnType<string | null, string | null | undefined, string | null>;
  scheduled_for: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ScheduleTable {
  id: string;
  project_id: string;
  name: string;
  /** 'test' | 'suite'. */
  target_type: string;
  target_id: string;
  cron: string;
  timezone: string;
  profile_id: string | null;
  /** JSON array of {key, value}. */
  variables: string;
  enabled: number;
  next_run_at: string | null;
  last_run_at: string | null;
  last_run_id: string | null;
  last_skipped_at: string | null;
  last_skip_reason: string | null;
  created: string;
  modified: string;
}

export interface AlertTable {
  id: string;
  project_id: string;
  name: string;
  event: string;
  target: string;
  enabled: number;
  /** JSON AlertFilters. */
  filters: string;
  /** JSON AlertAction, credentials included (never served). */
  action: string;
  secret: string | null;
  created: string;
  modified: string;
}

/** The outbox: written by triggers when a watched run starts or ends, taken by the alert dispatcher. */
export interface AlertEventTable {
  id: ColumnType<number | string, never, never>;
  project_id: string;
  kind: string;
  run_id: string;
  event: string;
  status: string;
  created: string;
}

export interface AlertDeliveryTable {
  id: string;
  alert_id: string;
  project_id: string;
  event: string;
  kind: string;
  run_id: string;
  status: string;
  attempts: number;
  response_code: number | null;
  error: string | null;
  /** JSON AlertPayload. */
  payload: string;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created: string;
}

export interface StepRunTable {
  id: string;
  test_run_id: string;
  sequence: number;
  step_id: string;
  status: string;
  /** JSON StepRunRecord. */
  record: string;
  screenshot_key: string | null;
}

export interface ArtifactTable {
  id: string;
  test_run_id: string;
  step_run_id: string | null;
  kind: string;
  name: string;
  blob_key: string;
  content_type: string;
  size: BigIntColumn;
  created: string;
  expires_at: string | null;
}

/** A process that executes runs; alive while its heartbeat is recent. */
export interface WorkerTable {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  started: string;
  heartbeat: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface Database {
  projects: ProjectTable;
  api_tokens: ApiTokenTable;
  tests: DefinitionTable;
  components: DefinitionTable;
  suites: DefinitionTable;
  profiles: ProfileTable;
  test_runs: TestRunTable;
  suite_runs: SuiteRunTable;
  step_runs: StepRunTable;
  artifacts: ArtifactTable;
  workers: WorkerTable;
  settings: SettingTable;
  schedules: ScheduleTable;
  alerts: AlertTable;
  alert_events: AlertEventTable;
  alert_deliveries: AlertDeliveryTable;
}

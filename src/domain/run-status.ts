/** Run statuses of BugBug's v2 API (docs/bugbug-compatibility.md §2). */
export const RUN_STATUSES = [
  'queued',
  'initialized',
  'running',
  'passed',
  'failed',
  'error',
  'stopped',
  'auto_retrying',
  'paused',
  'skipped',
  'recording',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses of a run a worker holds: only these can the worker's fenced writes change, and recovery ends them. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['initialized', 'running'];

export const TERMINAL_STATUSES: readonly RunStatus[] = ['passed', 'failed', 'error', 'stopped', 'skipped'];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** How a finished run ended; what the runner reports back. */
export type RunResult = 'passed' | 'failed' | 'error' | 'stopped';

/** Status of one step run. `skipped`: inactive, or a branch not taken. */
export type StepRunStatus = 'running' | 'passed' | 'failed' | 'error' | 'stopped' | 'skipped';

export const TRIGGERS = ['user', 'api', 'webhook', 'scheduler', 'github', 'cli', 'agent'] as const;
export type TriggeredBy = (typeof TRIGGERS)[number];

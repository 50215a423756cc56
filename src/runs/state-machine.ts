import type { RunStatus } from '../domain/index.js';

/**
 * The run lifecycle (docs/bugbug-compatibility.md §2): which statuses a run may move to from which.
 * Every status change goes through `transition` with these sets, as a compare-and-set in the
 * store, so a stop racing a finish can never flip a terminal run.
 */
const ALLOWED_FROM: Partial<Record<RunStatus, readonly RunStatus[]>> = {
  initialized: ['queued'],
  running: ['initialized'],
  passed: ['initialized', 'running'],
  // A suite's failed attempt is `auto_retrying` while its retry is pending, then `failed` again.
  failed: ['initialized', 'running', 'auto_retrying'],
  auto_retrying: ['failed'],
  error: ['queued', 'initialized', 'running'],
  stopped: ['queued', 'initialized', 'running'],
  // A suite's test that had not started when the suite was stopped.
  skipped: ['queued'],
};

export function allowedFrom(to: RunStatus): readonly RunStatus[] {
  return ALLOWED_FROM[to] ?? [];
}

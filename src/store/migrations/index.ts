import type { Migration } from 'kysely';
import * as initial from './2026-11-28-initial.js';
import * as runListCounters from './2026-11-28-run-list-counters.js';
import * as workers from './2026-12-02-workers.js';
import * as suiteRuns from './2026-12-03-suite-runs.js';
import * as schedulesAlerts from './2026-12-06-schedules-alerts.js';

/**
 * Every migration, by its dated name. A static list rather than a folder scan: the compiled
 * output and the TypeScript sources then migrate identically, with no file-system lookups.
 * Names sort in the order the migrations must run.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-28-initial': initial,
  '2026-11-28-run-list-counters': runListCounters,
  '2026-12-02-workers': workers,
  '2026-12-03-suite-runs': suiteRuns,
  '2026-12-06-schedules-alerts': schedulesAlerts,
};

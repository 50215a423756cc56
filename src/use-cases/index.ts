// Use cases: what the API, the CLI, suites and schedules do, each one function over the store and runs.
export { importBundle, isYamlPath, type BundleFile, type ImportResult, type ImportedObject } from './import-bundle.js';
export { resolveProfile, startTestRun, type ScheduleTick, type StartTestRunInput, type StartTestRunResult } from './start-test-run.js';
export { startSuiteRun, suiteEntries, type StartSuiteRunInput, type StartSuiteRunResult, type SuiteEntry } from './start-suite-run.js';
export { createSchedule, updateSchedule, type ScheduleFields, type ScheduleResult } from './schedules.js';
export { fireDueSchedules, type TickOutcome } from './fire-due-schedules.js';
export { createAlert, updateAlert, type AlertFields, type AlertResult } from './alerts.js';
export {
  assessFlakiness,
  FLAKY_WINDOW,
  HEALTH_DAYS,
  HEALTH_TOP,
  HISTORY_LIMIT,
  projectHealth,
  testHistory,
  type DayHealth,
  type Flakiness,
  type FlakyTest,
  type ProjectHealth,
  type SlowTest,
  type TestHistory,
} from './test-health.js';

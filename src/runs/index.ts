export * from './run-service.js';
export * from './state-machine.js';
export { retentionPolicy, type Retention, type RetentionDays } from './retention.js';
export { ArtifactSweeper } from './sweeper.js';
export { RunWorker, type RunObserver, type RunWorkerOptions } from './worker.js';
export { lastAttempts, suiteOutcome, type NewSuiteTest } from './suite-runs.js';

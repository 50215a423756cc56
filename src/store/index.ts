export { openStore, type StoreOptions } from './open-store.js';
export type { Dialect, Store } from './store.js';
export type { Page } from './codec.js';
export type { ProjectInput, ProjectRepo, ProjectRow } from './projects.js';
export type { TokenListItem, TokenRepo } from './tokens.js';
export type {
  DefinitionInput,
  DefinitionListOptions,
  DefinitionOrdering,
  DefinitionRepo,
  DefinitionRow,
  ProfileInput,
  ProfileRepo,
  ProfileRow,
  UpsertResult,
} from './definitions.js';
export type {
  RunCreateInput,
  RunFence,
  RunListOptions,
  RunMode,
  RunPatch,
  RunListRow,
  RunRepo,
  RunRow,
  RunStatusRow,
  RunVariable,
  ScreenSizeType,
} from './runs.js';
export type { SuiteRunCreateInput, SuiteRunListOptions, SuiteRunPatch, SuiteRunRepo, SuiteRunRow } from './suite-runs.js';
export type { StepRunRepo, StepRunWithRun, StoredStepRun } from './step-runs.js';
export type { ArtifactInput, ArtifactRepo, ArtifactReplaceResult, ArtifactRow } from './artifacts.js';
export type { QueuedJob, RunJobs } from './run-jobs.js';
export type { SignalChannel, Signals } from './signals.js';
export type { WorkerRepo, WorkerRow } from './workers.js';
export type { SettingRepo } from './settings.js';
export type { ScheduleInput, SchedulePatch, ScheduleRepo, ScheduleRow, ScheduleTargetType } from './schedules.js';
export type { AlertInput, AlertPatch, AlertRepo, AlertRow } from './alerts.js';
export type { AlertEventRepo, AlertEventRow } from './alert-events.js';
export type { AlertDeliveryRepo, AlertDeliveryRow, AttemptResult } from './alert-deliveries.js';
export type { DayCountRow, HistoryRunRow, MedianDurationRow, OutcomeOptions, OutcomeRow, TestHistoryRepo } from './test-history.js';
export { DatabaseInUseError } from './open-store.js';
export { isDatabaseUnavailable } from './unavailable.js';
export { bundleFileKey } from './bundle-files.js';
export { BlobStoreUnavailableError, directoryBlobs, validateBlobKey, type BlobStore, type BlobStream, type PutOptions } from './blobs.js';

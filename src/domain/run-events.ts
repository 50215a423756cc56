import type { ArtifactKind } from './artifact-kind.js';
import type { ErrorCode } from './error-codes.js';
import type { RunResult, StepRunStatus } from './run-status.js';
import type { AssertionProperty, AssertionType, StepAction, WaitingConditionName } from './step.js';

/** One executed step, as the runner reports it and the API serves it (camelCase, BugBug names). */
export interface StepRunRecord {
  id: string;
  stepId: string;
  groupId: string;
  /** Order of execution within the run, from 0. */
  sequence: number;
  /** The ifCondition step run this one ran under, if any. */
  parentStepRunId: string | null;
  type: StepAction;
  name: string | null;
  status: StepRunStatus;
  error: string | null;
  errorCode: ErrorCode | null;
  warning: boolean;
  forceFailed: boolean;
  /** Failed, but `continue_on_failure` let the run go on. */
  ignoredFailed: boolean;
  executed: boolean;
  elementExists: boolean | null;
  /** Step timeout in ms. */
  timeout: number;
  /** Step timeout in seconds as configured on the step (null = project default). */
  runTimeout: number | null;
  /** Delay before the step in ms. */
  sleep: number;
  executionUrl: string | null;
  started: string | null;
  ended: string | null;
  assertionType: AssertionType | null;
  assertionProperty: AssertionProperty | null;
  assertionExpectedValue: string | null;
  assertionCurrentValue: string | null;
  tabNo: number;
  /** Values after variable substitution; secrets masked. */
  computedValue: string | null;
  computedUrl: string | null;
  waitingConditions: WaitingConditionResult[];
}

export interface WaitingConditionResult {
  type: WaitingConditionName;
  expected: string | null;
  current: string | null;
  isSuccess: boolean;
  isSoftSuccess: boolean;
}

export interface Screenshot {
  data: Uint8Array;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
}

/**
 * `full`: the viewport at the device's resolution, as the user saw it. `small`: the same view
 * scaled down (runner/capture.ts), for a step that passed cleanly: its picture is a record, not evidence.
 */
export const SCREENSHOT_SIZES = ['small', 'full'] as const;
export type ScreenshotSize = (typeof SCREENSHOT_SIZES)[number];
/** A passed step's screenshot unless the operator says otherwise (`BUGRUN_PASSED_SCREENSHOTS`); bench/RESULTS.md says why. */
export const DEFAULT_PASSED_SCREENSHOTS: ScreenshotSize = 'small';

export interface ConsoleEntry {
  at: string;
  /** console.* type, or `pageerror` / `crash` for uncaught errors and renderer crashes. */
  level: string;
  text: string;
  url: string | null;
}

/** What the runner tells the world while it executes a plan. Secrets are already masked. */
export type RunEvent =
  | {
      type: 'run-started';
      at: string;
      browserName: string;
      browserVersion: string;
      osName: string;
      width: number;
      height: number;
    }
  | { type: 'step-started'; step: StepRunRecord }
  | { type: 'step-ended'; step: StepRunRecord; screenshot: Screenshot | null }
  | { type: 'console'; entry: ConsoleEntry }
  | { type: 'log'; at: string; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'dom-snapshot'; stepRunId: string; html: string }
  | { type: 'network'; entry: NetworkEntry }
  /** A file the run produced for a debug artifact (visual regression images, uploaded files, ...). */
  | { type: 'artifact'; kind: ArtifactKind; name: string; contentType: string; data: Uint8Array | string; stepRunId: string | null };

/** One request of the page, HAR-like (`extension_network_logs`). */
export interface NetworkEntry {
  id: string;
  startedAt: string;
  method: string;
  url: string;
  resourceType: string;
  /** null while pending or when it failed before a response. */
  status: number | null;
  statusText: string | null;
  mimeType: string | null;
  /** ms from request to response end; null when it never finished. */
  durationMs: number | null;
  failure: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
}

export interface RunSink {
  /** Must not throw and must not block: the recorder queues what it needs to persist. */
  emit(event: RunEvent): void;
}

/** How a run ended, returned by the runner. */
export interface RunOutcome {
  status: RunResult;
  errorCode: ErrorCode | null;
  message: string | null;
}

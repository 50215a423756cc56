import type { StepRunRecord } from '../domain/index.js';
import type { ArtifactRow, RunListRow, RunStatusRow } from '../store/index.js';
import type { FileUrls } from './file-urls.js';

/** DRF DurationField format: `HH:MM:SS.ffffff` (hours may exceed 24). */
export function formatDuration(ms: number): string {
  const totalMicros = Math.max(0, Math.round(ms * 1000));
  const micros = totalMicros % 1_000_000;
  const totalSeconds = Math.floor(totalMicros / 1_000_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}.${pad(micros, 6)}`;
}

function durationBetween(from: string | null, to: string | null): string | null {
  if (!from || !to) return null;
  return formatDuration(Date.parse(to) - Date.parse(from));
}

export interface Links {
  files: FileUrls;
  webappUrl(runId: string): string;
}

export interface StoredStepRun {
  record: StepRunRecord;
  screenshotKey: string | null;
}

export function serializeStepRun(runId: string, step: StoredStepRun, links: Links) {
  const r = step.record;
  return {
    id: r.id,
    stepId: r.stepId,
    testRunId: runId,
    groupId: r.groupId,
    parentStepRunId: r.parentStepRunId,
    sequence: r.sequence,
    type: r.type,
    name: r.name,
    status: r.status,
    error: r.error,
    errorCode: r.errorCode,
    warning: r.warning,
    forceFailed: r.forceFailed,
    ignoredFailed: r.ignoredFailed,
    executed: r.executed,
    elementExists: r.elementExists,
    timeout: r.timeout,
    runTimeout: r.runTimeout,
    sleep: r.sleep,
    executionUrl: r.executionUrl,
    started: r.started,
    ended: r.ended,
    duration: durationBetween(r.started, r.ended),
    screenshotUrl: step.screenshotKey ? links.files.url(step.screenshotKey) : null,
    coveringElementScreenshot: null,
    assertionType: r.assertionType,
    assertionProperty: r.assertionProperty,
    assertionExpectedValue: r.assertionExpectedValue,
    assertionCurrentValue: r.assertionCurrentValue,
    tabNo: r.tabNo,
    computedValue: r.computedValue,
    computedUrl: r.computedUrl,
    waitingConditions: r.waitingConditions,
  };
}

export function serializeRunStatus(run: RunStatusRow, links: Links) {
  return {
    id: run.id,
    status: run.status,
    finishedSteps: run.finishedSteps,
    totalSteps: run.totalSteps,
    modified: run.modified,
    webappUrl: links.webappUrl(run.id),
  };
}

export function serializeRun(run: RunListRow, steps: StoredStepRun[], links: Links) {
  return {
    id: run.id,
    name: run.testName,
    testId: run.testId,
    status: run.status,
    errorCode: run.errorCode,
    sequence: run.sequence,
    queued: run.queued,
    started: run.started,
    ended: run.ended,
    duration: durationBetween(run.started, run.ended),
    runMode: run.runMode,
    triggeredBy: run.triggeredBy,
    runProfileId: run.profileId,
    suiteRunId: run.suiteRunId,
    userId: run.userId,
    screenSizeType: run.screenSizeType,
    browserName: run.browserName,
    browserVersion: run.browserVersion,
    browserWidth: run.browserWidth,
    browserHeight: run.browserHeight,
    osName: run.osName,
    extensionVersion: null,
    webappUrl: links.webappUrl(run.id),
    stepsRuns: steps.map((s) => serializeStepRun(run.id, s, links)),
  };
}

export function serializeArtifact(artifact: ArtifactRow, links: Links) {
  return {
    id: artifact.id,
    kind: artifact.kind,
    file: links.files.url(artifact.blobKey),
    expirationTime: artifact.expiresAt,
  };
}

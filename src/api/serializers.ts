import type { SuiteData } from '../definitions/index.js';
import { durationBetween, isTerminal, type StepRunRecord } from '../domain/index.js';
import { lastAttempts } from '../runs/index.js';
import type { ArtifactRow, DefinitionRow, RunListRow, RunStatusRow, SuiteRunRow } from '../store/index.js';
import type { FileUrls } from './file-urls.js';

export interface Links {
  files: FileUrls;
  webappUrl(runId: string): string;
  suiteRunUrl(suiteRunId: string): string;
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

/** `V2Suite` (docs/bugbug-compatibility.md §10): the suite with the tests it would run now. */
export function serializeSuite(suite: DefinitionRow, entries: readonly { slug: string; test: DefinitionRow | null }[]) {
  const data = suite.data as SuiteData;
  return {
    id: suite.id,
    name: suite.name,
    slug: suite.slug,
    notes: data.notes ?? null,
    testsCount: entries.length,
    // A listed test that does not exist (any more) keeps its place, by slug: its run will end `error`.
    tests: entries.map((e) => ({ id: e.test?.id ?? null, name: e.test?.name ?? e.slug })),
    autoAddNewTests: data.suite_settings.auto_add_new_tests,
    autoRetry: data.suite_settings.auto_retry,
    runInParallel: data.suite_settings.run_in_parallel,
    runProfileId: null,
    created: suite.created,
    modified: suite.modified,
  };
}

/** Tests of a suite run whose last attempt has ended. */
function finishedTests(runs: readonly RunListRow[]): number {
  return lastAttempts(runs).filter((r) => isTerminal(r.status)).length;
}

export function serializeSuiteRunStatus(suiteRun: SuiteRunRow, runs: readonly RunListRow[], links: Links) {
  return {
    id: suiteRun.id,
    status: suiteRun.status,
    finishedTests: finishedTests(runs),
    totalTests: suiteRun.totalTests,
    modified: suiteRun.modified,
    webappUrl: links.suiteRunUrl(suiteRun.id),
  };
}

/** `V2SuiteRun`: the suite run with every test run of it (retried attempts included), in suite order. */
export function serializeSuiteRun(suiteRun: SuiteRunRow, runs: readonly RunListRow[], steps: ReadonlyMap<string, StoredStepRun[]>, links: Links) {
  return {
    id: suiteRun.id,
    name: suiteRun.suiteName,
    suiteId: suiteRun.suiteId,
    sequence: suiteRun.sequence,
    status: suiteRun.status,
    errorCode: suiteRun.errorCode,
    errorMessage: suiteRun.errorMessage,
    queued: suiteRun.queued,
    started: suiteRun.started,
    ended: suiteRun.ended,
    duration: durationBetween(suiteRun.started, suiteRun.ended),
    parallelRun: suiteRun.parallelRun,
    parallelSlots: suiteRun.parallelSlots,
    autoRetry: suiteRun.autoRetry,
    profileId: suiteRun.profileId,
    profileName: suiteRun.profileName,
    runMode: 'server',
    triggeredBy: suiteRun.triggeredBy,
    userId: suiteRun.userId,
    finishedTests: finishedTests(runs),
    totalTests: suiteRun.totalTests,
    webappUrl: links.suiteRunUrl(suiteRun.id),
    testRuns: runs.map((run) => ({ ...serializeRun(run, steps.get(run.id) ?? [], links), attempt: run.attempt })),
  };
}

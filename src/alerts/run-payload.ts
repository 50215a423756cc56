import { durationBetween, type AlertPayload } from '../domain/index.js';
import type { AlertEventRow, RunListRow, Store, SuiteRunRow } from '../store/index.js';

/** Where runs are seen in the web UI. */
export interface RunLinks {
  testRun(id: string): string;
  suiteRun(id: string): string;
}

type CommonFields = 'errorCode' | 'errorMessage' | 'triggeredBy' | 'profileId' | 'profileName' | 'scheduleId' | 'queued' | 'started' | 'ended';

/** What test runs and suite runs tell alike. */
async function common(store: Store, run: Pick<RunListRow & SuiteRunRow, 'id' | 'projectId' | CommonFields>) {
  const [project, schedule] = await Promise.all([
    store.projects.get(run.projectId),
    run.scheduleId ? store.schedules.get(run.projectId, run.scheduleId) : null,
  ]);
  return {
    runId: run.id,
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    triggeredBy: run.triggeredBy,
    profileId: run.profileId,
    profileName: run.profileName,
    scheduleId: run.scheduleId,
    scheduleName: schedule?.name ?? null,
    queued: run.queued,
    started: run.started,
    ended: run.ended,
    duration: durationBetween(run.started, run.ended),
    projectId: run.projectId,
    projectName: project?.name ?? '',
  };
}

/**
 * What alerts tell about the run of `event`, read when the event is taken from the outbox; the
 * status is the event's own (a run that started is `running` even if it has ended since). Null
 * when the run is gone.
 */
export async function runPayload(store: Store, event: AlertEventRow, links: RunLinks): Promise<AlertPayload | null> {
  const finished = event.event === 'finished';
  if (event.kind === 'test') {
    const run = await store.runs.getById(event.runId);
    if (!run) return null;
    return {
      ...(await common(store, run)),
      event: event.event,
      target: 'test',
      status: event.status,
      testRunId: run.id,
      suiteRunId: null,
      testId: run.testId,
      suiteId: null,
      name: run.testName,
      previousStatus: finished ? await store.runs.previousEndedStatus(run) : null,
      webappUrl: links.testRun(run.id),
    };
  }
  const run = await store.suiteRuns.get(event.projectId, event.runId);
  if (!run) return null;
  return {
    ...(await common(store, run)),
    event: event.event,
    target: 'suite',
    status: event.status,
    testRunId: null,
    suiteRunId: run.id,
    testId: null,
    suiteId: run.suiteId,
    name: run.suiteName,
    previousStatus: finished ? await store.suiteRuns.previousEndedStatus(run) : null,
    webappUrl: links.suiteRun(run.id),
  };
}

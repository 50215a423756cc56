import { TERMINAL_STATUSES } from '../domain/run-status.js';

/** The API's JSON shapes, as far as the CLI reads them (BugBug v2, see src/api/serializers.ts). */

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface TestSummary {
  id: string;
  name: string;
  slug?: string;
}

export interface ProfileSummary {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface RunStatusBody {
  id: string;
  status: string;
  finishedSteps: number;
  totalSteps: number;
  modified: string;
  webappUrl: string;
}

export interface StepRunBody {
  id: string;
  sequence?: number;
  type: string;
  name: string | null;
  status: string;
  error: string | null;
  errorCode: string | null;
  warning: boolean;
  ignoredFailed: boolean;
  duration: string | null;
}

export interface RunBody {
  id: string;
  name: string;
  testId: string | null;
  status: string;
  errorCode: string | null;
  started: string | null;
  ended: string | null;
  duration: string | null;
  triggeredBy: string;
  runProfileId: string | null;
  webappUrl: string;
  stepsRuns: StepRunBody[];
}

/** Statuses after which a run never changes again (docs/bugbug-compatibility.md §2). */
export function isFinished(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export interface SuiteSummary {
  id: string;
  name: string;
  slug: string;
  testsCount: number;
  runInParallel: boolean;
  autoRetry: number;
}

export interface SuiteRunStatusBody {
  id: string;
  status: string;
  finishedTests: number;
  totalTests: number;
  modified: string;
  webappUrl: string;
}

export interface SuiteRunBody extends SuiteRunStatusBody {
  name: string;
  errorCode: string | null;
  duration: string | null;
  profileName: string | null;
  testRuns: (RunBody & { attempt: number })[];
}

/** A schedule (`/schedules/`, see src/api/routes/schedules.ts). */
export interface ScheduleBody {
  id: string;
  name: string;
  testId: string | null;
  suiteId: string | null;
  cron: string;
  timezone: string;
  runProfileId: string | null;
  variables: { key: string; value: string }[];
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastRunId: string | null;
  lastSkippedAt: string | null;
  lastSkipReason: string | null;
  created: string;
  modified: string;
}

/** A run a schedule started (`/schedules/{id}/runs/`): a test run or a suite run. */
export interface ScheduleRunBody {
  id: string;
  status: string;
  errorCode: string | null;
  scheduledFor: string | null;
  queued: string;
  started: string | null;
  ended: string | null;
  testRunId: string | null;
  suiteRunId: string | null;
  name: string;
  webappUrl: string;
}

/** An alert (`/alerts/`, see src/api/routes/alerts.ts); URLs and header values come masked. */
export interface AlertBody {
  id: string;
  name: string;
  event: 'started' | 'finished';
  target: 'test' | 'suite' | 'any';
  enabled: boolean;
  filters: { statuses: string[]; triggeredBy: string[]; profileId: string | null; onlyOnChange: boolean };
  action: {
    type: 'webhook' | 'slack' | 'teams' | 'email';
    url: string | null;
    method: 'GET' | 'POST' | null;
    headers: Record<string, string>;
    body: string | null;
    to: string[];
  };
  created: string;
  modified: string;
}

/** `POST /alerts/`'s answer: a webhook's signing secret comes this once. */
export interface AlertCreatedBody extends AlertBody {
  secret?: string;
}

/** One delivery of an alert for one run event (`/alerts/{id}/deliveries/`). */
export interface AlertDeliveryBody {
  id: string;
  alertId: string;
  event: 'started' | 'finished';
  target: 'test' | 'suite';
  testRunId: string | null;
  suiteRunId: string | null;
  name: string;
  runStatus: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseCode: number | null;
  error: string | null;
  created: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

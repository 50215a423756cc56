import type { RunStatus, TriggeredBy } from './run-status.js';

/** When an alert fires: a run started (it is `running`) or finished (it reached a terminal status). */
export const ALERT_EVENTS = ['started', 'finished'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** Which runs an alert watches: single test runs, suite runs, or both. */
export const ALERT_TARGETS = ['test', 'suite', 'any'] as const;
export type AlertTarget = (typeof ALERT_TARGETS)[number];

export const ALERT_ACTION_TYPES = ['webhook', 'slack', 'teams', 'email'] as const;
export type AlertActionType = (typeof ALERT_ACTION_TYPES)[number];

/** Statuses a filter may name (the outcomes users are told about). */
export const ALERT_FILTER_STATUSES = ['passed', 'failed', 'error', 'stopped', 'skipped'] as const satisfies readonly RunStatus[];

export interface AlertFilters {
  /** Only runs that ended so (finished alerts); empty or absent: any. */
  statuses?: RunStatus[];
  /** Only runs started so; empty or absent: any. */
  triggeredBy?: TriggeredBy[];
  /** Only runs with this profile. */
  profileId?: string | null;
  /** Only when the status differs from the previous finished run of the same test or suite. */
  onlyOnChange?: boolean;
}

/**
 * What an alert does. `url` and `headers` may hold credentials: they are stored as given, used
 * only to deliver, and never shown again (masked in every answer).
 */
export interface AlertAction {
  type: AlertActionType;
  /** webhook, slack, teams: an http(s) URL. */
  url?: string;
  /** webhook: POST (default) or GET. */
  method?: 'POST' | 'GET';
  /** webhook: extra request headers. */
  headers?: Record<string, string>;
  /** webhook: a LiquidJS template of the JSON body; absent: the default payload. */
  body?: string | null;
  /** email: recipients. */
  to?: string[];
}

/**
 * What an alert tells about one run, captured when the event happened (a `started` alert
 * delivered late still says `running`). Every field is also a template variable of a webhook body.
 */
export interface AlertPayload {
  event: AlertEvent;
  /** `test` for a single test run, `suite` for a suite run. */
  target: 'test' | 'suite';
  /** The test run (target test) or suite run (target suite). */
  runId: string;
  testRunId: string | null;
  suiteRunId: string | null;
  testId: string | null;
  suiteId: string | null;
  /** The test's or suite's name. */
  name: string;
  status: RunStatus;
  /** The status of the previous finished run of the same test or suite, if any. */
  previousStatus: RunStatus | null;
  errorCode: string | null;
  errorMessage: string | null;
  triggeredBy: TriggeredBy;
  profileId: string | null;
  profileName: string | null;
  /** The schedule that started the run, if one did. */
  scheduleId: string | null;
  scheduleName: string | null;
  queued: string;
  started: string | null;
  ended: string | null;
  /** DRF duration `HH:MM:SS.ffffff`, or null while running. */
  duration: string | null;
  /** The run's page in the web UI. */
  webappUrl: string;
  projectId: string;
  projectName: string;
}

/** A delivery's state: waiting for its next attempt, delivered, or given up after its last attempt. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

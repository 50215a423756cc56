import { RUN_STATUSES, TRIGGERS, type RunStatus, type TriggeredBy } from '../domain/index.js';
import { QueueFullError } from '../runs/index.js';
import type { RunVariable } from '../store/index.js';
import type { StartTestRunInput } from '../use-cases/index.js';
import { ApiError, type FieldErrors } from './errors.js';
import { FieldChecker, isPlainObject, isUuid, parseIsoDate } from './validate.js';

/*
 * What `POST /testruns/` and `POST /suiteruns/` bodies, and both run lists' filters, share: the
 * same fields checked the same way, with DRF's messages.
 */

/** A query value as an error message quotes it (repeated keys arrive as a list). */
export const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export interface RunRequest {
  /** The test's or suite's id, lower-cased; null when missing or not a UUID (then in `invalid`). */
  id: string | null;
  profile: StartTestRunInput['profile'];
  variables: RunVariable[];
  triggeredBy: TriggeredBy;
  /**
   * `POST /testruns/` only, a Bugrun extension BugBug's clients never send: `"trace": true` records
   * a Playwright trace of the run whatever BUGRUN_TRACE says (false or absent: BUGRUN_TRACE decides).
   */
  trace?: boolean;
  /** What is wrong with the body; answered together with what the use case finds. */
  invalid: FieldErrors;
}

/**
 * A run request body as BugBug's clients send it, checked field by field (DRF errors); legacy
 * clients choose the profile by name and say what triggered the run.
 */
export function readRunRequest(body: unknown, idField: 'testId' | 'suiteId'): RunRequest {
  const checker = new FieldChecker();
  if (!isPlainObject(body)) {
    checker.add('non_field_errors', 'Invalid data. Expected a dictionary.');
    checker.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  const id = input[idField];
  if (id === undefined || id === null) checker.add(idField, 'This field is required.');
  else if (!isUuid(id)) checker.add(idField, 'Must be a valid UUID.');

  let profile: StartTestRunInput['profile'] = null;
  if (input.runProfileId !== undefined && input.runProfileId !== null) {
    if (!isUuid(input.runProfileId)) checker.add('runProfileId', 'Must be a valid UUID.');
    else profile = { id: input.runProfileId.toLowerCase() };
  } else if (input.profileName !== undefined && input.profileName !== null) {
    if (typeof input.profileName !== 'string') checker.add('profileName', 'Not a valid string.');
    else profile = { name: input.profileName };
  }

  const variables = readVariables(input.variables, checker);

  let triggeredBy: TriggeredBy = 'api';
  if (input.triggeredBy !== undefined && input.triggeredBy !== null) {
    if (TRIGGERS.includes(input.triggeredBy as TriggeredBy)) triggeredBy = input.triggeredBy as TriggeredBy;
    else checker.add('triggeredBy', `${JSON.stringify(input.triggeredBy)} is not a valid choice.`);
  }
  let trace = false;
  if (idField === 'testId' && input.trace !== undefined && input.trace !== null) {
    if (typeof input.trace === 'boolean') trace = input.trace;
    else checker.add('trace', 'Must be a valid boolean.');
  }
  return { id: isUuid(id) ? id.toLowerCase() : null, profile, variables, triggeredBy, ...(idField === 'testId' ? { trace } : {}), invalid: checker.errors };
}

/** A run request's `variables`: `[{key, value}]`, each key a non-empty string of at most 128 characters. */
export function readVariables(raw: unknown, checker: FieldChecker): RunVariable[] {
  const variables: RunVariable[] = [];
  if (raw === undefined || raw === null) return variables;
  if (!Array.isArray(raw)) {
    checker.add('variables', `Expected a list of items but got type "${typeof raw}".`);
    return variables;
  }
  raw.forEach((item: unknown, i) => {
    if (!isPlainObject(item)) return checker.add('variables', `Item ${i}: Invalid data. Expected a dictionary.`);
    if (typeof item.key !== 'string' || item.key === '')
      return checker.add('variables', `Item ${i}: key: This field is required and must be a non-empty string.`);
    if (item.key.length > 128) return checker.add('variables', `Item ${i}: key: Ensure this field has no more than 128 characters.`);
    if (item.value !== undefined && item.value !== null && typeof item.value !== 'string')
      return checker.add('variables', `Item ${i}: value: Not a valid string.`);
    variables.push({ key: item.key, value: item.value ?? null });
  });
  return variables;
}

/** A full queue answers 429 with Retry-After. */
export async function throttled<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if (!(err instanceof QueueFullError)) throw err;
    const wait = String(err.retryAfterSeconds);
    throw new ApiError('THROTTLED', { wait }, {}, { 'retry-after': wait });
  }
}

export interface RunListFilters {
  ordering: 'started' | '-started';
  status?: RunStatus;
  startedAfter?: string;
  startedBefore?: string;
}

/** `ordering`, `status`, `started_after` and `started_before` of a run list's query. */
export function readRunListFilters(query: Record<string, unknown>, checker: FieldChecker): RunListFilters {
  const ordering = query.ordering ?? '-started';
  if (ordering !== 'started' && ordering !== '-started') {
    checker.add('ordering', `Select a valid choice. ${shown(ordering)} is not one of the available choices.`);
  }
  const status = query.status;
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
    checker.add('status', `Select a valid choice. ${shown(status)} is not one of the available choices.`);
  }
  const dates: Record<string, string | undefined> = {};
  for (const field of ['started_after', 'started_before']) {
    const raw = query[field];
    if (raw === undefined) continue;
    const parsed = typeof raw === 'string' ? parseIsoDate(raw) : null;
    if (parsed === null) checker.add(field, 'Enter a valid date/time.');
    else dates[field] = parsed;
  }
  return {
    ordering: ordering as RunListFilters['ordering'],
    status: status as RunStatus | undefined,
    startedAfter: dates.started_after,
    startedBefore: dates.started_before,
  };
}

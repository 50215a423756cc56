import {
  ALERT_ACTION_TYPES,
  ALERT_EVENTS,
  ALERT_FILTER_STATUSES,
  ALERT_TARGETS,
  TRIGGERS,
  type AlertAction,
  type AlertFilters,
  type RunStatus,
  type TriggeredBy,
} from '../domain/index.js';
import type { AlertFields } from '../use-cases/index.js';
import type { FieldErrors } from './errors.js';
import { readBoolean, readName, readOptionalId } from './schedule-request.js';
import { FieldChecker, isPlainObject } from './validate.js';

const choice = (raw: unknown) => `"${String(raw)}" is not a valid choice.`;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

function readChoices<T extends string>(field: string, raw: unknown, allowed: readonly T[], checker: FieldChecker): T[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) return void checker.add(field, `Expected a list of items but got type "${typeof raw}".`);
  const bad = raw.filter((v) => !allowed.includes(v as T));
  if (bad.length > 0) return void checker.add(field, choice(bad[0]));
  return [...new Set(raw as T[])];
}

function readFilters(raw: unknown, checker: FieldChecker): AlertFilters | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) return void checker.add('filters', 'Invalid data. Expected a dictionary.');
  const filters: AlertFilters = {};
  const statuses = readChoices<RunStatus>('filters.statuses', raw.statuses, ALERT_FILTER_STATUSES, checker);
  if (statuses) filters.statuses = statuses;
  const triggeredBy = readChoices<TriggeredBy>('filters.triggeredBy', raw.triggeredBy, TRIGGERS, checker);
  if (triggeredBy) filters.triggeredBy = triggeredBy;
  const profileId = readOptionalId('filters.profileId', raw.profileId, checker);
  if (profileId) filters.profileId = profileId;
  const onlyOnChange = readBoolean('filters.onlyOnChange', raw.onlyOnChange, checker);
  if (onlyOnChange !== undefined) filters.onlyOnChange = onlyOnChange;
  return filters;
}

/** An http(s) URL, or why it is not one (never quoting it: it may hold a credential). */
function urlProblem(raw: unknown): string | null {
  if (typeof raw !== 'string') return 'Enter a valid URL.';
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'Only http:// and https:// URLs are allowed.';
  } catch {
    return 'Enter a valid URL.';
  }
}

/**
 * The action as sent. A `url` or header value left out (or sent back masked, `********`) keeps
 * the stored one: clients never see them, so they cannot send them back.
 */
function readAction(raw: unknown, checker: FieldChecker): Partial<AlertAction> | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) return void checker.add('action', 'Invalid data. Expected a dictionary.');
  const action: Partial<AlertAction> = {};
  if (!ALERT_ACTION_TYPES.includes(raw.type as AlertAction['type']))
    checker.add('action.type', raw.type === undefined ? 'This field is required.' : choice(raw.type));
  else action.type = raw.type as AlertAction['type'];
  if (raw.url !== undefined && raw.url !== null && !(typeof raw.url === 'string' && raw.url.includes('********'))) {
    const problem = urlProblem(raw.url);
    if (problem) checker.add('action.url', problem);
    else action.url = raw.url as string;
  }
  if (raw.method !== undefined && raw.method !== null) {
    if (raw.method !== 'POST' && raw.method !== 'GET') checker.add('action.method', choice(raw.method));
    else action.method = raw.method;
  }
  if (raw.headers !== undefined && raw.headers !== null) {
    if (!isPlainObject(raw.headers) || Object.keys(raw.headers).length > 50)
      checker.add('action.headers', 'Expected a dictionary of at most 50 header names and values.');
    else {
      const entries = Object.entries(raw.headers);
      if (entries.some(([name, value]) => !HEADER_NAME.test(name) || typeof value !== 'string' || /[\r\n\0]/.test(value) || value.length > 8192)) {
        checker.add('action.headers', 'Each header needs a valid name and a string value of one line.');
      } else action.headers = Object.fromEntries(entries) as Record<string, string>;
    }
  }
  if (raw.body !== undefined && raw.body !== null) {
    if (typeof raw.body !== 'string') checker.add('action.body', 'Not a valid string.');
    else action.body = raw.body;
  }
  if (raw.to !== undefined && raw.to !== null) {
    if (!Array.isArray(raw.to) || raw.to.length === 0 || raw.to.length > 50 || raw.to.some((a) => typeof a !== 'string' || !EMAIL.test(a))) {
      checker.add('action.to', 'Expected a list of 1 to 50 email addresses.');
    } else action.to = raw.to as string[];
  }
  return action;
}

/** An alert as `POST /alerts/` (everything) or `PATCH /alerts/{id}/` (what changes) sends it. */
export function readAlertFields(body: unknown): { fields: AlertFields; invalid: FieldErrors } {
  const checker = new FieldChecker();
  if (!isPlainObject(body)) {
    checker.add('non_field_errors', 'Invalid data. Expected a dictionary.');
    checker.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  const fields: AlertFields = { name: readName(input.name, checker) };
  if (input.event !== undefined) {
    if (!ALERT_EVENTS.includes(input.event as AlertFields['event'] & string)) checker.add('event', choice(input.event));
    else fields.event = input.event as AlertFields['event'];
  }
  if (input.target !== undefined) {
    if (!ALERT_TARGETS.includes(input.target as AlertFields['target'] & string)) checker.add('target', choice(input.target));
    else fields.target = input.target as AlertFields['target'];
  }
  fields.enabled = readBoolean('enabled', input.enabled, checker);
  fields.filters = readFilters(input.filters, checker);
  fields.action = readAction(input.action, checker);
  return { fields, invalid: checker.errors };
}

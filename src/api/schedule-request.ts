import type { ScheduleFields } from '../use-cases/index.js';
import type { FieldErrors } from './errors.js';
import { readVariables } from './run-request.js';
import { FieldChecker, isPlainObject, isUuid } from './validate.js';

/** A name of a schedule or an alert: a non-empty string of at most 255 characters. */
export function readName(raw: unknown, checker: FieldChecker): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '') checker.add('name', 'This field may not be blank.');
  else if (raw.length > 255) checker.add('name', 'Ensure this field has no more than 255 characters.');
  else return raw.trim();
  return undefined;
}

/** A boolean field; undefined when absent. */
export function readBoolean(field: string, raw: unknown, checker: FieldChecker): boolean | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'boolean') checker.add(field, 'Must be a valid boolean.');
  else return raw;
  return undefined;
}

/** A UUID field that may be null (`runProfileId`); undefined when absent. */
export function readOptionalId(field: string, raw: unknown, checker: FieldChecker): string | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  if (!isUuid(raw)) checker.add(field, 'Must be a valid UUID.');
  else return raw.toLowerCase();
  return undefined;
}

/**
 * A schedule as `POST /schedules/` (everything) or `PATCH /schedules/{id}/` (what changes) sends
 * it, checked field by field; what only the store can tell is the use case's to check.
 */
export function readScheduleFields(body: unknown): { fields: ScheduleFields; invalid: FieldErrors } {
  const checker = new FieldChecker();
  if (!isPlainObject(body)) {
    checker.add('non_field_errors', 'Invalid data. Expected a dictionary.');
    checker.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  const fields: ScheduleFields = {};
  fields.name = readName(input.name, checker);
  const testId = readOptionalId('testId', input.testId, checker);
  const suiteId = readOptionalId('suiteId', input.suiteId, checker);
  if (testId && suiteId) checker.add('testId', 'Give either testId or suiteId, not both.');
  else if (testId) fields.target = { type: 'test', id: testId };
  else if (suiteId) fields.target = { type: 'suite', id: suiteId };
  for (const field of ['cron', 'timezone'] as const) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || raw.trim() === '') checker.add(field, 'This field may not be blank.');
    else fields[field] = raw.trim();
  }
  fields.profileId = readOptionalId('runProfileId', input.runProfileId, checker);
  if (input.variables !== undefined) fields.variables = readVariables(input.variables, checker);
  fields.enabled = readBoolean('enabled', input.enabled, checker);
  return { fields, invalid: checker.errors };
}

import type { RunVariable, ScheduleRow, ScheduleTargetType, Store } from '../store/index.js';
import { cronProblem, nextTick, timezoneProblem } from '../schedules/index.js';

/** What a request sets of a schedule; absent fields keep their value (PATCH) or default (POST). */
export interface ScheduleFields {
  name?: string;
  target?: { type: ScheduleTargetType; id: string };
  cron?: string;
  timezone?: string;
  profileId?: string | null;
  variables?: RunVariable[];
  enabled?: boolean;
}

export type ScheduleResult = { ok: true; schedule: ScheduleRow } | { ok: false; errors: Record<string, string[]> };

const targetField = (type: ScheduleTargetType) => (type === 'test' ? 'testId' : 'suiteId');

/** Checks what only the store and the cron engine can tell: the target and profile exist in the project, the cron and zone are valid. */
async function check(store: Store, projectId: string, s: Required<ScheduleFields>, errors: Record<string, string[]>): Promise<void> {
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (!errors.testId && !errors.suiteId) {
    const repo = s.target.type === 'test' ? store.tests : store.suites;
    if (!(await repo.get(projectId, s.target.id))) add(targetField(s.target.type), `Invalid pk "${s.target.id}" - object does not exist.`);
  }
  if (!errors.cron) {
    const problem = cronProblem(s.cron);
    if (problem) add('cron', problem);
  }
  if (!errors.timezone) {
    const problem = timezoneProblem(s.timezone);
    if (problem) add('timezone', problem);
  }
  if (s.profileId !== null && !errors.runProfileId && !(await store.profiles.get(projectId, s.profileId))) {
    add('runProfileId', `Invalid pk "${s.profileId}" - object does not exist.`);
  }
}

function firstTick(s: Pick<ScheduleRow, 'cron' | 'timezone' | 'enabled'>, now: Date): string | null {
  return s.enabled ? (nextTick(s.cron, s.timezone, now)?.toISOString() ?? null) : null;
}

/** Creates a schedule; its first tick is the first one after `now`. `invalid`: what the caller found wrong already. */
export async function createSchedule(
  store: Store,
  projectId: string,
  fields: ScheduleFields,
  invalid: Record<string, string[]>,
  now = new Date(),
): Promise<ScheduleResult> {
  const errors = { ...invalid };
  if (fields.name === undefined && !errors.name) errors.name = ['This field is required.'];
  if (fields.target === undefined && !errors.testId && !errors.suiteId) errors.testId = ['Either testId or suiteId is required.'];
  if (fields.cron === undefined && !errors.cron) errors.cron = ['This field is required.'];
  if (!fields.name || !fields.target || fields.cron === undefined) return { ok: false, errors };
  const s: Required<ScheduleFields> = {
    name: fields.name,
    target: fields.target,
    cron: fields.cron,
    timezone: fields.timezone ?? 'UTC',
    profileId: fields.profileId ?? null,
    variables: fields.variables ?? [],
    enabled: fields.enabled ?? true,
  };
  await check(store, projectId, s, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const schedule = await store.schedules.create({
    projectId,
    name: s.name,
    targetType: s.target.type,
    targetId: s.target.id,
    cron: s.cron.trim(),
    timezone: s.timezone,
    profileId: s.profileId,
    variables: s.variables,
    enabled: s.enabled,
    nextRunAt: firstTick({ ...s, cron: s.cron.trim() }, now),
  });
  return { ok: true, schedule };
}

/**
 * Changes a schedule. A new cron, zone or an enabling starts over from the first tick after
 * `now`: ticks missed while it was disabled are not made up. Null: no such schedule.
 */
export async function updateSchedule(
  store: Store,
  projectId: string,
  id: string,
  fields: ScheduleFields,
  invalid: Record<string, string[]>,
  now = new Date(),
): Promise<ScheduleResult | null> {
  const current = await store.schedules.get(projectId, id);
  if (!current) return null;
  const errors = { ...invalid };
  const s: Required<ScheduleFields> = {
    name: fields.name ?? current.name,
    target: fields.target ?? { type: current.targetType, id: current.targetId },
    cron: fields.cron?.trim() ?? current.cron,
    timezone: fields.timezone ?? current.timezone,
    profileId: fields.profileId === undefined ? current.profileId : fields.profileId,
    variables: fields.variables ?? current.variables,
    enabled: fields.enabled ?? current.enabled,
  };
  await check(store, projectId, s, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const timing = s.cron !== current.cron || s.timezone !== current.timezone || s.enabled !== current.enabled;
  const schedule = await store.schedules.update(projectId, id, {
    name: s.name,
    targetType: s.target.type,
    targetId: s.target.id,
    cron: s.cron,
    timezone: s.timezone,
    profileId: s.profileId,
    variables: s.variables,
    enabled: s.enabled,
    ...(timing ? { nextRunAt: firstTick(s, now) } : {}),
  });
  return schedule ? { ok: true, schedule } : null;
}

import { Cron } from 'croner';

/*
 * Cron expressions of schedules: five fields (minute hour day-of-month month day-of-week), or six
 * with seconds first, evaluated in an IANA time zone (daylight-saving changes included) by croner.
 */

/** Why `expression` is not a schedule's cron expression, or null when it is one. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `Enter five fields (minute hour day month weekday), or six with seconds first; got ${fields.length}.`;
  }
  try {
    new Cron(expression, { paused: true });
    return null;
  } catch (err) {
    return `Not a valid cron expression: ${(err instanceof Error ? err.message : String(err)).replace(/^CronPattern:\s*/, '')}.`;
  }
}

/** Why `zone` is not an IANA time zone, or null when it is one. */
export function timezoneProblem(zone: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.trim() === '' ? `"${zone}" is not a time zone.` : null;
  } catch {
    return `Unknown time zone "${zone}"; use an IANA name such as "Europe/Warsaw" or "UTC".`;
  }
}

/** The first tick strictly after `after`, or null when the expression has no more (e.g. a past date). */
export function nextTick(expression: string, zone: string, after: Date): Date | null {
  return new Cron(expression, { timezone: zone, paused: true }).nextRun(after);
}

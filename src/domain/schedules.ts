/**
 * The presets BugBug's schedule form offers, as cron expressions (minute hour day month weekday):
 * the web UI and the CLI fill the cron field from them.
 */
export const SCHEDULE_PRESETS = {
  every5min: '*/5 * * * *',
  every15min: '*/15 * * * *',
  every30min: '*/30 * * * *',
  hourly: '0 * * * *',
  daily: '0 0 * * *',
  weekly: '0 0 * * 1',
  monthly: '0 0 1 * *',
} as const;
export type SchedulePreset = keyof typeof SCHEDULE_PRESETS;

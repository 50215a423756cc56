import type { AlertPayload } from '../domain/index.js';
import type { AlertRow } from '../store/index.js';

/** Whether `alert` is to be told about the run event `p` (its event, target and filters). */
export function alertMatches(alert: AlertRow, p: AlertPayload): boolean {
  if (!alert.enabled || alert.event !== p.event) return false;
  if (alert.target !== 'any' && alert.target !== p.target) return false;
  const f = alert.filters;
  // A run that starts has no outcome yet: status filters and "on change" apply to finished runs.
  if (p.event === 'finished') {
    if (f.statuses && f.statuses.length > 0 && !f.statuses.includes(p.status)) return false;
    if (f.onlyOnChange && p.previousStatus === p.status) return false;
  }
  if (f.triggeredBy && f.triggeredBy.length > 0 && !f.triggeredBy.includes(p.triggeredBy)) return false;
  if (f.profileId && f.profileId !== p.profileId) return false;
  return true;
}

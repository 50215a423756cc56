import { checkBodyTemplate, newWebhookSecret } from '../alerts/index.js';
import type { AlertAction, AlertEvent, AlertFilters, AlertTarget } from '../domain/index.js';
import type { AlertRow, Store } from '../store/index.js';

/** What a request sets of an alert; absent fields keep their value (PATCH) or default (POST). */
export interface AlertFields {
  name?: string;
  event?: AlertEvent;
  target?: AlertTarget;
  enabled?: boolean;
  filters?: AlertFilters;
  /** Parts left out (or sent masked) keep the stored ones: clients never see a URL or header value. */
  action?: Partial<AlertAction>;
}

/** `secret`: the webhook signing secret when this request created it (shown this once), else null. */
export type AlertResult = { ok: true; alert: AlertRow; secret: string | null } | { ok: false; errors: Record<string, string[]> };

const MASK = '********';
const needsUrl = (type: AlertAction['type']) => type !== 'email';

/** The action a request leaves: what it sends over what is stored (a URL or header value it did not resend is kept). */
function mergeAction(stored: AlertAction | null, sent: Partial<AlertAction>): Partial<AlertAction> {
  const type = sent.type ?? stored?.type;
  const sameKind = stored !== null && needsUrl(stored.type) === (type !== undefined && needsUrl(type));
  const headers = sent.headers && Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, v.includes(MASK) ? (stored?.headers?.[k] ?? '') : v]));
  return { ...sent, type, url: sent.url ?? (sameKind ? stored.url : undefined), ...(headers ? { headers } : {}) };
}

/** The checks that need the whole alert: what each action type requires, the body template, the profile. */
async function check(
  store: Store,
  projectId: string,
  action: Partial<AlertAction>,
  filters: AlertFilters,
  errors: Record<string, string[]>,
  emailReady: boolean,
) {
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (action.type === undefined) {
    if (!errors['action.type'] && !errors.action) add('action.type', 'This field is required.');
    return;
  }
  if (needsUrl(action.type) && action.url === undefined && !errors['action.url']) add('action.url', 'This field is required.');
  if (action.type === 'email') {
    if (!action.to && !errors['action.to']) add('action.to', 'This field is required.');
    if (!emailReady) add('action.type', 'Email alerts need an SMTP server: BUGRUN_SMTP_URL is not set.');
  }
  if (action.type !== 'webhook') {
    for (const part of ['method', 'headers', 'body'] as const) if (action[part] !== undefined) add(`action.${part}`, `Only webhook actions have a ${part}.`);
  } else if (action.body) {
    const problem = checkBodyTemplate(action.body);
    if (problem) add('action.body', problem);
  }
  if (filters.profileId && !(await store.profiles.get(projectId, filters.profileId)))
    add('filters.profileId', `Invalid pk "${filters.profileId}" - object does not exist.`);
}

export async function createAlert(
  store: Store,
  projectId: string,
  fields: AlertFields,
  invalid: Record<string, string[]>,
  emailReady: boolean,
): Promise<AlertResult> {
  const errors = { ...invalid };
  if (fields.name === undefined && !errors.name) errors.name = ['This field is required.'];
  if (fields.event === undefined && !errors.event) errors.event = ['This field is required.'];
  if (fields.action === undefined && !errors.action) errors.action = ['This field is required.'];
  const action = mergeAction(null, fields.action ?? {});
  const filters = fields.filters ?? {};
  await check(store, projectId, action, filters, errors, emailReady);
  if (Object.keys(errors).length > 0 || !fields.name || !fields.event) return { ok: false, errors };
  const secret = action.type === 'webhook' ? newWebhookSecret() : null;
  const alert = await store.alerts.create({
    projectId,
    name: fields.name,
    event: fields.event,
    target: fields.target ?? 'any',
    enabled: fields.enabled ?? true,
    filters,
    action: action as AlertAction,
    secret,
  });
  return { ok: true, alert, secret };
}

/** Changes an alert; one that becomes a webhook gets its signing secret now. Null: no such alert. */
export async function updateAlert(
  store: Store,
  projectId: string,
  id: string,
  fields: AlertFields,
  invalid: Record<string, string[]>,
  emailReady: boolean,
): Promise<AlertResult | null> {
  const current = await store.alerts.get(projectId, id);
  if (!current) return null;
  const errors = { ...invalid };
  const action = fields.action ? mergeAction(current.action, fields.action) : current.action;
  const filters = fields.filters ?? current.filters;
  // Email readiness only matters to an alert that becomes an email alert now.
  await check(store, projectId, action, filters, errors, emailReady || (current.action.type === 'email' && action.type === 'email'));
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const secret = action.type === 'webhook' && current.secret === null ? newWebhookSecret() : null;
  const alert = await store.alerts.update(projectId, id, {
    name: fields.name,
    event: fields.event,
    target: fields.target,
    enabled: fields.enabled,
    filters,
    action: action as AlertAction,
    ...(secret ? { secret } : {}),
  });
  return alert ? { ok: true, alert, secret } : null;
}

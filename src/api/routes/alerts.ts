import type { FastifyPluginAsync } from 'fastify';
import type { AlertAction } from '../../domain/index.js';
import type { AlertDeliveryRow, AlertRow, Store } from '../../store/index.js';
import { createAlert, updateAlert } from '../../use-cases/index.js';
import { readAlertFields } from '../alert-request.js';
import { ApiError, ValidationError } from '../errors.js';
import { paginate, readPage } from '../pagination.js';
import { FieldChecker, isUuid } from '../validate.js';

type IdParams = { id: string };
const MASK = '********';

/**
 * A URL as answers show it: scheme and host only. A webhook's path, query or user info may be its
 * credential (Slack's and Teams' URLs are nothing else), so they are masked like profile secrets.
 */
export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const hidden = url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '';
    return `${url.protocol}//${url.host}/${hidden ? MASK : ''}`;
  } catch {
    return MASK;
  }
}

function maskedAction(a: AlertAction) {
  return {
    type: a.type,
    url: a.url === undefined ? null : maskUrl(a.url),
    method: a.type === 'webhook' ? (a.method ?? 'POST') : null,
    headers: a.headers ? Object.fromEntries(Object.keys(a.headers).map((k) => [k, MASK])) : {},
    body: a.body ?? null,
    to: a.to ?? [],
  };
}

export function serializeAlert(a: AlertRow) {
  const f = a.filters;
  return {
    id: a.id,
    name: a.name,
    event: a.event,
    target: a.target,
    enabled: a.enabled,
    filters: { statuses: f.statuses ?? [], triggeredBy: f.triggeredBy ?? [], profileId: f.profileId ?? null, onlyOnChange: f.onlyOnChange ?? false },
    action: maskedAction(a.action),
    created: a.created,
    modified: a.modified,
  };
}

export function serializeDelivery(d: AlertDeliveryRow) {
  return {
    id: d.id,
    alertId: d.alertId,
    event: d.event,
    target: d.kind,
    testRunId: d.kind === 'test' ? d.runId : null,
    suiteRunId: d.kind === 'suite' ? d.runId : null,
    name: d.payload.name,
    runStatus: d.payload.status,
    status: d.status,
    attempts: d.attempts,
    responseCode: d.responseCode,
    error: d.error,
    created: d.created,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.nextAttemptAt,
    deliveredAt: d.deliveredAt,
  };
}

/** `/alerts/`: a project's alerts (CRUD) and each one's deliveries. */
export const alertsRoutes: FastifyPluginAsync<{ store: Store; emailReady: boolean }> = async (app, { store, emailReady }) => {
  async function find(projectId: string, id: string): Promise<AlertRow> {
    const alert = isUuid(id) ? await store.alerts.get(projectId, id.toLowerCase()) : null;
    if (!alert) throw new ApiError('NOT_FOUND');
    return alert;
  }

  const pageOf = (query: unknown) => {
    const checker = new FieldChecker();
    const page = readPage(query as Record<string, unknown>, checker);
    checker.throwIfAny();
    return page;
  };

  app.get('/alerts/', async (request) => {
    const page = pageOf(request.query);
    const { count, rows } = await store.alerts.list(request.projectId, { offset: page.offset, limit: page.pageSize });
    return paginate(request, page, count, rows.map(serializeAlert));
  });

  app.post('/alerts/', async (request, reply) => {
    const { fields, invalid } = readAlertFields(request.body);
    const created = await createAlert(store, request.projectId, fields, invalid, emailReady);
    if (!created.ok) throw new ValidationError(created.errors);
    // The signing secret is shown this once; it is never served again.
    return reply.code(201).send({ ...serializeAlert(created.alert), ...(created.secret ? { secret: created.secret } : {}) });
  });

  app.get<{ Params: IdParams }>('/alerts/:id/', async (request) => serializeAlert(await find(request.projectId, request.params.id)));

  app.patch<{ Params: IdParams }>('/alerts/:id/', async (request) => {
    const found = await find(request.projectId, request.params.id);
    const { fields, invalid } = readAlertFields(request.body);
    const updated = await updateAlert(store, request.projectId, found.id, fields, invalid, emailReady);
    if (updated === null) throw new ApiError('NOT_FOUND');
    if (!updated.ok) throw new ValidationError(updated.errors);
    return { ...serializeAlert(updated.alert), ...(updated.secret ? { secret: updated.secret } : {}) };
  });

  app.delete<{ Params: IdParams }>('/alerts/:id/', async (request, reply) => {
    const found = await find(request.projectId, request.params.id);
    await store.alerts.delete(request.projectId, found.id);
    return reply.code(204).send();
  });

  app.get<{ Params: IdParams }>('/alerts/:id/deliveries/', async (request) => {
    const alert = await find(request.projectId, request.params.id);
    const page = pageOf(request.query);
    const { count, rows } = await store.alertDeliveries.listByAlert(alert.id, { offset: page.offset, limit: page.pageSize });
    return paginate(request, page, count, rows.map(serializeDelivery));
  });
};

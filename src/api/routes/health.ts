import type { FastifyPluginAsync } from 'fastify';
import { durationBetween, formatDuration } from '../../domain/index.js';
import type { HistoryRunRow, Store } from '../../store/index.js';
import { HEALTH_DAYS, HISTORY_LIMIT, projectHealth, testHistory, type ProjectHealth } from '../../use-cases/index.js';
import { ApiError } from '../errors.js';
import type { Links } from '../serializers.js';
import { FieldChecker, isUuid } from '../validate.js';

/**
 * A positive whole number from the query string, `fallback` when absent; above `max` it is `max`
 * (as DRF caps `page_size`). Anything else is a field error.
 */
function readCount(query: Record<string, unknown>, field: string, bounds: { default: number; max: number }, checker: FieldChecker): number {
  const raw = query[field];
  if (raw === undefined) return bounds.default;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    checker.add(field, 'A valid positive integer is required.');
    return bounds.default;
  }
  return Math.min(Number(raw), bounds.max);
}

const duration = (ms: number | null) => (ms === null ? null : formatDuration(ms));

function serializeHistoryRun(r: HistoryRunRow, links: Links) {
  return {
    id: r.id,
    status: r.status,
    errorCode: r.errorCode,
    duration: durationBetween(r.started, r.ended),
    triggeredBy: r.triggeredBy,
    profileName: r.profileName,
    queued: r.queued,
    started: r.started,
    ended: r.ended,
    suiteRunId: r.suiteRunId,
    attempt: r.attempt,
    webappUrl: links.webappUrl(r.id),
  };
}

function serializeHealth(h: ProjectHealth) {
  return {
    days: h.days,
    from: h.from,
    to: h.to,
    passRate: h.passRate,
    daily: h.daily,
    slowest: h.slowest.map((s) => ({ testId: s.testId, name: s.name, medianDuration: formatDuration(s.medianDurationMs), runs: s.runs })),
    flakiest: h.flakiest.map((f) => ({
      testId: f.testId,
      name: f.name,
      flips: f.flips,
      retryPasses: f.retryPasses,
      flakyReason: f.reason,
      outcomes: f.outcomes,
    })),
  };
}

/** `GET /tests/{id}/history/` and `GET /health/`: how tests fared over time (issue #17). */
export const healthRoutes: FastifyPluginAsync<{ store: Store; links: Links }> = async (app, { store, links }) => {
  app.get<{ Params: { id: string } }>('/tests/:id/history/', async (request) => {
    const checker = new FieldChecker();
    const limit = readCount(request.query as Record<string, unknown>, 'limit', HISTORY_LIMIT, checker);
    checker.throwIfAny();
    const id = request.params.id;
    const test = isUuid(id) ? await store.tests.get(request.projectId, id.toLowerCase()) : await store.tests.getBySlug(request.projectId, id);
    if (!test) throw new ApiError('NOT_FOUND');
    const history = await testHistory(store, request.projectId, test.id, limit);
    return {
      testId: test.id,
      name: test.name,
      runs: history.runs.map((r) => serializeHistoryRun(r, links)),
      passRate: history.passRate,
      medianDuration: duration(history.medianDurationMs),
      flaky: history.flakiness.flaky,
      flakyReason: history.flakiness.reason,
      flips: history.flakiness.flips,
      retryPasses: history.flakiness.retryPasses,
    };
  });

  app.get('/health/', async (request) => {
    const checker = new FieldChecker();
    const days = readCount(request.query as Record<string, unknown>, 'days', HEALTH_DAYS, checker);
    checker.throwIfAny();
    return serializeHealth(await projectHealth(store, request.projectId, days));
  });
};

import type { FastifyPluginAsync } from 'fastify';
import type { RunListRow, ScheduleRow, Store } from '../../store/index.js';
import { createSchedule, updateSchedule } from '../../use-cases/index.js';
import { ApiError, ValidationError } from '../errors.js';
import { paginate, readPage } from '../pagination.js';
import { readScheduleFields } from '../schedule-request.js';
import type { Links } from '../serializers.js';
import { FieldChecker, isUuid } from '../validate.js';

type IdParams = { id: string };

export function serializeSchedule(s: ScheduleRow) {
  return {
    id: s.id,
    name: s.name,
    testId: s.targetType === 'test' ? s.targetId : null,
    suiteId: s.targetType === 'suite' ? s.targetId : null,
    cron: s.cron,
    timezone: s.timezone,
    runProfileId: s.profileId,
    variables: s.variables,
    enabled: s.enabled,
    nextRunAt: s.nextRunAt,
    lastRunAt: s.lastRunAt,
    lastRunId: s.lastRunId,
    lastSkippedAt: s.lastSkippedAt,
    lastSkipReason: s.lastSkipReason,
    created: s.created,
    modified: s.modified,
  };
}

/** `/schedules/`: a project's schedules (CRUD) and the runs each started. */
export const schedulesRoutes: FastifyPluginAsync<{ store: Store; links: Links }> = async (app, { store, links }) => {
  async function find(projectId: string, id: string): Promise<ScheduleRow> {
    const schedule = isUuid(id) ? await store.schedules.get(projectId, id.toLowerCase()) : null;
    if (!schedule) throw new ApiError('NOT_FOUND');
    return schedule;
  }

  app.get('/schedules/', async (request) => {
    const checker = new FieldChecker();
    const page = readPage(request.query as Record<string, unknown>, checker);
    checker.throwIfAny();
    const { count, rows } = await store.schedules.list(request.projectId, { offset: page.offset, limit: page.pageSize });
    return paginate(request, page, count, rows.map(serializeSchedule));
  });

  app.post('/schedules/', async (request, reply) => {
    const { fields, invalid } = readScheduleFields(request.body);
    const created = await createSchedule(store, request.projectId, fields, invalid);
    if (!created.ok) throw new ValidationError(created.errors);
    return reply.code(201).send(serializeSchedule(created.schedule));
  });

  app.get<{ Params: IdParams }>('/schedules/:id/', async (request) => serializeSchedule(await find(request.projectId, request.params.id)));

  app.patch<{ Params: IdParams }>('/schedules/:id/', async (request) => {
    const found = await find(request.projectId, request.params.id);
    const { fields, invalid } = readScheduleFields(request.body);
    const updated = await updateSchedule(store, request.projectId, found.id, fields, invalid);
    if (updated === null) throw new ApiError('NOT_FOUND');
    if (!updated.ok) throw new ValidationError(updated.errors);
    return serializeSchedule(updated.schedule);
  });

  app.delete<{ Params: IdParams }>('/schedules/:id/', async (request, reply) => {
    const found = await find(request.projectId, request.params.id);
    await store.schedules.delete(request.projectId, found.id);
    return reply.code(204).send();
  });

  app.get<{ Params: IdParams }>('/schedules/:id/runs/', async (request) => {
    const schedule = await find(request.projectId, request.params.id);
    const checker = new FieldChecker();
    const page = readPage(request.query as Record<string, unknown>, checker);
    checker.throwIfAny();
    const window = { offset: page.offset, limit: page.pageSize };
    if (schedule.targetType === 'test') {
      const { count, rows } = await store.runs.listBySchedule(request.projectId, schedule.id, window);
      const results = rows.map((r) => ({ ...runOfTick(r), testRunId: r.id, suiteRunId: null, name: r.testName, webappUrl: links.webappUrl(r.id) }));
      return paginate(request, page, count, results);
    }
    const { count, rows } = await store.suiteRuns.listBySchedule(request.projectId, schedule.id, window);
    const results = rows.map((r) => ({ ...runOfTick(r), testRunId: null, suiteRunId: r.id, name: r.suiteName, webappUrl: links.suiteRunUrl(r.id) }));
    return paginate(request, page, count, results);
  });
};

/** What the runs page of a schedule shows of a test run or suite run alike. */
function runOfTick(r: Pick<RunListRow, 'id' | 'status' | 'errorCode' | 'scheduledFor' | 'queued' | 'started' | 'ended'>) {
  return { id: r.id, status: r.status, errorCode: r.errorCode, scheduledFor: r.scheduledFor, queued: r.queued, started: r.started, ended: r.ended };
}

import type { FastifyPluginAsync } from 'fastify';
import { renderJUnitSuite, reportOf } from '../../reports/index.js';
import { lastAttempts, type RunService } from '../../runs/index.js';
import type { RunListRow, Store, StoredStepRun, SuiteRunRow } from '../../store/index.js';
import { startSuiteRun } from '../../use-cases/index.js';
import { ApiError, ValidationError } from '../errors.js';
import { paginate, readPage } from '../pagination.js';
import { readRunListFilters, readRunRequest, throttled } from '../run-request.js';
import { serializeStepRun, serializeSuiteRun, serializeSuiteRunStatus, type Links } from '../serializers.js';
import { FieldChecker, isUuid } from '../validate.js';

interface Deps {
  store: Store;
  runs: RunService;
  links: Links;
}

type IdParams = { id: string };

/** Suite runs (docs/bugbug-compatibility.md §10) and `GET /stepruns/{id}/`. */
export const suiteRunsRoutes: FastifyPluginAsync<Deps> = async (app, { store, runs, links }) => {
  async function findSuiteRun(projectId: string, id: string): Promise<SuiteRunRow> {
    const suiteRun = isUuid(id) ? await store.suiteRuns.get(projectId, id.toLowerCase()) : null;
    if (!suiteRun) throw new ApiError('NOT_FOUND');
    return suiteRun;
  }

  async function testRunsOf(suiteRunId: string): Promise<RunListRow[]> {
    return (await store.runs.listBySuiteRuns([suiteRunId])).get(suiteRunId) ?? [];
  }

  app.post('/suiteruns/', async (request) => {
    const { id: suiteId, invalid, ...rest } = readRunRequest(request.body, 'suiteId');
    const started = await throttled(() => startSuiteRun({ store, runs }, { projectId: request.projectId, suiteId, ...rest }, invalid));
    if (!started.ok) throw new ValidationError(started.errors);
    const { id, status, modified } = started.suiteRun;
    return { id, status, modified, webappUrl: links.suiteRunUrl(id) };
  });

  app.get('/suiteruns/', async (request) => {
    const query = request.query as Record<string, unknown>;
    const checker = new FieldChecker();
    const page = readPage(query, checker);
    const filters = readRunListFilters(query, checker);
    checker.throwIfAny();
    const { count, rows } = await store.suiteRuns.list(request.projectId, { ...filters, offset: page.offset, limit: page.pageSize });
    const testRuns = await store.runs.listBySuiteRuns(rows.map((r) => r.id));
    const steps = await store.stepRuns.listByRuns([...testRuns.values()].flat().map((r) => r.id));
    return paginate(
      request,
      page,
      count,
      rows.map((r) => serializeSuiteRun(r, testRuns.get(r.id) ?? [], steps, links)),
    );
  });

  app.get<{ Params: IdParams }>('/suiteruns/:id/', async (request) => {
    const suiteRun = await findSuiteRun(request.projectId, request.params.id);
    const testRuns = await testRunsOf(suiteRun.id);
    const steps = await store.stepRuns.listByRuns(testRuns.map((r) => r.id));
    return serializeSuiteRun(suiteRun, testRuns, steps, links);
  });

  app.get<{ Params: IdParams }>('/suiteruns/:id/status/', async (request) => {
    const suiteRun = await findSuiteRun(request.projectId, request.params.id);
    return serializeSuiteRunStatus(suiteRun, await testRunsOf(suiteRun.id), links);
  });

  app.post<{ Params: IdParams }>('/suiteruns/:id/stop/', async (request) => {
    const found = await findSuiteRun(request.projectId, request.params.id);
    const suiteRun = (await runs.stopSuite(request.projectId, found.id)) ?? found;
    return serializeSuiteRunStatus(suiteRun, await testRunsOf(suiteRun.id), links);
  });

  app.get<{ Params: IdParams }>('/suiteruns/:id/screenshots/', async (request) => {
    const suiteRun = await findSuiteRun(request.projectId, request.params.id);
    const testRuns = await testRunsOf(suiteRun.id);
    const steps = await store.stepRuns.listByRuns(testRuns.map((r) => r.id));
    return {
      id: suiteRun.id,
      testRuns: testRuns.map((run) => ({
        id: run.id,
        testId: run.testId,
        name: run.testName,
        attempt: run.attempt,
        stepsRuns: (steps.get(run.id) ?? [])
          .filter((s) => s.screenshotKey !== null)
          .map((s) => ({ id: s.record.id, stepId: s.record.stepId, screenshotUrl: links.files.url(s.screenshotKey as string) })),
      })),
    };
  });

  app.get<{ Params: IdParams }>('/suiteruns/:id/report/junit/', async (request, reply) => {
    const suiteRun = await findSuiteRun(request.projectId, request.params.id);
    // One testcase per test: its last attempt, which decided the suite.
    const tests = lastAttempts(await testRunsOf(suiteRun.id));
    const steps = await store.stepRuns.listByRuns(tests.map((r) => r.id));
    const reports = tests.map((run) =>
      reportOf(
        run,
        (steps.get(run.id) ?? []).map((s: StoredStepRun) => s.record),
      ),
    );
    const xml = renderJUnitSuite({ id: suiteRun.id, name: suiteRun.suiteName, started: suiteRun.started, ended: suiteRun.ended }, reports);
    return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="bugrun-suite-${suiteRun.id}-junit.xml"`).send(xml);
  });

  app.get<{ Params: IdParams }>('/stepruns/:id/', async (request) => {
    const { id } = request.params;
    const step = isUuid(id) ? await store.stepRuns.get(id.toLowerCase()) : null;
    // Another project's step run is as unknown as one that does not exist.
    const run = step ? await store.runs.getStatus(request.projectId, step.runId) : null;
    if (!step || !run) throw new ApiError('NOT_FOUND');
    return serializeStepRun(step.runId, step, links);
  });
};

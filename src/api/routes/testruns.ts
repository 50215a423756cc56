import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { FETCHABLE_ARTIFACT_KINDS } from '../../domain/index.js';
import { renderJUnit, reportOf } from '../../reports/index.js';
import type { RunService } from '../../runs/index.js';
import type { RunRow, Store } from '../../store/index.js';
import { startTestRun } from '../../use-cases/index.js';
import { ApiError, ValidationError } from '../errors.js';
import { paginate, readPage } from '../pagination.js';
import { RunJsonCache } from '../run-json-cache.js';
import { serializeArtifact, serializeRun, serializeRunStatus, type Links, type StoredStepRun } from '../serializers.js';
import { readRunListFilters, readRunRequest, throttled } from '../run-request.js';
import { FieldChecker, isUuid } from '../validate.js';

interface Deps {
  store: Store;
  runs: RunService;
  links: Links;
}

type IdParams = { id: string };

/** The ten endpoints of the v2 "Test runs" API (src/api/spec/testruns-v2.openapi.json). */
export const testRunsRoutes: FastifyPluginAsync<Deps> = async (app, { store, runs, links }) => {
  const runJson = new RunJsonCache();

  async function findRun(projectId: string, id: string): Promise<RunRow> {
    const run = isUuid(id) ? await store.runs.get(projectId, id.toLowerCase()) : null;
    if (!run) throw new ApiError('NOT_FOUND');
    return run;
  }

  async function stepRunsOf(runId: string): Promise<StoredStepRun[]> {
    const rows = await store.stepRuns.listByRun(runId);
    return rows;
  }

  app.get('/testruns/', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const checker = new FieldChecker();
    const page = readPage(query, checker);
    const filters = readRunListFilters(query, checker);
    const testId = query.test_id;
    if (testId !== undefined && !isUuid(testId)) checker.add('test_id', 'Enter a valid UUID.');
    checker.throwIfAny();
    const { count, rows } = await store.runs.list(request.projectId, {
      ...filters,
      testId: (testId as string | undefined)?.toLowerCase(),
      offset: page.offset,
      limit: page.pageSize,
    });
    // Finished runs whose JSON is cached need neither their step runs nor serializing again.
    const linksExpire = links.files.expiry();
    const cached = rows.map((run) => runJson.get(run, linksExpire));
    const missing = rows.filter((_, i) => cached[i] === null).map((run) => run.id);
    const steps = missing.length > 0 ? await store.stepRuns.listByRuns(missing) : new Map<string, StoredStepRun[]>();
    const results = rows.map(
      (run, i) => cached[i] ?? runJson.remember(run, Buffer.from(JSON.stringify(serializeRun(run, steps.get(run.id) ?? [], links))), linksExpire),
    );
    // Exactly the bytes JSON.stringify gives the page object, with each run's JSON spliced in.
    const envelope = JSON.stringify({ ...paginate(request, page, count, []), results: undefined });
    const body = runJson.page(`${envelope.slice(0, -1)},"results":[`, results);
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.post('/testruns/', async (request) => {
    const { id: testId, invalid, trace, ...rest } = readRunRequest(request.body, 'testId');
    // `"trace": true` (Bugrun's extension) makes this run's trace policy `on`.
    const input = { projectId: request.projectId, testId, ...rest, trace: trace ? ('on' as const) : null };
    const started = await throttled(() => startTestRun({ store, runs }, input, invalid));
    if (!started.ok) throw new ValidationError(started.errors);
    return serializeRunStatus(started.run, links);
  });

  app.get<{ Params: IdParams }>('/testruns/:id/', async (request) => {
    const run = await findRun(request.projectId, request.params.id);
    return serializeRun(run, await stepRunsOf(run.id), links);
  });

  app.get<{ Params: IdParams }>('/testruns/:id/status/', async (request) => {
    // The hot polling endpoint: a narrow read, not the whole row with its plan.
    const { id } = request.params;
    const run = isUuid(id) ? await store.runs.getStatus(request.projectId, id.toLowerCase()) : null;
    if (!run) throw new ApiError('NOT_FOUND');
    return serializeRunStatus(run, links);
  });

  app.post<{ Params: IdParams }>('/testruns/:id/stop/', async (request) => {
    await findRun(request.projectId, request.params.id);
    const run = await runs.stop(request.projectId, request.params.id.toLowerCase());
    if (!run) throw new ApiError('NOT_FOUND');
    return serializeRunStatus(run, links);
  });

  app.get<{ Params: IdParams }>('/testruns/:id/screenshots/', async (request) => {
    const run = await findRun(request.projectId, request.params.id);
    const steps = await stepRunsOf(run.id);
    return {
      id: run.id,
      stepsRuns: steps
        .filter((s) => s.screenshotKey !== null)
        .map((s) => ({ id: s.record.id, stepId: s.record.stepId, screenshotUrl: links.files.url(s.screenshotKey as string) })),
    };
  });

  app.get<{ Params: IdParams }>('/testruns/:id/debug-artifacts/', async (request) => {
    const run = await findRun(request.projectId, request.params.id);
    const artifacts = await store.artifacts.listByRun(run.id);
    return artifacts.map((a) => serializeArtifact(a, links));
  });

  app.get<{ Params: IdParams & { kind: string } }>('/testruns/:id/debug-artifacts/:kind/', async (request) => {
    const run = await findRun(request.projectId, request.params.id);
    const kind = request.params.kind as (typeof FETCHABLE_ARTIFACT_KINDS)[number];
    const artifact = FETCHABLE_ARTIFACT_KINDS.includes(kind) ? await store.artifacts.latestByKind(run.id, kind) : null;
    if (!artifact) throw new ApiError('ARTIFACT_NOT_FOUND');
    return serializeArtifact(artifact, links);
  });

  app.get<{ Params: IdParams }>('/testruns/:id/logs/', async (request, reply: FastifyReply) => {
    const run = await findRun(request.projectId, request.params.id);
    // A run that never finished (crash) still has its partial log.
    const artifact = (await store.artifacts.latestByKind(run.id, 'logs')) ?? (await store.artifacts.latestByKind(run.id, 'logs_partial'));
    if (!artifact || !(await store.blobs.exists(artifact.blobKey))) throw new ApiError('LOGS_NOT_FOUND');
    return reply.redirect(links.files.url(artifact.blobKey), 302);
  });

  app.get<{ Params: IdParams }>('/testruns/:id/report/junit/', async (request, reply) => {
    const run = await findRun(request.projectId, request.params.id);
    const steps = await stepRunsOf(run.id);
    const xml = renderJUnit(
      reportOf(
        run,
        steps.map((s) => s.record),
      ),
    );
    return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="bugrun-${run.id}-junit.xml"`).send(xml);
  });
};

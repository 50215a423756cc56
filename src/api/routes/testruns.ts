import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { FETCHABLE_ARTIFACT_KINDS, RUN_STATUSES, TRIGGERS, type RunStatus, type TriggeredBy } from '../../domain/index.js';
import { renderJUnit, reportOf } from '../../reports/index.js';
import { QueueFullError, type RunService } from '../../runs/index.js';
import type { RunRow, RunVariable, Store } from '../../store/index.js';
import { startTestRun, type StartTestRunInput } from '../../use-cases/index.js';
import { ApiError, ValidationError, type FieldErrors } from '../errors.js';
import { paginate, readPage } from '../pagination.js';
import { RunJsonCache } from '../run-json-cache.js';
import { serializeArtifact, serializeRun, serializeRunStatus, type Links, type StoredStepRun } from '../serializers.js';
import { FieldChecker, isPlainObject, isUuid, parseIsoDate } from '../validate.js';

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
    const ordering = query.ordering ?? '-started';
    if (ordering !== 'started' && ordering !== '-started') {
      checker.add('ordering', `Select a valid choice. ${shown(ordering)} is not one of the available choices.`);
    }
    const status = query.status;
    if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
      checker.add('status', `Select a valid choice. ${shown(status)} is not one of the available choices.`);
    }
    const testId = query.test_id;
    if (testId !== undefined && !isUuid(testId)) checker.add('test_id', 'Enter a valid UUID.');
    const dates: Record<string, string | undefined> = {};
    for (const field of ['started_after', 'started_before']) {
      const raw = query[field];
      if (raw === undefined) continue;
      const parsed = typeof raw === 'string' ? parseIsoDate(raw) : null;
      if (parsed === null) checker.add(field, 'Enter a valid date/time.');
      else dates[field] = parsed;
    }
    checker.throwIfAny();
    const { count, rows } = await store.runs.list(request.projectId, {
      status: status as RunStatus | undefined,
      testId: (testId as string | undefined)?.toLowerCase(),
      startedAfter: dates.started_after,
      startedBefore: dates.started_before,
      ordering: ordering as 'started' | '-started',
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
    const { input, invalid } = startInput(request.body, request.projectId);
    try {
      const started = await startTestRun({ store, runs }, input, invalid);
      if (!started.ok) throw new ValidationError(started.errors);
      return serializeRunStatus(started.run, links);
    } catch (err) {
      if (!(err instanceof QueueFullError)) throw err;
      const wait = String(err.retryAfterSeconds);
      throw new ApiError('THROTTLED', { wait }, {}, { 'retry-after': wait });
    }
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

/** A query value as an error message quotes it (repeated keys arrive as a list). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The `POST /testruns/` body as BugBug's clients send it, checked field by field (DRF errors);
 * legacy clients choose the profile by name and say what triggered the run.
 */
function startInput(body: unknown, projectId: string): { input: StartTestRunInput; invalid: FieldErrors } {
  const checker = new FieldChecker();
  if (!isPlainObject(body)) {
    checker.add('non_field_errors', 'Invalid data. Expected a dictionary.');
    checker.throwIfAny();
  }
  const input = body as Record<string, unknown>;
  if (input.testId === undefined || input.testId === null) checker.add('testId', 'This field is required.');
  else if (!isUuid(input.testId)) checker.add('testId', 'Must be a valid UUID.');

  let profile: StartTestRunInput['profile'] = null;
  if (input.runProfileId !== undefined && input.runProfileId !== null) {
    if (!isUuid(input.runProfileId)) checker.add('runProfileId', 'Must be a valid UUID.');
    else profile = { id: input.runProfileId.toLowerCase() };
  } else if (input.profileName !== undefined && input.profileName !== null) {
    if (typeof input.profileName !== 'string') checker.add('profileName', 'Not a valid string.');
    else profile = { name: input.profileName };
  }

  const variables: RunVariable[] = [];
  if (input.variables !== undefined && input.variables !== null) {
    if (!Array.isArray(input.variables)) checker.add('variables', `Expected a list of items but got type "${typeof input.variables}".`);
    else {
      input.variables.forEach((item: unknown, i) => {
        if (!isPlainObject(item)) return checker.add('variables', `Item ${i}: Invalid data. Expected a dictionary.`);
        if (typeof item.key !== 'string' || item.key === '')
          return checker.add('variables', `Item ${i}: key: This field is required and must be a non-empty string.`);
        if (item.key.length > 128) return checker.add('variables', `Item ${i}: key: Ensure this field has no more than 128 characters.`);
        if (item.value !== undefined && item.value !== null && typeof item.value !== 'string')
          return checker.add('variables', `Item ${i}: value: Not a valid string.`);
        variables.push({ key: item.key, value: item.value ?? null });
      });
    }
  }

  let triggeredBy: TriggeredBy = 'api';
  if (input.triggeredBy !== undefined && input.triggeredBy !== null) {
    if (TRIGGERS.includes(input.triggeredBy as TriggeredBy)) triggeredBy = input.triggeredBy as TriggeredBy;
    else checker.add('triggeredBy', `${JSON.stringify(input.triggeredBy)} is not a valid choice.`);
  }
  const testId = isUuid(input.testId) ? input.testId.toLowerCase() : null;
  return { input: { projectId, testId, profile, variables, triggeredBy }, invalid: checker.errors };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract } from '../helpers/contract.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';
import { apiBundle, SECRET_PASSWORD } from './api-bundle.js';

/**
 * Every endpoint of src/api/spec/testruns-v2.openapi.json, success and error, validated against
 * the file as it is (one documented override: stepsRuns is an array). Real runs in real Chromium,
 * on SQLite and on PostgreSQL.
 */
const skipPostgres = await postgresUnavailable();
if (skipPostgres !== null) console.warn(`contract tests: skipping the PostgreSQL variant, cannot connect: ${skipPostgres}`);
const DIALECTS = skipPostgres === null ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

describe.each(DIALECTS)('the test runs API on %s', (dialect) => {
  const contract = new Contract();
  let bugrun: TestBugrun;
  let fixture: { url: string; close(): Promise<void> };
  let passedRunId: string;
  let failedRunId: string;
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';

  async function call(method: string, specPath: string, url: string, body?: unknown, headers?: Record<string, string>) {
    const res = await bugrun.api(method, url, body, headers);
    const data = contract.check(method, specPath, res);
    return { res, data: data as Record<string, unknown> & Record<string, never> };
  }

  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    database = dialect === 'postgres' ? await scratchDatabase() : null;
    bugrun = await startBugrun(database ? { databaseUrl: database.url } : {});
    await bugrun.importYaml(apiBundle(fixture.url));
    passedRunId = await bugrun.startRun('login');
    failedRunId = await bugrun.startRun('failing');
    await bugrun.waitFor(passedRunId, ['passed', 'failed', 'error']);
    await bugrun.waitFor(failedRunId, ['passed', 'failed', 'error']);
  }, 90_000);

  afterAll(async () => {
    await bugrun?.close();
    await fixture?.close();
    await database?.drop();
  });

  describe('POST /api/v2/testruns/', () => {
    it('answers 200 with a queued V2TestRunStatus', async () => {
      const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'login');
      const { res, data } = await call('POST', '/api/v2/testruns/', '/api/v2/testruns/', { testId: test?.id, unknownField: 1 });
      expect(res.statusCode).toBe(200);
      expect(data.status).toBe('queued');
      expect(data.totalSteps).toBe(6);
      expect(data.webappUrl).toBe(`http://bugrun.test/runs/${String(data.id)}`);
      await bugrun.waitFor(String(data.id), ['passed', 'failed', 'error']);
    });

    it.each([
      ['missing testId', {}, 'testId'],
      ['non-UUID testId', { testId: 'abc' }, 'testId'],
      ['unknown testId', { testId: UNKNOWN }, 'testId'],
      ['variables not a list', { testId: UNKNOWN, variables: 'x' }, 'variables'],
      ['a body that is a list', [1, 2], 'non_field_errors'],
    ])('answers 400 with DRF field errors for %s', async (_name, body, field) => {
      const { res, data } = await call('POST', '/api/v2/testruns/', '/api/v2/testruns/', body);
      expect(res.statusCode).toBe(400);
      expect(Array.isArray(data[field])).toBe(true);
    });

    it('answers 400 for an unknown runProfileId and a variable key over 128 characters', async () => {
      const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'login');
      const { res, data } = await call('POST', '/api/v2/testruns/', '/api/v2/testruns/', {
        testId: test?.id,
        runProfileId: UNKNOWN,
        variables: [{ key: 'k'.repeat(129), value: 'v' }],
      });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(data).sort()).toEqual(['runProfileId', 'variables']);
    });

    it('answers 400 with a JSON body for malformed JSON', async () => {
      const res = await bugrun.service.app.inject({
        method: 'POST',
        url: '/api/v2/testruns/',
        headers: { authorization: `Token ${bugrun.token}`, 'content-type': 'application/json' },
        payload: '{"testId": ',
      });
      const data = contract.check('POST', '/api/v2/testruns/', res) as { detail: string };
      expect(res.statusCode).toBe(400);
      expect(data.detail).toMatch(/JSON parse error/);
    });

    it('answers 401 without a token, with a wrong token, and accepts Bearer', async () => {
      for (const authorization of ['', 'Token wrong', 'Basic abc']) {
        const res = await bugrun.service.app.inject({ method: 'POST', url: '/api/v2/testruns/', headers: { authorization }, payload: {} });
        const data = contract.check('POST', '/api/v2/testruns/', res) as { detail: string };
        expect(res.statusCode).toBe(401);
        expect(data.detail).toBe('Authentication credentials were missing or invalid.');
      }
      const res = await bugrun.service.app.inject({
        method: 'GET',
        url: `/api/v2/testruns/${passedRunId}/status/`,
        headers: { authorization: `Bearer ${bugrun.token}` },
      });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('GET /api/v2/testruns/{id}/', () => {
    it('returns the run with stepsRuns, duration, browser and trigger', async () => {
      const { data } = await call('GET', '/api/v2/testruns/{id}/', `/api/v2/testruns/${passedRunId}/`);
      expect(data.status).toBe('passed');
      expect(data.triggeredBy).toBe('api');
      expect(data.name).toBe('Login works');
      expect(data.duration).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{6}$/);
      expect(data.browserName).toBe('chromium');
      expect(String(data.browserVersion)).toMatch(/^\d+\./);
      expect([data.browserWidth, data.browserHeight, data.screenSizeType]).toEqual([1366, 768, 'desktop']);
      const steps = data.stepsRuns as unknown as { status: string; type: string; screenshotUrl: string }[];
      expect(steps.map((s) => s.type)).toEqual(['goto', 'type', 'type', 'click', 'assert', 'assert']);
      expect(steps.every((s) => s.status === 'passed')).toBe(true);
    });

    it('never shows the secret password', async () => {
      const res = await bugrun.api('GET', `/api/v2/testruns/${passedRunId}/`);
      expect(res.body).not.toContain(SECRET_PASSWORD);
      expect(res.body).toContain('********');
    });

    it("answers 404 for unknown, non-UUID and other projects' runs", async () => {
      for (const id of [UNKNOWN, 'not-a-uuid']) {
        const { res, data } = await call('GET', '/api/v2/testruns/{id}/', `/api/v2/testruns/${id}/`);
        expect(res.statusCode).toBe(404);
        expect(data.detail).toBe('Not found.');
      }
      const other = await bugrun.service.store.projects.create({ name: 'Other', slug: 'other' });
      const { token } = await bugrun.service.store.tokens.create(other.id, 'other');
      const { res } = await call('GET', '/api/v2/testruns/{id}/', `/api/v2/testruns/${passedRunId}/`, undefined, { authorization: `Token ${token}` });
      expect(res.statusCode).toBe(404);
    });
  });

  describe('GET /api/v2/testruns/', () => {
    it('paginates with count/next/previous and absolute links', async () => {
      const { data } = await call('GET', '/api/v2/testruns/', '/api/v2/testruns/?page_size=1&ordering=started');
      expect(data.count).toBeGreaterThanOrEqual(3);
      expect(data.previous).toBeNull();
      expect(String(data.next)).toMatch(/^http:\/\/[^/]+\/api\/v2\/testruns\/\?.*page=2/);
      const second = await call('GET', '/api/v2/testruns/', '/api/v2/testruns/?page_size=1&ordering=started&page=2');
      expect(second.data.previous).not.toBeNull();
      expect((second.data.results as unknown as { id: string }[])[0]?.id).not.toBe((data.results as unknown as { id: string }[])[0]?.id);
    });

    it('orders by started both ways and filters by status and test', async () => {
      const asc = (await call('GET', '/api/v2/testruns/', '/api/v2/testruns/?ordering=started&page_size=100')).data.results as unknown as { id: string }[];
      const desc = (await call('GET', '/api/v2/testruns/', '/api/v2/testruns/?ordering=-started&page_size=100')).data.results as unknown as { id: string }[];
      expect(desc.map((r) => r.id)).toEqual(asc.map((r) => r.id).reverse());
      const failed = (await call('GET', '/api/v2/testruns/', '/api/v2/testruns/?status=failed')).data.results as unknown as { id: string; status: string }[];
      expect(failed.map((r) => r.id)).toContain(failedRunId);
      expect(failed.every((r) => r.status === 'failed')).toBe(true);
      const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'failing');
      const byTest = (await call('GET', '/api/v2/testruns/', `/api/v2/testruns/?test_id=${test?.id}`)).data.results as unknown as { testId: string }[];
      expect(byTest.length).toBeGreaterThan(0);
      expect(byTest.every((r) => r.testId === test?.id)).toBe(true);
    });

    it('filters by started_after / started_before', async () => {
      const future = new Date(Date.now() + 3600_000).toISOString();
      expect((await call('GET', '/api/v2/testruns/', `/api/v2/testruns/?started_after=${future}`)).data.count).toBe(0);
      expect((await call('GET', '/api/v2/testruns/', `/api/v2/testruns/?started_before=${future}`)).data.count).toBeGreaterThanOrEqual(3);
    });

    it('answers 401 without a token', async () => {
      const res = await bugrun.service.app.inject({ method: 'GET', url: '/api/v2/testruns/' });
      contract.check('GET', '/api/v2/testruns/', res);
      expect(res.statusCode).toBe(401);
    });

    it('rejects bad filters and out-of-range pages with DRF errors (outside the published codes)', async () => {
      const bad = await bugrun.api('GET', '/api/v2/testruns/?status=bogus&test_id=x');
      expect(bad.statusCode).toBe(400);
      expect(Object.keys(bad.json()).sort()).toEqual(['status', 'test_id']);
      const page = await bugrun.api('GET', '/api/v2/testruns/?page=999');
      expect(page.statusCode).toBe(404);
      expect(page.json()).toEqual({ detail: 'Invalid page.' });
    });
  });

  describe('status and stop', () => {
    it('reports moving progress, and stop ends a running run within 2 s and closes its browser context', async () => {
      const runId = await bugrun.startRun('slow');
      const seen = new Set<number>();
      for (;;) {
        const { data } = await call('GET', '/api/v2/testruns/{id}/status/', `/api/v2/testruns/${runId}/status/`);
        seen.add(Number(data.finishedSteps));
        expect(data.totalSteps).toBe(7);
        if (Number(data.finishedSteps) >= 5) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen.size).toBeGreaterThan(2);
      const partial = (await call('GET', '/api/v2/testruns/{id}/debug-artifacts/', `/api/v2/testruns/${runId}/debug-artifacts/`)).data as unknown as {
        kind: string;
      }[];
      expect(partial.map((a) => a.kind)).toContain('logs_partial');
      const { data: byKind } = await call(
        'GET',
        '/api/v2/testruns/{id}/debug-artifacts/{artifact_type}/',
        `/api/v2/testruns/${runId}/debug-artifacts/logs_partial/`,
      );
      expect(byKind.kind).toBe('logs_partial');

      const t0 = Date.now();
      const { data: stopped } = await call('POST', '/api/v2/testruns/{id}/stop/', `/api/v2/testruns/${runId}/stop/`);
      expect(stopped.status).toBe('stopped');
      await bugrun.waitFor(runId, ['stopped'], 2000);
      // The runner closes the context; poll briefly for it.
      const pool = bugrun.pool;
      while (pool.contextsInUse().length > 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20));
      expect(pool.contextsInUse()).toHaveLength(0);
      expect(Date.now() - t0).toBeLessThan(2000);

      const again = await call('POST', '/api/v2/testruns/{id}/stop/', `/api/v2/testruns/${runId}/stop/`);
      expect(again.data.status).toBe('stopped');
    });

    it('ends a run whose plan cannot be built as error, with no logs (404)', async () => {
      const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'slow');
      const created = await bugrun.service.runs.create({
        projectId: bugrun.service.projectId,
        runId: crypto.randomUUID(),
        testId: test!.id,
        testName: test!.name,
        profileId: null,
        profileName: null,
        triggeredBy: 'api',
        variables: [],
        plan: { errorCode: 'INITIALIZATION_ERROR', message: 'never runs' },
      });
      expect(created.status).toBe('error');
      const { res, data } = await call('GET', '/api/v2/testruns/{id}/logs/', `/api/v2/testruns/${created.id}/logs/`);
      expect(res.statusCode).toBe(404);
      expect(data.detail).toBe('Logs not found or expired');
    });

    it('leaves a finished run unchanged and answers 404 for unknown runs', async () => {
      const { data } = await call('POST', '/api/v2/testruns/{id}/stop/', `/api/v2/testruns/${passedRunId}/stop/`);
      expect(data.status).toBe('passed');
      for (const [method, path] of [
        ['POST', '/api/v2/testruns/{id}/stop/'],
        ['GET', '/api/v2/testruns/{id}/status/'],
        ['GET', '/api/v2/testruns/{id}/screenshots/'],
        ['GET', '/api/v2/testruns/{id}/debug-artifacts/'],
        ['GET', '/api/v2/testruns/{id}/report/junit/'],
        ['GET', '/api/v2/testruns/{id}/logs/'],
      ] as const) {
        const { res } = await call(method, path, path.replace('{id}', UNKNOWN));
        expect(res.statusCode).toBe(404);
        const unauth = await bugrun.service.app.inject({ method, url: path.replace('{id}', passedRunId) });
        contract.check(method, path, unauth);
        expect(unauth.statusCode).toBe(401);
      }
    });
  });

  describe('screenshots, artifacts, logs and JUnit', () => {
    it('lists one downloadable JPEG screenshot per executed step', async () => {
      const { data } = await call('GET', '/api/v2/testruns/{id}/screenshots/', `/api/v2/testruns/${passedRunId}/screenshots/`);
      const shots = data.stepsRuns as unknown as { screenshotUrl: string }[];
      // A missing screenshot is explained in the run's log: show it when one is missing.
      const log =
        shots.length === 6 ? '' : (await bugrun.download(String((await bugrun.api('GET', `/api/v2/testruns/${passedRunId}/logs/`)).headers.location))).body;
      expect(shots, log).toHaveLength(6);
      for (const shot of shots) {
        const file = await bugrun.download(shot.screenshotUrl);
        expect(file.statusCode).toBe(200);
        expect(file.headers['content-type']).toBe('image/jpeg');
        expect(file.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      }
      // Change the signature's first character to a different one (a fixed 'x' was no change once in 64).
      const tampered = await bugrun.download(shots[0].screenshotUrl.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'x' ? 'y' : 'x'}`));
      expect(tampered.statusCode).toBe(404);
    });

    it('has logs, console output and the DOM of the failed step as debug artifacts', async () => {
      const { data } = await call('GET', '/api/v2/testruns/{id}/debug-artifacts/', `/api/v2/testruns/${failedRunId}/debug-artifacts/`);
      const kinds = (data as unknown as { kind: string }[]).map((a) => a.kind);
      expect(kinds).toEqual(expect.arrayContaining(['logs', 'logs_partial', 'chrome_debug_logs', 'dom_snapshot']));
      const consoleLogs = await call(
        'GET',
        '/api/v2/testruns/{id}/debug-artifacts/{artifact_type}/',
        `/api/v2/testruns/${failedRunId}/debug-artifacts/chrome_debug_logs/`,
      );
      const consoleFile = await bugrun.download(String(consoleLogs.data.file));
      expect(consoleFile.body).toContain('hello from the page');
      const dom = await call('GET', '/api/v2/testruns/{id}/debug-artifacts/{artifact_type}/', `/api/v2/testruns/${failedRunId}/debug-artifacts/dom_snapshot/`);
      const domFile = await bugrun.download(String(dom.data.file));
      expect(domFile.body).toMatch(/Console page/);
      expect(domFile.headers['content-security-policy']).toMatch(/sandbox/);
      const missing = await call(
        'GET',
        '/api/v2/testruns/{id}/debug-artifacts/{artifact_type}/',
        `/api/v2/testruns/${passedRunId}/debug-artifacts/dom_snapshot/`,
      );
      expect(missing.res.statusCode).toBe(404);
      const unknownKind = await call('GET', '/api/v2/testruns/{id}/debug-artifacts/{artifact_type}/', `/api/v2/testruns/${passedRunId}/debug-artifacts/bogus/`);
      expect(unknownKind.res.statusCode).toBe(404);
    });

    it('redirects /logs/ to the log file, which names the steps and hides secrets', async () => {
      const { res } = await call('GET', '/api/v2/testruns/{id}/logs/', `/api/v2/testruns/${passedRunId}/logs/`);
      expect(res.statusCode).toBe(302);
      const file = await bugrun.download(String(res.headers.location));
      expect(file.statusCode).toBe(200);
      expect(file.body).toContain('Type password');
      expect(file.body).not.toContain(SECRET_PASSWORD);
    });

    it('returns JUnit XML with a failure naming the step, its errorCode and message', async () => {
      const { res } = await call('GET', '/api/v2/testruns/{id}/report/junit/', `/api/v2/testruns/${failedRunId}/report/junit/`);
      expect(res.headers['content-type']).toMatch(/xml/);
      expect(res.body).toMatch(/^<\?xml/);
      expect(res.body).toMatch(/<testsuite [^>]*tests="1"[^>]*failures="1"/);
      expect(res.body).toMatch(/<failure [^>]*type="ASSERT_FAILED"[^>]*Paragraph says nope/);
      const passed = await call('GET', '/api/v2/testruns/{id}/report/junit/', `/api/v2/testruns/${passedRunId}/report/junit/`);
      expect(passed.res.body).not.toContain('<failure');
      expect(passed.res.body).not.toContain(SECRET_PASSWORD);
    });
  });

  describe('coverage', () => {
    it('exercised every operation of the contract with a success and an error', () => {
      expect(contract.uncovered(contract.operations())).toEqual([]);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuitesSpec, openApiDocument } from '../../src/api/openapi.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { Contract, type Spec } from '../helpers/contract.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { apiBundle } from '../api/api-bundle.js';

/**
 * Every suite endpoint of src/api/spec/suites-v2.openapi.json, success and error, validated against
 * the document Bugrun serves at /api/v2/schema/ (which merges it); another project's token sees
 * none of this project's suites, suite runs or step runs.
 */
const suitesYaml = (slug: string, tests: string[]) =>
  `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Suite ${slug}'\n  slug: '${slug}'\n  notes: 'About ${slug}'\n  suite_settings:\n    run_in_parallel: false\n    auto_retry: 1\n    auto_add_new_tests: false\n  tests:\n${tests.map((t) => `    - test_source: '${t}'\n`).join('')}`;

const contract = new Contract(openApiDocument() as unknown as Spec);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let bugrun: TestBugrun;
let fixture: { url: string; close(): Promise<void> };
let suiteId: string;
let suiteRunId: string;
let otherToken: string;

async function call(method: string, specPath: string, url: string, body?: unknown, headers?: Record<string, string>) {
  const res = await bugrun.api(method, url, body, headers);
  const data = contract.check(method, specPath, res);
  return { res, data: data as Record<string, unknown> & Record<string, never> };
}

beforeAll(async () => {
  fixture = await startFixtureServer();
  bugrun = await startBugrun();
  const objects = await bugrun.importYaml({
    ...apiBundle(fixture.url),
    'smoke.yaml': suitesYaml('smoke', ['login', 'failing']),
    'other.yaml': suitesYaml('another', ['login']),
  });
  suiteId = objects.find((o) => o.type === 'suite' && o.slug === 'smoke')?.id as string;
  const other = await bugrun.service.store.projects.create({ name: 'Other', slug: 'other' });
  otherToken = (await bugrun.service.store.tokens.create(other.id, 'other')).token;
  const started = await bugrun.api('POST', '/api/v2/suiteruns/', { suiteId });
  suiteRunId = (started.json() as { id: string }).id;
  for (;;) {
    const status = (await bugrun.api('GET', `/api/v2/suiteruns/${suiteRunId}/status/`)).json() as { status: string };
    if (['passed', 'failed', 'error', 'stopped'].includes(status.status)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
}, 90_000);

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
});

const asOther = () => ({ authorization: `Token ${otherToken}` });

describe('suites', () => {
  it('lists suites with pagination, query and ordering', async () => {
    const { data } = await call('GET', '/api/v2/suites/', '/api/v2/suites/?ordering=-name&page_size=1');
    expect(data).toMatchObject({ count: 2, previous: null, results: [{ name: 'Suite smoke' }] });
    expect(data.next).toBe('http://bugrun.test/api/v2/suites/?ordering=-name&page_size=1&page=2');
    const { data: found } = await call('GET', '/api/v2/suites/', '/api/v2/suites/?query=anoth');
    expect((found.results as { name: string }[]).map((s) => s.name)).toEqual(['Suite another']);
    expect((await call('GET', '/api/v2/suites/', '/api/v2/suites/?ordering=size')).res.statusCode).toBe(400);
    expect((await call('GET', '/api/v2/suites/', '/api/v2/suites/?page=9')).res.statusCode).toBe(404);
    expect((await call('GET', '/api/v2/suites/', '/api/v2/suites/', undefined, asOther())).data).toMatchObject({ count: 0 });
  });

  it('retrieves a suite by id or slug as V2Suite, and 404s for unknown and other projects', async () => {
    const { data } = await call('GET', '/api/v2/suites/{id}/', `/api/v2/suites/${suiteId}/`);
    expect(data).toMatchObject({
      id: suiteId,
      name: 'Suite smoke',
      notes: 'About smoke',
      testsCount: 2,
      autoRetry: 1,
      runInParallel: false,
      autoAddNewTests: false,
    });
    expect((data.tests as { name: string }[]).map((t) => t.name)).toEqual(['Login works', 'Wrong heading']);
    expect((await call('GET', '/api/v2/suites/{id}/', '/api/v2/suites/smoke/')).data).toMatchObject({ id: suiteId });
    for (const [id, headers] of [
      [UNKNOWN, {}],
      [suiteId, asOther()],
    ] as const) {
      expect((await call('GET', '/api/v2/suites/{id}/', `/api/v2/suites/${id}/`, undefined, headers)).res.statusCode).toBe(404);
    }
  });
});

describe('suite runs', () => {
  it('starts one, and answers DRF 400s for a missing, unknown or other-project suite and a bad profile', async () => {
    const { data } = await call('POST', '/api/v2/suiteruns/', '/api/v2/suiteruns/', { suiteId, profileName: 'Staging', triggeredBy: 'github' });
    const id = data.id as string;
    expect(data).toMatchObject({ status: 'queued', webappUrl: `http://bugrun.test/suite-runs/${id}` });
    await call('POST', '/api/v2/suiteruns/{id}/stop/', `/api/v2/suiteruns/${id}/stop/`);
    const bad = await call('POST', '/api/v2/suiteruns/', '/api/v2/suiteruns/', { runProfileId: 'x', variables: 'nope' });
    expect(bad.res.statusCode).toBe(400);
    expect(bad.data).toEqual({
      suiteId: ['This field is required.'],
      runProfileId: ['Must be a valid UUID.'],
      variables: ['Expected a list of items but got type "string".'],
    });
    const unknown = await call('POST', '/api/v2/suiteruns/', '/api/v2/suiteruns/', { suiteId: UNKNOWN, profileName: 'Nope' });
    expect(unknown.data).toEqual({ suiteId: [`Invalid pk "${UNKNOWN}" - object does not exist.`], profileName: ['Profile "Nope" does not exist.'] });
    const elsewhere = await call('POST', '/api/v2/suiteruns/', '/api/v2/suiteruns/', { suiteId }, asOther());
    expect(elsewhere.data).toEqual({ suiteId: [`Invalid pk "${suiteId}" - object does not exist.`] });
  });

  it('retrieves a finished suite run with its test runs, each a V2TestRun with suiteRunId', async () => {
    const { data } = await call('GET', '/api/v2/suiteruns/{id}/', `/api/v2/suiteruns/${suiteRunId}/`);
    expect(data).toMatchObject({ id: suiteRunId, name: 'Suite smoke', status: 'failed', errorCode: 'ASSERT_FAILED', parallelRun: false, totalTests: 2 });
    const runs = data.testRuns as { name: string; status: string; attempt: number; suiteRunId: string; stepsRuns: { id: string }[] }[];
    // The failing test was retried once (auto_retry: 1) and failed again.
    expect(runs.map((r) => [r.name, r.attempt, r.status])).toEqual([
      ['Login works', 1, 'passed'],
      ['Wrong heading', 1, 'failed'],
      ['Wrong heading', 2, 'failed'],
    ]);
    expect(new Set(runs.map((r) => r.suiteRunId))).toEqual(new Set([suiteRunId]));
    expect((await call('GET', '/api/v2/suiteruns/{id}/', `/api/v2/suiteruns/${suiteRunId}/`, undefined, asOther())).res.statusCode).toBe(404);
    expect((await call('GET', '/api/v2/suiteruns/{id}/', '/api/v2/suiteruns/not-a-uuid/')).res.statusCode).toBe(404);

    const step = runs[0]?.stepsRuns[0]?.id as string;
    const { data: stepRun } = await call('GET', '/api/v2/stepruns/{id}/', `/api/v2/stepruns/${step}/`);
    expect(stepRun).toMatchObject({ id: step, status: 'passed' });
    expect((await call('GET', '/api/v2/stepruns/{id}/', `/api/v2/stepruns/${step}/`, undefined, asOther())).res.statusCode).toBe(404);
    expect((await call('GET', '/api/v2/stepruns/{id}/', `/api/v2/stepruns/${UNKNOWN}/`)).res.statusCode).toBe(404);
  });

  it('lists suite runs newest first, filtered by status and start time', async () => {
    const { data } = await call('GET', '/api/v2/suiteruns/', '/api/v2/suiteruns/?status=failed');
    expect((data.results as { id: string }[]).map((r) => r.id)).toEqual([suiteRunId]);
    const { data: all } = await call('GET', '/api/v2/suiteruns/', '/api/v2/suiteruns/?ordering=started');
    expect((all.results as { id: string }[])[0]?.id).toBe(suiteRunId);
    expect(all.count).toBe(2);
    const { data: none } = await call('GET', '/api/v2/suiteruns/', '/api/v2/suiteruns/?started_after=2999-01-01T00:00:00Z');
    expect(none.count).toBe(0);
    expect((await call('GET', '/api/v2/suiteruns/', '/api/v2/suiteruns/?status=bogus&started_before=x')).data).toEqual({
      status: ['Select a valid choice. bogus is not one of the available choices.'],
      started_before: ['Enter a valid date/time.'],
    });
    expect((await call('GET', '/api/v2/suiteruns/', '/api/v2/suiteruns/', undefined, asOther())).data).toMatchObject({ count: 0 });
  });

  it('reports status with test counts, stops (a finished run unchanged), lists screenshots per test run and renders JUnit', async () => {
    const { data: status } = await call('GET', '/api/v2/suiteruns/{id}/status/', `/api/v2/suiteruns/${suiteRunId}/status/`);
    expect(status).toMatchObject({ id: suiteRunId, status: 'failed', finishedTests: 2, totalTests: 2 });
    const { data: stopped } = await call('POST', '/api/v2/suiteruns/{id}/stop/', `/api/v2/suiteruns/${suiteRunId}/stop/`);
    expect(stopped.status).toBe('failed');
    const { data: shots } = await call('GET', '/api/v2/suiteruns/{id}/screenshots/', `/api/v2/suiteruns/${suiteRunId}/screenshots/`);
    const perRun = shots.testRuns as { stepsRuns: { screenshotUrl: string }[] }[];
    expect(perRun).toHaveLength(3);
    const shot = await bugrun.download(perRun[0]?.stepsRuns[0]?.screenshotUrl as string);
    expect(shot.headers['content-type']).toBe('image/jpeg');
    const { res: junit } = await call('GET', '/api/v2/suiteruns/{id}/report/junit/', `/api/v2/suiteruns/${suiteRunId}/report/junit/`);
    expect(junit.body.match(/<testcase /g)).toHaveLength(2);
    expect(junit.body).toContain('errorCode: ASSERT_FAILED');
    for (const path of ['status/', 'stop/', 'screenshots/', 'report/junit/']) {
      const method = path === 'stop/' ? 'POST' : 'GET';
      const res = await call(method, `/api/v2/suiteruns/{id}/${path}`, `/api/v2/suiteruns/${UNKNOWN}/${path}`);
      expect(res.res.statusCode, path).toBe(404);
      const other = await call(method, `/api/v2/suiteruns/{id}/${path}`, `/api/v2/suiteruns/${suiteRunId}/${path}`, undefined, asOther());
      expect(other.res.statusCode, path).toBe(404);
    }
  });

  it('is served under /api/v1/ too', async () => {
    const res = await bugrun.api('GET', `/api/v1/suiteruns/${suiteRunId}/status/`);
    expect(res.json()).toMatchObject({ id: suiteRunId, status: 'failed' });
  });
});

describe('coverage', () => {
  it('exercised every operation of the suites document with a success and an error', () => {
    const operations = Object.entries(loadSuitesSpec().paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toHaveLength(10);
    expect(contract.uncovered(operations)).toEqual([]);
  });
});

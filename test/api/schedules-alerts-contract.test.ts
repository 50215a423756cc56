import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSchedulesAlertsSpec, openApiDocument } from '../../src/api/openapi.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { Contract, type Spec } from '../helpers/contract.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * Every operation of src/api/spec/schedules-alerts-v2.openapi.json, with a success and an error,
 * validated against the document Bugrun serves at /api/v2/schema/ (which merges it); another
 * project's token finds none of this project's schedules or alerts.
 */
const contract = new Contract(openApiDocument() as unknown as Spec);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let bugrun: TestBugrun;
let fixture: FixtureServer;
let receiver: Receiver;
let testId: string;
let otherToken: string;

async function call(method: string, specPath: string, url: string, body?: unknown, headers?: Record<string, string>) {
  const res = await bugrun.api(method, url, body, headers);
  return { res, data: contract.check(method, specPath, res) as Record<string, unknown> };
}

beforeAll(async () => {
  fixture = await startFixtureServer();
  receiver = await startReceiver();
  bugrun = await startBugrun({ alertRetryBaseMs: 200 });
  const objects = await bugrun.importYaml({ 'pass.yaml': yamlTest('pass', yamlStep('goto', `url: '${fixture.url}/title.html'`)) });
  testId = objects[0]?.id as string;
  const other = await bugrun.service.store.projects.create({ name: 'Other', slug: 'other' });
  otherToken = (await bugrun.service.store.tokens.create(other.id, 'other')).token;
}, 60_000);

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
  await receiver?.close();
});

it('creates, lists, retrieves, changes and deletes schedules, with DRF errors and 404s', async () => {
  const { data: created } = await call('POST', '/api/v2/schedules/', '/api/v2/schedules/', {
    name: 'Hourly',
    testId,
    cron: '0 * * * *',
    timezone: 'Europe/Warsaw',
  });
  const id = created.id as string;
  expect((await call('POST', '/api/v2/schedules/', '/api/v2/schedules/', { name: 'Bad', testId, cron: 'x' })).res.statusCode).toBe(400);
  expect((await call('GET', '/api/v2/schedules/', '/api/v2/schedules/')).data).toMatchObject({ count: 1 });
  expect((await call('GET', '/api/v2/schedules/', '/api/v2/schedules/?page=2')).res.statusCode).toBe(404);
  expect((await call('GET', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`)).data).toEqual(created);
  expect((await call('GET', '/api/v2/schedules/{id}/', `/api/v2/schedules/${UNKNOWN}/`)).res.statusCode).toBe(404);
  expect((await call('PATCH', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`, { enabled: false })).data).toMatchObject({
    enabled: false,
    nextRunAt: null,
  });
  expect((await call('PATCH', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`, { timezone: 'Nowhere/Nothing' })).res.statusCode).toBe(400);
  expect((await call('GET', '/api/v2/schedules/{id}/runs/', `/api/v2/schedules/${id}/runs/`)).data).toMatchObject({ count: 0, results: [] });
  expect((await call('GET', '/api/v2/schedules/{id}/runs/', `/api/v2/schedules/${UNKNOWN}/runs/`)).res.statusCode).toBe(404);
  // Another project's token finds nothing of this project's.
  const foreign = { authorization: `Token ${otherToken}` };
  expect((await call('GET', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`, undefined, foreign)).res.statusCode).toBe(404);
  expect((await call('PATCH', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`, { enabled: true }, foreign)).res.statusCode).toBe(404);
  expect((await call('DELETE', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`, undefined, foreign)).res.statusCode).toBe(404);
  expect((await call('GET', '/api/v2/schedules/', '/api/v2/schedules/', undefined, foreign)).data).toMatchObject({ count: 0 });
  expect((await call('DELETE', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`)).res.statusCode).toBe(204);
  expect((await call('DELETE', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`)).res.statusCode).toBe(404);
});

it('lists the runs a schedule started', async () => {
  const { data } = await call('POST', '/api/v2/schedules/', '/api/v2/schedules/', { name: 'Every second', testId, cron: '* * * * * *' });
  const id = data.id as string;
  const page = await waitUntil(
    'a scheduled run',
    async () => (await call('GET', '/api/v2/schedules/{id}/runs/', `/api/v2/schedules/${id}/runs/`)).data,
    (d) => (d.count as number) >= 1,
  );
  await call('PATCH', '/api/v2/schedules/{id}/', `/api/v2/schedules/${id}/`, { enabled: false });
  const run = (page.results as { testRunId: string }[])[0] as { testRunId: string };
  await bugrun.waitFor(run.testRunId, ['passed'], 60_000);
});

it('creates, lists, retrieves, changes and deletes alerts and lists their deliveries, with DRF errors and 404s', async () => {
  const { data: created } = await call('POST', '/api/v2/alerts/', '/api/v2/alerts/', {
    name: 'Hook',
    event: 'finished',
    action: { type: 'webhook', url: `${receiver.origin}/contract` },
  });
  const id = created.id as string;
  expect(created.secret).toMatch(/^whsec_/);
  expect(
    (await call('POST', '/api/v2/alerts/', '/api/v2/alerts/', { name: 'Bad', event: 'finished', action: { type: 'webhook', url: 'file:///etc/passwd' } })).res
      .statusCode,
  ).toBe(400);
  expect((await call('GET', '/api/v2/alerts/', '/api/v2/alerts/')).data).toMatchObject({ count: 1 });
  expect((await call('GET', '/api/v2/alerts/', '/api/v2/alerts/?page_size=0')).res.statusCode).toBe(400);
  const shown = (await call('GET', '/api/v2/alerts/{id}/', `/api/v2/alerts/${id}/`)).data;
  expect(shown).not.toHaveProperty('secret');
  expect((await call('GET', '/api/v2/alerts/{id}/', `/api/v2/alerts/${UNKNOWN}/`)).res.statusCode).toBe(404);
  expect((await call('PATCH', '/api/v2/alerts/{id}/', `/api/v2/alerts/${id}/`, { target: 'test' })).data).toMatchObject({ target: 'test' });
  expect((await call('PATCH', '/api/v2/alerts/{id}/', `/api/v2/alerts/${id}/`, { event: 'sometimes' })).res.statusCode).toBe(400);
  const runId = await bugrun.startRun('pass');
  const deliveries = await waitUntil(
    'a delivery',
    async () => (await call('GET', '/api/v2/alerts/{id}/deliveries/', `/api/v2/alerts/${id}/deliveries/`)).data,
    (d) => (d.results as { status: string }[])[0]?.status === 'delivered',
  );
  expect(deliveries.results).toMatchObject([{ testRunId: runId, status: 'delivered', attempts: 1, responseCode: 200 }]);
  expect((await call('GET', '/api/v2/alerts/{id}/deliveries/', `/api/v2/alerts/${UNKNOWN}/deliveries/`)).res.statusCode).toBe(404);
  const foreign = { authorization: `Bearer ${otherToken}` };
  expect((await call('GET', '/api/v2/alerts/{id}/deliveries/', `/api/v2/alerts/${id}/deliveries/`, undefined, foreign)).res.statusCode).toBe(404);
  expect((await call('DELETE', '/api/v2/alerts/{id}/', `/api/v2/alerts/${id}/`, undefined, foreign)).res.statusCode).toBe(404);
  expect((await call('DELETE', '/api/v2/alerts/{id}/', `/api/v2/alerts/${id}/`)).res.statusCode).toBe(204);
  expect((await call('DELETE', '/api/v2/alerts/{id}/', `/api/v2/alerts/${id}/`)).res.statusCode).toBe(404);
});

it('exercised every operation of the schedules and alerts document with a success and an error', () => {
  const operations = Object.entries(loadSchedulesAlertsSpec().paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  expect(operations).toHaveLength(12);
  expect(contract.uncovered(operations)).toEqual([]);
});

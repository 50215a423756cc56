import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configWith } from '../../src/config/config.js';
import type { StepRunRecord } from '../../src/domain/index.js';
import { createService, type Service } from '../../src/service.js';
import { stepRecord } from '../helpers/step-record.js';

/**
 * The endpoints clients poll (status, run list) and the token check before them, on runs written
 * straight into the store: no browser involved.
 */
let service: Service;
let dataDir: string;
const token = `hot-${randomUUID()}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bugrun-hot-'));
  service = await createService(configWith({ dataDir, port: 0, publicUrl: 'http://bugrun.test', token }));
});

afterAll(async () => {
  await service?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const get = (url: string, key = token) => service.app.inject({ method: 'GET', url, headers: { authorization: `Token ${key}` } });

function record(id: string, sequence: number, status: StepRunRecord['status']): StepRunRecord {
  return stepRecord(id, { sequence, status, executed: true, ended: '2026-01-01T00:00:01.500Z' });
}

let finished = 0;
/** A finished run with `steps` step runs; each one started a minute after the one before, so lists order them for sure. */
async function finishedRun(steps: number) {
  const { store, projectId } = service;
  const started = new Date(Date.UTC(2026, 0, 1) + 60_000 * ++finished);
  const run = await store.runs.create({
    projectId,
    testName: 'Stored',
    triggeredBy: 'api',
    runMode: 'server',
    screenSizeType: 'desktop',
    totalSteps: steps,
    plan: { big: 'x'.repeat(5000) },
  });
  const ids = Array.from({ length: steps }, () => randomUUID());
  for (const [i, id] of ids.entries()) await store.stepRuns.upsert(run.id, record(id, i + 1, 'passed'), `${run.id}/screenshots/${i}.jpg`);
  await store.runs.update(run.id, {
    status: 'passed',
    started: started.toISOString(),
    ended: new Date(started.getTime() + 5_000).toISOString(),
    finishedSteps: steps,
  });
  return { run, stepIds: ids };
}

describe('GET /testruns/{id}/status/', () => {
  it('answers from the narrow status read, never the whole run row', async () => {
    const { run } = await finishedRun(2);
    const fullRead = vi.spyOn(service.store.runs, 'get');
    try {
      const res = await get(`/api/v2/testruns/${run.id.toUpperCase()}/status/`);
      expect(res.statusCode).toBe(200);
      const full = await service.store.runs.getById(run.id);
      expect(res.json()).toEqual({
        id: run.id,
        status: 'passed',
        finishedSteps: 2,
        totalSteps: 2,
        modified: full?.modified,
        webappUrl: `http://bugrun.test/runs/${run.id}`,
      });
      expect((await get(`/api/v2/testruns/${randomUUID()}/status/`)).statusCode).toBe(404);
      expect((await get('/api/v2/testruns/nope/status/')).statusCode).toBe(404);
      expect(fullRead).not.toHaveBeenCalled();
    } finally {
      fullRead.mockRestore();
    }
  });
});

describe('authentication', () => {
  it('refuses a token revoked in this process on the very next request', async () => {
    const { id, token: other } = await service.store.tokens.create(service.projectId, 'short-lived');
    expect((await get('/api/v2/testruns/', other)).statusCode).toBe(200);
    expect((await get('/api/v2/testruns/', other)).statusCode).toBe(200);
    await service.store.tokens.revoke(service.projectId, id);
    expect((await get('/api/v2/testruns/', other)).statusCode).toBe(401);
  });
});

describe('GET /testruns/ (list)', () => {
  it('sends exactly the JSON of the page object, and shows later changes to a finished run', async () => {
    const { run, stepIds } = await finishedRun(3);
    await finishedRun(1);
    const first = await get('/api/v2/testruns/?page_size=2&ordering=-started');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = first.json() as {
      count: number;
      next: string | null;
      previous: null;
      results: { id: string; status: string; stepsRuns: { name: string; screenshotUrl: string | null; duration: string }[] }[];
    };
    expect(first.body).toBe(JSON.stringify(page));
    expect(Object.keys(page)).toEqual(['count', 'next', 'previous', 'results']);
    expect(page.next).toBe('http://bugrun.test/api/v2/testruns/?page_size=2&ordering=-started&page=2');
    const listed = page.results.find((r) => r.id === run.id);
    expect(listed?.stepsRuns.map((s) => s.name)).toEqual(['Step 1', 'Step 2', 'Step 3']);
    expect(listed?.stepsRuns[0]?.duration).toBe('00:00:01.500000');
    expect(listed?.stepsRuns[0]?.screenshotUrl).toMatch(new RegExp(`^http://bugrun\\.test/files/${run.id}/screenshots/0\\.jpg\\?exp=\\d+&sig=`));
    // The single-run endpoint serializes without the cache: both must agree.
    expect((await get(`/api/v2/testruns/${run.id}/`)).json()).toEqual(listed);

    // A finished run's step is recorded once more (a stopped run's in-flight step does this).
    await service.store.stepRuns.upsert(run.id, { ...record(stepIds[1], 2, 'failed'), name: 'Renamed' }, null);
    const again = (await get('/api/v2/testruns/?page_size=2&ordering=-started')).json() as typeof page;
    const changed = again.results.find((r) => r.id === run.id);
    expect(changed?.stepsRuns[1]).toMatchObject({ name: 'Renamed', status: 'failed', screenshotUrl: null });
    await service.store.runs.update(run.id, { status: 'failed' });
    const last = (await get('/api/v2/testruns/?page_size=2&ordering=-started')).json() as typeof page;
    expect(last.results.find((r) => r.id === run.id)?.status).toBe('failed');
  });

  it('keeps the DRF envelope for empty and out-of-range pages', async () => {
    const empty = await get(`/api/v2/testruns/?test_id=${randomUUID()}`);
    expect(empty.body).toBe('{"count":0,"next":null,"previous":null,"results":[]}');
    expect((await get('/api/v2/testruns/?page=999')).statusCode).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concreteUrl, startTwoProjects, type TwoProjects } from './two-projects.js';

/**
 * Every route under /api/, as the app registered it (a new route is covered without editing this
 * file), against every kind of credential an attacker can present.
 */
let fx: TwoProjects;
let apiRoutes: { method: string; url: string }[];

beforeAll(async () => {
  fx = await startTwoProjects();
  // The schema documents are public by design (README: "no token"), in both versions.
  apiRoutes = fx.routes().filter((r) => r.url.startsWith('/api/') && !/^\/api\/v\d\/schema\//.test(r.url));
});
afterAll(() => fx?.close());

/** A body naming project A's objects, for routes that take one. */
const bodyNamingA = (f: TwoProjects) => ({ testId: f.ids.test, suiteId: f.ids.suite, runProfileId: f.ids.profile, runId: f.ids.run, id: f.ids.run });

describe('authentication of every API route', () => {
  it('covers both API versions and every route', () => {
    // A guard against the matrix silently covering nothing: the v2 test-run routes alone are ten.
    expect(apiRoutes.filter((r) => r.url.startsWith('/api/v2/testruns')).length).toBeGreaterThanOrEqual(10);
    expect(apiRoutes.filter((r) => r.url.startsWith('/api/v1/')).length).toBe(apiRoutes.filter((r) => r.url.startsWith('/api/v2/')).length);
  });

  it.each([
    ['no Authorization header', null],
    ['an empty header', ''],
    ['a scheme without a token', 'Token'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['two tokens', 'Token a b'],
    ['a wrong token', 'Token 0123456789abcdef0123456789abcdef01234567'],
  ])('answers 401 to %s, on every route', async (_name, authorization) => {
    for (const route of apiRoutes) {
      const res = await fx.request(route.method, concreteUrl(fx, route.url), { authorization, body: route.method === 'POST' ? bodyNamingA(fx) : undefined });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json(), `${route.method} ${route.url}`).toEqual({ detail: 'Authentication credentials were missing or invalid.' });
    }
  });

  it('answers 401 to a revoked token, on every route', async () => {
    for (const route of apiRoutes) {
      const res = await fx.request(route.method, concreteUrl(fx, route.url), { authorization: `Token ${fx.revokedToken}` });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });
});

describe("another project's token on this project's ids", () => {
  it('finds none of them: 404 by id, and answers that never show them', async () => {
    const runsBefore = (await fx.bugrun.service.store.runs.list(fx.bugrun.service.projectId, { ordering: '-started', offset: 0, limit: 100 })).count;
    const ids = Object.values(fx.ids);
    // What only project A's data holds (an error may echo the ids the request itself sent).
    const names = ['Uses a missing component', 'ghostly', 'Ghostly suite', 'INITIALIZATION_ERROR', 'Nightly', 'Tell CI', 'hooks.example.com'];
    for (const route of apiRoutes) {
      const url = concreteUrl(fx, route.url);
      const res = await fx.request(route.method, url, {
        authorization: `Bearer ${fx.otherToken}`,
        body: route.method === 'POST' ? bodyNamingA(fx) : undefined,
      });
      const what = `${route.method} ${route.url}`;
      expect(res.statusCode, what).toBeLessThan(500);
      if (route.url.includes(':id')) expect(res.statusCode, what).toBe(404);
      else if (route.method === 'POST') expect(res.statusCode, what).toBe(400); // A's ids do not exist for B
      for (const text of route.method === 'GET' ? [...ids, ...names] : names) expect(res.body, what).not.toContain(text);
    }
    // Nothing was created in, or taken from, project A.
    const runsAfter = (await fx.bugrun.service.store.runs.list(fx.bugrun.service.projectId, { ordering: '-started', offset: 0, limit: 100 })).count;
    expect(runsAfter).toBe(runsBefore);
    const own = await fx.request('GET', `/api/v2/testruns/${fx.ids.run}/`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: fx.ids.run, status: 'error' });
  });

  it("cannot stop this project's run, nor start one of its tests", async () => {
    const stop = await fx.request('POST', `/api/v2/testruns/${fx.ids.run}/stop/`, { authorization: `Token ${fx.otherToken}` });
    expect(stop.statusCode).toBe(404);
    const start = await fx.request('POST', '/api/v2/testruns/', { authorization: `Token ${fx.otherToken}`, body: { testId: fx.ids.test } });
    expect(start.statusCode).toBe(400);
    expect(start.json()).toEqual({ testId: [`Invalid pk "${fx.ids.test}" - object does not exist.`] });
  });
});

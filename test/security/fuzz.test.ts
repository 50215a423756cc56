import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concreteUrl, startTwoProjects, type TwoProjects } from './two-projects.js';

/**
 * A seeded fuzzer: generated bodies, query parameters and path parameters for every registered
 * route. Whatever it sends, the server answers below 500, and every error is JSON. The seed is
 * fixed so a failure reproduces; a failure message names the request.
 */
const SEED = 0x5eed_2026;
const CASES_PER_ROUTE = 64;

/** mulberry32: small, fast and good enough to pick test inputs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let fx: TwoProjects;
beforeAll(async () => {
  fx = await startTwoProjects();
});
afterAll(() => fx?.close());

function inputs(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const strings = [
    '',
    ' ',
    'a',
    '%',
    '%25',
    '%00',
    '\u0000',
    '../../etc/passwd',
    '..%2f..%2f',
    "' OR 1=1 --",
    '"; DROP TABLE runs; --',
    '{{ x }}',
    '{% for i in (1..99999999) %}{% endfor %}',
    '<script>alert(1)</script>',
    'é€😀',
    '\ud800',
    'x'.repeat(5000),
    '99999999999999999999',
    '-1',
    '0',
    '1e309',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    'passed',
    '-started',
    'name',
    '2026-13-45T99:99:99Z',
    '2026-12-01T00:00:00Z',
    '00000000-0000-0000-0000-000000000000',
    fx.ids.run,
    fx.ids.test,
    fx.ids.profile,
    fx.ids.suite,
    fx.ids.suiteRun,
    fx.ids.stepRun,
  ];
  const scalar = (): unknown =>
    pick<() => unknown>([() => pick(strings), () => Math.floor(next() * 2 ** 53) * (next() < 0.5 ? -1 : 1), () => next(), () => next() < 0.5, () => null])();
  const value = (depth: number): unknown => {
    if (depth > 3 || next() < 0.6) return scalar();
    if (next() < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const keys = [
    'testId',
    'runProfileId',
    'profileName',
    'variables',
    'triggeredBy',
    'key',
    'value',
    'files',
    'path',
    'content',
    'encoding',
    'toString',
    'valueOf',
    '__proto__',
    'constructor',
    'id',
    'status',
  ];
  const object = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 5); i > 0; i--) out[pick(keys)] = value(depth);
    return out;
  };
  const body = (): { payload?: string; type?: string } =>
    pick<() => { payload?: string; type?: string }>([
      () => ({ payload: JSON.stringify(object(0)), type: 'application/json' }),
      () => ({ payload: JSON.stringify(value(0)), type: 'application/json' }),
      () => ({
        payload: JSON.stringify({ testId: pick([fx.ids.test, fx.ids.run, 'x']), variables: [{ key: pick(strings), value: value(2) }], profileName: value(2) }),
        type: 'application/json',
      }),
      () => ({
        payload: JSON.stringify({ files: [{ path: pick(strings), content: pick(strings), encoding: pick(['base64', 'utf8', 7]) }] }),
        type: 'application/json',
      }),
      () => ({ payload: '{"a": [1, 2', type: 'application/json' }),
      () => ({ payload: '{"__proto__": {"polluted": true}}', type: 'application/json' }),
      () => ({ payload: '['.repeat(5000), type: 'application/json' }),
      () => ({ payload: '', type: 'application/json' }),
      () => ({
        payload: pick(strings),
        type: pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']),
      }),
      () => ({}),
    ])();
  // A lone surrogate cannot be URI-encoded: send the bytes an encoder of it would (invalid UTF-8).
  const encode = (text: string): string => {
    try {
      return encodeURIComponent(text);
    } catch {
      return '%ED%A0%80';
    }
  };
  const query = (): string => {
    const params = ['page', 'page_size', 'ordering', 'status', 'started_after', 'started_before', 'test_id', 'query', 'sig', 'exp', 'limit', 'days'];
    const parts = Array.from({ length: Math.floor(next() * 4) }, () => `${pick(params)}=${encode(pick(strings))}`);
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  };
  const segment = (): string => encode(pick(strings)) || 'x';
  return { body, query, segment, pick, next };
}

describe('seeded fuzzing of every route', () => {
  it(`answers ${CASES_PER_ROUTE} generated requests per route below 500, with JSON errors`, async () => {
    const gen = inputs(random(SEED));
    const routes = fx.routes();
    expect(routes.length).toBeGreaterThan(20);
    let sent = 0;
    for (const route of routes) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        // Half the cases keep the real ids in the path, half put generated text there.
        const base = gen.next() < 0.5 ? concreteUrl(fx, route.url) : route.url.replace(/:\w+|\*$/g, () => gen.segment());
        const url = base + gen.query();
        const { payload, type } = route.method === 'GET' && gen.next() < 0.7 ? {} : gen.body();
        const authorization = gen.pick([`Token ${fx.bugrun.token}`, `Token ${fx.bugrun.token}`, `Token ${fx.otherToken}`, 'Token nope', '']);
        const res = await fx.bugrun.service.app.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization, ...(type ? { 'content-type': type } : {}) },
          ...(payload === undefined ? {} : { payload }),
        });
        sent += 1;
        const what = `${route.method} ${url} ${type ?? ''} ${payload?.slice(0, 200) ?? ''}`;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type'], what).toMatch(/^application\/json/);
          expect(() => JSON.parse(res.body) as unknown, what).not.toThrow();
        }
      }
    }
    expect(sent).toBe(routes.length * CASES_PER_ROUTE);
    // The server is still fine afterwards: the fixture's own run reads back whole.
    const own = await fx.request('GET', `/api/v2/testruns/${fx.ids.run}/`);
    expect(own.json()).toMatchObject({ id: fx.ids.run, status: 'error' });
  });
});

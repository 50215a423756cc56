import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi.js';
import type { RunStatus } from '../../src/domain/index.js';
import type { DefinitionRow, Store } from '../../src/store/index.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { seedRuns, seedSuiteRun, seedTest, type SeededRun } from '../helpers/seed-runs.js';
import { Contract, type Spec } from '../helpers/contract.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';

/**
 * Test health (issue #17) through the API on SQLite and PostgreSQL, over runs seeded through the
 * store with chosen statuses, times, plans and suite attempts: a test's history (pass rate,
 * median, the flaky flag both ways and its window), the project's days, slowest and flakiest
 * tests, DRF 400s and another project's 404. No browser runs anything here.
 */
const skipPostgres = await postgresUnavailable();
const DIALECTS = skipPostgres === null ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
const DAY = 86_400_000;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** The served document, which merges src/api/spec/health-v2.openapi.json. */
const contract = new Contract(openApiDocument() as unknown as Spec);

interface HistoryRun {
  id: string;
  status: RunStatus;
  errorCode: string | null;
  duration: string | null;
  triggeredBy: string;
  profileName: string | null;
  started: string | null;
  ended: string | null;
  suiteRunId: string | null;
  attempt: number;
  webappUrl: string;
}
interface History {
  testId: string;
  name: string;
  runs: HistoryRun[];
  passRate: number | null;
  medianDuration: string | null;
  flaky: boolean;
  flakyReason: string | null;
  flips: number;
  retryPasses: number;
}
interface Health {
  days: number;
  from: string;
  to: string;
  passRate: number | null;
  daily: { date: string; passed: number; failed: number; error: number; total: number; passRate: number | null }[];
  slowest: { testId: string; name: string; medianDuration: string; runs: number }[];
  flakiest: { testId: string; name: string; flips: number; retryPasses: number; flakyReason: string; outcomes: { id: string; status: string }[] }[];
}

describe.each(DIALECTS)('test health on %s', (dialect) => {
  let bugrun: TestBugrun;
  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
  let store: Store;
  let projectId: string;
  /** 08:00 UTC of today (the day the runs were seeded), maybe still ahead. */
  let today = 0;
  const tests = new Map<string, DefinitionRow>();
  const seeded = new Map<string, { id: string; seed: SeededRun }[]>();
  const at = (day: number, minute = 0) => today + day * DAY + minute * 60_000;

  async function seed(slug: string, runs: SeededRun[]): Promise<void> {
    const test = tests.get(slug) ?? (await seedTest(store, projectId, slug, `${slug[0]?.toUpperCase()}${slug.slice(1)}`));
    tests.set(slug, test);
    const ids = await seedRuns(store, projectId, test, runs, bugrun.service.runs.worker?.id ?? null);
    seeded.set(slug, [...(seeded.get(slug) ?? []), ...runs.map((seed, i) => ({ id: ids[i] as string, seed }))]);
  }
  const suiteRun = () => seedSuiteRun(store, projectId, at(-4));

  const get = async (url: string) => {
    const res = await bugrun.api('GET', url);
    contract.check('GET', url.replace(/\?.*$/, '').replace(/\/tests\/[^/]+\/history\//, '/tests/{id}/history/'), res);
    return res;
  };
  const history = async (slug: string, query = '') => {
    const res = await get(`/api/v2/tests/${tests.get(slug)?.id}/history/${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as History;
  };
  const health = async (query = '') => {
    const res = await get(`/api/v2/health/${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Health;
  };
  const idsOf = (slug: string) => (seeded.get(slug) ?? []).map((r) => r.id);

  beforeAll(async () => {
    // The days are UTC days: seeding must not straddle midnight (a bound on the clock, not a pause for the server).
    while (Date.now() % DAY > DAY - 120_000) await new Promise((r) => setTimeout(r, 1000));
    today = Date.now() - (Date.now() % DAY) + 8 * 3_600_000;
    database = dialect === 'postgres' ? await scratchDatabase() : null;
    bugrun = await startBugrun(database ? { databaseUrl: database.url } : {});
    store = bugrun.service.store;
    projectId = bugrun.service.projectId;

    // Always passes (one error and one stop between): never flaky; pass rate 4 of 5; median of 1, 2, 3, 9 s.
    await seed('steady', [
      { status: 'passed', at: at(-6), ms: 1000 },
      { status: 'error', at: at(-5), ms: 400, errorCode: 'INITIALIZATION_ERROR' },
      { status: 'passed', at: at(-4), ms: 3000 },
      { status: 'stopped', at: at(-3), ms: 700 },
      { status: 'passed', at: at(-2), ms: 2000 },
      { status: 'passed', at: at(0), ms: 9000 },
    ]);
    // Passed, failed, passed with the same definition (an error between is passed over): two flips.
    await seed('flaky', [
      { status: 'passed', at: at(-3, 1), ms: 5000 },
      { status: 'error', at: at(-3, 2), ms: 100, errorCode: 'INITIALIZATION_ERROR' },
      { status: 'failed', at: at(-2, 1), ms: 5000 },
      { status: 'passed', at: at(-1, 1), ms: 5000 },
    ]);
    // The same flips, each across a change of the test's definition: not flaky.
    await seed('changed', [
      { status: 'passed', at: at(-3, 3), ms: 4000, version: 'v1' },
      { status: 'passed', at: at(-3, 4), ms: 4000, version: 'v1' },
      { status: 'failed', at: at(-2, 3), ms: 4000, version: 'v2' },
      { status: 'failed', at: at(-2, 4), ms: 4000, version: 'v2' },
      { status: 'passed', at: at(-1, 3), ms: 4000, version: 'v3' },
    ]);
    // A suite's first attempt failed and its auto-retry passed; between them a run of an edited
    // definition, so the flip rule sees no flip and the retry rule alone makes it flaky.
    const retriedSuite = await suiteRun();
    await seed('retried', [
      { status: 'failed', at: at(-4, 5), ms: 2000, suite: { id: retriedSuite, position: 0, attempt: 1 } },
      { status: 'passed', at: at(-4, 6), ms: 2000, version: 'v2' },
      { status: 'passed', at: at(-4, 7), ms: 2000, suite: { id: retriedSuite, position: 0, attempt: 2 } },
    ]);
    // Retried and failed again: no retry pass, and failed → failed is no flip.
    const failedSuite = await suiteRun();
    await seed('hopeless', [
      { status: 'failed', at: at(-4, 8), ms: 1500, suite: { id: failedSuite, position: 0, attempt: 1 } },
      { status: 'failed', at: at(-4, 9), ms: 1500, suite: { id: failedSuite, position: 0, attempt: 2 } },
    ]);
    // The slowest: a median of 60 s (50, 60, 70; an error run of 500 s is no duration that counts).
    await seed('slow', [
      { status: 'passed', at: at(-1, 10), ms: 70_000 },
      { status: 'passed', at: at(-1, 11), ms: 50_000 },
      { status: 'passed', at: at(-1, 12), ms: 60_000 },
      { status: 'error', at: at(-1, 13), ms: 500_000, errorCode: 'INITIALIZATION_ERROR' },
    ]);
    // Flipped long ago, then 20 passes: the flip is out of its last 20 finished runs.
    await seed('recovered', [
      { status: 'passed', at: at(-40, 0), ms: 1000 },
      { status: 'failed', at: at(-40, 1), ms: 1000 },
      ...Array.from({ length: 20 }, (_, i): SeededRun => ({ status: 'passed', at: at(-39, i), ms: 1000 })),
    ]);
    // The same with 19 passes: the failure and the pass after it are both still in the window.
    await seed('relapsing', [
      { status: 'passed', at: at(-40, 2), ms: 1000 },
      { status: 'failed', at: at(-40, 3), ms: 1000 },
      ...Array.from({ length: 19 }, (_, i): SeededRun => ({ status: 'passed', at: at(-38, i), ms: 1000 })),
    ]);
    // 205 runs, long ago: more than the largest page of history.
    await seed(
      'busy',
      Array.from({ length: 205 }, (_, i): SeededRun => ({ status: 'passed', at: at(-200, i), ms: 100 })),
    );
    // Not flaky, running now (no duration yet).
    await seed('running', [{ status: 'running', at: at(-1, 20) }]);
  }, 120_000);

  afterAll(async () => {
    await bugrun?.close();
    await database?.drop();
  });

  it("lists a test's latest runs newest first, each with what the strip and chart show, and its pass rate and median duration", async () => {
    const h = await history('steady');
    const ids = idsOf('steady');
    expect(h).toMatchObject({ testId: tests.get('steady')?.id, name: 'Steady', flaky: false, flakyReason: null, flips: 0, retryPasses: 0 });
    expect(h.runs.map((r) => r.id)).toEqual([...ids].reverse());
    expect(h.runs.map((r) => r.status)).toEqual(['passed', 'passed', 'stopped', 'passed', 'error', 'passed']);
    expect(h.runs[4]).toEqual({
      id: ids[1],
      status: 'error',
      errorCode: 'INITIALIZATION_ERROR',
      duration: '00:00:00.400000',
      triggeredBy: 'scheduler',
      profileName: 'Staging',
      queued: new Date(at(-5) - 1000).toISOString(),
      started: new Date(at(-5)).toISOString(),
      ended: new Date(at(-5) + 400).toISOString(),
      suiteRunId: null,
      attempt: 1,
      webappUrl: `http://bugrun.test/runs/${ids[1]}`,
    });
    // Passed 4 of passed + failed + error 5 (the stopped run is no verdict).
    expect(h.passRate).toBe(0.8);
    // Of passed and failed runs: 1, 2, 3, 9 s → the mean of the middle two.
    expect(h.medianDuration).toBe('00:00:02.500000');

    const slow = await history('slow');
    expect(slow.passRate).toBe(0.75);
    expect(slow.medianDuration).toBe('00:01:00.000000');

    // `limit` keeps the newest; the slug names the test too.
    const two = await get(`/api/v2/tests/steady/history/?limit=2`);
    expect((two.json() as History).runs.map((r) => r.id)).toEqual([ids[5], ids[4]]);
    expect((two.json() as History).passRate).toBe(1);
    // A run still going has no duration, and there is no median of nothing.
    const running = await history('running');
    expect(running.runs).toMatchObject([{ status: 'running', duration: null, ended: null }]);
    expect(running).toMatchObject({ passRate: null, medianDuration: null, flaky: false });
  });

  it('lists 50 runs by default and at most 200', async () => {
    const ids = idsOf('busy').reverse();
    expect((await history('busy')).runs.map((r) => r.id)).toEqual(ids.slice(0, 50));
    expect((await history('busy', '?limit=1000')).runs.map((r) => r.id)).toEqual(ids.slice(0, 200));
    expect((await history('busy', '?limit=200')).runs).toHaveLength(200);
  });

  it('calls a test flaky when it flipped between passed and failed without a change to its definition', async () => {
    const h = await history('flaky');
    expect(h).toMatchObject({ flaky: true, flips: 2, retryPasses: 0 });
    expect(h.flakyReason).toBe('Flipped between passed and failed 2 times without a change to its definition, in its last 20 finished runs.');
    expect(h.runs.map((r) => r.status)).toEqual(['passed', 'failed', 'error', 'passed']);
  });

  it('does not call a test flaky when its outcome changed only with its definition', async () => {
    const h = await history('changed');
    expect(h.runs.map((r) => r.status)).toEqual(['passed', 'failed', 'failed', 'passed', 'passed']);
    expect(h).toMatchObject({ flaky: false, flips: 0, flakyReason: null });
  });

  it('calls a test flaky when a failed attempt passed on its retry in the same suite run, and not when the retry failed too', async () => {
    const h = await history('retried');
    expect(h).toMatchObject({ flaky: true, flips: 0, retryPasses: 1 });
    expect(h.flakyReason).toBe('Failed, then passed on a retry in 1 suite run, in its last 20 finished runs.');
    expect(h.runs.map((r) => [r.status, r.attempt, r.suiteRunId !== null])).toEqual([
      ['passed', 2, true],
      ['passed', 1, false],
      ['failed', 1, true],
    ]);
    expect(await history('hopeless')).toMatchObject({ flaky: false, flips: 0, retryPasses: 0 });
  });

  it('judges flakiness on the last 20 finished runs only', async () => {
    expect(await history('recovered')).toMatchObject({ flaky: false, flips: 0 });
    expect(await history('relapsing')).toMatchObject({ flaky: true, flips: 1 });
    // Whatever the page of history shows.
    expect(await history('relapsing', '?limit=1')).toMatchObject({ flaky: true, flips: 1, runs: [{ status: 'passed' }] });
  });

  it("shows the project's pass rate per UTC day, its slowest tests by median and its flakiest tests", async () => {
    const h = await health();
    const day = (offset: number) => new Date(today + offset * DAY).toISOString().slice(0, 10);
    expect(h).toMatchObject({ days: 14, from: day(-13), to: day(0) });
    expect(h.daily.map((d) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => day(i - 13)));
    // Every seeded run of the period that passed, failed or ended in error, by the day it started.
    const expected = new Map<string, { passed: number; failed: number; error: number }>();
    for (const runs of seeded.values()) {
      for (const { seed: s } of runs) {
        const date = new Date(s.at).toISOString().slice(0, 10);
        if (date < day(-13) || !['passed', 'failed', 'error'].includes(s.status)) continue;
        const c = expected.get(date) ?? { passed: 0, failed: 0, error: 0 };
        c[s.status as 'passed']++;
        expected.set(date, c);
      }
    }
    for (const d of h.daily) {
      const c = expected.get(d.date) ?? { passed: 0, failed: 0, error: 0 };
      const total = c.passed + c.failed + c.error;
      expect(d, d.date).toEqual({ date: d.date, ...c, total, passRate: total === 0 ? null : c.passed / total });
    }
    // Spelled out for one day: -4 holds steady's pass, retried's three runs and hopeless's two failures.
    expect(h.daily.find((d) => d.date === day(-4))).toEqual({ date: day(-4), passed: 3, failed: 3, error: 0, total: 6, passRate: 0.5 });
    expect(h.daily.find((d) => d.date === day(-10))).toEqual({ date: day(-10), passed: 0, failed: 0, error: 0, total: 0, passRate: null });
    const totals = h.daily.reduce((n, d) => ({ passed: n.passed + d.passed, all: n.all + d.total }), { passed: 0, all: 0 });
    expect(h.passRate).toBe(totals.passed / totals.all);

    expect(h.slowest.slice(0, 3)).toEqual([
      { testId: tests.get('slow')?.id, name: 'Slow', medianDuration: '00:01:00.000000', runs: 3 },
      { testId: tests.get('flaky')?.id, name: 'Flaky', medianDuration: '00:00:05.000000', runs: 3 },
      { testId: tests.get('changed')?.id, name: 'Changed', medianDuration: '00:00:04.000000', runs: 5 },
    ]);
    expect(h.slowest.find((s) => s.name === 'Steady')).toMatchObject({ medianDuration: '00:00:02.500000', runs: 4 });
    // Runs of other periods do not count.
    expect(h.slowest.map((s) => s.name)).not.toContain('Busy');

    const flaky = idsOf('flaky');
    expect(h.flakiest).toEqual([
      {
        testId: tests.get('flaky')?.id,
        name: 'Flaky',
        flips: 2,
        retryPasses: 0,
        flakyReason: 'Flipped between passed and failed 2 times without a change to its definition, in its last 20 finished runs of the last 14 days.',
        outcomes: [
          { id: flaky[0], status: 'passed' },
          { id: flaky[2], status: 'failed' },
          { id: flaky[3], status: 'passed' },
        ],
      },
      expect.objectContaining({ testId: tests.get('retried')?.id, name: 'Retried', flips: 0, retryPasses: 1 }),
    ]);
  });

  it('looks only at the period asked for, up to 90 days', async () => {
    // Today and yesterday: flaky's one run of the period cannot flip.
    const two = await health('?days=2');
    expect(two.daily).toHaveLength(2);
    expect(two.flakiest).toEqual([]);
    // Steady's one run of those two days took 9 s: slower than its median of the fortnight.
    expect(two.slowest.map((s) => [s.name, s.medianDuration])).toEqual([
      ['Slow', '00:01:00.000000'],
      ['Steady', '00:00:09.000000'],
      ['Flaky', '00:00:05.000000'],
      ['Changed', '00:00:04.000000'],
    ]);
    const all = await health('?days=500');
    expect(all.days).toBe(90);
    expect(all.daily).toHaveLength(90);
    // Forty days back: the relapsing test is flaky again; busy's runs (200 days ago) are still out.
    expect(all.flakiest.map((f) => f.name)).toEqual(['Flaky', 'Relapsing', 'Retried']);
    expect(all.daily.reduce((n, d) => n + d.total, 0)).toBe(
      [...seeded.entries()].filter(([slug]) => slug !== 'busy').flatMap(([, runs]) => runs.filter((r) => ['passed', 'failed', 'error'].includes(r.seed.status)))
        .length,
    );
  });

  it('answers DRF 400s for a bad limit or days, and 404 for a test of another project or none', async () => {
    const id = tests.get('steady')?.id;
    for (const bad of ['0', '-1', 'abc', '1.5', '', '1e3', '9999999999']) {
      const res = await get(`/api/v2/tests/${id}/history/?limit=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json()).toEqual({ limit: ['A valid positive integer is required.'] });
      const days = await get(`/api/v2/health/?days=${bad}`);
      expect(days.statusCode, bad).toBe(400);
      expect(days.json()).toEqual({ days: ['A valid positive integer is required.'] });
    }
    expect((await get(`/api/v2/tests/${id}/history/?limit=1&limit=2`)).statusCode).toBe(400);

    const other = await store.projects.create({ name: `Other ${dialect}`, slug: `other-${dialect}` });
    const theirs = await store.tests.upsert(other.id, { slug: 'theirs', name: 'Theirs', data: {} });
    for (const url of [`/api/v2/tests/${theirs.id}/history/`, '/api/v2/tests/theirs/history/', `/api/v2/tests/${UNKNOWN}/history/`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.' });
    }
    // Their token sees their project's health: none of these runs.
    const { token } = await store.tokens.create(other.id, 'theirs');
    const mine = await bugrun.api('GET', `/api/v2/tests/${id}/history/`, undefined, { authorization: `Token ${token}` });
    expect(mine.statusCode).toBe(404);
    const theirHealth = (await bugrun.api('GET', '/api/v2/health/', undefined, { authorization: `Token ${token}` })).json() as Health;
    expect(theirHealth).toMatchObject({ passRate: null, slowest: [], flakiest: [] });
    expect(theirHealth.daily.every((d) => d.total === 0)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWith } from '../../src/config/config.js';
import { createService, type Service } from '../../src/service.js';
import { fireDueSchedules, type TickOutcome } from '../../src/use-cases/index.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';

/**
 * Schedules through the API on SQLite and PostgreSQL: CRUD with DRF errors, ticks fired by a
 * controllable clock (a missed tick runs once, a tick never twice, a busy tick skipped), scheduled
 * suites with auto-retry, and the service's own scheduler on a cron with seconds.
 */
const skipPostgres = await postgresUnavailable();
const DIALECTS = skipPostgres === null ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const HOUR = 3_600_000;

interface Schedule {
  id: string;
  name: string;
  testId: string | null;
  suiteId: string | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunId: string | null;
  lastSkippedAt: string | null;
  lastSkipReason: string | null;
}
interface ScheduleRun {
  id: string;
  status: string;
  scheduledFor: string;
  testRunId: string | null;
  suiteRunId: string | null;
  webappUrl: string;
}

describe.each(DIALECTS)('schedules on %s', (dialect) => {
  let bugrun: TestBugrun;
  let fixture: FixtureServer;
  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    fixture = await startFixtureServer();
    database = dialect === 'postgres' ? await scratchDatabase() : null;
    bugrun = await startBugrun({ concurrency: 2, ...(database ? { databaseUrl: database.url } : {}) });
    const objects = await bugrun.importYaml({
      'quick.yaml': yamlTest(
        'quick',
        yamlStep('goto', `url: '${fixture.url}/title.html'`) +
          yamlStep('setLocalVariable', "local_variable_name: seen, local_variable_source: value, value: '{{scheduleName}}/{{scheduleId}}/{{greeting}}'", {
            name: 'Built-ins',
          }),
        { name: 'Quick' },
      ),
      'gated.yaml': yamlTest('gated', yamlStep('goto', `url: '${fixture.url}/gate?name=${dialect}-scheduled'`), { name: 'Gated' }),
      'nightly.yaml': `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Nightly suite'\n  slug: 'nightly'\n  suite_settings: { run_in_parallel: false, auto_retry: 0, auto_add_new_tests: false }\n  tests:\n    - test_source: 'quick'\n`,
    });
    for (const o of objects) ids.set(o.slug, o.id);
    // The clock of these tests is theirs: the service's own scheduler would fire a real tick that
    // falls during a test. The last test turns it back on.
    await bugrun.service.scheduler.stop();
  }, 90_000);

  afterAll(async () => {
    await bugrun?.close();
    await fixture?.close();
    await database?.drop();
  });

  const fire = (now: Date, service: Service = bugrun.service): Promise<TickOutcome[]> => fireDueSchedules({ store: service.store, runs: service.runs }, now);
  /** What the tick of schedule `id` did, of all that `fire` did (other tests' schedules may be due too). */
  const tickOf = (outcomes: TickOutcome[], id: string) => outcomes.find((o) => o.scheduleId === id);

  async function create(body: Record<string, unknown>): Promise<Schedule> {
    const res = await bugrun.api('POST', '/api/v2/schedules/', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Schedule;
  }
  const get = async (id: string) => (await bugrun.api('GET', `/api/v2/schedules/${id}/`)).json() as Schedule;
  const runsOf = async (id: string) => (await bugrun.api('GET', `/api/v2/schedules/${id}/runs/`)).json() as { count: number; results: ScheduleRun[] };

  it('refuses bad input with a 400 naming the field, and nothing is created', async () => {
    const other = await bugrun.service.store.projects.create({ name: `Other ${dialect}`, slug: `other-${dialect}` });
    const foreign = await bugrun.service.store.tests.upsert(other.id, { slug: 'theirs', name: 'Theirs', data: {} });
    const base = { name: 'Nightly', testId: ids.get('quick'), cron: '0 3 * * *', timezone: 'Europe/Warsaw' };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, cron: 'every day' }, 'cron', /five fields/],
      [{ ...base, cron: '61 * * * *' }, 'cron', /minute/],
      [{ ...base, cron: '* * * * * * *' }, 'cron', /five fields/],
      [{ ...base, timezone: 'Mars/Olympus_Mons' }, 'timezone', /Unknown time zone/],
      [{ ...base, testId: UNKNOWN }, 'testId', /does not exist/],
      [{ ...base, testId: foreign.id }, 'testId', /does not exist/],
      [{ ...base, testId: 'x' }, 'testId', /valid UUID/],
      [{ ...base, suiteId: ids.get('nightly') }, 'testId', /not both/],
      [{ ...base, name: '' }, 'name', /blank/],
      [{ ...base, runProfileId: UNKNOWN }, 'runProfileId', /does not exist/],
      [{ ...base, variables: [{ value: 'x' }] }, 'variables', /key/],
      [{ ...base, enabled: 'yes' }, 'enabled', /boolean/],
      [{ name: 'Nothing' }, 'cron', /required/],
    ];
    for (const [body, field, message] of cases) {
      const res = await bugrun.api('POST', '/api/v2/schedules/', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect((res.json() as Record<string, string[]>)[field]?.join(' '), `${JSON.stringify(body)}: ${res.body}`).toMatch(message);
    }
    expect((await bugrun.api('GET', '/api/v2/schedules/')).json()).toMatchObject({ count: 0, results: [] });
  });

  it('creates, reads, changes and deletes a schedule; its next tick follows the cron in its time zone', async () => {
    const before = Date.now();
    const created = await create({
      name: 'Nightly',
      testId: ids.get('quick'),
      cron: '0 3 * * *',
      timezone: 'Europe/Warsaw',
      variables: [{ key: 'greeting', value: 'hi' }],
    });
    expect(created).toMatchObject({
      name: 'Nightly',
      testId: ids.get('quick'),
      suiteId: null,
      cron: '0 3 * * *',
      timezone: 'Europe/Warsaw',
      enabled: true,
      lastRunId: null,
    });
    // 03:00 in Warsaw is 02:00 UTC in December, within the next day.
    const next = new Date(created.nextRunAt as string);
    expect(next.getUTCHours()).toBe(2);
    expect(next.getTime() - before).toBeGreaterThan(0);
    expect(next.getTime() - before).toBeLessThanOrEqual(24 * HOUR);
    expect(await get(created.id)).toEqual(created);

    const disabled = (await bugrun.api('PATCH', `/api/v2/schedules/${created.id}/`, { enabled: false })).json() as Schedule;
    expect(disabled).toMatchObject({ enabled: false, nextRunAt: null, cron: '0 3 * * *' });
    const moved = (await bugrun.api('PATCH', `/api/v2/schedules/${created.id}/`, { enabled: true, cron: '30 * * * *', timezone: 'UTC' })).json() as Schedule;
    expect(moved).toMatchObject({ enabled: true, cron: '30 * * * *', timezone: 'UTC' });
    expect(new Date(moved.nextRunAt as string).getUTCMinutes()).toBe(30);
    const bad = await bugrun.api('PATCH', `/api/v2/schedules/${created.id}/`, { cron: '* *' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json() as object)).toEqual(['cron']);

    expect((await bugrun.api('GET', '/api/v2/schedules/')).json()).toMatchObject({ count: 1, results: [{ id: created.id }] });
    expect((await bugrun.api('DELETE', `/api/v2/schedules/${created.id}/`)).statusCode).toBe(204);
    expect((await bugrun.api('GET', `/api/v2/schedules/${created.id}/`)).statusCode).toBe(404);
    expect((await bugrun.api('DELETE', `/api/v2/schedules/${created.id}/`)).statusCode).toBe(404);
  });

  it('fires a missed tick once, as a run triggered by the scheduler with the schedule built-ins, then waits for the next tick', async () => {
    const s = await create({ name: 'Hourly', testId: ids.get('quick'), cron: '0 * * * *', variables: [{ key: 'greeting', value: 'hello' }] });
    // Three days later: 72 ticks were missed while nothing looked; one run makes up for them.
    const now = new Date(Date.parse(s.nextRunAt as string) + 72 * HOUR + 60_000);
    const outcomes = (await fire(now)).filter((o) => o.scheduleId === s.id);
    expect(outcomes).toEqual([{ scheduleId: s.id, tick: s.nextRunAt, runId: expect.any(String) as string }]);
    const runId = (outcomes[0] as { runId: string }).runId;
    await bugrun.waitFor(runId, ['passed'], 60_000);
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { triggeredBy: string; stepsRuns: { computedValue: string | null }[] };
    expect(run.triggeredBy).toBe('scheduler');
    expect(run.stepsRuns[1]?.computedValue).toBe(`Hourly/${s.id}/hello`);

    const after = await get(s.id);
    expect(after.lastRunId).toBe(runId);
    expect(after.nextRunAt).toBe(new Date(Date.parse(s.nextRunAt as string) + 73 * HOUR).toISOString());
    expect(tickOf(await fire(now), s.id)).toBeUndefined();
    expect(await runsOf(s.id)).toMatchObject({
      count: 1,
      results: [{ id: runId, testRunId: runId, status: 'passed', scheduledFor: s.nextRunAt, webappUrl: `http://bugrun.test/runs/${runId}` }],
    });
    await bugrun.api('DELETE', `/api/v2/schedules/${s.id}/`);
  }, 90_000);

  it('never starts one tick twice, however many processes look at it at once', async () => {
    const s = await create({ name: 'Contended', testId: ids.get('quick'), cron: '0 * * * *', variables: [{ key: 'greeting', value: 'hi' }] });
    const now = new Date(Date.parse(s.nextRunAt as string) + 1_000);
    // A second process of the same database (PostgreSQL); SQLite serves one process, so there two looks of it race.
    const second =
      database === null
        ? bugrun.service
        : await createService(configWith({ dataDir: `${bugrun.dataDir}-second`, databaseUrl: database.url, token: bugrun.token, port: 0 }), { role: 'api' });
    try {
      const outcomes = (await Promise.all([fire(now), fire(now, second), fire(now), fire(now, second)])).flat();
      expect(outcomes.filter((o) => o.scheduleId === s.id)).toHaveLength(1);
      expect((await runsOf(s.id)).count).toBe(1);
    } finally {
      if (second !== bugrun.service) await second.close();
    }
    await bugrun.waitFor((await get(s.id)).lastRunId as string, ['passed'], 60_000);
    await bugrun.api('DELETE', `/api/v2/schedules/${s.id}/`);
  }, 90_000);

  it('skips a tick while the run of an earlier tick is still going, and says why', async () => {
    const s = await create({ name: 'Slow', testId: ids.get('gated'), cron: '*/5 * * * *' });
    const first = Date.parse(s.nextRunAt as string);
    const runId = (tickOf(await fire(new Date(first + 1_000)), s.id) as { runId: string }).runId;
    await fixture.arrived(`${dialect}-scheduled`);
    const skipped = tickOf(await fire(new Date(first + 5 * 60_000 + 1_000)), s.id);
    expect(skipped).toMatchObject({ scheduleId: s.id, skipped: expect.stringMatching(new RegExp(`\\(${runId}\\) is still (initialized|running)$`)) as string });
    expect(await get(s.id)).toMatchObject({ lastRunId: runId, lastSkipReason: expect.stringContaining(`(${runId}) is still`) as string });
    expect((await runsOf(s.id)).count).toBe(1);
    fixture.open(`${dialect}-scheduled`);
    await bugrun.waitFor(runId, ['passed'], 60_000);
    await bugrun.api('DELETE', `/api/v2/schedules/${s.id}/`);
  }, 90_000);

  it('starts a scheduled suite run, whose failed tests are retried as BugBug does for schedules', async () => {
    // No `greeting` variable: the suite's one test fails (VARIABLE_DOES_NOT_EXIST) every time.
    const s = await create({ name: 'Suite nightly', suiteId: ids.get('nightly'), cron: '0 4 * * *', timezone: 'America/New_York' });
    const suiteRunId = (tickOf(await fire(new Date(Date.parse(s.nextRunAt as string) + 1_000)), s.id) as { runId: string }).runId;
    const suiteRun = await waitUntil(
      'the scheduled suite run to end',
      async () =>
        (await bugrun.api('GET', `/api/v2/suiteruns/${suiteRunId}/`)).json() as {
          status: string;
          triggeredBy: string;
          testRuns: { triggeredBy: string; attempt: number; status: string }[];
        },
      (r) => r.status === 'failed',
    );
    expect(suiteRun.triggeredBy).toBe('scheduler');
    // The suite says auto_retry: 0; run by a schedule, its failed test is run once more.
    expect(suiteRun.testRuns.map((t) => [t.attempt, t.status, t.triggeredBy])).toEqual([
      [1, 'failed', 'scheduler'],
      [2, 'failed', 'scheduler'],
    ]);
    expect(await runsOf(s.id)).toMatchObject({
      count: 1,
      results: [{ suiteRunId, status: 'failed', webappUrl: `http://bugrun.test/suite-runs/${suiteRunId}` }],
    });
    await bugrun.api('DELETE', `/api/v2/schedules/${s.id}/`);
  }, 90_000);

  it('runs on its own on a cron with seconds, one run per tick', async () => {
    bugrun.service.scheduler.start();
    const s = await create({ name: 'Every second', testId: ids.get('quick'), cron: '* * * * * *', variables: [{ key: 'greeting', value: 'hi' }] });
    const page = await waitUntil(
      'two scheduled runs',
      () => runsOf(s.id),
      (r) => r.count >= 2,
      60_000,
    );
    await bugrun.api('PATCH', `/api/v2/schedules/${s.id}/`, { enabled: false });
    const ticks = page.results.map((r) => r.scheduledFor);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick).toMatch(/T\d\d:\d\d:\d\d\.000Z$/);
    for (const r of (await runsOf(s.id)).results) await bugrun.waitFor(r.id, ['passed'], 60_000);
  }, 90_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startSmtp, type Smtp } from '../helpers/smtp-server.js';
import { waitUntil } from '../helpers/wait.js';
import { closedPort, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { postgresUnavailable, scratchDatabase } from '../store/dialects.js';

/**
 * Alerts end to end on SQLite and PostgreSQL: runs in real Chromium, the outbox written by the
 * status triggers, deliveries to a real webhook receiver (signatures checked, failures retried
 * with backoff), Slack and Teams formats, email through a real SMTP server, filters, secrets
 * masked, a hanging receiver, and deliveries that outlive a restart.
 */
const skipPostgres = await postgresUnavailable();
const DIALECTS = skipPostgres === null ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
const RETRY_BASE_MS = 400;
/** The title of the fixture site's title.html. */
const TITLE = 'Bugrun Fixture Title';

interface Alert {
  id: string;
  action: { type: string; url: string | null; headers: Record<string, string> };
  secret?: string;
}
interface Delivery {
  id: string;
  event: string;
  target: string;
  testRunId: string | null;
  suiteRunId: string | null;
  runStatus: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseCode: number | null;
  error: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

describe.each(DIALECTS)('alerts on %s', (dialect) => {
  let bugrun: TestBugrun;
  let fixture: FixtureServer;
  let receiver: Receiver;
  let smtp: Smtp;
  let database: Awaited<ReturnType<typeof scratchDatabase>> | null = null;
  const ids = new Map<string, string>();
  const alerts: string[] = [];

  const start = (dataDir?: string) =>
    startBugrun({
      concurrency: 2,
      alertRetryBaseMs: RETRY_BASE_MS,
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      smtpFrom: 'Bugrun CI <ci@bugrun.test>',
      ...(dataDir ? { dataDir, token: bugrun.token } : {}),
      ...(database ? { databaseUrl: database.url } : {}),
    });

  beforeAll(async () => {
    fixture = await startFixtureServer();
    receiver = await startReceiver();
    smtp = await startSmtp();
    database = dialect === 'postgres' ? await scratchDatabase() : null;
    bugrun = await start();
    const objects = await bugrun.importYaml({
      'pass.yaml': yamlTest('pass', yamlStep('goto', `url: '${fixture.url}/title.html'`), { name: 'Passes "always"' }),
      'fail.yaml': yamlTest(
        'fail',
        yamlStep('goto', `url: '${fixture.url}/title.html'`) +
          yamlStep('assert', "assertion_property: pageTitle, assertion_type: equal, assertion_expected_value: 'Never'", { execution: 'run_timeout: 1' }),
        { name: 'Fails' },
      ),
      'toggle.yaml': yamlTest(
        'toggle',
        yamlStep('goto', `url: '${fixture.url}/title.html'`) +
          yamlStep('assert', "assertion_property: pageTitle, assertion_type: equal, assertion_expected_value: '{{expected}}'", { execution: 'run_timeout: 1' }),
        { name: 'Toggles' },
      ),
      'suite.yaml': `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Smoke suite'\n  slug: 'smoke'\n  suite_settings: { run_in_parallel: false, auto_retry: 0, auto_add_new_tests: false }\n  tests:\n    - test_source: 'pass'\n`,
    });
    for (const o of objects) ids.set(o.slug, o.id);
  }, 90_000);

  afterAll(async () => {
    await bugrun?.close();
    await fixture?.close();
    await receiver?.close();
    await smtp?.close();
    await database?.drop();
  });

  async function createAlert(body: Record<string, unknown>): Promise<Alert> {
    const res = await bugrun.api('POST', '/api/v2/alerts/', { event: 'finished', ...body });
    expect(res.statusCode, res.body).toBe(201);
    const alert = res.json() as Alert;
    alerts.push(alert.id);
    return alert;
  }
  const deliveries = async (alertId: string) => {
    const res = await bugrun.api('GET', `/api/v2/alerts/${alertId}/deliveries/`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { results: Delivery[] }).results;
  };
  const deliveryFor = (alertId: string, runId: string, done: (d: Delivery) => boolean = (d) => d.status !== 'pending') =>
    waitUntil(
      `alert ${alertId}'s delivery for ${runId}`,
      async () => (await deliveries(alertId)).find((d) => d.testRunId === runId || d.suiteRunId === runId),
      (d) => d !== undefined && done(d),
    ) as Promise<Delivery>;
  const run = async (slug: string, extra: Record<string, unknown> = {}) => {
    const id = await bugrun.startRun(slug, extra);
    await bugrun.waitFor(id, ['passed', 'failed', 'error'], 60_000);
    return id;
  };
  /** Disables the alerts of earlier tests, so each test counts only its own deliveries. */
  const quiet = async () => {
    for (const id of alerts.splice(0)) await bugrun.api('PATCH', `/api/v2/alerts/${id}/`, { enabled: false });
  };

  // Checks of the request, the same on both databases: once.
  if (dialect === 'sqlite') {
    it('refuses bad alerts with a 400 naming the field', async () => {
      const hook = { type: 'webhook', url: `${receiver.origin}/hook` };
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ name: 'x', event: 'finished', action: { type: 'webhook', url: 'ftp://example.com/x' } }, 'action.url', /http/],
        [{ name: 'x', event: 'finished', action: { type: 'webhook', url: 'javascript:alert(1)' } }, 'action.url', /http/],
        [{ name: 'x', event: 'finished', action: { type: 'webhook' } }, 'action.url', /required/],
        [{ name: 'x', event: 'finished', action: { type: 'sms' } }, 'action.type', /valid choice/],
        [{ name: 'x', event: 'finished' }, 'action', /required/],
        [{ name: 'x', event: 'ended', action: hook }, 'event', /valid choice/],
        [{ name: 'x', action: hook }, 'event', /required/],
        [{ event: 'finished', action: hook }, 'name', /required/],
        [{ name: 'x', event: 'finished', target: 'everything', action: hook }, 'target', /valid choice/],
        [{ name: 'x', event: 'finished', filters: { statuses: ['green'] }, action: hook }, 'filters.statuses', /valid choice/],
        [{ name: 'x', event: 'finished', filters: { triggeredBy: ['cron'] }, action: hook }, 'filters.triggeredBy', /valid choice/],
        [{ name: 'x', event: 'finished', filters: { profileId: '00000000-0000-4000-8000-000000000000' }, action: hook }, 'filters.profileId', /does not exist/],
        [{ name: 'x', event: 'finished', action: { type: 'email' } }, 'action.to', /required/],
        [{ name: 'x', event: 'finished', action: { type: 'email', to: ['not an address'] } }, 'action.to', /email/],
        [{ name: 'x', event: 'finished', action: { ...hook, body: '{"name": {{ name }}' } }, 'action.body', /JSON/],
        [
          { name: 'x', event: 'finished', action: { ...hook, body: '{% for a in (1..1000000) %}{% for b in (1..1000000) %}x{% endfor %}{% endfor %}' } },
          'action.body',
          /limit/,
        ],
        [{ name: 'x', event: 'finished', action: { ...hook, headers: { 'Bad Header': 'v' } } }, 'action.headers', /header/],
        [{ name: 'x', event: 'finished', action: { type: 'slack', url: `${receiver.origin}/slack`, method: 'GET' } }, 'action.method', /webhook/],
      ];
      for (const [body, field, message] of cases) {
        const res = await bugrun.api('POST', '/api/v2/alerts/', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect((res.json() as Record<string, string[]>)[field]?.join(' '), `${JSON.stringify(body)}: ${res.body}`).toMatch(message);
      }
      expect((await bugrun.api('GET', '/api/v2/alerts/')).json()).toMatchObject({ count: 0 });
    });
  }

  it('signs each webhook delivery, retries a failing receiver with growing waits, and records every attempt; its URL and headers are never shown', async () => {
    const alert = await createAlert({
      name: 'CI hook',
      target: 'test',
      action: { type: 'webhook', url: `${receiver.origin}/fail-first/2/${dialect}?token=url-s3cret`, headers: { 'X-Api-Key': 'header-s3cret' } },
    });
    expect(alert.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    receiver.useSecret(alert.secret as string);
    const shown = await bugrun.api('GET', `/api/v2/alerts/${alert.id}/`);
    expect(shown.json()).toMatchObject({ action: { type: 'webhook', url: `${receiver.origin}/********`, headers: { 'X-Api-Key': '********' } } });
    for (const res of [shown, await bugrun.api('GET', '/api/v2/alerts/')]) {
      for (const secret of ['url-s3cret', 'header-s3cret', 'fail-first', alert.secret as string]) expect(res.body).not.toContain(secret);
    }

    const runId = await bugrun.startRun('pass');
    // Each failed attempt waits twice as long as the one before.
    const first = await deliveryFor(alert.id, runId, (d) => d.attempts === 1 && d.nextAttemptAt !== null && d.responseCode === 500);
    expect(Date.parse(first.nextAttemptAt as string) - Date.parse(first.lastAttemptAt as string)).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    const second = await deliveryFor(alert.id, runId, (d) => d.attempts === 2 && d.nextAttemptAt !== null && d.responseCode === 500);
    expect(Date.parse(second.nextAttemptAt as string) - Date.parse(second.lastAttemptAt as string)).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
    const done = await deliveryFor(alert.id, runId);
    expect(done).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, error: null, event: 'finished', target: 'test', runStatus: 'passed' });

    const requests = receiver.received.filter((r) => r.path.startsWith(`/fail-first/2/${dialect}`));
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      expect(r.signatureValid).toBe(true);
      expect(r.headers['x-api-key']).toBe('header-s3cret');
      expect(r.headers['x-bugrun-delivery']).toBe(done.id);
    }
    expect(JSON.parse(requests[2]?.body ?? '')).toMatchObject({
      event: 'finished',
      testRunId: runId,
      suiteRunId: null,
      testId: ids.get('pass'),
      name: 'Passes "always"',
      status: 'passed',
      errorCode: null,
      webappUrl: `http://bugrun.test/runs/${runId}`,
    });
    // A PATCH that leaves the URL out keeps it.
    const renamed = await bugrun.api('PATCH', `/api/v2/alerts/${alert.id}/`, {
      name: 'Renamed',
      action: { type: 'webhook', headers: { 'X-Api-Key': '********' } },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Renamed', action: { url: `${receiver.origin}/********` } });
    expect((await bugrun.service.store.alerts.get(bugrun.service.projectId, alert.id))?.action).toMatchObject({
      url: `${receiver.origin}/fail-first/2/${dialect}?token=url-s3cret`,
      headers: { 'X-Api-Key': 'header-s3cret' },
    });
    await quiet();
  }, 90_000);

  it('tells only the runs its filters name: status, trigger, and only when the result changes', async () => {
    const all = await createAlert({ name: 'Everything', action: { type: 'webhook', url: `${receiver.origin}/all` } });
    const failures = await createAlert({
      name: 'Failures from CI',
      filters: { statuses: ['failed', 'error'], triggeredBy: ['cli'] },
      action: { type: 'webhook', url: `${receiver.origin}/failures` },
    });
    const changes = await createAlert({ name: 'Changes', filters: { onlyOnChange: true }, action: { type: 'webhook', url: `${receiver.origin}/changes` } });
    const runIds: string[] = [];
    // The same test: fails from the API, fails twice from the CLI, then passes from the CLI.
    for (const [title, by] of [
      ['Never', 'api'],
      ['Never', 'cli'],
      ['Never', 'cli'],
      [TITLE, 'cli'],
    ] as const) {
      const runId = await run('toggle', { triggeredBy: by, variables: [{ key: 'expected', value: title }] });
      // Once the catch-all alert has its delivery, the event was fanned out to every alert.
      await deliveryFor(all.id, runId, () => true);
      runIds.push(runId);
    }
    const [apiFail, cliFail, cliFailAgain, cliPass] = runIds;
    expect((await deliveries(failures.id)).map((d) => d.testRunId).sort()).toEqual([cliFail, cliFailAgain].sort());
    // failed (its first run: a change), failed, failed, passed (a change).
    expect((await deliveries(changes.id)).map((d) => d.testRunId).sort()).toEqual([apiFail, cliPass].sort());
    await quiet();
  }, 120_000);

  it('tells a run that started, and a suite run (not its tests) to a suite alert', async () => {
    const started = await createAlert({ name: 'Started', event: 'started', target: 'any', action: { type: 'webhook', url: `${receiver.origin}/started` } });
    const suites = await createAlert({ name: 'Suites', target: 'suite', action: { type: 'webhook', url: `${receiver.origin}/suites` } });
    const tests = await createAlert({ name: 'Tests', target: 'test', action: { type: 'webhook', url: `${receiver.origin}/tests` } });
    const runId = await run('pass');
    expect(await deliveryFor(started.id, runId)).toMatchObject({ status: 'delivered', event: 'started', runStatus: 'running' });
    const suiteRunId = ((await bugrun.api('POST', '/api/v2/suiteruns/', { suiteId: ids.get('smoke') })).json() as { id: string }).id;
    const told = await deliveryFor(suites.id, suiteRunId);
    expect(told).toMatchObject({ status: 'delivered', target: 'suite', suiteRunId, testRunId: null, runStatus: 'passed' });
    const body = JSON.parse(receiver.received.filter((r) => r.path === '/suites').at(-1)?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      suiteRunId,
      suiteId: ids.get('smoke'),
      name: 'Smoke suite',
      status: 'passed',
      webappUrl: `http://bugrun.test/suite-runs/${suiteRunId}`,
    });
    await deliveryFor(started.id, suiteRunId, () => true);
    expect((await deliveries(tests.id)).map((d) => d.testRunId)).toEqual([runId]);
    await quiet();
  }, 90_000);

  // Message formats and SMTP, the same on both databases: once.
  if (dialect === 'sqlite') {
    it('posts Slack and Teams messages, and emails through the SMTP server', async () => {
      const slack = await createAlert({ name: 'Slack', action: { type: 'slack', url: `${receiver.origin}/services/T000/B000/slack-s3cret` } });
      const teams = await createAlert({ name: 'Teams', action: { type: 'teams', url: `${receiver.origin}/webhookb2/teams-s3cret` } });
      const email = await createAlert({ name: 'Email', action: { type: 'email', to: ['qa@example.com', 'dev@example.com'] } });
      const mail = smtp.nextMail();
      const runId = await run('fail');
      for (const a of [slack, teams, email]) expect(await deliveryFor(a.id, runId)).toMatchObject({ status: 'delivered', attempts: 1 });
      const slackBody = JSON.parse(receiver.received.find((r) => r.path.startsWith('/services/'))?.body ?? '{}') as { text: string; blocks: unknown[] };
      expect(slackBody.text).toContain('Fails');
      expect(JSON.stringify(slackBody.blocks)).toContain(`http://bugrun.test/runs/${runId}`);
      const teamsBody = JSON.parse(receiver.received.find((r) => r.path.startsWith('/webhookb2/'))?.body ?? '{}') as { attachments: { contentType: string }[] };
      expect(teamsBody.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      const sent = await mail;
      expect(sent.to.sort()).toEqual(['dev@example.com', 'qa@example.com']);
      expect(sent.from).toBe('ci@bugrun.test');
      expect(sent.raw).toContain('Fails');
      expect(sent.raw).toContain(`http://bugrun.test/runs/${runId}`);
      expect((await bugrun.api('GET', `/api/v2/alerts/${slack.id}/`)).body).not.toContain('slack-s3cret');
      await quiet();
    }, 90_000);
  }

  // Waiting out a receiver's 10 s is the same on both databases: once is enough.
  if (dialect === 'sqlite') {
    it('times out a receiver that never answers and tries again, while runs and the API go on', async () => {
      const hang = await createAlert({ name: 'Hangs', action: { type: 'webhook', url: `${receiver.origin}/hang/${dialect}` } });
      const runId = await run('pass');
      await receiver.arrival(`/hang/${dialect}`);
      // While the receiver holds the request, another run starts, passes, and the API answers.
      const other = await run('pass');
      expect((await bugrun.api('GET', `/api/v2/testruns/${other}/status/`)).json()).toMatchObject({ status: 'passed' });
      const timedOut = await deliveryFor(hang.id, runId, (d) => d.attempts >= 1 && d.error !== null);
      expect(timedOut).toMatchObject({ status: 'pending', responseCode: null });
      expect(timedOut.error).toMatch(/10 s/);
      await waitUntil(
        'a second attempt',
        async () => receiver.received.filter((r) => r.path === `/hang/${dialect}`).length,
        (n) => n >= 3,
      );
      await quiet();
      receiver.dropHanging();
    }, 90_000);
  }

  // Decided by the dispatcher, the same on both databases: once.
  if (dialect === 'sqlite') {
    it('stops retrying the deliveries of an alert that is disabled', async () => {
      const port = await closedPort();
      const alert = await createAlert({ name: 'Nobody home', action: { type: 'webhook', url: `http://127.0.0.1:${port}/nobody` } });
      const runId = await run('pass');
      await deliveryFor(alert.id, runId, (d) => d.attempts >= 1 && d.error !== null);
      await bugrun.api('PATCH', `/api/v2/alerts/${alert.id}/`, { enabled: false });
      expect(await deliveryFor(alert.id, runId, (d) => d.status === 'failed')).toMatchObject({ error: 'the alert was disabled', nextAttemptAt: null });
      await quiet();
    }, 90_000);
  }

  it('keeps a delivery it could not make through a restart, and makes it afterwards', async () => {
    const port = await closedPort();
    const later = await createAlert({ name: 'Later', action: { type: 'webhook', url: `http://127.0.0.1:${port}/later` } });
    const runId = await run('pass');
    const refused = await deliveryFor(later.id, runId, (d) => d.attempts >= 1 && d.error !== null);
    expect(refused.error).toMatch(/refused/);
    const dataDir = bugrun.dataDir;
    // The process stops; its data directory (and database) stays for the next one.
    await bugrun.service.close();
    const back = await startReceiver(null, port);
    try {
      bugrun = await start(dataDir);
      const delivered = await deliveryFor(later.id, runId);
      expect(delivered).toMatchObject({ status: 'delivered', responseCode: 200 });
      expect(delivered.attempts).toBeGreaterThanOrEqual(2);
      expect(back.received.map((r) => r.path)).toContain('/later');
    } finally {
      await back.close();
    }
    await quiet();
  }, 90_000);
});

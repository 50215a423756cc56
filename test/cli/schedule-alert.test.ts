import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/alerts/signature.js';
import { apiBundle } from '../api/api-bundle.js';
import { freePort, runCli, startServer, type RunningServer } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * `bugrun schedule ...` and `bugrun alert ...` as subprocesses against a real `bugrun serve`: what
 * they print and exit with, checked against what the API then holds. One schedule really fires
 * (a cron with seconds) and one webhook alert is really delivered, to a receiver in this file.
 */
const TOKEN = 'cli-schedule-alert-token';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SCHEDULE_ID_LINE = new RegExp(`^scheduleId: (${UUID})$`);
const ALERT_ID_LINE = new RegExp(`^alertId: (${UUID})$`);
const ISO = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z';

type Result = { code: number | null; stdout: string; stderr: string };

interface Schedule {
  id: string;
  name: string;
  testId: string | null;
  suiteId: string | null;
  cron: string;
  timezone: string;
  runProfileId: string | null;
  variables: { key: string; value: string }[];
  enabled: boolean;
  nextRunAt: string | null;
  lastRunId: string | null;
  lastSkippedAt: string | null;
  lastSkipReason: string | null;
}

interface Hook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let dir = '';
let server: RunningServer;
let fixture: FixtureServer;
let receiver: Server;
let receiverOrigin = '';
const hooks: Hook[] = [];
/** No saved config from the developer's home, no inherited URL/token. */
let baseEnv: Record<string, string>;
let env: Record<string, string>;
const ids: Record<string, string> = {};

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const getSchedule = async (id: string) => (await api<Schedule>(`/api/v2/schedules/${id}/`)).body;

/** The printed time of an API timestamp: ISO 8601 in UTC to the second. */
const printed = (iso: string | null) => (iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The table row of `id`: its cells after the id, separated by two or more spaces. */
function row(stdout: string, id: string): string[] | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(`${id}  `));
  return line?.split(/ {2,}/).slice(1);
}

/** A failure: exit 1, nothing on stdout, exactly `lines` lines on stderr, each `bugrun: ...`. */
function refused(res: Result, ...lines: RegExp[]): void {
  expect(res.code, res.stdout + res.stderr).toBe(1);
  expect(res.stdout).toBe('');
  const got = res.stderr.trimEnd().split('\n');
  expect(got, res.stderr).toHaveLength(lines.length);
  lines.forEach((pattern, i) => expect(got[i]).toMatch(pattern));
}

function scheduleIdOf(res: Result): string {
  expect(res.code, res.stdout + res.stderr).toBe(0);
  const match = SCHEDULE_ID_LINE.exec(res.stdout.split('\n')[0] ?? '');
  if (!match) throw new Error(`no scheduleId on the first line of:\n${res.stdout}`);
  return match[1] as string;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bugrun-schedule-alert-'));
  fixture = await startFixtureServer();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const port = await freePort();
  server = await startServer(['--port', String(port), '--data-dir', join(dir, 'data')], { BUGRUN_TOKEN: TOKEN, BUGRUN_CONCURRENCY: '1' });
  baseEnv = { XDG_CONFIG_HOME: join(dir, 'xdg'), BUGRUN_URL: '', BUGRUN_TOKEN: '', BUGRUN_DATA_DIR: '' };
  env = { ...baseEnv, BUGRUN_URL: server.url, BUGRUN_TOKEN: TOKEN };
  const bundle = join(dir, 'bundle');
  await mkdir(bundle, { recursive: true });
  const suite = `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Suite green'\n  slug: 'green'\n  suite_settings:\n    run_in_parallel: false\n    auto_retry: 0\n    auto_add_new_tests: false\n  tests:\n    - test_source: 'login'\n`;
  for (const [name, text] of Object.entries({ ...apiBundle(fixture.url), 'suite-green.yaml': suite })) await writeFile(join(bundle, name), text);
  const imported = await runCli(['import', bundle], env);
  expect(imported.code, imported.stderr).toBe(0);
  for (const line of imported.stdout.trim().split('\n')) {
    const [type, slug, id] = line.split(' ');
    ids[`${type}:${slug}`] = id as string;
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await fixture?.close();
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bugrun schedule', () => {
  it('creates schedules by slug, from a preset and from a cron in a time zone, and lists each with its next run', async () => {
    const [monthly, ist] = await Promise.all([
      runCli(
        [
          'schedule',
          'create',
          '--name',
          'Monthly login',
          '--test',
          'login',
          '--preset',
          'monthly',
          '--profile',
          'Staging',
          '--variable',
          'email=s@example.com',
        ],
        env,
      ),
      runCli(['schedule', 'create', '--name', 'Green at 06:30 IST', '--suite', 'green', '--cron', '30 6 * * 1-5', '--timezone', 'Asia/Kolkata'], env),
    ]);
    const monthlyId = scheduleIdOf(monthly);
    const istId = scheduleIdOf(ist);

    // What the API holds: the preset's cron, the slugs and the profile name resolved to ids.
    const m = await getSchedule(monthlyId);
    expect(m).toMatchObject({
      name: 'Monthly login',
      testId: ids['test:login'],
      suiteId: null,
      cron: '0 0 1 * *',
      timezone: 'UTC',
      runProfileId: ids['profile:staging'],
      variables: [{ key: 'email', value: 's@example.com' }],
      enabled: true,
    });
    const i = await getSchedule(istId);
    expect(i).toMatchObject({ suiteId: ids['suite:green'], testId: null, cron: '30 6 * * 1-5', timezone: 'Asia/Kolkata', enabled: true });

    // The next run, as the server computed it: in UTC, and for a zone also its wall-clock time there.
    expect(m.nextRunAt).not.toBeNull();
    expect(printed(m.nextRunAt)).toMatch(/^\d{4}-\d{2}-01T00:00:00Z$/);
    expect(monthly.stdout.split('\n')[1]).toBe(`Next run: ${printed(m.nextRunAt)}`);
    expect(monthly.stdout).toMatch(/^Runs test "Login works" with profile "Staging" at "0 0 1 \* \*" \(UTC\), enabled$/m);
    // 06:30 in Kolkata (UTC+5:30, no daylight saving) is 01:00 UTC.
    expect(printed(i.nextRunAt)).toMatch(/T01:00:00Z$/);
    const day = (i.nextRunAt as string).slice(0, 10);
    expect(ist.stdout.split('\n')[1]).toBe(`Next run: ${printed(i.nextRunAt)} (${day} 06:30 Asia/Kolkata)`);
    expect(new Date(`${day}T12:00:00Z`).getUTCDay()).toBeGreaterThanOrEqual(1);
    expect(new Date(`${day}T12:00:00Z`).getUTCDay()).toBeLessThanOrEqual(5);

    const list = await runCli(['schedule', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +NAME +TARGET +CRON +TIME ZONE +STATE +NEXT RUN +LAST SKIP$/);
    expect(row(list.stdout, monthlyId)).toEqual(['Monthly login', 'test "Login works"', '0 0 1 * *', 'UTC', 'enabled', printed(m.nextRunAt)]);
    expect(row(list.stdout, istId)).toEqual(['Green at 06:30 IST', 'suite "Suite green"', '30 6 * * 1-5', 'Asia/Kolkata', 'enabled', printed(i.nextRunAt)]);
  });

  it('disable: no next run; enable: the next run again; delete: gone, and a second delete exits 1 in one line', async () => {
    const id = scheduleIdOf(await runCli(['schedule', 'create', '--name', 'Weekly login', '--test', ids['test:login'], '--preset', 'weekly'], env));

    const disabled = await runCli(['schedule', 'disable', id], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toBe(`Schedule "Weekly login" (${id}): disabled\nNext run: — (disabled)\n`);
    expect(await getSchedule(id)).toMatchObject({ enabled: false, nextRunAt: null });
    const listedOff = await runCli(['schedule', 'list'], env);
    expect(row(listedOff.stdout, id)).toEqual(['Weekly login', 'test "Login works"', '0 0 * * 1', 'UTC', 'disabled', '—']);

    const enabled = await runCli(['schedule', 'enable', id], env);
    expect(enabled.code, enabled.stderr).toBe(0);
    const on = await getSchedule(id);
    expect(on.enabled).toBe(true);
    expect(on.nextRunAt).not.toBeNull();
    expect(enabled.stdout).toBe(`Schedule "Weekly login" (${id}): enabled\nNext run: ${printed(on.nextRunAt)}\n`);
    const listedOn = await runCli(['schedule', 'list'], env);
    expect(row(listedOn.stdout, id)?.slice(4)).toEqual(['enabled', printed(on.nextRunAt)]);

    const deleted = await runCli(['schedule', 'delete', id], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted schedule ${id}\n`);
    expect((await api(`/api/v2/schedules/${id}/`)).status).toBe(404);
    const [listedGone, again, enableGone] = await Promise.all([
      runCli(['schedule', 'list'], env),
      runCli(['schedule', 'delete', id], env),
      runCli(['schedule', 'enable', id], env),
    ]);
    expect(listedGone.stdout).not.toContain(id);
    refused(again, new RegExp(`^bugrun: Schedule "${id}" not found in the project of this token`));
    refused(enableGone, new RegExp(`^bugrun: Schedule "${id}" not found`));
  });

  it('refusals: a bad cron, an unknown time zone (each naming its field), both at once, an unknown test slug; nothing is created', async () => {
    const before = (await api<{ count: number }>('/api/v2/schedules/')).body.count;
    const create = (...args: string[]) => runCli(['schedule', 'create', '--name', 'Refused', ...args], env);
    const [badCron, badZone, both, unknownTest, noTarget, twoWhens] = await Promise.all([
      create('--test', 'login', '--cron', '61 * * * *'),
      create('--test', 'login', '--preset', 'daily', '--timezone', 'Mars/Olympus'),
      create('--test', 'login', '--cron', 'every day', '--timezone', 'Mars/Olympus'),
      create('--test', 'no-such-test', '--preset', 'daily'),
      create('--preset', 'daily'),
      create('--test', 'login', '--preset', 'daily', '--cron', '0 0 * * *'),
    ]);
    refused(badCron, /^bugrun: cron: Not a valid cron expression: .+/);
    refused(badZone, /^bugrun: timezone: Unknown time zone "Mars\/Olympus"; use an IANA name/);
    refused(
      both,
      /^bugrun: cron: Enter five fields \(minute hour day month weekday\), or six with seconds first; got 2\.$/,
      /^bugrun: timezone: Unknown time zone "Mars\/Olympus"/,
    );
    refused(unknownTest, /^bugrun: Test "no-such-test" not found \(by id or slug\) in the project of this token/);
    refused(noTarget, /^bugrun: Give what to run: either --test <id\|slug> or --suite <id\|slug>$/);
    refused(twoWhens, /^bugrun: Give when to run: either --cron <expression> or --preset </);
    expect((await api<{ count: number }>('/api/v2/schedules/')).body.count).toBe(before);
  });

  it('takes --url and --token like `remote`: flags win over the environment, and a rejected token is one line', async () => {
    const [flags, wrongToken] = await Promise.all([
      runCli(['schedule', 'list', '--url', server.url, '--token', TOKEN], baseEnv),
      runCli(['alert', 'list', '--token', 'wrong'], env),
    ]);
    expect(flags.code, flags.stderr).toBe(0);
    refused(wrongToken, /^bugrun: The server at \S+ rejected the API token from --token \(401\)$/);
  });
});

describe('bugrun alert', () => {
  it('creates a webhook alert (alertId, the secret once), lists it with its URL masked, has no deliveries yet, deletes it', async () => {
    const created = await runCli(
      [
        'alert',
        'create',
        '--name',
        'Build alerts',
        '--event',
        'finished',
        '--target',
        'test',
        '--status',
        'failed',
        '--status',
        'error',
        '--triggered-by',
        'github',
        '--profile',
        'Staging',
        '--only-on-change',
        '--webhook',
        `${receiverOrigin}/p4th-secret/hook?token=qu3ry-secret`,
        '--header',
        'X-Api-Key: h3ader-secret',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const lines = created.stdout.split('\n');
    const id = ALERT_ID_LINE.exec(lines[0] ?? '')?.[1] as string;
    expect(id, created.stdout).toBeDefined();
    expect(lines[1]).toMatch(/^secret: whsec_[0-9a-f]{64}$/);
    expect(created.stderr).toMatch(/cannot be shown again/);
    expect(created.stdout).toContain('When: test finished (status=failed,error by=github profile=Staging on-change)');

    const alert = (await api<{ filters: unknown; action: { url: string } }>(`/api/v2/alerts/${id}/`)).body;
    expect(alert.filters).toEqual({ statuses: ['failed', 'error'], triggeredBy: ['github'], profileId: ids['profile:staging'], onlyOnChange: true });

    const [list, deliveries] = await Promise.all([runCli(['alert', 'list'], env), runCli(['alert', 'deliveries', id], env)]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +NAME +STATE +WHEN +FILTERS +ACTION$/);
    expect(row(list.stdout, id)).toEqual([
      'Build alerts',
      'enabled',
      'test finished',
      'status=failed,error by=github profile=Staging on-change',
      `webhook POST ${receiverOrigin}/******** headers: X-Api-Key`,
    ]);
    for (const secret of ['p4th-secret', 'qu3ry-secret', 'h3ader-secret', lines[1]?.slice('secret: '.length) as string]) {
      expect(list.stdout).not.toContain(secret);
      expect(list.stderr).not.toContain(secret);
    }
    expect(deliveries.code, deliveries.stderr).toBe(0);
    expect(deliveries.stdout).toBe('');
    expect(deliveries.stderr).toBe(`(no deliveries yet for alert ${id})\n`);

    const deleted = await runCli(['alert', 'delete', id], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted alert ${id}\n`);
    expect((await api(`/api/v2/alerts/${id}/`)).status).toBe(404);
    const [listedGone, deliveriesGone, again] = await Promise.all([
      runCli(['alert', 'list'], env),
      runCli(['alert', 'deliveries', id], env),
      runCli(['alert', 'delete', id], env),
    ]);
    expect(listedGone.stdout).not.toContain(id);
    refused(deliveriesGone, new RegExp(`^bugrun: Alert "${id}" not found in the project of this token`));
    refused(again, new RegExp(`^bugrun: Alert "${id}" not found`));
  });

  it('other actions and refusals: Slack without a secret, email without SMTP, two actions, a bad URL and header', async () => {
    const create = (...args: string[]) => runCli(['alert', 'create', '--name', 'Other', '--event', 'started', ...args], env);
    const [slack, email, twoActions, noAction, badUrl, badHeader, methodWithoutWebhook] = await Promise.all([
      create('--slack', 'https://hooks.slack.com/services/T000/B000/sl4ck-secret'),
      create('--email', 'a@example.com', 'b@example.com'),
      create('--slack', 'https://hooks.slack.com/x', '--teams', 'https://example.webhook.office.com/x'),
      create(),
      create('--webhook', 'not a url'),
      create('--webhook', 'https://example.com/', '--header', 'no colon'),
      create('--slack', 'https://hooks.slack.com/x', '--method', 'GET'),
    ]);
    expect(slack.code, slack.stderr).toBe(0);
    const slackId = ALERT_ID_LINE.exec(slack.stdout.split('\n')[0] ?? '')?.[1] as string;
    expect(slack.stdout).not.toMatch(/^secret:/m);
    expect(slack.stdout).toMatch(/^When: any run started$/m);
    expect(slack.stdout).toMatch(/^Action: slack https:\/\/hooks\.slack\.com\/\*{8}$/m);
    expect(slack.stdout).not.toContain('sl4ck-secret');
    refused(email, /^bugrun: action\.type: Email alerts need an SMTP server: BUGRUN_SMTP_URL is not set\.$/);
    refused(twoActions, /^bugrun: Give exactly one action: --webhook/);
    refused(noAction, /^bugrun: Give exactly one action: --webhook/);
    refused(badUrl, /^bugrun: action\.url: Enter a valid URL\.$/);
    refused(badHeader, /^bugrun: option '--header <"Name: value">' argument 'no colon' is invalid\. Expected "Name: value"\./);
    refused(methodWithoutWebhook, /^bugrun: --method, --header and --body-template go with --webhook only$/);
    expect((await runCli(['alert', 'delete', slackId], env)).code).toBe(0);
  });
});

describe('a schedule that fires, and an alert that tells of its run', () => {
  it('starts a run each tick (skipping ticks while it goes), lists its runs; the webhook alert delivers the run’s end, signed', async () => {
    const created = await runCli(
      ['alert', 'create', '--name', 'Scheduled ends', '--event', 'finished', '--triggered-by', 'scheduler', '--webhook', `${receiverOrigin}/scheduled?key=k3y`],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const alertId = ALERT_ID_LINE.exec(created.stdout.split('\n')[0] ?? '')?.[1] as string;
    const secret = /^secret: (\S+)$/m.exec(created.stdout)?.[1] as string;
    expect(secret).toBeDefined();

    // Every second; the slow test runs for over 20 s, so the second tick finds the first run going.
    const scheduleId = scheduleIdOf(await runCli(['schedule', 'create', '--name', 'Every second', '--test', 'slow', '--cron', '* * * * * *'], env));
    const skipped = await waitUntil(
      'a skipped tick',
      () => getSchedule(scheduleId),
      (s) => s.lastSkipReason !== null,
    );
    const runId = skipped.lastRunId as string;
    expect(runId).toMatch(new RegExp(`^${UUID}$`));

    const disabled = await runCli(['schedule', 'disable', scheduleId], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    const s = await getSchedule(scheduleId);
    const [list, runs] = await Promise.all([runCli(['schedule', 'list'], env), runCli(['schedule', 'runs', scheduleId], env)]);
    expect(row(list.stdout, scheduleId)).toEqual([
      'Every second',
      'test "Slow steps"',
      '* * * * * *',
      'UTC',
      'disabled',
      '—',
      `${printed(s.lastSkippedAt)}: ${s.lastSkipReason}`,
    ]);
    expect(s.lastSkipReason).toContain(runId);
    expect(runs.code, runs.stderr).toBe(0);
    const runLines = runs.stdout.trimEnd().split('\n');
    expect(runLines[0]).toMatch(/^ID +STATUS +SCHEDULED FOR +DETAILS$/);
    expect(runLines).toHaveLength(2);
    expect(runLines[1]).toMatch(new RegExp(`^${runId} +(queued|initialized|running) +${ISO} +${escape(`${server.url}/runs/${runId}`)}$`));

    const stopped = await runCli(['remote', 'stop', 'test', runId], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    const hook = await waitUntil(
      'the webhook delivery',
      async () => hooks.find((h) => h.path.startsWith('/scheduled')),
      (h) => h !== undefined,
    );
    expect(hook?.path).toBe('/scheduled?key=k3y');
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ event: 'finished', testRunId: runId, status: 'stopped', triggeredBy: 'scheduler' });
    // The secret the CLI printed is the one the deliveries are signed with.
    expect(verifySignature(secret, String(hook?.headers['x-bugrun-signature']), hook?.body ?? '', Math.floor(Date.now() / 1000))).toBe(true);

    await waitUntil(
      'the delivery recorded as delivered',
      async () => (await api<{ results: { status: string }[] }>(`/api/v2/alerts/${alertId}/deliveries/`)).body.results,
      (r) => r[0]?.status === 'delivered',
    );
    const [deliveries, runsAfter] = await Promise.all([runCli(['alert', 'deliveries', alertId], env), runCli(['schedule', 'runs', scheduleId], env)]);
    expect(deliveries.code, deliveries.stderr).toBe(0);
    const deliveryLines = deliveries.stdout.trimEnd().split('\n');
    expect(deliveryLines[0]).toMatch(/^CREATED +STATUS +ATTEMPTS +CODE +RUN +ERROR$/);
    expect(deliveryLines).toHaveLength(2);
    expect(deliveryLines[1]).toMatch(new RegExp(`^${ISO} +delivered +1 +200 +test run ${runId} \\(finished stopped: Slow steps\\)$`));
    expect(runsAfter.stdout).toMatch(new RegExp(`^${runId} +stopped +${ISO} +`, 'm'));

    expect((await runCli(['schedule', 'delete', scheduleId], env)).code).toBe(0);
    expect((await runCli(['alert', 'delete', alertId], env)).code).toBe(0);
  });
});

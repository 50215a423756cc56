import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/alerts/index.js';
import { SCHEDULE_PRESETS } from '../../src/domain/schedules.js';
import { CHROMIUM_ARGS } from '../../src/runner/browser-pool.js';
import { apiBundle } from '../api/api-bundle.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { freePort } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The Schedules and Alerts pages in real Chromium against a listening Bugrun: its scheduler starts
 * real runs, its alert dispatcher delivers to a real receiver on 127.0.0.1. The browser's time zone
 * is St. John's (UTC−3:30, −2:30 in summer), so whole local hours are at half past in UTC.
 */
const OUTPUT = fileURLToPath(new URL('../../test-output/ui/', import.meta.url));
const BROWSER_ZONE = 'America/St_Johns';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
/** Parts of a webhook's URL and headers that are credentials: no page may ever show them. */
const HOOK_PATH = '/hooks/path-credential-4f2a?token=query-credential-77e1';
const HEADER_VALUE = 'header-credential-9c1d';

interface Paged<T> {
  count: number;
  results: T[];
}
interface Schedule {
  id: string;
  name: string;
  testId: string | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunId: string | null;
}
interface ScheduleRun {
  id: string;
  status: string;
  scheduledFor: string;
  testRunId: string | null;
  suiteRunId: string | null;
  name: string;
  webappUrl: string;
}
interface Delivery {
  id: string;
  testRunId: string | null;
  status: string;
  attempts: number;
  responseCode: number | null;
  error: string | null;
}
interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let bugrun: TestBugrun;
let fixture: FixtureServer;
let receiver: Server;
let receiverOrigin = '';
const hits: Hit[] = [];
let browser: Browser;
let page: Page;
let url = '';
let loginId = '';
let stagingId = '';
let hourlyId = '';
/** The webhook alert created on the page, and the signing secret the page showed once. */
let alertId = '';
let secret = '';
let deletedAlertId = '';
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
const failedResponses: string[] = [];

const shot = (name: string) => page.screenshot({ path: `${OUTPUT}${name}.png`, fullPage: true });
const getJson = async <T>(path: string) => (await bugrun.api('GET', path)).json() as T;
const localTime = (iso: string) => page.evaluate((value) => new Date(value).toLocaleString(), iso);

/** A webhook receiver: `/status/<code>…` answers that code, anything else 200. */
async function startReceiver(): Promise<void> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const code = /^\/status\/(\d{3})/.exec(path);
      res.writeHead(code ? Number(code[1]) : 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  fixture = await startFixtureServer();
  await startReceiver();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  bugrun = await startBugrun({ port, host: '127.0.0.1', publicUrl: url });
  await bugrun.service.app.listen({ port, host: '127.0.0.1' });
  await bugrun.importYaml(apiBundle(fixture.url));
  const { store, projectId } = bugrun.service;
  loginId = (await store.tests.getBySlug(projectId, 'login'))?.id ?? '';
  stagingId = (await store.profiles.listAll(projectId)).find((p) => p.name === 'Staging')?.id ?? '';

  browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', args: [...CHROMIUM_ARGS] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: BROWSER_ZONE });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 400) failedResponses.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  page.on('dialog', (d) => {
    pageErrors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${url}/signin`);
  await page.fill('input[name=token]', bugrun.token);
  await page.click('form.signin button[type=submit]');
  await page.waitForURL(`${url}/runs`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await bugrun?.close();
  await fixture?.close();
  receiver?.closeAllConnections();
  receiver?.close();
});

describe('Schedules page', () => {
  it('creates a schedule from a preset in the browser’s time zone; the list shows its next run in local time; Edit opens it as saved', async () => {
    await page.click('nav a[data-section=schedules]');
    await page.waitForURL(`${url}/schedules`);
    await page.waitForSelector('table.schedules td.empty');
    await page.click('button.new');
    const form = page.locator('dialog.schedule-dialog[open]');
    await form.waitFor();
    // The presets are the domain's, in order, then a custom expression.
    const presets = await form.locator('select[name=preset] option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(presets).toEqual([...Object.values(SCHEDULE_PRESETS), '']);
    expect(await form.locator('input[name=timezone]').inputValue()).toBe(BROWSER_ZONE);

    await form.locator('input[name=name]').fill('Hourly login');
    await form.locator('select[name=target]').selectOption({ label: 'Login works' });
    await form.locator('select[name=preset]').selectOption({ label: 'Every hour' });
    expect(await form.locator('input[name=cron]').inputValue()).toBe(SCHEDULE_PRESETS.hourly);
    await form.locator('select[name=profile]').selectOption({ label: 'Staging' });
    await form.locator('textarea[name=variables]').fill('email=sched@example.com');
    await shot('schedules-form');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });

    const row = page.locator('tr[data-schedule-id]', { hasText: 'Hourly login' });
    await row.waitFor();
    const created = (await getJson<Paged<Schedule>>('/api/v2/schedules/')).results.find((s) => s.name === 'Hourly login');
    expect(created).toMatchObject({
      testId: loginId,
      cron: SCHEDULE_PRESETS.hourly,
      timezone: BROWSER_ZONE,
      runProfileId: stagingId,
      variables: [{ key: 'email', value: 'sched@example.com' }],
      enabled: true,
    });
    hourlyId = created?.id ?? '';
    expect(await row.getAttribute('data-schedule-id')).toBe(hourlyId);
    const next = created?.nextRunAt ?? '';
    // The zone reached the server: the next whole hour in St. John's is at half past in UTC.
    expect(new Date(next).getUTCMinutes()).toBe(30);
    // The list shows it in the browser's time: at a whole hour.
    const shown = await localTime(next);
    expect(shown).toMatch(/:00:00/);
    expect(await row.locator('td.next-run').textContent()).toBe(shown);
    expect(await row.locator('.target-name').textContent()).toBe('Login works');
    expect(await row.locator('.when').textContent()).toBe(`Every hour · ${BROWSER_ZONE}${SCHEDULE_PRESETS.hourly}`);
    expect(await row.locator('.last-run').textContent()).toBe('None yet');
    expect(await row.locator('input[name=enabled]').isChecked()).toBe(true);
    await shot('schedules');

    await row.locator('button.edit').click();
    await form.waitFor();
    expect(await form.locator('input[name=name]').inputValue()).toBe('Hourly login');
    expect(await form.locator('select[name=target]').inputValue()).toBe(`test:${loginId}`);
    expect(await form.locator('select[name=preset]').inputValue()).toBe(SCHEDULE_PRESETS.hourly);
    expect(await form.locator('input[name=timezone]').inputValue()).toBe(BROWSER_ZONE);
    expect(await form.locator('select[name=profile]').inputValue()).toBe(stagingId);
    expect(await form.locator('textarea[name=variables]').inputValue()).toBe('email=sched@example.com');
    await form.locator('select[name=preset]').selectOption({ label: 'Every Monday at 00:00' });
    await form.locator('button[type=submit]').click();
    await row.locator('.when', { hasText: 'Every Monday at 00:00' }).waitFor();
    const edited = await getJson<Schedule>(`/api/v2/schedules/${hourlyId}/`);
    expect(edited).toMatchObject({ name: 'Hourly login', cron: SCHEDULE_PRESETS.weekly, timezone: BROWSER_ZONE, runProfileId: stagingId });
    // Monday 00:00 in St. John's is Monday 02:30 or 03:30 UTC.
    expect([new Date(edited.nextRunAt ?? '').getUTCDay(), new Date(edited.nextRunAt ?? '').getUTCMinutes()]).toEqual([1, 30]);
    expect(await row.locator('td.next-run').textContent()).toBe(await localTime(edited.nextRunAt ?? ''));
  }, 60_000);

  it('shows a 400’s errors for a bad cron expression and time zone next to their fields, and saves nothing', async () => {
    const before = (await getJson<Paged<Schedule>>('/api/v2/schedules/')).count;
    const bad = { name: 'Broken', testId: loginId, cron: '61 * * * *', timezone: 'Mars/Olympus_Mons' };
    const expected = (await bugrun.api('POST', '/api/v2/schedules/', bad)).json() as Record<string, string[]>;
    expect(Object.keys(expected).sort()).toEqual(['cron', 'timezone']);

    await page.click('button.new');
    const form = page.locator('dialog.schedule-dialog[open]');
    await form.waitFor();
    await form.locator('input[name=name]').fill(bad.name);
    await form.locator('select[name=target]').selectOption({ label: 'Login works' });
    await form.locator('input[name=cron]').fill(bad.cron);
    expect(await form.locator('select[name=preset]').inputValue()).toBe(''); // "Custom" once typed
    await form.locator('input[name=timezone]').fill(bad.timezone);
    await form.locator('button[type=submit]').click();

    const cronField = form.locator('.field[data-fields="cron"]');
    await cronField.locator('.field-error', { hasText: /./ }).waitFor();
    expect(await cronField.locator('.field-error').textContent()).toBe(expected.cron?.join(' '));
    expect(await cronField.getAttribute('class')).toContain('invalid');
    expect(await form.locator('.field[data-fields="timezone"] .field-error').textContent()).toBe(expected.timezone?.join(' '));
    expect(await form.locator('.field[data-fields="name"] .field-error').textContent()).toBe('');
    expect(await form.locator('.form-status .message.error').textContent()).toBe('Correct the marked fields.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('cron');
    await shot('schedules-form-errors');
    expect((await getJson<Paged<Schedule>>('/api/v2/schedules/')).count).toBe(before);

    await form.locator('button', { hasText: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
    // Opened again, the form is fresh.
    await page.click('button.new');
    await form.waitFor();
    expect(await form.locator('.field.invalid').count()).toBe(0);
    expect(await form.locator('input[name=name]').inputValue()).toBe('');
    await form.locator('button', { hasText: 'Cancel' }).click();
  }, 60_000);

  it('switches a schedule off from the list (no next run in the API then) and on again, and deletes one after asking', async () => {
    const row = page.locator(`tr[data-schedule-id="${hourlyId}"]`);
    // A click, not uncheck(): the row is rebuilt once saved, and uncheck() would retry on the new one.
    await row.locator('input[name=enabled]').click();
    const off = await waitUntil(
      'the schedule off',
      () => getJson<Schedule>(`/api/v2/schedules/${hourlyId}/`),
      (s) => !s.enabled,
    );
    expect(off.nextRunAt).toBeNull();
    await page.waitForSelector(`tr[data-schedule-id="${hourlyId}"][data-enabled=false]`);
    expect(await row.locator('td.next-run').textContent()).toBe('–');
    await page.reload();
    await row.waitFor();
    expect(await row.locator('input[name=enabled]').isChecked()).toBe(false);
    await shot('schedules-off');

    await row.locator('input[name=enabled]').click();
    const on = await waitUntil(
      'the schedule on',
      () => getJson<Schedule>(`/api/v2/schedules/${hourlyId}/`),
      (s) => s.enabled,
    );
    expect(on.nextRunAt).not.toBeNull();
    await page.waitForSelector(`tr[data-schedule-id="${hourlyId}"][data-enabled=true]`);
    expect(await row.locator('td.next-run').textContent()).toBe(await localTime(on.nextRunAt ?? ''));

    const doomed = (await bugrun.api('POST', '/api/v2/schedules/', { name: 'Doomed', testId: loginId, cron: '0 3 * * *' })).json() as Schedule;
    await page.reload();
    const doomedRow = page.locator(`tr[data-schedule-id="${doomed.id}"]`);
    await doomedRow.locator('button.delete').click();
    // The first click only asks.
    await doomedRow.locator('button.confirm-delete').waitFor();
    expect((await bugrun.api('GET', `/api/v2/schedules/${doomed.id}/`)).statusCode).toBe(200);
    await doomedRow.locator('button.confirm-delete').click();
    await doomedRow.waitFor({ state: 'detached' });
    expect((await bugrun.api('GET', `/api/v2/schedules/${doomed.id}/`)).statusCode).toBe(404);
    expect(await row.count()).toBe(1);
  }, 60_000);

  it('lists the runs a schedule started on its page as they come, each linked to its run page', async () => {
    const created = await bugrun.api('POST', '/api/v2/schedules/', {
      name: HOSTILE_NAME,
      testId: loginId,
      cron: '* * * * * *',
      timezone: 'UTC',
      enabled: false,
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as Schedule).id;
    await page.goto(`${url}/schedules/${id}`);
    await page.waitForSelector('table.schedule-runs td.empty');
    expect(await page.textContent('.page-head h1')).toBe(HOSTILE_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('.page-head .badge').getAttribute('data-enabled')).toBe('false');
    expect(await page.textContent('dl.meta')).toContain('Every second');

    // Every second while on: the first tick starts a run; then it is switched off again.
    expect((await bugrun.api('PATCH', `/api/v2/schedules/${id}/`, { enabled: true })).statusCode).toBe(200);
    const runs = await waitUntil(
      'a run the schedule started',
      () => getJson<Paged<ScheduleRun>>(`/api/v2/schedules/${id}/runs/`),
      (p) => p.count >= 1,
    );
    expect((await bugrun.api('PATCH', `/api/v2/schedules/${id}/`, { enabled: false })).statusCode).toBe(200);
    const first = runs.results.at(-1) as ScheduleRun;
    expect(first).toMatchObject({ testRunId: first.id, suiteRunId: null, name: 'Login works', webappUrl: `${url}/runs/${first.id}` });

    // The page, shown all along, lists it without a reload and follows it to its end.
    const row = page.locator(`tr[data-run-id="${first.id}"]`);
    await row.waitFor();
    expect(await row.locator('a.run-link').getAttribute('href')).toBe(`/runs/${first.id}`);
    expect(await row.locator('a.run-link').textContent()).toBe('Login works');
    expect(await row.locator('td.scheduled-for').textContent()).toBe(await localTime(first.scheduledFor));
    await page.waitForSelector(`tr[data-run-id="${first.id}"] .badge[data-status=passed]`, { timeout: 60_000 });
    const schedule = await getJson<Schedule>(`/api/v2/schedules/${id}/`);
    await page.waitForSelector(`dl.meta a.last-run-link[href="/runs/${schedule.lastRunId}"]`);
    await page.waitForSelector('.page-head .badge[data-enabled=false]');
    await shot('schedule-runs');

    await row.locator('a.run-link').click();
    await page.waitForURL(`${url}/runs/${first.id}`);
    await page.waitForSelector('.page-head .badge[data-status=passed]');
    expect(await page.textContent('dl.meta')).toContain('scheduler');
  }, 90_000);
});

describe('Alerts page', () => {
  it('creates a webhook alert from the page (a URL’s field error, the signing secret shown once, only the masked URL listed), edits it keeping the URL, switches it off and on', async () => {
    await page.click('nav a[data-section=alerts]');
    await page.waitForURL(`${url}/alerts`);
    await page.waitForSelector('table.alerts td.empty');
    await page.click('button.new');
    const form = page.locator('dialog.alert-dialog[open]');
    await form.waitFor();
    // Each action type and event shows the fields it needs.
    const visible = async (selector: string) => form.locator(selector).isVisible();
    await form.locator('select[name=actionType]').selectOption('email');
    expect([await visible('input[name=url]'), await visible('textarea[name=to]'), await visible('textarea[name=headers]')]).toEqual([false, true, false]);
    await form.locator('select[name=actionType]').selectOption('slack');
    expect([await visible('input[name=url]'), await visible('textarea[name=to]'), await visible('select[name=method]')]).toEqual([true, false, false]);
    await form.locator('select[name=event]').selectOption('started');
    expect(await visible('input[name=statuses][value=failed]')).toBe(false);
    await form.locator('select[name=event]').selectOption('finished');
    await form.locator('select[name=actionType]').selectOption('webhook');
    expect([await visible('select[name=method]'), await visible('textarea[name=headers]'), await visible('textarea[name=body]')]).toEqual([true, true, true]);

    await form.locator('input[name=name]').fill('Team webhook');
    expect(await form.locator('select[name=event]').inputValue()).toBe('finished');
    await form.locator('select[name=target]').selectOption('test');
    await form.locator('input[name=statuses][value=passed]').check();
    await form.locator('input[name=triggeredBy][value=api]').check();
    expect(await form.locator('select[name=actionType]').inputValue()).toBe('webhook');
    await form.locator('input[name=url]').fill('ftp://127.0.0.1/files');
    await form.locator('textarea[name=headers]').fill(`X-Team-Token: ${HEADER_VALUE}`);
    await shot('alerts-form');
    await form.locator('button[type=submit]').click();
    const urlError = form.locator('.field[data-fields="action.url"] .field-error');
    await urlError.filter({ hasText: /./ }).waitFor();
    expect(await urlError.textContent()).toBe('Only http:// and https:// URLs are allowed.');
    await shot('alerts-form-errors');

    await form.locator('input[name=url]').fill(`${receiverOrigin}${HOOK_PATH}`);
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const notice = page.locator('.secret-notice');
    await notice.waitFor();
    secret = (await notice.locator('code.secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(await notice.textContent()).toContain('copy it now; it is not shown again');
    const row = page.locator('tr[data-alert-id]', { hasText: 'Team webhook' });
    await row.waitFor();
    alertId = (await row.getAttribute('data-alert-id')) ?? '';
    expect(await row.locator('.alert-when').textContent()).toBe('Test finished');
    expect(await row.locator('.alert-filters').textContent()).toBe('status passed, failed or error · triggered by api');
    expect(await row.locator('.masked-url').textContent()).toBe(`${receiverOrigin}/********`);
    expect(await row.locator('.alert-action').textContent()).toContain('headers X-Team-Token');
    await shot('alerts-secret');

    const credentials = ['path-credential-4f2a', 'query-credential-77e1', HEADER_VALUE];
    for (const text of credentials) expect(await page.content()).not.toContain(text);
    const served = await getJson<Record<string, unknown>>(`/api/v2/alerts/${alertId}/`);
    expect(served).not.toHaveProperty('secret');
    expect(served).toMatchObject({
      name: 'Team webhook',
      event: 'finished',
      target: 'test',
      enabled: true,
      filters: { statuses: ['passed', 'failed', 'error'], triggeredBy: ['api'], profileId: null, onlyOnChange: false },
      action: { type: 'webhook', url: `${receiverOrigin}/********`, method: 'POST', headers: { 'X-Team-Token': '********' }, body: null, to: [] },
    });

    // Shown once: back on the page, the notice is gone and the secret is nowhere.
    await page.click('nav a[data-section=runs]');
    await page.click('nav a[data-section=alerts]');
    await row.waitFor();
    expect(await page.locator('.secret-notice').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // Edited without retyping them, the URL and the header's value stay as stored.
    await row.locator('button.edit').click();
    await form.waitFor();
    expect(await form.locator('input[name=url]').inputValue()).toBe('');
    expect(await form.locator('input[name=url]').getAttribute('placeholder')).toBe(`Leave empty to keep ${receiverOrigin}/********`);
    expect(await form.locator('textarea[name=headers]').inputValue()).toBe('X-Team-Token: ********');
    expect(await form.locator('input[name=statuses]:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
      'passed',
      'failed',
      'error',
    ]);
    await form.locator('input[name=name]').fill('Team webhook (QA)');
    await form.locator('button[type=submit]').click();
    await page.locator('tr[data-alert-id] .alert-name', { hasText: 'Team webhook (QA)' }).waitFor();
    const stored = await bugrun.service.store.alerts.get(bugrun.service.projectId, alertId);
    expect(stored?.action).toMatchObject({ url: `${receiverOrigin}${HOOK_PATH}`, headers: { 'X-Team-Token': HEADER_VALUE } });
    expect(await page.locator('.secret-notice').count()).toBe(0);
    for (const text of credentials) expect(await page.content()).not.toContain(text);
    await shot('alerts');

    // Switched off and on again from the list.
    const edited = page.locator(`tr[data-alert-id="${alertId}"]`);
    for (const enabled of [false, true]) {
      await edited.locator('input[name=enabled]').click();
      await waitUntil(
        `the alert ${enabled ? 'on' : 'off'}`,
        () => getJson<{ enabled: boolean }>(`/api/v2/alerts/${alertId}/`),
        (a) => a.enabled === enabled,
      );
      await page.waitForSelector(`tr[data-alert-id="${alertId}"][data-enabled=${String(enabled)}]`);
    }
  }, 60_000);

  it('shows an alert’s deliveries as they are made: a delivered webhook, signed with the secret shown, and a failing receiver’s answer', async () => {
    const failing = await bugrun.api('POST', '/api/v2/alerts/', {
      name: 'Broken receiver',
      event: 'finished',
      target: 'test',
      filters: { triggeredBy: ['api'] },
      action: { type: 'webhook', url: `${receiverOrigin}/status/500/broken-credential` },
    });
    expect(failing.statusCode).toBe(201);
    const failingId = (failing.json() as { id: string }).id;
    deletedAlertId = failingId;

    await page.goto(`${url}/alerts/${alertId}`);
    await page.waitForSelector('table.deliveries td.empty');
    expect(await page.textContent('.page-head h1')).toBe('Team webhook (QA)');
    expect(await page.textContent('dl.meta')).toContain('Test finished');

    const runId = await bugrun.startRun('login');
    const hit = await waitUntil(
      'the webhook request',
      async () => hits.find((h) => h.path === HOOK_PATH) ?? null,
      (h) => h !== null,
    );
    // The secret the page showed is the one the deliveries are signed with.
    expect(verifySignature(secret, String(hit?.headers['x-bugrun-signature']), hit?.body ?? '', Math.floor(Date.now() / 1000))).toBe(true);
    expect(hit?.headers['x-team-token']).toBe(HEADER_VALUE);
    expect(JSON.parse(hit?.body ?? '{}')).toMatchObject({ event: 'finished', testRunId: runId, status: 'passed', triggeredBy: 'api' });
    const delivered = await waitUntil(
      'the delivery recorded',
      () => getJson<Paged<Delivery>>(`/api/v2/alerts/${alertId}/deliveries/`),
      (p) => p.results.some((d) => d.testRunId === runId && d.status === 'delivered'),
    );
    const delivery = delivered.results.find((d) => d.testRunId === runId) as Delivery;

    // The page, shown all along, lists it without a reload.
    const row = page.locator(`tr[data-delivery-id="${delivery.id}"][data-status=delivered]`);
    await row.waitFor();
    expect(await row.locator('.badge').first().textContent()).toBe('delivered');
    expect(await row.locator('a.run-link').getAttribute('href')).toBe(`/runs/${runId}`);
    expect(await row.locator('a.run-link').textContent()).toBe('Login works');
    expect(await row.locator('td').nth(1).locator('.badge').getAttribute('data-status')).toBe('passed');
    expect(await row.locator('td.attempts').textContent()).toBe('1');
    expect(await row.locator('td.response-code').textContent()).toBe('200');
    expect(await row.locator('td.error-cell').textContent()).toBe('–');
    expect(await row.locator('td.times').textContent()).toContain('Delivered ');
    await shot('alert-deliveries');

    const failed = await waitUntil(
      'the failing delivery attempted',
      () => getJson<Paged<Delivery>>(`/api/v2/alerts/${failingId}/deliveries/`),
      (p) => p.results.some((d) => d.testRunId === runId && d.attempts >= 1),
    );
    const attempt = failed.results.find((d) => d.testRunId === runId) as Delivery;
    expect(attempt).toMatchObject({ responseCode: 500, status: 'pending' });
    await page.goto(`${url}/alerts/${failingId}`);
    const failedRow = page.locator(`tr[data-delivery-id="${attempt.id}"]`);
    await failedRow.waitFor();
    expect(await failedRow.locator('td.response-code').textContent()).toBe('500');
    expect(await failedRow.locator('.error-message').textContent()).toBe(attempt.error);
    expect(attempt.error).toContain('HTTP 500');
    expect(await failedRow.locator('td.times').textContent()).toContain('Next attempt ');
    expect(await page.content()).not.toContain('broken-credential');
    await shot('alert-delivery-failed');

    // Deleted from its page, after asking: back to the list, without it.
    await page.click('.page-head button.delete');
    await page.click('.page-head button.confirm-delete');
    await page.waitForURL(`${url}/alerts`);
    await page.locator(`tr[data-alert-id="${alertId}"]`).waitFor();
    expect(await page.locator(`tr[data-alert-id="${failingId}"]`).count()).toBe(0);
    expect((await bugrun.api('GET', `/api/v2/alerts/${failingId}/`)).statusCode).toBe(404);
  }, 90_000);

  it('raised no script errors, and only the 400s the forms were meant to get', () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e))).toEqual([]);
    // A look the deleted alert's page had under way may have found it gone.
    const unexpected = failedResponses.filter((r) => !r.startsWith(`404 GET ${url}/api/v2/alerts/${deletedAlertId}/`));
    expect(unexpected).toEqual([`400 POST ${url}/api/v2/schedules/`, `400 POST ${url}/api/v2/alerts/`]);
  });
});

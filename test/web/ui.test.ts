import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/runner/browser-pool.js';
import { apiBundle } from '../api/api-bundle.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { freePort } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/** The web UI in real Chromium against a listening Bugrun running real tests on the fixture site. */
const OUTPUT = fileURLToPath(new URL('../../test-output/ui/', import.meta.url));
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_STEP = '<script>alert(2)</script>';

let bugrun: TestBugrun;
let fixture: FixtureServer;
let browser: Browser;
let page: Page;
let url = '';
let failedRunId = '';
let hostileRunId = '';
const dialogs: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
/** Responses >= 400 the pages got (the sign-in check with a wrong token is the only expected one). */
const failedResponses: string[] = [];

const hostileTest = yamlTest('hostile', yamlStep('goto', "url: '{{site}}/title.html'", { name: HOSTILE_STEP }), { name: HOSTILE_NAME });

const uiSuite = `schema_version: '1.0'
schema_type: suite
data:
  suite_name: 'UI suite'
  slug: 'ui-suite'
  suite_settings: { run_in_parallel: false, auto_retry: 1, auto_add_new_tests: false }
  tests:
    - test_source: 'login'
    - test_source: 'failing'
    - test_source: 'gone-test'
`;

const shot = (name: string, fullPage = true) => page.screenshot({ path: `${OUTPUT}${name}.png`, fullPage });

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  fixture = await startFixtureServer();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  bugrun = await startBugrun({ port, host: '127.0.0.1', publicUrl: url });
  await bugrun.service.app.listen({ port, host: '127.0.0.1' });
  await bugrun.importYaml({ ...apiBundle(fixture.url), 'test-hostile.yaml': hostileTest, 'suite-ui.yaml': uiSuite });
  failedRunId = await bugrun.startRun('failing');
  hostileRunId = await bugrun.startRun('hostile');
  browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 400) failedResponses.push(`${res.status()} ${res.url()}`);
  });
  await bugrun.waitFor(failedRunId, ['failed', 'passed', 'error'], 60_000);
  await bugrun.waitFor(hostileRunId, ['failed', 'passed', 'error'], 60_000);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await bugrun?.close();
  await fixture?.close();
});

describe('web UI', () => {
  it("opens a run's webappUrl through sign-in and shows the failing step highlighted", async () => {
    const run = (await bugrun.api('GET', `/api/v2/testruns/${failedRunId}/`)).json() as { webappUrl: string };
    expect(run.webappUrl).toBe(`${url}/runs/${failedRunId}`);
    await page.goto(run.webappUrl);
    await page.waitForSelector('input[name=token]');
    expect(page.url()).toBe(`${url}/signin?next=${encodeURIComponent(`/runs/${failedRunId}`)}`);
    await shot('signin');

    await page.fill('input[name=token]', 'not-a-token');
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('.message.error');
    expect(await page.textContent('.message.error')).toMatch(/rejected/);

    await page.fill('input[name=token]', bugrun.token);
    await page.click('form.signin button[type=submit]');
    await page.waitForURL(`${url}/runs/${failedRunId}`);
    await page.waitForSelector('.page-head .badge[data-status=failed]');
    await page.waitForSelector('.artifacts a[data-kind=logs]');
    expect(await page.evaluate(() => sessionStorage.getItem('bugrun.token'))).toBe(bugrun.token);

    const failing = page.locator('tr.step.failing');
    expect(await failing.count()).toBe(1);
    expect(await failing.locator('.step-name').textContent()).toBe('Paragraph says nope');
    expect(await failing.locator('.error-code').textContent()).toBe('ASSERT_FAILED');
    expect((await failing.locator('.error-message').textContent())?.length).toBeGreaterThan(5);
    expect(await page.locator('tr.step[data-status=passed]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('.progress')).toMatch(/\d+ \/ \d+ steps/);
    expect(await page.locator('.actions button.danger').isVisible()).toBe(false);

    // Logs and artifacts are signed links that work without the token.
    const logsHref = await page.getAttribute('.actions a.button', 'href');
    expect(logsHref).toMatch(/\/files\/.+\?exp=\d+&sig=/);
    const logs = await page.request.get(logsHref as string);
    expect(logs.status()).toBe(200);
    expect(await logs.text()).toMatch(/ASSERT_FAILED/);
    await shot('run-failed');

    await failing.locator('button.thumb').click();
    const lightbox = page.locator('dialog.lightbox[open]');
    await lightbox.waitFor();
    await page.waitForFunction(() => ((document.querySelector('dialog.lightbox[open] img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    const size = await lightbox.locator('img').evaluate((img: HTMLImageElement) => ({ natural: img.naturalWidth, shown: img.getBoundingClientRect().width }));
    expect(size.natural).toBeGreaterThan(300);
    expect(size.shown).toBeGreaterThan(200);
    await shot('run-screenshot-enlarged');
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' }).catch(() => undefined);
    expect(await page.locator('dialog.lightbox[open]').count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download JUnit')]);
    expect(download.suggestedFilename()).toBe(`bugrun-${failedRunId}-junit.xml`);
    const xml = await readFile(await download.path(), 'utf8');
    expect(xml).toMatch(/<testsuite [^>]*failures="1"/);
  }, 60_000);

  it('lists runs with hostile names as text, filters them, and updates while a run runs', async () => {
    await page.click('a.brand');
    await page.waitForSelector(`tr[data-run-id="${hostileRunId}"]`);
    const hostileRow = page.locator(`tr[data-run-id="${hostileRunId}"]`);
    expect(await hostileRow.locator('.test-name').textContent()).toBe(HOSTILE_NAME);
    // Profile names come from /profiles/, loaded beside the list.
    await page.waitForFunction((id) => document.querySelector(`tr[data-run-id="${id}"] td:nth-child(3)`)?.textContent === 'Default', hostileRunId);
    expect(await hostileRow.locator('td').nth(3).textContent()).toBe('api');
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await page.selectOption('select[name=status]', 'failed');
    await page.waitForURL(`${url}/runs?status=failed`);
    await page.waitForFunction((id) => !document.querySelector(`tr[data-run-id="${id}"]`), hostileRunId);
    const statuses = await page.locator('tr[data-run-id] .badge').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['failed']));
    await page.selectOption('select[name=status]', '');
    await page.selectOption('select[name=test]', { label: HOSTILE_NAME });
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run-id]').length === 1);

    // A run started elsewhere appears and finishes without a reload.
    const liveId = await bugrun.startRun('hostile');
    await page.waitForSelector(`tr[data-run-id="${liveId}"]`, { timeout: 15_000 });
    await page.waitForSelector(`tr[data-run-id="${liveId}"] .badge[data-status=passed]`, { timeout: 60_000 });
    await shot('runs');

    await hostileRow.locator('a.test-name').click();
    await page.waitForURL(`${url}/runs/${hostileRunId}`);
    await page.waitForSelector('.page-head .badge[data-status=passed]');
    expect(await page.textContent('.page-head h1')).toBe(HOSTILE_NAME);
    expect(await page.textContent('tr.step .step-name')).toBe(HOSTILE_STEP);
    expect(await page.title()).toContain(HOSTILE_NAME);
    await shot('run-hostile-name');
    expect(dialogs).toEqual([]);
  }, 90_000);

  it('runs a test from the tests page with a profile and variables, then watches it finish', async () => {
    await page.click('nav a[data-section=tests]');
    await page.waitForURL(`${url}/tests`);
    const row = page.locator('tr[data-test-id]', { hasText: 'Login works' });
    await row.locator('button.run').click();
    await page.waitForSelector('dialog.run-dialog[open]');
    await page.selectOption('dialog.run-dialog select[name=profile]', { label: 'Staging' });
    await page.fill('dialog.run-dialog textarea[name=variables]', 'email=ui@example.com\n');
    await shot('tests-run-dialog');
    await page.click('dialog.run-dialog button[type=submit]');
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop() as string;
    await page.waitForSelector('.page-head .badge[data-status=passed]', { timeout: 60_000 });
    expect(await page.textContent('.progress')).toMatch(/^6 \/ 6 steps/);
    expect(await page.locator('tr.step', { hasText: 'Type email' }).textContent()).toContain('ui@example.com');
    expect(await page.locator('tr.step.failing').count()).toBe(0);
    await shot('run-passed');

    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { triggeredBy: string; runProfileId: string };
    const staging = (await bugrun.service.store.profiles.listAll(bugrun.service.projectId)).find((p) => p.name === 'Staging');
    expect(run).toMatchObject({ triggeredBy: 'user', runProfileId: staging?.id });
    expect(await page.textContent('dl.meta')).toContain('Staging');
  }, 90_000);

  it('stops a running run from its page', async () => {
    const runId = await bugrun.startRun('slow');
    await page.goto(`${url}/runs/${runId}`);
    const stop = page.locator('.actions button.danger');
    await stop.waitFor();
    await page.waitForSelector('.page-head .badge[data-status=running]', { timeout: 30_000 });
    await stop.click();
    await page.waitForSelector('.page-head .badge[data-status=stopped]', { timeout: 15_000 });
    expect(await stop.isVisible()).toBe(false);
    expect(((await bugrun.api('GET', `/api/v2/testruns/${runId}/status/`)).json() as { status: string }).status).toBe('stopped');
  }, 60_000);

  it('runs a suite from the suites page and follows it live on the suite run page, linked both ways with its test runs', async () => {
    await page.click('nav a[data-section=suites]');
    await page.waitForURL(`${url}/suites`);
    const row = page.locator('tr[data-suite-id]', { hasText: 'UI suite' });
    await row.waitFor(); // the rows render when the suite list arrives
    expect(await row.locator('.suite-tests li').allTextContents()).toEqual(['Login works', 'Wrong heading', 'gone-test']);
    expect(await row.locator('.suite-tests li.missing').textContent()).toBe('gone-test');
    expect(await row.locator('.suite-settings').textContent()).toBe('one at a time · auto-retry ×1');
    await shot('suites');
    await row.locator('button.run').click();
    await page.waitForSelector('dialog.run-dialog[open]');
    await page.selectOption('dialog.run-dialog select[name=profile]', { label: 'Staging' });
    await page.click('dialog.run-dialog button[type=submit]');
    await page.waitForURL(/\/suite-runs\/[0-9a-f-]{36}$/);
    const suiteRunId = page.url().split('/').pop() as string;
    // Live: the first test runs while the others wait.
    await page.waitForSelector('tr[data-status=running]', { timeout: 60_000 });
    await page.waitForSelector('.page-head .badge[data-status=failed]', { timeout: 90_000 });
    expect(await page.locator('.actions button.danger').isVisible()).toBe(false);
    const rows = page.locator('table.suite-test-runs tbody tr');
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).slice(0, 4);
    expect(await rows.count()).toBe(4);
    expect(await cells(0)).toEqual(['1', 'passed', 'Login works', '1']);
    expect(await cells(1)).toEqual(['2', 'failedASSERT_FAILED', 'Wrong heading', '1']);
    expect(await cells(2)).toEqual(['', 'failedASSERT_FAILED', 'Wrong heading', '2']);
    expect(await cells(3)).toEqual(['3', 'errorINITIALIZATION_ERROR', 'gone-test', '1']);
    expect(await page.textContent('.progress')).toMatch(/^3 \/ 3 tests/);
    expect(await page.textContent('dl.meta')).toContain('Staging');
    await shot('suite-run');

    // A test run's page names its suite run and links back to it.
    await rows.nth(0).locator('a.test-name').click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const back = page.locator('dl.meta a.suite-run-link');
    await back.waitFor();
    expect(await back.textContent()).toBe('UI suite');
    // The runs list shows the suite run, and marks its test runs as in a suite run.
    await page.click('nav a[data-section=runs]');
    await page.waitForSelector(`tr[data-suite-run-id="${suiteRunId}"] .badge[data-status=failed]`);
    expect(await page.locator(`tr[data-suite-run-id="${suiteRunId}"] td`).nth(2).textContent()).toBe('3 / 3');
    expect(await page.locator(`a.in-suite[href="/suite-runs/${suiteRunId}"]`).count()).toBe(4);
  }, 180_000);

  it('stops a suite run from its page: the running test stopped, the others skipped', async () => {
    const suite = await bugrun.service.store.suites.getBySlug(bugrun.service.projectId, 'ui-suite');
    const slow = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'slow');
    await bugrun.importYaml({ 'suite-ui.yaml': uiSuite.replace("test_source: 'login'", "test_source: 'slow'") });
    const started = (await bugrun.api('POST', '/api/v2/suiteruns/', { suiteId: suite?.id })).json() as { id: string };
    await page.goto(`${url}/suite-runs/${started.id}`);
    await page.waitForSelector(`tr[data-run-id][data-status=running]`, { timeout: 60_000 });
    expect(await page.locator('tr[data-status=running] a.test-name').textContent()).toBe(slow?.name);
    await page.click('.actions button.danger');
    await page.waitForSelector('.page-head .badge[data-status=stopped]', { timeout: 30_000 });
    await page.waitForSelector('tr[data-status=stopped]');
    expect(await page.locator('tr[data-status=skipped]').count()).toBe(1);
    expect(await page.locator('tr[data-status=error]').count()).toBe(1);
  }, 120_000);

  it('signs out, and serves the API reference page', async () => {
    await page.click('#sign-out');
    await page.waitForURL(`${url}/signin`);
    expect(await page.evaluate(() => sessionStorage.getItem('bugrun.token'))).toBeNull();
    await page.goto(`${url}/tests`);
    await page.waitForURL(`${url}/signin?next=%2Ftests`);

    await page.goto(`${url}/docs`);
    expect(await page.textContent('h1')).toContain('Bugrun API');
    expect(await page.locator('section.op').count()).toBeGreaterThan(15);
    await shot('docs', false);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    expect(failedResponses.filter((r) => !r.startsWith(`401 ${url}/api/v2/profiles/`))).toEqual([]);
  }, 30_000);
});

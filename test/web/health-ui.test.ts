import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/runner/browser-pool.js';
import type { DefinitionRow } from '../../src/store/index.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { freePort } from '../helpers/cli.js';
import { seedRuns, seedSuiteRun, seedTest, type SeededRun } from '../helpers/seed-runs.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * A test's page and the Health dashboard in real Chromium against a listening Bugrun, over runs
 * seeded through the store (two weeks of a steady test, a flaky one, a slow one and one whose
 * name is markup). The pictures are checked against what the API says, run by run and day by day.
 */
const OUTPUT = fileURLToPath(new URL('../../test-output/ui/', import.meta.url));
const DAY = 86_400_000;
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

interface History {
  testId: string;
  name: string;
  runs: { id: string; status: string; started: string | null; queued: string; duration: string | null }[];
  passRate: number | null;
  medianDuration: string | null;
  flaky: boolean;
  flakyReason: string | null;
}
interface Health {
  daily: { date: string; total: number; passRate: number | null }[];
  slowest: { testId: string; name: string }[];
  flakiest: { testId: string; name: string; flips: number; flakyReason: string; outcomes: { id: string; status: string }[] }[];
}

let bugrun: TestBugrun;
let browser: Browser;
let page: Page;
let url = '';
let checkout: DefinitionRow;
let steady: DefinitionRow;
let slow: DefinitionRow;
let hostile: DefinitionRow;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
const failedResponses: string[] = [];
const dialogs: string[] = [];

const shot = (name: string) => page.screenshot({ path: `${OUTPUT}${name}.png`, fullPage: true });
const getJson = async <T>(path: string) => (await bugrun.api('GET', path)).json() as T;

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  bugrun = await startBugrun({ port, host: '127.0.0.1', publicUrl: url });
  await bugrun.service.app.listen({ port, host: '127.0.0.1' });
  const { store, projectId } = bugrun.service;
  const now = Date.now();
  // `day` days ago, `minutes` minutes earlier still: always in the past.
  const ago = (day: number, minutes = 0) => now - day * DAY - (minutes + 5) * 60_000;

  steady = await seedTest(store, projectId, 'login', 'Login works');
  checkout = await seedTest(store, projectId, 'checkout', 'Checkout flow');
  slow = await seedTest(store, projectId, 'report', 'Monthly report export');
  hostile = await seedTest(store, projectId, 'hostile', HOSTILE_NAME);

  // Two weeks of three runs a day; a bad afternoon three days ago (errors: the site was down, no flips).
  const steadyRuns: SeededRun[] = [];
  for (let day = 13; day >= 0; day--) {
    for (let k = 2; k >= 0; k--) {
      const bad = day === 3 && k < 2;
      steadyRuns.push({
        status: bad ? 'error' : 'passed',
        at: ago(day, k * 60),
        ms: 1800 + ((day * 7 + k * 13) % 9) * 100,
        ...(bad ? { errorCode: 'INITIALIZATION_ERROR' as const } : {}),
      });
    }
  }
  await seedRuns(store, projectId, steady, steadyRuns);
  // Passes and fails by turns with the same definition, every day or so; a stop and a run still going at the end.
  const pattern = ['passed', 'passed', 'failed', 'passed', 'passed', 'passed', 'failed', 'passed', 'failed', 'passed', 'passed', 'stopped'] as const;
  await seedRuns(
    store,
    projectId,
    checkout,
    pattern.map((status, i) => ({ status, at: ago(12 - i, 30), ms: status === 'stopped' ? 1200 : 4200 + ((i * 37) % 11) * 350 })),
  );
  // Still going, on this service's own worker (recovery would end it as a dead worker's).
  await seedRuns(store, projectId, checkout, [{ status: 'running', at: ago(0, 1) }], bugrun.service.runs.worker?.id ?? null);
  // Slow and steady.
  await seedRuns(
    store,
    projectId,
    slow,
    [9, 6, 3, 1].map((day, i) => ({ status: 'passed' as const, at: ago(day, 90), ms: 48_000 + i * 6000 })),
  );
  // Passed on a suite's retry: flaky, with a name that is markup.
  const suiteRunId = await seedSuiteRun(store, projectId, ago(2, 200));
  await seedRuns(store, projectId, hostile, [
    { status: 'failed', at: ago(2, 180), ms: 2500, suite: { id: suiteRunId, position: 0, attempt: 1 } },
    { status: 'passed', at: ago(2, 170), ms: 2400, suite: { id: suiteRunId, position: 0, attempt: 2 } },
  ]);

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
  await page.goto(`${url}/signin`);
  await page.fill('input[name=token]', bugrun.token);
  await page.click('form.signin button[type=submit]');
  await page.waitForURL(`${url}/runs`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await bugrun?.close();
});

describe("a test's page", () => {
  it('is linked from the Tests page and shows one cell per run linking to it, one bar per run, pass rate, median and the flaky badge with its reason', async () => {
    await page.click('nav a[data-section=tests]');
    await page.waitForURL(`${url}/tests`);
    await page.locator('tr[data-test-id] a.test-link', { hasText: 'Checkout flow' }).click();
    await page.waitForURL(`${url}/tests/${checkout.id}`);

    const data = await getJson<History>(`/api/v2/tests/${checkout.id}/history/`);
    expect(data.runs).toHaveLength(13);
    expect(data.flaky).toBe(true);
    // Oldest left, newest right.
    const oldestFirst = [...data.runs].reverse();
    const cells = page.locator('.history-box .strip a.cell');
    await waitUntil(
      'the strip',
      () => cells.count(),
      (n) => n === oldestFirst.length,
    );
    expect(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('href')))).toEqual(oldestFirst.map((r) => `/runs/${r.id}`));
    expect(await cells.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status))).toEqual(oldestFirst.map((r) => r.status));
    const titles = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    const localTimes = await page.evaluate((runs) => runs.map((r) => new Date(r.started ?? r.queued).toLocaleString()), oldestFirst);
    titles.forEach((title, i) => {
      expect(title.startsWith(`${oldestFirst[i]?.status} · ${localTimes[i]}`), title).toBe(true);
    });

    const bars = page.locator('svg.duration-chart rect.bar');
    expect(await bars.evaluateAll((els) => els.map((e) => (e as SVGElement).dataset.runId))).toEqual(oldestFirst.map((r) => r.id));
    // Bars are as tall as their runs took: the longest run has the tallest bar; the run still going is a stub.
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    const seconds = oldestFirst.map((r) => (r.duration ? Number(r.duration.split(':')[2]) : null));
    const longest = seconds.indexOf(Math.max(...seconds.map((s) => s ?? 0)));
    expect(heights.indexOf(Math.max(...heights))).toBe(longest);
    expect(await bars.last().getAttribute('class')).toContain('no-duration');
    expect(await page.locator('svg.duration-chart .median text').textContent()).toMatch(/^median \d+\.\d+ s$/);

    expect(await page.locator('.page-head .flaky-badge').textContent()).toBe('Flaky');
    expect(await page.locator('.page-head .flaky-badge').getAttribute('title')).toBe(data.flakyReason);
    expect(await page.locator('.flaky-reason').textContent()).toBe(data.flakyReason);
    expect(data.flakyReason).toMatch(/^Flipped between passed and failed 6 times/);
    expect(await page.locator('.tile', { hasText: 'Pass rate' }).locator('.tile-value').textContent()).toBe(`${Math.round((data.passRate ?? 0) * 100)} %`);
    expect(await page.locator('svg.ring').first().getAttribute('aria-label')).toBe(`Pass rate: ${Math.round((data.passRate ?? 0) * 100)} %`);
    expect(await page.locator('.tile', { hasText: 'Median duration' }).locator('.tile-value').textContent()).toMatch(/^\d+\.\d+ s$/);
    await shot('test-health');
  });

  it('follows new runs as they end, and each cell opens its run', async () => {
    const [added] = await seedRuns(bugrun.service.store, bugrun.service.projectId, checkout, [{ status: 'failed', at: Date.now() - 1000, ms: 800 }]);
    const last = page.locator('.history-box .strip a.cell').last();
    await waitUntil(
      'the new run in the strip',
      () => last.getAttribute('href'),
      (href) => href === `/runs/${added}`,
    );
    expect(await last.getAttribute('data-status')).toBe('failed');
    expect(await page.locator('svg.duration-chart rect.bar').count()).toBe(14);
    await last.click();
    await page.waitForURL(`${url}/runs/${added}`);
    await page.waitForSelector('.page-head .badge[data-status=failed]');
  });

  it('says a steady test is not flaky, and shows a markup name as text', async () => {
    await page.goto(`${url}/tests/${steady.id}`);
    await page.locator('.page-head .steady-badge').waitFor();
    expect(await page.locator('.page-head .flaky-badge').count()).toBe(0);
    expect(await page.locator('.flaky-reason').isVisible()).toBe(false);
    expect(await page.locator('.history-box .strip a.cell').count()).toBe(42);
    expect(await page.locator('svg.duration-chart rect.bar').count()).toBe(42);
    await shot('test-health-steady');

    await page.goto(`${url}/tests/${hostile.id}`);
    await page.locator('.page-head .flaky-badge').waitFor();
    expect(await page.textContent('.page-head h1')).toBe(HOSTILE_NAME);
    expect(await page.textContent('.flaky-reason')).toBe(
      'Flipped between passed and failed once without a change to its definition, and failed, then passed on a retry in 1 suite run, in its last 20 finished runs.',
    );
    expect(await page.locator('main img').count()).toBe(0);
  });

  it('says so when the test does not exist', async () => {
    await page.goto(`${url}/tests/00000000-0000-4000-8000-000000000000`);
    await page.locator('.message.error').waitFor();
    expect(await page.textContent('.message.error')).toBe('There is no such test in this project.');
  });
});

describe('the Health dashboard', () => {
  it('draws the pass rate per day, the slowest tests as bars and the flaky tests with their outcomes, each linked', async () => {
    await page.goto(`${url}/runs`);
    await page.click('nav a[data-section=dashboard]');
    await page.waitForURL(`${url}/dashboard`);
    expect(await page.textContent('nav a[data-section=dashboard]')).toBe('Health');
    const health = await getJson<Health>('/api/v2/health/');
    const chart = page.locator('svg.pass-rate-chart');
    await chart.waitFor();
    // A point per day with runs, at the day's pass rate; a stacked bar group per day.
    const withRuns = health.daily.filter((d) => d.passRate !== null);
    expect(withRuns.length).toBeGreaterThanOrEqual(13);
    expect(await chart.locator('circle.point').evaluateAll((els) => els.map((e) => (e as SVGElement).dataset.date))).toEqual(withRuns.map((d) => d.date));
    expect(await chart.locator('g.day').count()).toBe(14);
    const worst = withRuns.reduce((a, b) => ((b.passRate ?? 1) < (a.passRate ?? 1) ? b : a));
    const cy = await chart.locator('circle.point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('cy'))));
    // Lower pass rate, lower point: the worst day's point is the lowest on the picture (largest y).
    expect(withRuns[cy.indexOf(Math.max(...cy))]?.date).toBe(worst.date);
    expect(await chart.locator(`circle.point[data-date="${worst.date}"] title`).textContent()).toContain(`${Math.round((worst.passRate ?? 0) * 100)} % passed`);

    // Slowest: the report export first, as a bar as wide as the row.
    const slowest = page.locator('.slowest li[data-test-id]');
    expect(await slowest.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testId))).toEqual(health.slowest.map((t) => t.testId));
    expect(await slowest.first().locator('a.test-link').textContent()).toBe('Monthly report export');
    expect(Number(await slowest.first().locator('.meter-fill').getAttribute('width'))).toBe(100);
    expect(Number(await slowest.last().locator('.meter-fill').getAttribute('width'))).toBeLessThan(20);

    // Flaky: the checkout flow (most flips) and the markup-named test, linked to their pages.
    const flaky = page.locator('.flakiest li[data-test-id]');
    expect(await flaky.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testId))).toEqual([checkout.id, hostile.id]);
    const first = flaky.first();
    expect(await first.locator('a.test-link').textContent()).toBe('Checkout flow');
    expect(await first.locator('a.test-link').getAttribute('href')).toBe(`/tests/${checkout.id}`);
    expect(await first.locator('.flips').textContent()).toBe(`${health.flakiest[0]?.flips} flips`);
    expect(await first.locator('.strip a.cell').evaluateAll((els) => els.map((e) => e.getAttribute('href')))).toEqual(
      health.flakiest[0]?.outcomes.map((o) => `/runs/${o.id}`),
    );
    expect(await first.locator('.reason').textContent()).toBe(health.flakiest[0]?.flakyReason);
    expect(await flaky.last().locator('a.test-link').textContent()).toBe(HOSTILE_NAME);
    expect(await flaky.last().locator('.retries').textContent()).toBe('1 retry pass');
    expect(await page.locator('main img').count()).toBe(0);
    await shot('health-dashboard');

    await first.locator('a.test-link').click();
    await page.waitForURL(`${url}/tests/${checkout.id}`);
    await page.locator('.page-head .flaky-badge').waitFor();
  });

  it('looks at another period when asked', async () => {
    await page.goto(`${url}/dashboard`);
    await page.locator('svg.pass-rate-chart').waitFor();
    await page.selectOption('select[name=days]', '7');
    await waitUntil(
      'a week of days',
      () => page.locator('svg.pass-rate-chart g.day').count(),
      (n) => n === 7,
    );
    expect(page.url()).toBe(`${url}/dashboard?days=7`);
    const week = await getJson<Health>('/api/v2/health/?days=7');
    expect(await page.locator('svg.pass-rate-chart circle.point').count()).toBe(week.daily.filter((d) => d.passRate !== null).length);
    await shot('health-dashboard-week');
  });

  it('raised no script errors, no dialogs, and only the 404 of the missing test', () => {
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    expect(failedResponses).toEqual([`404 ${url}/api/v2/tests/00000000-0000-4000-8000-000000000000/history/?limit=50`]);
  });
});

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileUrls } from '../../src/api/file-urls.js';
import { SECRET_MASK } from '../../src/domain/index.js';
import { CHROMIUM_ARGS, defaultChromiumPath } from '../../src/runner/index.js';
import { unzipSync } from 'fflate';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { freePort } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * A run's Playwright trace end to end (issue #17): `"trace": true` in the run request, the `trace`
 * debug artifact behind a signed link, and Playwright's trace viewer served by Bugrun, opened in
 * real Chromium from the run page, which loads the trace only through a valid signed link.
 */
const SECRET = 'test-file-link-secret';
const PIN = 'pin-9731-secret';
let bugrun: TestBugrun;
let fixture: FixtureServer;
let browser: Browser;
let url = '';
let tracedRunId = '';
let plainRunId = '';
type Artifact = { id: string; kind: string; file: string; expirationTime: string | null };

beforeAll(async () => {
  fixture = await startFixtureServer();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  bugrun = await startBugrun({ port, host: '127.0.0.1', publicUrl: url, secret: SECRET, retentionDays: { trace: 7 } });
  await bugrun.service.app.listen({ port, host: '127.0.0.1' });
  await bugrun.importYaml({
    'traced.yaml': yamlTest(
      'traced',
      yamlStep('goto', `url: '${fixture.url}/login.html'`, { name: 'Open the form' }) +
        yamlStep('type', `selector: 'css=#pin', value: '${PIN}', has_secret_value: true`) +
        yamlStep('click', "selector: 'css=#no-such-button'", { name: 'Submit', execution: 'run_timeout: 1' }),
    ),
  });
  tracedRunId = await bugrun.startRun('traced', { trace: true });
  plainRunId = await bugrun.startRun('traced');
  browser = await chromium.launch({ executablePath: defaultChromiumPath(), args: [...CHROMIUM_ARGS] });
  await bugrun.waitFor(tracedRunId, ['failed', 'passed', 'error'], 60_000);
  await bugrun.waitFor(plainRunId, ['failed', 'passed', 'error'], 60_000);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await bugrun?.close();
  await fixture?.close();
});

async function artifacts(runId: string): Promise<Artifact[]> {
  const res = await bugrun.api('GET', `/api/v2/testruns/${runId}/debug-artifacts/`);
  expect(res.statusCode).toBe(200);
  return res.json() as Artifact[];
}

async function traceLink(): Promise<string> {
  const trace = (await artifacts(tracedRunId)).find((a) => a.kind === 'trace');
  if (!trace) throw new Error('the traced run has no trace artifact');
  return trace.file;
}

/** The viewer on `trace` (a path or URL), in a fresh context; every request it made, by URL. */
async function openViewer(trace: string): Promise<{ page: Page; context: BrowserContext; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  await page.goto(`${url}/trace-viewer/index.html?trace=${encodeURIComponent(trace)}`);
  return { page, context, requests };
}

/** A GET over the socket, its body read whole (an unread body would hold the server's close). */
async function get(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${url}${path}`, init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const pathOf = (link: string): string => {
  const u = new URL(link);
  return u.pathname + u.search;
};

describe('"trace": true in a run request', () => {
  it("makes the run's Playwright trace a `trace` debug artifact: a real trace zip, secrets masked, each step a named group", async () => {
    const list = await artifacts(tracedRunId);
    const trace = list.find((a) => a.kind === 'trace');
    expect(trace?.file).toMatch(new RegExp(`^${url}/files/${tracedRunId}/trace\\.zip\\?exp=\\d+&sig=`));
    const days = (Date.parse(trace!.expirationTime!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    const res = await bugrun.download(trace!.file);
    expect(res.statusCode).toBe(200);
    const zip = res.rawPayload;
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    const traceFile = unzipSync(zip)['trace.trace'];
    expect(traceFile).toBeDefined();
    const text = Buffer.from(traceFile!).toString('utf8');
    const titles = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { method?: string; title?: string })
      .filter((e) => e.method === 'tracingGroup')
      .map((e) => e.title);
    expect(titles).toEqual(['Step 1: Open the form', 'Step 2: type', 'Step 3: Submit']);
    expect(text).not.toContain(PIN);
    expect(text).toContain(SECRET_MASK);
  });

  it('records nothing for a run that does not ask, by default (BugBug clients see only their kinds)', async () => {
    expect((await bugrun.api('GET', `/api/v2/testruns/${plainRunId}/`)).json()).toMatchObject({ status: 'failed' });
    expect((await artifacts(plainRunId)).map((a) => a.kind)).not.toContain('trace');
  });

  it('must be a boolean: anything else is a DRF 400 on /api/v2/ and /api/v1/, and no run starts', async () => {
    const testId = (await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'traced'))!.id;
    const before = (await bugrun.api('GET', '/api/v2/testruns/')).json() as { count: number };
    for (const prefix of ['/api/v2', '/api/v1']) {
      for (const trace of ['true', 1, {}, []]) {
        const res = await bugrun.api('POST', `${prefix}/testruns/`, { testId, trace });
        expect(res.statusCode, `${prefix} ${JSON.stringify(trace)}`).toBe(400);
        expect(res.json()).toEqual({ trace: ['Must be a valid boolean.'] });
      }
    }
    // Answered together with the other fields' errors, as DRF does.
    const both = await bugrun.api('POST', '/api/v2/testruns/', { testId: 'nope', trace: 'yes' });
    expect(both.json()).toEqual({ testId: ['Must be a valid UUID.'], trace: ['Must be a valid boolean.'] });
    expect(((await bugrun.api('GET', '/api/v2/testruns/')).json() as { count: number }).count).toBe(before.count);
  });
});

describe("Playwright's trace viewer, served by Bugrun", () => {
  it("shows the run's failed step by name, loaded through its signed link, without the internet", async () => {
    const { page, context, requests } = await openViewer(pathOf(await traceLink()));
    try {
      const step = page.locator('.actions-tree-view .tree-view-entry', { hasText: 'Step 3: Submit' });
      await step.first().waitFor();
      // The failed action is selected and shown under its step's group.
      await page.locator('.actions-tree-view .tree-view-entry.selected.error').waitFor();
      expect(await page.locator('.processing-error').count()).toBe(0);
      expect(requests.length).toBeGreaterThan(3);
      expect(requests.filter((r) => !r.startsWith(`${url}/`))).toEqual([]);
      expect(requests.some((r) => r.startsWith(`${url}/files/${tracedRunId}/trace.zip?exp=`))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('loads no trace from a forged, unsigned or expired link: the files route answers 404 and the viewer shows its error', async () => {
    const good = pathOf(await traceLink());
    const forged = good.replace(/sig=([^&]+)/, (_, sig: string) => `sig=${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`);
    const unsigned = good.split('?')[0]!;
    const expired = pathOf(
      createFileUrls({ secret: SECRET, publicUrl: url, ttlSeconds: 1, now: () => Date.now() - 3_600_000 }).url(`${tracedRunId}/trace.zip`),
    );
    expect((await get(good)).status).toBe(200);
    for (const link of [forged, unsigned, expired]) {
      expect((await get(link)).status, link).toBe(404);
      const { page, context } = await openViewer(link);
      try {
        const error = page.locator('.processing-error');
        await error.filter({ hasText: 'Could not load trace' }).waitFor();
        expect(await page.locator('.tree-view-entry', { hasText: 'Step' }).count(), link).toBe(0);
      } finally {
        await context.close();
      }
    }
  });

  it('is public static files from playwright-core, and /trace-viewer leads to its index', async () => {
    const index = await get('/trace-viewer/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect(index.body).toContain('Playwright Trace Viewer');
    const sw = await get('/trace-viewer/sw.bundle.js');
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    const bare = await get('/trace-viewer?trace=x', { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/trace-viewer/index.html?trace=x');
    expect((await get('/trace-viewer/nope.js')).status).toBe(404);
    // Raw paths (inject does not normalize them, as a browser would): nothing outside its folder.
    for (const path of ['/trace-viewer/..%2f..%2f..%2fpackage.json', '/trace-viewer/%2e%2e/%2e%2e/%2e%2e/package.json']) {
      expect((await bugrun.service.app.inject({ method: 'GET', url: path })).statusCode, path).toBe(404);
    }
  });
});

describe('the run page', () => {
  it("opens the trace viewer on the run's trace in a new tab, and offers no trace for a run without one", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const page = await context.newPage();
      await page.goto(`${url}/signin`);
      await page.evaluate((token) => sessionStorage.setItem('bugrun.token', token), bugrun.token);

      await page.goto(`${url}/runs/${plainRunId}`);
      await page.waitForSelector('.page-head .badge[data-status=failed]');
      await page.waitForSelector('.artifacts a[data-kind=logs]');
      expect(await page.locator('a[data-trace-viewer]').isVisible()).toBe(false);

      await page.goto(`${url}/runs/${tracedRunId}`);
      const link = page.locator('a[data-trace-viewer]');
      await link.waitFor({ state: 'visible' });
      expect(await link.textContent()).toBe('Open trace');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await link.getAttribute('href')).toMatch(/^\/trace-viewer\/index\.html\?trace=%2Ffiles%2F.+trace\.zip%3Fexp%3D\d+%26sig%3D/);
      expect(await page.locator('.artifacts a[data-kind=trace]').count()).toBe(1);

      const [viewer] = await Promise.all([context.waitForEvent('page'), link.click()]);
      await viewer.locator('.actions-tree-view .tree-view-entry', { hasText: 'Step 3: Submit' }).first().waitFor();
      // A new tab without the UI's token (noopener: sessionStorage is not copied).
      expect(await viewer.evaluate(() => sessionStorage.getItem('bugrun.token'))).toBeNull();
    } finally {
      await context.close();
    }
  });
});

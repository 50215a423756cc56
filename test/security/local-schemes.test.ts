import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAITING_CONDITIONS, type ErrorCode, type PlanStep, type RunEvent, type StepRunRecord } from '../../src/domain/index.js';
import { StepError } from '../../src/runner/errors.js';
import { NavigationGuard } from '../../src/runner/navigation-guard.js';
import { isAllowedFrameUrl, isOpenableUrl } from '../../src/runner/url-policy.js';
import { plan, step, type CollectingSink } from '../runner/plan-builder.js';
import { useRunnerFixture } from '../runner/runner-fixture.js';

/**
 * Issue #10: a test must not read the server's files. Every way a page can reach file: (and the
 * other local schemes) fails its step with INVALID_URL, and the file's contents appear in nothing
 * the run emits.
 */
const { pool, url, run } = useRunnerFixture();
const SECRET_LINE = 'root:x:0:0';
const FAST = { runTimeout: 3 };

/** `/to-file` and `/to-chrome` answer 302 to a local URL. */
let redirects: Server;
let redirectsUrl = '';
beforeAll(async () => {
  redirects = createServer((req, res) => {
    const target = { '/to-file': 'file:///etc/passwd', '/to-chrome': 'chrome://version' }[req.url ?? ''];
    if (target) res.writeHead(302, { location: target }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => redirects.listen(0, '127.0.0.1', resolve));
  const address = redirects.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  redirectsUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => redirects.close(() => resolve()));
});

interface Run {
  outcome: Awaited<ReturnType<typeof run>>['outcome'];
  sink: CollectingSink;
  record(s: PlanStep): StepRunRecord;
}

/** Runs the steps with only documentComplete as waiting condition and a DOM snapshot of the failed step. */
async function runSteps(steps: PlanStep[]): Promise<Run> {
  const waitingConditions = WAITING_CONDITIONS.map((condition) => ({ condition, expected: null, timeout: null, isActive: condition === 'documentComplete' }));
  const { outcome, sink } = await run(plan(steps, { settings: { waitingConditions, captureDomOnFailure: true } }));
  return {
    outcome,
    sink,
    record: (s) => {
      const found = sink
        .steps()
        .filter((r) => r.stepId === s.id)
        .pop();
      if (!found) throw new Error(`step ${s.action} did not run`);
      return found;
    },
  };
}

/** Every event as text (screenshots as their size): step records, logs, console, network, DOM snapshots. */
function emitted(events: RunEvent[]): string {
  return JSON.stringify(events, (_key, value: unknown) => (value instanceof Uint8Array ? `<${value.byteLength} bytes>` : value));
}

function expectRefused(r: Run, s: PlanStep, message: RegExp): void {
  const rec = r.record(s);
  expect(rec.status, `${rec.errorCode}: ${rec.error}`).toBe('failed');
  expect(rec.errorCode).toBe<ErrorCode>('INVALID_URL');
  expect(rec.error).toMatch(/local URLs such as file: are not allowed/);
  expect(rec.error).toMatch(message);
  expect(r.outcome).toMatchObject({ status: 'failed', errorCode: 'INVALID_URL' });
  expectNoLeak(r);
}

function expectNoLeak(r: Run): void {
  expect(emitted(r.sink.events)).not.toContain(SECRET_LINE);
}

const goto = (to: string, extra: Partial<PlanStep> = {}): PlanStep => step('goto', { url: to }, extra);
const click = (selector: string): PlanStep => step('click', { selector }, FAST);
const evaluate = (code: string): PlanStep => step('setLocalVariable', { local_variable_name: 'observed', local_variable_source: 'evaluate', code });

beforeAll(() => {
  // The tests prove something only if the file they must not read is there to be read.
  expect(readFileSync('/etc/passwd', 'utf8')).toContain(SECRET_LINE);
});

describe('the URL policy', () => {
  it('a test may open http:, https:, data: and about:blank; nothing else', () => {
    const open = (u: string): boolean => isOpenableUrl(new URL(u));
    for (const u of ['http://example.com/', 'https://example.com/x?y#z', 'data:text/html,<p>x</p>', 'about:blank', 'about:blank#top'])
      expect(open(u), u).toBe(true);
    for (const u of [
      'file:///etc/passwd',
      'FILE:///etc/passwd',
      'chrome://version',
      'chrome-extension://x/y',
      'devtools://devtools/x',
      'view-source:http://x/',
      'filesystem:http://x/temporary/y',
      'javascript:1',
      'about:version',
      'about:srcdoc',
      'blob:http://x/uuid',
      'ftp://x/',
      'ws://x/',
    ]) {
      expect(open(u), u).toBe(false);
    }
  });

  it('a frame may also show what a page makes itself (about:srcdoc, blob: of a web or opaque origin), no URL yet, or the error page', () => {
    for (const u of [
      '',
      'about:blank',
      'about:srcdoc',
      'blob:https://x.test/0b1c',
      'blob:null/0b1c',
      'chrome-error://chromewebdata/',
      'data:image/png;base64,AA',
      'http://x/',
    ])
      expect(isAllowedFrameUrl(u), u).toBe(true);
    for (const u of [
      'file:///etc/passwd',
      'blob:file:///0b1c',
      'chrome://version/',
      'chrome-error://other/',
      'view-source:file:///etc/passwd',
      'about:version',
      'not a url',
    ])
      expect(isAllowedFrameUrl(u), u).toBe(false);
  });
});

describe('URLs a test opens', { timeout: 60_000 }, () => {
  it('goto file:///etc/passwd fails INVALID_URL; a setLocalVariable after it reads nothing of the file', async () => {
    const open = goto('file:///etc/passwd', { continueOnFailure: true });
    const read = evaluate('document.body.innerText');
    const r = await runSteps([open, read]);
    const rec = r.record(open);
    expect(rec).toMatchObject({ status: 'failed', errorCode: 'INVALID_URL', ignoredFailed: true });
    expect(rec.error).toMatch(/"file:\/\/\/etc\/passwd" is not allowed: local URLs such as file: are not allowed/);
    // The tab never left about:blank.
    expect(r.record(read).computedValue).toBe('');
    expect(emitted(r.sink.events)).not.toContain(SECRET_LINE);

    const stops = await runSteps([goto('file:///etc/passwd'), read]);
    expect(stops.outcome).toMatchObject({ status: 'failed', errorCode: 'INVALID_URL' });
    expect(stops.outcome.message).toMatch(/local URLs such as file: are not allowed/);
    expect(stops.sink.steps().map((s) => s.type)).toEqual(['goto']);
    expect(emitted(stops.sink.events)).not.toContain(SECRET_LINE);
  });

  it('newTab with a file: URL fails INVALID_URL', async () => {
    const open = step('newTab', { url: 'file:///etc/passwd' });
    const r = await runSteps([goto(url('/security-local.html')), open]);
    expectRefused(r, open, /"file:\/\/\/etc\/passwd" is not allowed/);
  });

  it('every other scheme but http:, https:, data: and about:blank fails INVALID_URL: chrome:, view-source:, chrome-extension:, devtools:, filesystem:, javascript:', async () => {
    const targets = [
      'chrome://version',
      `view-source:${url('/security-local.html')}`,
      'view-source:file:///etc/passwd',
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop/manifest.json',
      'devtools://devtools/bundled/inspector.html',
      'filesystem:http://127.0.0.1/temporary/x',
      'javascript:document.title',
      'about:version',
    ];
    for (const target of targets) {
      const open = goto(target);
      const r = await runSteps([open]);
      expect(r.record(open), target).toMatchObject({ status: 'failed', errorCode: 'INVALID_URL' });
      expect(r.record(open).error, target).toMatch(/is not allowed: local URLs such as file: are not allowed/);
      expect(emitted(r.sink.events)).not.toContain(SECRET_LINE);
    }
  });

  it('http:, data:text/html and about:blank still open, in goto and newTab; host:port without a scheme is http', async () => {
    const port = new URL(url()).port;
    const r = await runSteps([
      goto('about:blank'),
      evaluate('location.href'),
      goto('data:text/html,<p id="x">from data</p>'),
      evaluate('document.getElementById("x").textContent'),
      step('newTab', { url: 'data:text/html,<title>tab</title>' }),
      evaluate('document.title'),
      goto(`localhost:${port}/security-local.html`),
      evaluate('location.href'),
    ]);
    const steps = r.sink.steps();
    expect(steps.map((s) => `${s.type}: ${s.status} ${s.error ?? ''}`.trim())).toEqual([
      'goto: passed',
      'setLocalVariable: passed',
      'goto: passed',
      'setLocalVariable: passed',
      'newTab: passed',
      'setLocalVariable: passed',
      'goto: passed',
      'setLocalVariable: passed',
    ]);
    expect(steps.map((s) => s.computedValue).filter((v) => v !== null)).toEqual([
      'about:blank',
      'from data',
      'tab',
      `http://localhost:${port}/security-local.html`,
    ]);
  });
});

describe('pages that lead to local URLs', { timeout: 60_000 }, () => {
  it('a link to file: fails the click with INVALID_URL', async () => {
    const s = click('#file-link');
    const r = await runSteps([goto(url('/security-local.html')), s]);
    expectRefused(r, s, /The page http:\/\/[^ ]+\/security-local\.html tried to open file:\/\/\/etc\/passwd/);
    // What was scanned for the file includes the failed step's DOM snapshot and the run's logs.
    expect(r.sink.ofType('dom-snapshot')).toHaveLength(1);
    expect(
      r.sink
        .ofType('log')
        .map((e) => e.message)
        .join('\n'),
    ).toMatch(/tried to open file:\/\/\/etc\/passwd/);
  });

  it('a link to chrome: fails the click with INVALID_URL', async () => {
    const s = click('#chrome-link');
    const r = await runSteps([goto(url('/security-local.html')), s]);
    expectRefused(r, s, /tried to open chrome:\/\/version/);
  });

  it('window.open of a file: URL fails the click with INVALID_URL', async () => {
    const s = click('#open');
    const r = await runSteps([goto(url('/security-local.html')), s]);
    expectRefused(r, s, /tried to open file:\/\/\/etc\/passwd/);
  });

  it('an iframe on file: fails the goto of its page, or the click that adds it', async () => {
    const open = goto(url('/security-local-frame.html'));
    const r1 = await runSteps([open]);
    expectRefused(r1, open, /tried to open file:\/\/\/etc\/passwd/);

    const add = click('#add-frame');
    const r2 = await runSteps([goto(url('/security-local.html')), add]);
    expectRefused(r2, add, /tried to open file:\/\/\/etc\/passwd/);
  });

  it("a navigation inside a frame (a link, the frame's script) fails with INVALID_URL", async () => {
    for (const selector of ['#child-link', '#child-script']) {
      const s = click(selector);
      const r = await runSteps([goto(url('/security-local.html')), step('switchContext', { value: 'iframe', selector: '#inner' }), s]);
      expectRefused(r, s, /security-local-child\.html tried to open file:\/\/\/etc\/passwd/);
    }
  });

  it('a form posted to file: fails the click with INVALID_URL', async () => {
    const s = click('#submit');
    const r = await runSteps([goto(url('/security-local.html')), s]);
    expectRefused(r, s, /tried to open file:\/\/\/etc\/passwd/);
  });

  it('a redirect to file: or chrome: (302) fails the goto, or the click on a link to it, with INVALID_URL', async () => {
    for (const path of ['/to-file', '/to-chrome']) {
      const open = goto(`${redirectsUrl}${path}`);
      const r = await runSteps([open]);
      expectRefused(r, open, /redirected to a URL that is not allowed \(ERR_UNSAFE_REDIRECT\)/);
    }
    const s = click('#redirect-link');
    const r = await runSteps([goto(url(`/security-local.html?redirect=${encodeURIComponent(`${redirectsUrl}/to-file`)}`)), s]);
    expectRefused(r, s, /\/to-file redirected to a URL that is not allowed/);
  });

  it('images and styles on file: are no navigation: the page and its steps pass', async () => {
    const r = await runSteps([goto(url('/security-local-subresources.html')), click('#more'), evaluate('document.getElementById("state").textContent')]);
    const steps = r.sink.steps();
    expect(steps.map((s) => `${s.type}: ${s.status} ${s.error ?? ''}`.trim())).toEqual(['goto: passed', 'click: passed', 'setLocalVariable: passed']);
    expect(steps[2]?.computedValue).toBe('more');
    expect(r.outcome.status).toBe('passed');
  });
});

describe('the navigation guard on its own (a frame that got to file: despite the checks before it)', { timeout: 60_000 }, () => {
  /** A fresh context with a guard; navigations go through Playwright directly, past goto's URL check. */
  async function guarded(): Promise<{
    page: Awaited<ReturnType<typeof pool.freshPage>>['page'];
    guard: NavigationGuard;
    logs: string[];
    close: () => Promise<void>;
  }> {
    const fresh = await pool.freshPage({});
    const logs: string[] = [];
    const guard = new NavigationGuard(fresh.context, { log: (_level, message) => logs.push(message) });
    return { page: fresh.page, guard, logs, close: () => fresh.context.close() };
  }

  /**
   * The page's document once it can be read: a late report of the file: commit may send the tab to
   * about:blank once more while it is read (that second trip is the guard at work, not a leak).
   */
  async function documentOf(page: Page): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await page.evaluate(() => document.documentElement.outerHTML);
      } catch (e) {
        if (attempt >= 5 || !/Execution context was destroyed/.test(String(e))) throw e;
        await page.waitForLoadState('load');
      }
    }
  }

  async function rejection(p: Promise<void>): Promise<StepError> {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    if (!(e instanceof StepError)) throw new Error(`check() did not fail with a StepError: ${String(e)}`);
    return e;
  }

  it('sends a tab that reached file: or chrome: to about:blank, and check() fails INVALID_URL', async () => {
    const { page, guard, logs, close } = await guarded();
    try {
      await guard.check(); // nothing happened yet
      await page.goto('file:///etc/passwd').catch(() => undefined);
      const e = await rejection(guard.check());
      expect(e.code).toBe('INVALID_URL');
      expect(e.message).toMatch(/A tab went to file:\/\/\/etc\/passwd: local URLs such as file: are not allowed .*sent to about:blank/);
      expect(page.url()).toBe('about:blank');
      expect(await documentOf(page)).not.toContain(SECRET_LINE);
      // Consumed: the next check passes.
      await guard.check();

      await page.goto('chrome://version').catch(() => undefined);
      expect((await rejection(guard.check())).message).toMatch(/went to chrome:\/\/version/);
      expect(page.url()).toBe('about:blank');
      expect(logs.join('\n')).toMatch(/file:\/\/\/etc\/passwd/);
    } finally {
      await close();
    }
  });

  it('sends a frame on file: inside a page to about:blank', async () => {
    const { page, guard, close } = await guarded();
    try {
      // A file: page may frame file: (Chromium allows file: to load file:): both are sent away.
      const framing = `file://${fileURLToPath(new URL('../fixtures/site/security-local-frame.html', import.meta.url))}`;
      await page.goto(framing).catch(() => undefined);
      const e = await rejection(guard.check());
      expect(e.message).toMatch(/went to file:\/\//);
      for (const frame of page.frames()) {
        expect(frame.url()).not.toMatch(/^file:/);
        const html = await frame.evaluate(() => document.documentElement.outerHTML).catch(() => '');
        expect(html).not.toContain(SECRET_LINE);
      }
    } finally {
      await close();
    }
  });

  it('answers at once when nothing happened: no browser round trip per step', async () => {
    const { page, guard, close } = await guarded();
    try {
      await page.goto(url('/security-local.html'));
      let turned = false;
      setImmediate(() => (turned = true));
      for (let i = 0; i < 1000; i++) await guard.check();
      // Checks with nothing to report settle as promises only, before the event loop turns; a
      // round trip to the browser needs the loop to read its answer (a check of elapsed time
      // instead failed on a busy machine).
      expect(turned).toBe(false);
    } finally {
      await close();
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, evaluate, expectFailedAt, expectPassed, read, useActionRunner } from './actions-support.js';
import { assertStep, goto } from './plan-builder.js';

const { url, run } = useActionRunner();
// Expected failures wait out their step timeout: short, yet long enough for a loaded machine.
const FAST = { runTimeout: 2 };

/**
 * Pages that change between loads: `/once/<name>` answers the first time and then drops the
 * connection (a page that breaks on back/forward/reload), `/basic` needs HTTP basic auth.
 */
let extra: Server;
let extraUrl = '';
const sockets = new Set<Socket>();
beforeAll(async () => {
  const served = new Set<string>();
  extra = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/once/')) {
      if (served.has(path)) {
        req.socket.destroy();
        return;
      }
      served.add(path);
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>${path.slice(6)}</title><p id="name">${path.slice(6)}</p>`);
      return;
    }
    if (path === '/basic') {
      const expected = `Basic ${Buffer.from('ada:s3cret-pw').toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'text/html' });
        res.end('<!doctype html><title>Unauthorized</title><p id="who">nobody</p>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Private</title><p id="who">ada</p><img src="/basic-image">');
      return;
    }
    if (path === '/basic-image') {
      res.writeHead(req.headers.authorization ? 204 : 401).end();
      return;
    }
    res.writeHead(404).end();
  });
  extra.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => extra.listen(0, '127.0.0.1', resolve));
  const address = extra.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  extraUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => extra.close(() => resolve()));
});

describe('navigation', { timeout: 30_000 }, () => {
  it('goto: with username/password the origin gets HTTP basic auth, and the password is masked', async () => {
    const open = act('goto', { url: `${extraUrl}/basic`, username: 'ada', password: 's3cret-pw' });
    const r = await run([open, read('#who')]);
    expectPassed(r);
    expect(r.steps[1]?.computedValue).toBe('ada');
    const everything = JSON.stringify(r.sink.events);
    expect(everything).not.toContain('s3cret-pw');
    expect(everything).not.toContain(Buffer.from('ada:s3cret-pw').toString('base64'));
  });

  it('goto: fails INVALID_URL for a malformed URL and PAGE_LOADING_ERROR for one that cannot load', async () => {
    const bad = act('goto', { url: 'http://exa mple.com' }, FAST);
    const r1 = await run([bad]);
    expectFailedAt(r1, bad, 'INVALID_URL');
    const refused = act('goto', { url: `${extraUrl}/once/refused` }, FAST);
    const r2 = await run([goto(`${extraUrl}/once/refused`), refused]);
    expectFailedAt(r2, refused, 'PAGE_LOADING_ERROR', /ERR_/);
  });

  it('goBack and goForward move through history', async () => {
    const r = await run([
      goto(url('/act-tabs.html')),
      goto(url('/act-tab2.html')),
      act('goBack', {}),
      evaluate('document.title'),
      act('goForward', {}),
      evaluate('document.title'),
    ]);
    expectPassed(r);
    expect(r.steps[3]?.computedValue).toBe('Tabs');
    expect(r.steps[5]?.computedValue).toBe('Second');
  });

  it('goBack: a previous page that no longer loads fails PAGE_LOADING_ERROR', async () => {
    const back = act('goBack', {}, FAST);
    const r = await run([goto(`${extraUrl}/once/back`), goto(url('/act-tab2.html')), back]);
    expectFailedAt(r, back, 'PAGE_LOADING_ERROR');
  });

  it('goForward: a next page that no longer loads fails PAGE_LOADING_ERROR', async () => {
    const forward = act('goForward', {}, FAST);
    const r = await run([goto(url('/act-tab2.html')), goto(`${extraUrl}/once/forward`), act('goBack', {}), forward]);
    expectFailedAt(r, forward, 'PAGE_LOADING_ERROR');
  });

  it('reloadPage: reloads, dropping page state', async () => {
    const r = await run([
      goto(url('/act-forms.html')),
      act('type', { selector: '#text', value: 'typed' }),
      act('execute', { code: 'window.marker = 1' }),
      act('reloadPage', {}),
      evaluate('String(window.marker)'),
    ]);
    expectPassed(r);
    expect(r.steps[4]?.computedValue).toBe('undefined');
  });

  it('reloadPage: a page that no longer loads fails PAGE_LOADING_ERROR', async () => {
    const reload = act('reloadPage', {}, FAST);
    const r = await run([goto(`${extraUrl}/once/reload`), reload]);
    expectFailedAt(r, reload, 'PAGE_LOADING_ERROR');
  });
});

describe('javascript, variables, prompts, assertions', { timeout: 30_000 }, () => {
  it('execute: runs code in the page; setLocalVariable stores a value for later steps', async () => {
    const r = await run([
      goto(url('/act-forms.html')),
      act('execute', { code: 'document.getElementById("text").value = "from js"' }),
      act('setLocalVariable', { local_variable_name: 'answer', local_variable_source: 'evaluate', code: 'return 6 * 7' }),
      act('type', { selector: '#area', value: 'answer={{answer}}' }),
      evaluate('text.value + "|" + area.value'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('42');
    expect(r.steps[4]?.computedValue).toBe('from js|answer=42');
  });

  it('execute fails CODE_EXECUTION_ERROR on a script error; setLocalVariable INVALID_EXECUTION_RESULT on code that returns nothing', async () => {
    const exec = act('execute', { code: 'throw new Error("boom")' }, { ...FAST, continueOnFailure: true });
    const set = act('setLocalVariable', { local_variable_name: 'x', local_variable_source: 'evaluate', code: 'undefined' }, FAST);
    const r = await run([goto(url('/act-forms.html')), exec, set]);
    expect(r.record(exec)).toMatchObject({ status: 'failed', errorCode: 'CODE_EXECUTION_ERROR' });
    expect(r.record(exec).error).toMatch(/boom/);
    expectFailedAt(r, set, 'INVALID_EXECUTION_RESULT');
  });

  it('answerPrompt: answers the prompt the previous step opened', async () => {
    const r = await run([
      goto(url('/act-forms.html')),
      act('execute', { code: 'setTimeout(() => { document.getElementById("text").value = prompt("Name?") }, 0)' }),
      act('answerPrompt', { value: 'Grace' }),
      evaluate('text.value'),
    ]);
    expectPassed(r);
    expect(r.steps[3]?.computedValue).toBe('Grace');
  });

  it('answerPrompt: with no dialog fails PROMPT_DOES_NOT_EXIST', async () => {
    const answer = act('answerPrompt', { value: 'x' }, FAST);
    const r = await run([goto(url('/act-forms.html')), answer]);
    expectFailedAt(r, answer, 'PROMPT_DOES_NOT_EXIST');
  });

  it('assert passes on a true condition and fails ASSERT_FAILED on a false one', async () => {
    const ok = assertStep({ selector: '#text', assertion_property: 'value', assertion_type: 'equal', assertion_expected_value: 'old' });
    const bad = assertStep({ selector: '#text', assertion_property: 'value', assertion_type: 'equal', assertion_expected_value: 'new' }, FAST);
    const r = await run([goto(url('/act-forms.html')), ok, bad]);
    expect(r.record(ok).status).toBe('passed');
    expectFailedAt(r, bad, 'ASSERT_FAILED');
  });

  it('ifCondition runs its steps when the condition holds and skips them otherwise; a failing child fails the run', async () => {
    const typed = act('type', { selector: '#text', value: 'branch ran' });
    const skipped = act('type', { selector: '#area', value: 'must not run' });
    const failing = act('click', { selector: '#nope' }, FAST);
    const yes = act('ifCondition', { selector: '#text', assertion_property: 'exist', assertion_type: 'equal' }, { conditionalSteps: [typed] });
    const no = act('ifCondition', { selector: '#missing', assertion_property: 'exist', assertion_type: 'equal' }, { conditionalSteps: [skipped] });
    const last = act('ifCondition', { selector: '#text', assertion_property: 'exist', assertion_type: 'equal' }, { conditionalSteps: [failing] });
    const r = await run([goto(url('/act-forms.html')), yes, no, evaluate('text.value + "|" + area.value'), last]);
    expect(r.record(typed)).toMatchObject({ status: 'passed', parentStepRunId: r.record(yes).id });
    expect(r.record(skipped).status).toBe('skipped');
    expect(r.steps.find((s) => s.type === 'setLocalVariable')?.computedValue).toBe('branch ran|');
    expectFailedAt(r, failing, 'ELEMENT_DOES_NOT_EXIST');
  });
});

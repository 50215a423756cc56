import { describe, expect, it } from 'vitest';
import { act, evaluate, expectFailedAt, expectPassed, read, useActionRunner } from './actions-support.js';
import { goto } from './plan-builder.js';

const { url, run } = useActionRunner();
// Expected failures wait out their step timeout: short, yet long enough for a loaded machine.
const FAST = { runTimeout: 2 };

describe('newTab and closeTab', { timeout: 30_000 }, () => {
  it('newTab: opens a tab with a URL and makes it active; closeTab returns to the previous tab', async () => {
    const open = act('newTab', { url: url('/act-tab2.html') });
    const close = act('closeTab', {});
    const r = await run([goto(url('/act-tabs.html')), open, evaluate('document.title'), close, evaluate('document.title')]);
    expectPassed(r);
    expect(r.steps.map((s) => s.tabNo)).toEqual([0, 1, 1, 0, 0]);
    expect(r.record(open).computedUrl).toBe(url('/act-tab2.html'));
    expect(r.steps[2]?.computedValue).toBe('Second');
    expect(r.steps[4]?.computedValue).toBe('Tabs');
  });

  it('newTab: a URL that cannot load fails PAGE_LOADING_ERROR', async () => {
    const open = act('newTab', { url: 'http://127.0.0.1:1/' }, FAST);
    const r = await run([goto(url('/act-tabs.html')), open]);
    expectFailedAt(r, open, 'PAGE_LOADING_ERROR', /ERR_[A-Z_]+/);
  });

  it('closeTab: closing the last tab fails TAB_CLOSED, a tab number that does not exist WINDOW_OR_TAB_DOES_NOT_EXIST', async () => {
    const last = act('closeTab', {}, { ...FAST, continueOnFailure: true });
    const missing = act('closeTab', { tab_no: 3 }, FAST);
    const r = await run([goto(url('/act-tabs.html')), last, evaluate('document.title'), missing]);
    expect(r.record(last)).toMatchObject({ status: 'failed', errorCode: 'TAB_CLOSED' });
    // The tab is still there and usable.
    expect(r.steps[2]?.computedValue).toBe('Tabs');
    expectFailedAt(r, missing, 'WINDOW_OR_TAB_DOES_NOT_EXIST');
  });
});

describe('switchContext', { timeout: 30_000 }, () => {
  it('tabs: a tab the page opened (target=_blank) is switched to by number, and back', async () => {
    const r = await run([
      goto(url('/act-tabs.html')),
      act('click', { selector: '#blank' }),
      act('switchContext', { tab_no: 1 }),
      act('type', { selector: '#field', value: 'in the second tab' }),
      evaluate('document.title + ": " + field.value'),
      act('switchContext', { tab_no: 0 }),
      evaluate('document.title'),
    ]);
    expectPassed(r);
    expect(r.steps[4]?.computedValue).toBe('Second: in the second tab');
    expect(r.steps[6]?.computedValue).toBe('Tabs');
    expect(r.steps.map((s) => s.tabNo)).toEqual([0, 0, 1, 1, 1, 0, 0]);
  });

  it('windows: a popup is window 1; when it closes itself the opener is active again', async () => {
    const r = await run([
      goto(url('/act-tabs.html')),
      act('click', { selector: '#popup' }),
      act('switchContext', { window_no: 1, tab_no: 0 }),
      act('type', { selector: '#name', value: 'Ada' }),
      act('click', { selector: '#done' }),
      act('switchContext', { window_no: 0, tab_no: 0 }),
      read('#out'),
    ]);
    expectPassed(r);
    expect(r.steps[6]?.computedValue).toBe('popup said: Ada');
  });

  it('tabs: a tab that does not exist fails WINDOW_OR_TAB_DOES_NOT_EXIST', async () => {
    const sw = act('switchContext', { tab_no: 2 }, FAST);
    const r = await run([goto(url('/act-tabs.html')), sw]);
    expectFailedAt(r, sw, 'WINDOW_OR_TAB_DOES_NOT_EXIST', /Tab 2 does not exist/);
  });

  it('frames: by selector, number and src; nested frames; element steps run inside; topFrame returns', async () => {
    const r = await run([
      goto(url('/act-frames.html')),
      act('switchContext', { value: 'iframe', selector: '#second' }),
      act('click', { selector: '#child-btn' }),
      read('#child-out'),
      act('switchContext', { value: 'iframe', selector: '#inner' }),
      read('#inner-text'),
      act('switchContext', { value: 'topFrame' }),
      read('#top-text'),
      act('switchContext', { frame_no: 0 }),
      read('#which'),
      act('switchContext', { frame_is_root: true }),
      act('switchContext', { frame_src: 'n=2' }),
      read('#which'),
      evaluate('location.search'),
    ]);
    expectPassed(r);
    expect(r.steps[3]?.computedValue).toBe('clicked in ?n=2');
    expect(r.steps[5]?.computedValue).toBe('nested frame');
    expect(r.steps[7]?.computedValue).toBe('top document');
    expect(r.steps[9]?.computedValue).toBe('child ?n=1');
    expect(r.steps[12]?.computedValue).toBe('child ?n=2');
    // execute/evaluate runs in the entered frame too.
    expect(r.steps[13]?.computedValue).toBe('?n=2');
  });

  it('frames: a frame that does not exist fails FRAME_DOES_NOT_EXIST', async () => {
    const sw = act('switchContext', { value: 'iframe', selector: '#nope' }, FAST);
    const r = await run([goto(url('/act-frames.html')), sw]);
    expectFailedAt(r, sw, 'FRAME_DOES_NOT_EXIST');
  });

  it('frames: a frame that never loads fails FRAME_LOADS_TOO_LONG', async () => {
    const sw = act('switchContext', { value: 'iframe', selector: '#slow' }, FAST);
    const r = await run([goto(url('/act-frames.html')), act('click', { selector: '#add-slow' }), sw]);
    expectFailedAt(r, sw, 'FRAME_LOADS_TOO_LONG');
  });

  it('frames: an element step in a frame that has gone fails FRAME_DOES_NOT_EXIST', async () => {
    const click = act('click', { selector: '#child-btn' }, FAST);
    const r = await run([
      goto(url('/act-frames.html')),
      act('switchContext', { frame_src: 'n=1' }),
      // The page removes the iframe a moment later, from inside it.
      act('execute', { code: 'setTimeout(() => window.parent.document.getElementById("first").remove(), 50)' }),
      click,
    ]);
    expectFailedAt(r, click, 'FRAME_DOES_NOT_EXIST');
  });
});

import { describe, expect, it } from 'vitest';
import { act, expectFailedAt, expectPassed, read, useActionRunner } from './actions-support.js';
import { goto } from './plan-builder.js';

const { url, run } = useActionRunner();
const FAST = { runTimeout: 2 };

describe('mouse actions', { timeout: 30_000 }, () => {
  it('click: dispatches a real click with modifier keys held, scrolling a far element into view first', async () => {
    const click = act('click', { selector: '#btn', modifier_keys: ['Shift', 'Control'] });
    const far = act('click', { selector: '#far' });
    const r = await run([goto(url('/act-mouse.html')), click, read('#out'), far, read('#out')]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('clicked+shift+ctrl');
    expect(r.steps[4]?.computedValue).toBe('far clicked at scrollY>0: true');
  });

  it('click (smart): finds an uncovered point of a partly covered element instead of clicking the overlay', async () => {
    const r = await run([goto(url('/act-mouse.html')), act('click', { selector: '#half' }), read('#out')]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('half clicked');
  });

  it('click: fails EVENT_DISPATCHED_ON_INVALID_ELEMENT naming the element covering every point', async () => {
    const click = act('click', { selector: '#covered' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), click]);
    expectFailedAt(r, click, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT', /covered by <div id="cover">/);
  });

  it('click: honours interaction_position (corners and custom client_x/client_y)', async () => {
    const r = await run([
      goto(url('/act-mouse.html')),
      act('click', { selector: '#pad', interaction_position: 'topLeft' }),
      read('#out'),
      act('click', { selector: '#pad', interaction_position: 'bottomRight' }),
      read('#out'),
      act('click', { selector: '#pad', interaction_position: 'custom', client_x: 30, client_y: 40 }),
      read('#out'),
      act('click', { selector: '#pad', interaction_position: 'middleCenter' }),
      read('#out'),
    ]);
    expectPassed(r);
    expect([r.steps[2], r.steps[4], r.steps[6], r.steps[8]].map((s) => s?.computedValue)).toEqual([
      'at 1,1', 'at 199,99', 'at 30,40', 'at 100,50',
    ]);
  });

  it('click: a position outside the viewport fails INTERACTION_POSITION_OUT_OF_VIEWPORT', async () => {
    const click = act('click', { selector: '#pad', interaction_position: 'custom', client_x: 5000, client_y: 10 }, FAST);
    const r = await run([goto(url('/act-mouse.html')), click]);
    expectFailedAt(r, click, 'INTERACTION_POSITION_OUT_OF_VIEWPORT');
  });

  it('click: a selector that matches nothing fails ELEMENT_DOES_NOT_EXIST; a disabled button times out', async () => {
    const missing = act('click', { selector: '#nope' }, { ...FAST, continueOnFailure: true });
    const disabled = act('click', { selector: '#off' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), missing, disabled]);
    expect(r.record(missing)).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST', ignoredFailed: true, elementExists: false });
    expectFailedAt(r, disabled, 'TIMEOUT', /stayed disabled/);
  });

  it('dblClick: fires dblclick on the element', async () => {
    const r = await run([goto(url('/act-mouse.html')), act('dblClick', { selector: '#dbl' }), read('#out')]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('double');
  });

  it('dblClick: fails EVENT_DISPATCHED_ON_INVALID_ELEMENT on a covered element', async () => {
    const dbl = act('dblClick', { selector: '#covered' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), dbl, read('#out')]);
    expectFailedAt(r, dbl, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT');
  });

  it('rightClick: fires contextmenu on the element', async () => {
    const r = await run([goto(url('/act-mouse.html')), act('rightClick', { selector: '#ctx' }), read('#out')]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('context');
  });

  it('rightClick: fails ELEMENT_DOES_NOT_EXIST for a missing element', async () => {
    const rc = act('rightClick', { selector: 'xpath=//button[text()="Nope"]' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), rc]);
    expectFailedAt(r, rc, 'ELEMENT_DOES_NOT_EXIST');
  });

  it('hover: moves the mouse over the element', async () => {
    const r = await run([goto(url('/act-mouse.html')), act('hover', { selector: '#hov' }), read('#out')]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('hovered');
  });

  it('hover: fails EVENT_DISPATCHED_ON_INVALID_ELEMENT when covered', async () => {
    const hover = act('hover', { selector: '#covered' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), hover]);
    expectFailedAt(r, hover, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT');
  });

  it('mouseDown + mouseUp: press on one element, release on another, the button held in between', async () => {
    const r = await run([
      goto(url('/act-mouse.html')),
      act('mouseDown', { selector: '#press', modifier_keys: ['alt'] }),
      read('#out'),
      act('mouseUp', { selector: '#release' }),
      read('#out'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('down on press+alt');
    expect(r.steps[4]?.computedValue).toBe('up on release, buttons 0');
  });

  it('mouseDown: fails EVENT_DISPATCHED_ON_INVALID_ELEMENT when covered', async () => {
    const down = act('mouseDown', { selector: '#covered' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), down]);
    expectFailedAt(r, down, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT');
  });

  it('mouseUp: fails INVALID_ELEMENT_SELECTOR at once for a malformed selector', async () => {
    const up = act('mouseUp', { selector: 'xpath=//div[' }, { runTimeout: 10 });
    const r = await run([goto(url('/act-mouse.html')), up]);
    const rec = expectFailedAt(r, up, 'INVALID_ELEMENT_SELECTOR');
    // Fails fast instead of waiting out the 10 s timeout.
    expect(Date.parse(rec.ended ?? '') - Date.parse(rec.started ?? '')).toBeLessThan(8_000);
  });
});

describe('selector chains', { timeout: 30_000 }, () => {
  it('<< finds the closest matching ancestor and ~ evaluates from the parent (siblings)', async () => {
    const r = await run([
      goto(url('/act-selectors.html')),
      act('click', { selector: 'xpath=//h3[text()="Beta"] << css=.card >> css=button' }),
      read('#out'),
      read('xpath=//h3[text()="Alpha"] ~ css=.value'),
      read('xpath=//h3[text()="Beta"] << css=.card >> css=.label ~ css=.value'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('bought card-b');
    expect(r.steps[3]?.computedValue).toBe('10');
    // Beta's card, its label, and the value next to that label.
    expect(r.steps[4]?.computedValue).toBe('20');
  });

  it('a malformed chain fails INVALID_ELEMENT_SELECTOR', async () => {
    const bad = act('click', { selector: 'css=.card << ' }, FAST);
    const r = await run([goto(url('/act-selectors.html')), bad]);
    expectFailedAt(r, bad, 'INVALID_ELEMENT_SELECTOR');
  });
});

import { describe, expect, it } from 'vitest';
import { act, evaluate, expectFailedAt, expectPassed, read, useActionRunner } from './actions-support.js';
import { goto } from './plan-builder.js';

const { url, run } = useActionRunner();
// Expected failures wait out their step timeout: short, yet long enough for a loaded machine.
const FAST = { runTimeout: 2 };

describe('scroll', { timeout: 30_000 }, () => {
  it('window: to coordinates, to edges, an element into view', async () => {
    const r = await run([
      goto(url('/act-scroll.html')),
      act('scroll', { scroll_inside: 'window', scroll_to: 'coords', scroll_x: 0, scroll_y: 1200 }),
      evaluate('`${scrollX},${scrollY}`'),
      act('scroll', { scroll_inside: 'window', scroll_to: 'edge', scroll_edge: 'bottomRight' }),
      evaluate('`${scrollX + innerWidth >= document.documentElement.scrollWidth - 20},${scrollY + innerHeight >= document.documentElement.scrollHeight - 20}`'),
      act('scroll', { scroll_inside: 'window', scroll_to: 'edge', scroll_edge: 'topLeft' }),
      evaluate('`${scrollX},${scrollY}`'),
      act('scroll', { scroll_inside: 'window', scroll_to: 'elementIntoView', selector: '#deep' }),
      evaluate('(() => { const r = deep.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('0,1200');
    expect(r.steps[4]?.computedValue).toBe('true,true');
    expect(r.steps[6]?.computedValue).toBe('0,0');
    expect(r.steps[8]?.computedValue).toBe('true');
  });

  it('element: scrolls inside a scrollable element, to coordinates and to an edge', async () => {
    const r = await run([
      goto(url('/act-scroll.html')),
      act('scroll', { selector: '#box', scroll_inside: 'element', scroll_to: 'coords', scroll_x: 100, scroll_y: 300 }),
      evaluate('`${box.scrollLeft},${box.scrollTop},${scrollY}`'),
      act('scroll', { selector: '#box', scroll_inside: 'element', scroll_to: 'edge', scroll_edge: 'bottomLeft' }),
      evaluate('`${box.scrollLeft},${box.scrollTop === box.scrollHeight - box.clientHeight}`'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('100,300,0');
    expect(r.steps[4]?.computedValue).toBe('0,true');
  });

  it("untilNextStepElementIsVisible: scrolls step by step until the next step's element shows up, even one loaded late", async () => {
    const r = await run([
      goto(url('/act-scroll.html')),
      act('scroll', { scroll_inside: 'window', scroll_to: 'untilNextStepElementIsVisible', scroll_direction: 'down' }),
      read('#item-1'),
      act('scroll', { selector: '#box', scroll_inside: 'element', scroll_to: 'untilNextStepElementIsVisible', scroll_direction: 'down' }),
      read('#box-item'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('item 1');
    expect(r.steps[4]?.computedValue).toBe('inside the box');
  });

  it('untilNextStepElementIsVisible: without a next element step fails NEXT_STEP_ELEMENT_REQUIRED', async () => {
    const scroll = act('scroll', { scroll_inside: 'window', scroll_to: 'untilNextStepElementIsVisible' }, FAST);
    const r = await run([goto(url('/act-scroll.html')), scroll, act('execute', { code: '1' })]);
    expectFailedAt(r, scroll, 'NEXT_STEP_ELEMENT_REQUIRED');
  });

  it("fails SCROLL_FAILED when the next step's element never shows up, or a position cannot be reached", async () => {
    const never = act(
      'scroll',
      { scroll_inside: 'window', scroll_to: 'untilNextStepElementIsVisible', scroll_direction: 'down' },
      { ...FAST, continueOnFailure: true },
    );
    const tooFar = act('scroll', { selector: '#box', scroll_inside: 'element', scroll_to: 'coords', scroll_x: 0, scroll_y: 99_999 }, FAST);
    const next = { ...read('#never'), runTimeout: 1, continueOnFailure: true };
    const r = await run([goto(url('/act-scroll.html')), never, next, tooFar]);
    expect(r.record(never)).toMatchObject({ status: 'failed', errorCode: 'SCROLL_FAILED' });
    expectFailedAt(r, tooFar, 'SCROLL_FAILED', /instead of 0,99999/);
  });
});

describe('dragAndDrop', { timeout: 30_000 }, () => {
  it('HTML5: drags a draggable element onto a drop zone with a shared DataTransfer', async () => {
    const drag = act('dragAndDrop', { selector: '#card', drop_selector: '#zone' });
    const r = await run([goto(url('/act-dnd.html')), drag, read('#zone-out')]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('dropped card-data');
    expect(r.record(drag).computedValue).toMatch(/HTML5 drop/);
  });

  it('mouse-driven: presses, moves in steps and releases over the target; coordinates work too', async () => {
    const r = await run([
      goto(url('/act-dnd.html')),
      act('dragAndDrop', { selector: '#handle', drop_selector: '#slot' }),
      read('#mouse-out'),
      act('dragAndDrop', { selector: '#handle', dnd_drop_on: 'coords', dnd_drop_x: 200, dnd_drop_y: 600 }),
      read('#mouse-out'),
      act('dragAndDrop', { dnd_drag_on: 'coords', dnd_drag_x: 200, dnd_drag_y: 600, dnd_drop_on: 'coords', dnd_drop_x: 470, dnd_drop_y: 370 }),
      read('#mouse-out'),
    ]);
    expectPassed(r);
    expect(r.steps[2]?.computedValue).toBe('in slot, moved in steps');
    expect(r.steps[4]?.computedValue).toBe('outside slot, moved in steps');
    expect(r.steps[6]?.computedValue).toBe('in slot, moved in steps');
  });

  it('mouse-driven: a drop that navigates is waited for, so the next step meets the new document', async () => {
    // No landing check follows a drag: only the action's own navigation wait stands between the
    // mouseup and the next step.
    const navigateOnDrop = `(() => { document.addEventListener('mouseup', () => { location.href = '/slow?ms=400'; }, { once: true }); return 'armed'; })()`;
    const r = await run([
      goto(url('/act-dnd.html')),
      evaluate(navigateOnDrop),
      act('dragAndDrop', { selector: '#handle', dnd_drop_on: 'coords', dnd_drop_x: 200, dnd_drop_y: 300 }),
      evaluate('location.pathname'),
    ]);
    expectPassed(r);
    expect(r.steps[3]?.executionUrl).toBe(url('/slow?ms=400'));
    expect(r.steps[3]?.computedValue).toBe('/slow');
  });

  it('fails ELEMENT_DOES_NOT_EXIST for a missing drop target, INTERACTION_POSITION_OUT_OF_VIEWPORT for coordinates outside', async () => {
    const noTarget = act('dragAndDrop', { selector: '#card', drop_selector: '#nowhere' }, { ...FAST, continueOnFailure: true });
    const outside = act('dragAndDrop', { selector: '#handle', dnd_drop_on: 'coords', dnd_drop_x: 5000, dnd_drop_y: 10 }, FAST);
    const r = await run([goto(url('/act-dnd.html')), noTarget, outside]);
    expect(r.record(noTarget)).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST' });
    expect(r.record(noTarget).error).toMatch(/#nowhere/);
    expectFailedAt(r, outside, 'INTERACTION_POSITION_OUT_OF_VIEWPORT');
  });
});

import { describe, expect, it } from 'vitest';
import { act, evaluate, expectFailedAt, expectPassed, read, useActionRunner } from './actions-support.js';
import { goto } from './plan-builder.js';

const { url, run } = useActionRunner();
// Expected failures wait out their step timeout: short, yet long enough for a loaded machine.
// continue_on_failure lets one run show several failures.
const FAST = { runTimeout: 2 };
const FAST_GO_ON = { runTimeout: 2, continueOnFailure: true };

describe('mouse actions', { timeout: 30_000 }, () => {
  it('click without a selector: at client_x/client_y in the viewport, else SELECTOR_REQUIRED', async () => {
    const noWhere = act('click', {}, FAST);
    const r = await run([
      goto(url('/act-coords.html')),
      act('click', { client_x: 50, client_y: 60, modifier_keys: ['Shift'] }),
      read('#out'),
      act('click', { selector: '', client_x: 7, client_y: 8 }),
      read('#out'),
      noWhere,
    ]);
    expect([2, 4].map((i) => r.steps[i]?.computedValue)).toEqual(['clicked at 50,60+shift', 'clicked at 7,8']);
    expectFailedAt(r, noWhere, 'SELECTOR_REQUIRED');
  });

  it('click: real mouse events with modifier keys, after scrolling into view, at an uncovered point, at interaction_position', async () => {
    const r = await run([
      goto(url('/act-mouse.html')),
      act('click', { selector: '#btn', modifier_keys: ['Shift', 'Control'] }),
      read('#out'),
      act('click', { selector: '#far' }),
      read('#out'),
      // #half's centre is under an overlay: smart positioning finds a point the overlay leaves free.
      act('click', { selector: '#half' }),
      read('#out'),
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
    expect([2, 4, 6, 8, 10, 12, 14].map((i) => r.steps[i]?.computedValue)).toEqual([
      'clicked+shift+ctrl',
      'far clicked at scrollY>0: true',
      'half clicked',
      'at 1,1',
      'at 199,99',
      'at 30,40',
      'at 100,50',
    ]);
  });

  it('click: the next step meets the document a link click navigated to, not the one it left', async () => {
    const link = (id: string, href: string): string =>
      `(() => { const a = document.createElement('a'); a.id = '${id}'; a.href = '${href}'; a.textContent = '${id}'; ` +
      `a.style.cssText = 'position:fixed;top:0;right:0;z-index:99;padding:8px;background:#fff'; document.body.append(a); return a.id; })()`;
    const r = await run([
      goto(url('/act-mouse.html')),
      evaluate(link('hash', '#there')),
      act('click', { selector: '#hash' }),
      evaluate('location.hash'),
      evaluate(link('away', '/slow?ms=400')),
      act('click', { selector: '#away' }),
      evaluate('location.pathname + " " + document.title'),
    ]);
    expectPassed(r);
    expect(r.steps[3]?.computedValue).toBe('#there');
    expect(r.steps[6]?.computedValue).toBe('/slow Slow');
    // The step after the click started on the new document: the click waited for it to commit.
    expect(r.steps[6]?.executionUrl).toBe(url('/slow?ms=400'));
  });

  it('click: fails EVENT_DISPATCHED_ON_INVALID_ELEMENT naming the covering element; INTERACTION_POSITION_OUT_OF_VIEWPORT; ELEMENT_DOES_NOT_EXIST', async () => {
    const outside = act('click', { selector: '#pad', interaction_position: 'custom', client_x: 5000, client_y: 10 }, FAST_GO_ON);
    const missing = act('click', { selector: '#nope' }, FAST_GO_ON);
    const covered = act('click', { selector: '#covered' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), outside, missing, covered, read('#out')]);
    expect(r.record(outside)).toMatchObject({ status: 'failed', errorCode: 'INTERACTION_POSITION_OUT_OF_VIEWPORT', ignoredFailed: true });
    expect(r.record(missing)).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST', elementExists: false });
    expectFailedAt(r, covered, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT', /covered by <div id="cover">/);
    // Nothing was clicked: the run stopped at the covered element.
    expect(r.steps).toHaveLength(4);
  });

  it('click: fails EVENT_DISPATCHED_ON_INVALID_ELEMENT when something else gets the mouse down (plain and shadow DOM targets)', async () => {
    // The bait is free when the click's point is chosen; the first mousemove covers it with a trap.
    const bait = (inShadow: boolean): string =>
      `(() => { const b = document.createElement('button'); b.id = 'bait'; b.textContent = 'bait'; b.style.cssText = 'position:fixed;left:10px;top:10px';
        if (${inShadow}) { const host = document.createElement('div'); host.attachShadow({ mode: 'open' }).append(b); document.body.append(host); } else document.body.append(b);
        document.addEventListener('mousemove', () => { const t = document.createElement('div'); t.id = 'trap'; t.style.cssText = 'position:fixed;inset:0;z-index:999'; document.body.append(t); }, { once: true });
        return 'armed'; })()`;
    for (const inShadow of [false, true]) {
      const click = act('click', { selector: '#bait' }, FAST);
      const r = await run([goto(url('/act-mouse.html')), evaluate(bait(inShadow)), click]);
      expectFailedAt(r, click, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT', /The mousedown event landed on <div id="trap"> instead of/);
    }
  });

  it("click and read still work on a page that replaced the globals Bugrun's in-page code uses", async () => {
    const breakGlobals = `(() => { const no = () => { throw new Error('replaced by the page'); };
      window.Promise = no; Array.from = no; window.Set = no; return 'broken'; })()`;
    const r = await run([goto(url('/act-mouse.html')), evaluate(breakGlobals), act('click', { selector: '#btn' }), read('#out')]);
    expectPassed(r);
    expect(r.steps[3]?.computedValue).toBe('clicked');
  });

  it('dblClick, rightClick and hover dispatch dblclick, contextmenu and mouseover on the element', async () => {
    const r = await run([
      goto(url('/act-mouse.html')),
      act('dblClick', { selector: '#dbl' }),
      read('#out'),
      act('rightClick', { selector: '#ctx' }),
      read('#out'),
      act('hover', { selector: '#hov' }),
      read('#out'),
    ]);
    expectPassed(r);
    expect([2, 4, 6].map((i) => r.steps[i]?.computedValue)).toEqual(['double', 'context', 'hovered']);
  });

  it('dblClick, rightClick, hover and mouseDown fail with the code of what stops them', async () => {
    const dbl = act('dblClick', { selector: '#covered' }, FAST_GO_ON);
    const right = act('rightClick', { selector: 'xpath=//button[text()="Nope"]' }, FAST_GO_ON);
    const hover = act('hover', { selector: '#covered' }, FAST_GO_ON);
    const down = act('mouseDown', { selector: '#covered' }, FAST);
    const r = await run([goto(url('/act-mouse.html')), dbl, right, hover, down]);
    expect(r.record(dbl)).toMatchObject({ status: 'failed', errorCode: 'EVENT_DISPATCHED_ON_INVALID_ELEMENT' });
    expect(r.record(right)).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST' });
    expect(r.record(hover)).toMatchObject({ status: 'failed', errorCode: 'EVENT_DISPATCHED_ON_INVALID_ELEMENT' });
    expectFailedAt(r, down, 'EVENT_DISPATCHED_ON_INVALID_ELEMENT');
  });

  it('mouseDown + mouseUp: press on one element with a modifier, release on another, the button held in between', async () => {
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

  it('mouseUp: fails INVALID_ELEMENT_SELECTOR at once for a malformed selector', async () => {
    const up = act('mouseUp', { selector: 'xpath=//div[' }, { runTimeout: 10 });
    const r = await run([goto(url('/act-mouse.html')), up]);
    const rec = expectFailedAt(r, up, 'INVALID_ELEMENT_SELECTOR');
    // Fails fast instead of waiting out the 10 s timeout.
    expect(Date.parse(rec.ended ?? '') - Date.parse(rec.started ?? '')).toBeLessThan(8_000);
  });
});

describe('selector chains', { timeout: 30_000 }, () => {
  it('<< finds the closest matching ancestor, ~ evaluates from the parent (siblings), absolute XPath groups search the document; a malformed chain fails INVALID_ELEMENT_SELECTOR', async () => {
    const bad = act('click', { selector: 'css=.card << ' }, FAST);
    const r = await run([
      goto(url('/act-selectors.html')),
      act('click', { selector: 'xpath=//h3[text()="Beta"] << css=.card >> css=button' }),
      read('#out'),
      read('xpath=//h3[text()="Alpha"] ~ css=.value'),
      // Beta's card, its label, and the value next to that label.
      read('xpath=//h3[text()="Beta"] << css=.card >> css=.label ~ css=.value'),
      // An absolute XPath in a later group searches the whole document; a relative one the match.
      read('xpath=//div[@id="card-a"] >> xpath=//p[@id="out"]'),
      read('xpath=//div[@id="card-b"] >> xpath=.//span[@class="value"]'),
      act('click', { selector: 'css=#card-a >> xpath=(//button)[2]' }),
      read('#out'),
      bad,
    ]);
    expect([2, 3, 4, 5, 6, 8].map((i) => r.steps[i]?.computedValue)).toEqual(['bought card-b', '10', '20', 'bought card-b', '20', 'bought card-b']);
    expectFailedAt(r, bad, 'INVALID_ELEMENT_SELECTOR');
  });

  it('XPath groups cross shadow roots like CSS groups: the host’s shadow tree and the trees nested in it', async () => {
    const r = await run([
      goto(url('/act-shadow.html')),
      act('click', { selector: "xpath=//payment-widget >> xpath=.//button[@data-testid='confirm']" }),
      read('#out'),
      // A root nested in the widget's shadow tree, reached from the host and from the document.
      act('click', { selector: "xpath=//payment-widget >> xpath=.//button[@id='pay']" }),
      read('#out'),
      act('type', { selector: "xpath=//card-form >> xpath=.//input[@id='card-number']", value: '4242' }),
      evaluate("document.querySelector('payment-widget').shadowRoot.querySelector('card-form').shadowRoot.getElementById('card-number').value"),
      read('xpath=//payment-widget >> xpath=.//h4'),
      read("xpath=//button[@id='pay']"),
      // The light tree first, as CSS: the slotted note is the host's light child.
      read("xpath=//payment-widget >> xpath=.//*[@slot='note']"),
      // Scoped to the host: the decoy outside it is not a match; an absolute group still searches everything.
      read('xpath=//payment-widget >> xpath=(.//button)[1]'),
      read("xpath=//payment-widget >> xpath=//button[@data-testid='confirm']"),
    ]);
    expectPassed(r);
    expect([2, 4, 6, 7, 8, 9, 10, 11].map((i) => r.steps[i]?.computedValue)).toEqual([
      'widget confirmed',
      'paid',
      '4242',
      'Total: 20 EUR',
      'Pay',
      'Slotted note',
      'Confirm payment',
      'Confirm elsewhere',
    ]);
  });
});

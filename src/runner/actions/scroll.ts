import type { ElementHandle, Locator } from 'playwright-core';
import { StepError, isSelectorSyntaxError, shortPlaywrightMessage } from '../errors.js';
import type { StepContext } from '../step-context.js';
import { probeTimeout } from './pointer.js';
import { documentOf, evaluateOn } from './scope.js';
import type { ActionHandler } from './types.js';

const RETRY_MS = 150;
/** Between scroll steps: long enough for lazy content (infinite lists) to react to the scroll. */
const SCROLL_STEP_PAUSE_MS = 100;

type Edge = 'topLeft' | 'topCenter' | 'topRight' | 'middleLeft' | 'middleCenter' | 'middleRight' | 'bottomLeft' | 'bottomCenter' | 'bottomRight';

interface ScrollArgs {
  to: 'coords' | 'edge' | 'elementIntoView';
  window: boolean;
  x: number | null;
  y: number | null;
  edge: Edge;
}

/**
 * Runs in the page. Scrolls the window of `el`'s document (window: true) or `el` itself, then
 * reports whether the position asked for was reached: a page too short to get there is a failure
 * (SCROLL_FAILED), retried until the step's timeout in case more content loads.
 */
function scrollTo(el: Element, a: ScrollArgs): { ok: boolean; detail: string } {
  const doc = el.ownerDocument;
  const win = doc.defaultView ?? window;
  if (a.to === 'elementIntoView') {
    el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    const r = el.getBoundingClientRect();
    const vw = doc.documentElement.clientWidth || win.innerWidth;
    const vh = doc.documentElement.clientHeight || win.innerHeight;
    const ok = r.width + r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < vh && r.left < vw;
    return { ok, detail: `the element is at ${Math.round(r.left)},${Math.round(r.top)} of a ${vw}x${vh} viewport` };
  }
  const box = a.window ? (doc.scrollingElement ?? doc.documentElement) : el;
  const maxX = Math.max(0, box.scrollWidth - box.clientWidth);
  const maxY = Math.max(0, box.scrollHeight - box.clientHeight);
  let tx: number;
  let ty: number;
  if (a.to === 'edge') {
    tx = Math.round(maxX * (a.edge.endsWith('Left') ? 0 : a.edge.endsWith('Right') ? 1 : 0.5));
    ty = Math.round(maxY * (a.edge.startsWith('top') ? 0 : a.edge.startsWith('bottom') ? 1 : 0.5));
  } else {
    tx = a.x ?? box.scrollLeft;
    ty = a.y ?? box.scrollTop;
  }
  if (a.window) win.scrollTo({ left: tx, top: ty, behavior: 'instant' });
  else el.scrollTo({ left: tx, top: ty, behavior: 'instant' });
  const ax = a.window ? win.scrollX : el.scrollLeft;
  const ay = a.window ? win.scrollY : el.scrollTop;
  return { ok: Math.abs(ax - tx) <= 1 && Math.abs(ay - ty) <= 1, detail: `scrolled to ${Math.round(ax)},${Math.round(ay)} instead of ${tx},${ty}` };
}

/** Runs in the page: one scroll step in `dir`, most of the visible size, keeping some overlap. */
function scrollStep(el: Element, a: { window: boolean; dir: string }): void {
  const doc = el.ownerDocument;
  const win = doc.defaultView ?? window;
  const box = a.window ? (doc.scrollingElement ?? doc.documentElement) : el;
  if (!a.window) {
    // What is scrolled into sight inside an element only shows if the element itself is in sight.
    const r = el.getBoundingClientRect();
    if (r.bottom <= 0 || r.top >= win.innerHeight || r.right <= 0 || r.left >= win.innerWidth) {
      el.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'instant' });
    }
  }
  const stepX = Math.max(50, Math.round((a.window ? win.innerWidth : box.clientWidth) * 0.8));
  const stepY = Math.max(50, Math.round((a.window ? win.innerHeight : box.clientHeight) * 0.8));
  const left = a.dir === 'right' ? stepX : a.dir === 'left' ? -stepX : 0;
  const top = a.dir === 'down' ? stepY : a.dir === 'up' ? -stepY : 0;
  if (a.window) win.scrollBy({ left, top, behavior: 'instant' });
  else el.scrollBy({ left, top, behavior: 'instant' });
}

/** Runs in the page: whether `el` is displayed inside the viewport (and inside `box`, when scrolling an element). */
function inView(el: Element, box: Node | null): boolean {
  const doc = el.ownerDocument;
  const win = doc.defaultView ?? window;
  const r = el.getBoundingClientRect();
  const shown = typeof el.checkVisibility === 'function' ? el.checkVisibility({ visibilityProperty: true }) : true;
  if (!shown || r.width * r.height === 0) return false;
  const vw = doc.documentElement.clientWidth || win.innerWidth;
  const vh = doc.documentElement.clientHeight || win.innerHeight;
  const overlaps = (a: DOMRect, b: { left: number; top: number; right: number; bottom: number }): boolean =>
    a.right > b.left && a.bottom > b.top && a.left < b.right && a.top < b.bottom;
  if (!overlaps(r, { left: 0, top: 0, right: vw, bottom: vh })) return false;
  return box instanceof Element ? overlaps(r, box.getBoundingClientRect()) : true;
}

async function container(ctx: StepContext, inside: 'window' | 'element'): Promise<{ loc: Locator; description: string }> {
  if (inside === 'element') return ctx.element();
  await ctx.frameElement();
  return { loc: documentOf(ctx), description: 'the window' };
}

/**
 * Scrolls step by step in `scroll_direction` until the element of the NEXT step is visible:
 * BugBug's way to reach content of infinite lists. Without a next element step there is nothing
 * to look for (NEXT_STEP_ELEMENT_REQUIRED); an element that never shows up is SCROLL_FAILED.
 */
async function untilNextStepElementIsVisible(ctx: StepContext, inside: 'window' | 'element'): Promise<void> {
  const next = ctx.following;
  const selector = next?.details.selector;
  if (!next || !selector || !selector.trim()) {
    throw new StepError('NEXT_STEP_ELEMENT_REQUIRED', "Scrolling until the next step's element is visible needs a next step with a selector");
  }
  const box = await container(ctx, inside);
  const { loc, description } = ctx.locator(selector);
  const target = loc.first();
  const dir = ctx.details.scroll_direction ?? 'down';
  const failure = { code: 'SCROLL_FAILED', message: `Element ${description} of the next step did not become visible while scrolling ${dir}` } as const;
  ctx.pendingCause = failure;
  let boxHandle: ElementHandle | null = null;
  try {
    boxHandle = await box.loc.elementHandle({ timeout: probeTimeout(ctx) });
    const within = inside === 'element' ? boxHandle : null;
    for (;;) {
      let visible = false;
      try {
        if ((await target.count()) > 0) {
          const el = await target.elementHandle({ timeout: probeTimeout(ctx) });
          visible = await el.evaluate(inView, within).finally(() => void el.dispose().catch(() => undefined));
        }
      } catch (e) {
        if (isSelectorSyntaxError(e)) throw new StepError('INVALID_ELEMENT_SELECTOR', `Invalid selector ${description}: ${shortPlaywrightMessage(e)}`);
        if (ctx.signal.aborted) throw e;
      }
      if (visible) break;
      if (ctx.remaining() <= SCROLL_STEP_PAUSE_MS) throw new StepError(failure.code, failure.message);
      await boxHandle.evaluate(scrollStep, { window: inside === 'window', dir });
      await ctx.sleep(SCROLL_STEP_PAUSE_MS);
    }
  } finally {
    void boxHandle?.dispose().catch(() => undefined);
  }
  ctx.pendingCause = null;
}

/** Scrolls the window or an element to coordinates, an edge, or an element into view. */
const scroll: ActionHandler = async (ctx) => {
  const d = ctx.details;
  const inside = d.scroll_inside ?? 'window';
  const to = d.scroll_to ?? 'coords';
  if (to === 'untilNextStepElementIsVisible') return untilNextStepElementIsVisible(ctx, inside);
  const args: ScrollArgs = {
    to,
    window: inside === 'window' && to !== 'elementIntoView',
    x: typeof d.scroll_x === 'number' ? d.scroll_x : null,
    y: typeof d.scroll_y === 'number' ? d.scroll_y : null,
    edge: d.scroll_edge ?? 'topLeft',
  };
  ctx.record.computedValue = to === 'coords' ? `${args.x ?? '-'},${args.y ?? '-'}` : to === 'edge' ? args.edge : null;
  const target = args.window ? await container(ctx, 'window') : await ctx.element();
  for (;;) {
    const res = await evaluateOn(ctx, target.loc, scrollTo, args);
    if (res.ok) break;
    ctx.pendingCause = { code: 'SCROLL_FAILED', message: `Could not scroll ${target.description}: ${res.detail}` };
    if (ctx.remaining() <= RETRY_MS) throw new StepError(ctx.pendingCause.code, ctx.pendingCause.message);
    await ctx.sleep(RETRY_MS);
  }
  ctx.pendingCause = null;
};

export const scrollActions = { scroll } satisfies Record<string, ActionHandler>;

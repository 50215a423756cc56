import type { Locator, Page } from 'playwright-core';
import { StepError, isSelectorSyntaxError, isTimeoutError, shortPlaywrightMessage } from '../errors.js';
import { describeSelector, parseSelector, toLocator } from '../selectors.js';
import type { StepContext } from '../step-context.js';
import type { FrameScope } from '../tabs.js';
import { probeTimeout } from './pointer.js';
import type { ActionHandler } from './types.js';

const RETRY_MS = 150;

interface Candidate {
  element: Locator;
  description: string;
}

/**
 * How the step names its frame, as locators of the iframe element to try in order. Inside a frame
 * already, the frame is looked for there first (a nested iframe, as BugBug records them one
 * switchContext at a time), then in the tab's top document.
 */
function candidates(ctx: StepContext): Candidate[] | null {
  const d = ctx.details;
  const roots = ctx.session.tabs.frame ? [ctx.scope, ctx.page] : [ctx.page];
  const selector = ctx.render(d.selector).trim();
  if (selector) {
    const parts = parseSelector(selector);
    return roots.map((r) => ({ element: toLocator(r, parts).first(), description: describeSelector(parts) }));
  }
  if (typeof d.frame_no === 'number') {
    const n = d.frame_no;
    return roots.map((r) => ({ element: r.locator('css=iframe, frame').nth(n), description: `number ${n}` }));
  }
  return null;
}

/**
 * frame_src: an iframe whose `src` attribute contains the text, else a frame (at any depth) whose
 * current URL contains it or equals it resolved against the page. A frame found by URL only is
 * marked with an attribute so later steps find the same element.
 */
async function findBySrc(page: Page, src: string): Promise<Candidate | null> {
  const description = `with src "${src}"`;
  const quoted = JSON.stringify(src);
  const byAttribute = page.locator(`css=iframe[src*=${quoted}], frame[src*=${quoted}]`).first();
  if ((await byAttribute.count()) > 0) return { element: byAttribute, description };
  let absolute: string | null = null;
  try {
    absolute = new URL(src, page.url()).href;
  } catch {
    absolute = null;
  }
  const frame = page.frames().find((f) => f !== page.mainFrame() && !f.isDetached() && (f.url().includes(src) || f.url() === absolute));
  const parent = frame?.parentFrame();
  if (!frame || !parent) return null;
  const handle = await frame.frameElement();
  const mark = await handle.evaluate((el) => {
    if (!(el instanceof Element)) return '';
    const existing = el.getAttribute('data-bugrun-frame');
    if (existing) return existing;
    const id = Math.random().toString(36).slice(2, 10);
    el.setAttribute('data-bugrun-frame', id);
    return id;
  });
  await handle.dispose();
  return { element: parent.locator(`css=[data-bugrun-frame="${mark}"]`), description };
}

async function locateFrame(ctx: StepContext): Promise<Candidate> {
  const src = ctx.render(ctx.details.frame_src).trim();
  const list = src ? null : candidates(ctx);
  if (!src && !list) throw new StepError('FRAME_DOES_NOT_EXIST', 'The step names no frame (selector, frame_no or frame_src)');
  const description = list?.[0]?.description ?? `with src "${src}"`;
  ctx.pendingCause = { code: 'FRAME_DOES_NOT_EXIST', message: `Frame ${description} does not exist` };
  for (;;) {
    try {
      if (src) {
        const found = await findBySrc(ctx.page, src);
        if (found) return found;
      } else {
        for (const c of list ?? []) if ((await c.element.count()) > 0) return c;
      }
    } catch (e) {
      if (isSelectorSyntaxError(e)) throw new StepError('INVALID_ELEMENT_SELECTOR', `Invalid frame selector ${description}: ${shortPlaywrightMessage(e)}`);
      if (ctx.signal.aborted) throw e;
    }
    if (ctx.remaining() <= RETRY_MS) throw new StepError('FRAME_DOES_NOT_EXIST', ctx.pendingCause.message);
    await ctx.sleep(RETRY_MS);
  }
}

/** Enters the frame; it must be a frame element and finish loading within the step's time. */
async function enterFrame(ctx: StepContext): Promise<string> {
  const found = await locateFrame(ctx);
  const handle = await found.element.elementHandle({ timeout: probeTimeout(ctx) });
  const frame = await handle.contentFrame();
  await handle.dispose();
  if (!frame) throw new StepError('FRAME_DOES_NOT_EXIST', `Element ${found.description} is not a frame`);
  ctx.pendingCause = { code: 'FRAME_LOADS_TOO_LONG', message: `Frame ${found.description} did not finish loading` };
  try {
    await frame.waitForLoadState('load', { timeout: ctx.pwTimeout() });
  } catch (e) {
    if (isTimeoutError(e)) throw new StepError('FRAME_LOADS_TOO_LONG', ctx.pendingCause.message);
    throw e;
  }
  ctx.pendingCause = null;
  const scope: FrameScope = { element: found.element, description: found.description };
  ctx.session.tabs.enterFrame(scope);
  return `frame ${found.description}`;
}

async function findTab(ctx: StepContext, windowNo: number | null, tabNo: number): Promise<Page> {
  const tabs = ctx.session.tabs;
  const where = `Tab ${tabNo}${windowNo !== null ? ` of window ${windowNo}` : ''}`;
  ctx.pendingCause = { code: 'WINDOW_OR_TAB_DOES_NOT_EXIST', message: `${where} does not exist` };
  // A tab the previous step opened may still be on its way: wait for it within the step's time.
  for (;;) {
    if (windowNo !== null) await tabs.settle();
    const page = tabs.find(windowNo, tabNo);
    if (page && !page.isClosed()) {
      ctx.pendingCause = null;
      return page;
    }
    if (ctx.remaining() <= RETRY_MS) throw new StepError('WINDOW_OR_TAB_DOES_NOT_EXIST', ctx.pendingCause.message);
    await ctx.sleep(RETRY_MS);
  }
}

/**
 * Sets where the following steps run: a tab (`tab_no`, 0-based, optionally within `window_no`),
 * then a frame in it (`value: iframe` with the iframe's `selector`, `frame_no`, or `frame_src`),
 * or back to the top document (`value: topFrame` or `frame_is_root`).
 */
const switchContext: ActionHandler = async (ctx) => {
  const d = ctx.details;
  const tabs = ctx.session.tabs;
  const done: string[] = [];
  if (typeof d.tab_no === 'number' || typeof d.window_no === 'number') {
    const page = await findTab(ctx, typeof d.window_no === 'number' ? d.window_no : null, d.tab_no ?? 0);
    await tabs.activate(page);
    done.push(`tab ${tabs.activeIndex()}`);
  }
  const toTop = d.frame_is_root === true || d.value === 'topFrame';
  const toFrame = !toTop && (d.value === 'iframe' || Boolean(d.frame_src) || typeof d.frame_no === 'number' || (done.length === 0 && Boolean(d.selector)));
  if (toTop) {
    tabs.leaveFrames();
    done.push('top frame');
  } else if (toFrame) {
    done.push(await enterFrame(ctx));
  }
  if (done.length === 0) {
    throw new StepError('FRAME_DOES_NOT_EXIST', 'switchContext names no tab and no frame (tab_no, frame_no, frame_src, selector or value)');
  }
  ctx.record.computedValue = done.join(', ');
};

export const frameActions = { switchContext } satisfies Record<string, ActionHandler>;

import type { Frame, Locator, Page } from 'playwright-core';
import { StepError } from '../errors.js';
import type { StepContext } from '../step-context.js';

/**
 * The document element steps work in (the active tab's or the entered iframe's). A locator for it
 * lets window-level work (scrolling, reading the focus) run in the right frame.
 */
export function documentOf(ctx: StepContext): Locator {
  return ctx.scope.locator(':root');
}

/** The Playwright Frame of the current scope, for page-level calls that need one (evaluate). */
export async function scopeFrame(ctx: StepContext): Promise<Page | Frame> {
  const frame = ctx.session.tabs.frame;
  if (!frame) return ctx.page;
  await ctx.frameElement();
  const handle = await frame.element.first().elementHandle({ timeout: ctx.pwTimeout() });
  const content = await handle.contentFrame();
  await handle.dispose();
  if (!content) throw new StepError('FRAME_DOES_NOT_EXIST', `Element ${frame.description} is not a frame`);
  return content;
}

/** Where a frame's content starts, in the tab's viewport: its element's box plus border and padding. */
export async function scopeOffset(ctx: StepContext): Promise<{ x: number; y: number }> {
  const frame = ctx.session.tabs.frame;
  if (!frame) return { x: 0, y: 0 };
  await ctx.frameElement();
  const el = frame.element.first();
  const box = await el.boundingBox({ timeout: ctx.pwTimeout() });
  if (!box) throw new StepError('FRAME_DOES_NOT_EXIST', `Frame ${frame.description} is not displayed`);
  const inset = await evaluateOn(
    ctx,
    el,
    (e) => {
      const s = getComputedStyle(e);
      return { x: e.clientLeft + parseFloat(s.paddingLeft), y: e.clientTop + parseFloat(s.paddingTop) };
    },
    null,
  );
  return { x: box.x + inset.x, y: box.y + inset.y };
}

/**
 * Evaluates `fn` on the element through an element handle. Unlike locator.evaluate, this needs no
 * Playwright helper script in the page's main world (injecting one costs 60–700 ms per document
 * on a busy machine); the handle comes from the utility world the element wait already set up.
 */
export async function evaluateOn<R, Arg>(ctx: StepContext, loc: Locator, fn: (el: Element, arg: Arg) => R, arg: Arg): Promise<R> {
  const handle = await loc.elementHandle({ timeout: Math.max(1, Math.min(ctx.remaining(), 2_000)) });
  try {
    return await handle.evaluate(fn as (el: Element, arg: unknown) => R, arg);
  } finally {
    void handle.dispose().catch(() => undefined);
  }
}

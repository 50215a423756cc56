import type { CDPSession, Page } from 'playwright-core';
import type { StepContext } from '../step-context.js';
import { within } from '../timing.js';

/** Beyond this, the next step's waiting conditions (documentComplete) take over the wait. */
const COMMIT_LIMIT_MS = 5_000;
/** A hung page must not hold the step: the barrier gives up after this and the step goes on. */
const BARRIER_LIMIT_MS = 500;
/** A requested navigation that has not started loading this long after the barrier was cancelled. */
const START_GRACE_MS = 50;
const POLL_MS = 10;

/** Sessions whose Page domain is on (its navigation events are what settle watches). */
const pageEventsOn = new WeakSet<CDPSession>();

async function enablePageEvents(session: CDPSession): Promise<void> {
  if (pageEventsOn.has(session)) return;
  await session.send('Page.enable');
  pageEventsOn.add(session);
}

type FrameState = 'requested' | 'loading';

/**
 * Runs a raw input action and, like Playwright's own actions, waits until the navigations it
 * started have committed (or were cancelled, or became a download): a screenshot or the next step
 * must not meet a page that is half-way between two documents.
 *
 * The page reports a navigation an input event asks for (a link, a form, a script, even a
 * `setTimeout(0)` one) before it answers a command sent after that event on the same CDP session,
 * so one round trip after the action tells whether there is anything to wait for; an action that
 * navigates nowhere costs no sleep.
 */
export async function settlingNavigations<T>(ctx: StepContext, page: Page, action: () => Promise<T>): Promise<T> {
  const session = await ctx.session.capture.cdpSession();
  await enablePageEvents(session);
  const frames = new Map<string, FrameState>();
  const requested = (e: { frameId: string }): void => void frames.set(e.frameId, 'requested');
  const started = (e: { frameId: string }): void => {
    if (frames.has(e.frameId)) frames.set(e.frameId, 'loading');
  };
  const stopped = (e: { frameId: string }): void => {
    if (frames.get(e.frameId) === 'loading') frames.delete(e.frameId);
  };
  const done = (e: { frameId: string }): void => void frames.delete(e.frameId);
  const committed = (e: { frame: { id: string } }): void => void frames.delete(e.frame.id);
  const listeners = [
    ['Page.frameRequestedNavigation', requested],
    ['Page.frameStartedLoading', started],
    ['Page.frameStoppedLoading', stopped],
    ['Page.navigatedWithinDocument', done],
    ['Page.frameDetached', done],
    ['Page.frameNavigated', committed],
  ] as const;
  for (const [event, listener] of listeners) session.on(event, listener as (e: unknown) => void);
  try {
    const result = await action();
    await within(
      session.send('Runtime.evaluate', { expression: '0' }).catch(() => undefined),
      BARRIER_LIMIT_MS,
      undefined,
    );
    const start = Date.now();
    const until = start + Math.min(COMMIT_LIMIT_MS, ctx.remaining());
    while (frames.size > 0 && Date.now() < until && !page.isClosed()) {
      if (Date.now() - start >= START_GRACE_MS) {
        for (const [id, state] of frames) if (state === 'requested') frames.delete(id);
        if (frames.size === 0) break;
      }
      await ctx.sleep(POLL_MS);
    }
    return result;
  } finally {
    for (const [event, listener] of listeners) session.off(event, listener as (e: unknown) => void);
  }
}

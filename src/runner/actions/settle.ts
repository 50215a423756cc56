import type { Frame, Page, Request } from 'playwright-core';
import type { StepContext } from '../step-context.js';

/** A navigation a click starts shows up as a request within a few ms of the mouse events. */
const START_GRACE_MS = 50;
/** Beyond this, the next step's waiting conditions (documentComplete) take over the wait. */
const COMMIT_LIMIT_MS = 5_000;

/**
 * Runs a raw input action and, like Playwright's own actions, waits until the navigations it
 * started have committed (or failed): a screenshot or the next step must not meet a page that is
 * half-way between two documents.
 */
export async function settlingNavigations<T>(ctx: StepContext, page: Page, action: () => Promise<T>): Promise<T> {
  const pending = new Set<Request>();
  // Only documents that were already there: an iframe the action adds loads on its own time.
  const existing = new Set(page.frames());
  const onRequest = (r: Request): void => {
    try {
      if (r.isNavigationRequest() && existing.has(r.frame())) pending.add(r);
    } catch {
      // A request without a frame (service worker) is no navigation of ours.
    }
  };
  const onDone = (r: Request): void => {
    pending.delete(r);
  };
  const onCommit = (f: Frame): void => {
    for (const r of pending) if (r.frame() === f) pending.delete(r);
  };
  page.on('request', onRequest);
  page.on('requestfailed', onDone);
  page.on('requestfinished', onDone);
  page.on('framenavigated', onCommit);
  try {
    const result = await action();
    await ctx.sleep(START_GRACE_MS);
    const until = Date.now() + Math.min(COMMIT_LIMIT_MS, ctx.remaining());
    while (pending.size > 0 && Date.now() < until && !page.isClosed()) await ctx.sleep(20);
    return result;
  } finally {
    page.off('request', onRequest);
    page.off('requestfailed', onDone);
    page.off('requestfinished', onDone);
    page.off('framenavigated', onCommit);
  }
}

import { StepError } from '../errors.js';
import { normalizeUrl, openUrl } from './navigation.js';
import type { ActionHandler } from './types.js';

const RETRY_MS = 150;

/**
 * Opens a tab in the active window and makes it active; with a URL (`url`, or `value`), loads it
 * like goto, basic auth included.
 */
const newTab: ActionHandler = async (ctx) => {
  const raw = ctx.render(ctx.details.url ?? ctx.details.value).trim();
  const url = raw ? normalizeUrl(raw) : null;
  ctx.record.computedUrl = url;
  const tabs = ctx.session.tabs;
  const page = await ctx.session.context.newPage();
  tabs.adopt(page);
  await tabs.activate(page);
  if (url) await openUrl(ctx, page, url);
};

/**
 * Closes the active tab (or the one `tab_no` names) and returns to the tab that was active
 * before it. The run's last tab is not closed: TAB_CLOSED.
 */
const closeTab: ActionHandler = async (ctx) => {
  const d = ctx.details;
  const tabs = ctx.session.tabs;
  let page = ctx.page;
  if (typeof d.tab_no === 'number' || typeof d.window_no === 'number') {
    const windowNo = typeof d.window_no === 'number' ? d.window_no : null;
    if (windowNo !== null) await tabs.settle();
    const found = tabs.find(windowNo, d.tab_no ?? 0);
    if (!found) throw new StepError('WINDOW_OR_TAB_DOES_NOT_EXIST', `Tab ${d.tab_no ?? 0}${windowNo !== null ? ` of window ${windowNo}` : ''} does not exist`);
    page = found;
  }
  if (page.isClosed()) throw new StepError('WINDOW_OR_TAB_DOES_NOT_EXIST', 'The tab to close is already closed');
  ctx.record.computedValue = `tab ${tabs.pages().indexOf(page)}`;
  await tabs.close(page);
  // The close event that moves the run back to the previous tab arrives just after close() resolves.
  while (ctx.page === page && ctx.remaining() > RETRY_MS) await ctx.sleep(20);
};

export const tabActions = { newTab, closeTab } satisfies Record<string, ActionHandler>;

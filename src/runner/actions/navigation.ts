import type { Page } from 'playwright-core';
import { StepError, errorMessage, isTimeoutError } from '../errors.js';
import type { StepContext } from '../step-context.js';
import { isOpenableUrl, notOpenableError, unsafeRedirectError } from '../url-policy.js';
import { useBasicAuth } from './http-auth.js';
import type { ActionHandler } from './types.js';

/**
 * BugBug accepts `example.com/login`; a URL without a scheme is taken as http, and so is
 * `localhost:3000/login` (a host and port, not a scheme). Only web URLs may be opened
 * (url-policy.ts): file:, chrome:, view-source: and the like fail INVALID_URL.
 */
export function normalizeUrl(raw: string): string {
  const text = raw.trim();
  if (!text) throw new StepError('INVALID_URL', 'The URL is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new StepError('INVALID_URL', `Invalid URL "${text}"`);
  }
  if (/\s/.test(url.host)) throw new StepError('INVALID_URL', `Invalid URL "${text}"`);
  if (!isOpenableUrl(url)) throw notOpenableError(text);
  return url.href;
}

/**
 * Fails the step if a frame of the run reached a local URL while it loaded (an iframe, a redirect:
 * see NavigationGuard), after that frame was sent away.
 */
async function checkGuard(ctx: StepContext): Promise<void> {
  await ctx.session.navigationGuard.check();
}

/** Maps a failed navigation to PAGE_LOADING_ERROR (with the net error), INVALID_URL or a timeout. */
function navigationFailure(e: unknown, ctx: StepContext, url: string | null): unknown {
  const msg = errorMessage(e);
  const net = /net::(ERR_[A-Z0-9_]+)/.exec(msg)?.[1];
  // Chromium refuses redirects to local URLs (302 Location: file:///...).
  if (net === 'ERR_UNSAFE_REDIRECT') return unsafeRedirectError(url ?? 'The page');
  if (net) return new StepError('PAGE_LOADING_ERROR', `Page loading error: ${net}${url ? ` (${url})` : ''}`);
  if (/invalid URL/i.test(msg)) return new StepError('INVALID_URL', `Invalid URL "${url ?? ''}"`);
  if (isTimeoutError(e)) {
    return new StepError('TIMEOUT', `The page did not finish loading within ${Math.round(ctx.record.timeout / 100) / 10} s`);
  }
  return e;
}

const LOAD_CAUSE = { code: 'TIMEOUT', message: 'The page did not finish loading' } as const;

/** Loads `url` in `page` until its load event; shared by goto and newTab. */
export async function openUrl(ctx: StepContext, page: Page, url: string): Promise<void> {
  await useBasicAuth(ctx, url);
  ctx.pendingCause = LOAD_CAUSE;
  try {
    await page.goto(url, { waitUntil: 'load', timeout: ctx.pwTimeout() });
  } catch (e) {
    // A client-side redirect during load is not a failure: wait for where it lands instead.
    if (!/interrupted by another navigation/i.test(errorMessage(e))) {
      // The guard has the precise cause when the load failed on a local URL.
      await checkGuard(ctx);
      throw navigationFailure(e, ctx, url);
    }
    await page.waitForLoadState('load', { timeout: ctx.pwTimeout() }).catch(async (err: unknown) => {
      await checkGuard(ctx);
      throw navigationFailure(err, ctx, url);
    });
  }
  await checkGuard(ctx);
  ctx.pendingCause = null;
  ctx.record.executionUrl = page.url();
}

/** Opens the URL in the active tab; `username`/`password` authenticate with HTTP basic auth. */
const goto: ActionHandler = async (ctx) => {
  const url = normalizeUrl(ctx.render(ctx.details.url));
  ctx.record.computedUrl = url;
  // goto loads a page into the tab: whatever frame the test was in is gone with it.
  ctx.session.tabs.leaveFrames();
  await openUrl(ctx, ctx.page, url);
};

function history(kind: 'goBack' | 'goForward' | 'reload'): ActionHandler {
  return async (ctx) => {
    ctx.pendingCause = LOAD_CAUSE;
    const opts = { waitUntil: 'load' as const, timeout: ctx.pwTimeout() };
    try {
      if (kind === 'goBack') await ctx.page.goBack(opts);
      else if (kind === 'goForward') await ctx.page.goForward(opts);
      else await ctx.page.reload(opts);
    } catch (e) {
      await checkGuard(ctx);
      throw navigationFailure(e, ctx, null);
    }
    // History can hold an entry the guard sent away from.
    await checkGuard(ctx);
    ctx.pendingCause = null;
  };
}

export const navigationActions = {
  goto,
  goBack: history('goBack'),
  goForward: history('goForward'),
  reloadPage: history('reload'),
} satisfies Record<string, ActionHandler>;

import type { BrowserContext, ConsoleMessage, Frame, Page, Request } from 'playwright-core';
import type { StepError } from './errors.js';
import { within } from './timing.js';
import { isAllowedFrameUrl, reachedLocalUrlError, refusedLocalUrlError, unsafeRedirectError } from './url-policy.js';

/** Chromium's console message when it refuses a page's load of a local URL (navigation or not). */
const REFUSED = 'Not allowed to load local resource: ';
/** Sending a frame to about:blank takes a few ms; a browser that does not answer must not hold the step. */
const LEAVE_LIMIT_MS = 2_000;
/** One evaluation tells a refused navigation from a refused subresource (see settleSuspects). */
const BARRIER_LIMIT_MS = 500;
/** A subresource request is matched with its console message within this long. */
const SUBRESOURCE_MEMORY_MS = 10_000;
/** A page that hammers local URLs must not grow these lists without end: the first ones tell the story. */
const MAX_KEPT = 20;

/** A refusal Chromium reported that may be a navigation (a violation) or a subresource (not ours). */
interface Suspect {
  url: string;
  page: Page | null;
  documentUrl: string;
}

export interface GuardHooks {
  log(level: 'warn', message: string): void;
}

/**
 * The run's defence in depth against local URLs, below the URL checks of goto and newTab: it
 * watches every page and frame of the run's browser context and notes each way one could reach a
 * URL that is not allowed (url-policy.ts) —
 *
 * - a navigation request or a committed document on such a URL (a frame that got there despite
 *   everything): the frame is sent to about:blank at once;
 * - a redirect Chromium refused to follow (ERR_UNSAFE_REDIRECT: `302 Location: file:///...`);
 * - a navigation Chromium refused (a link, a form, window.open or an iframe pointing at file:),
 *   which it reports as a console message.
 *
 * `check()` then fails the step with INVALID_URL. Everything it watches is an event Playwright
 * already receives, so an ordinary step costs no browser round trip: only a step after which
 * something was noted waits (for the frame to leave, or for one evaluation, see settleSuspects).
 */
export class NavigationGuard {
  private violations: StepError[] = [];
  private suspects: Suspect[] = [];
  /** Refused subresource requests (an `<img src="file:...">`), oldest first. */
  private subresources: { url: string; at: number }[] = [];
  private readonly leaving = new Set<Promise<void>>();
  private readonly watched = new WeakSet<Page>();

  /** Made before the run's first navigation: pages already open are watched from their current URL. */
  constructor(
    context: BrowserContext,
    private readonly hooks: GuardHooks,
  ) {
    for (const page of context.pages()) this.watch(page);
    context.on('page', (page) => this.watch(page));
    context.on('request', (req) => this.onRequest(req));
    context.on('requestfailed', (req) => this.onRequestFailed(req));
    context.on('console', (msg) => this.onConsole(msg));
  }

  /**
   * Throws INVALID_URL for the first local URL noted since the last check, once every frame that
   * reached one has left it (so the step's screenshot and DOM snapshot cannot show it). Resolves at
   * once, without a browser round trip, when nothing was noted.
   */
  async check(): Promise<void> {
    if (this.suspects.length > 0) await this.settleSuspects();
    // A frame can commit the local URL after it was first sent away (the request came first): it is
    // sent away again, and waited for again. Each wait is bounded by LEAVE_LIMIT_MS.
    for (let round = 0; this.leaving.size > 0 && round < 3; round++) await Promise.allSettled([...this.leaving]);
    const first = this.violations[0];
    this.violations = [];
    if (first) throw first;
  }

  private watch(page: Page): void {
    if (this.watched.has(page)) return;
    this.watched.add(page);
    page.on('framenavigated', (frame) => this.onFrame(frame));
    // A popup may have committed its first document before the context reported the page.
    for (const frame of page.frames()) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    const url = frame.url();
    if (isAllowedFrameUrl(url)) return;
    this.note(reachedLocalUrlError(url, describe(frame)));
    this.sendAway(frame);
  }

  private onRequest(req: Request): void {
    const url = req.url();
    if (isAllowedFrameUrl(url)) return;
    if (!req.isNavigationRequest()) {
      this.rememberSubresource(url);
      return;
    }
    const frame = frameOf(req);
    this.note(reachedLocalUrlError(url, frame ? describe(frame) : 'A page'));
    if (frame) this.sendAway(frame);
  }

  private onRequestFailed(req: Request): void {
    if (req.failure()?.errorText !== 'net::ERR_UNSAFE_REDIRECT' || !req.isNavigationRequest()) return;
    this.note(unsafeRedirectError(req.url()));
  }

  private onConsole(msg: ConsoleMessage): void {
    const text = msg.text();
    // A page's own console.error('Not allowed ...') has arguments; Chromium's message has none.
    if (!text.startsWith(REFUSED) || msg.args().length > 0) return;
    const url = text.slice(REFUSED.length).trim();
    if (isAllowedFrameUrl(url) || this.suspects.length >= MAX_KEPT) return;
    this.suspects.push({ url, page: msg.page(), documentUrl: msg.location().url });
  }

  /**
   * Chromium refuses an `<img src="file:...">` with the same message as a link to file:, but
   * reports the image's request right after the message, on the same CDP session; a navigation it
   * refused has no request. One evaluation in the frame the message came from is answered after
   * that request event, so whatever has no request by then was a navigation.
   */
  private async settleSuspects(): Promise<void> {
    const suspects = this.suspects;
    this.suspects = [];
    const frames = new Set<Frame>();
    for (const s of suspects) {
      if (!s.page || s.page.isClosed()) continue;
      const from = s.page.frames().filter((f) => f.url() === s.documentUrl);
      for (const f of from.length > 0 ? from : [s.page.mainFrame()]) frames.add(f);
    }
    const barrier = Promise.all([...frames].map((f) => f.evaluate('0').catch(() => 0)));
    await within(barrier, BARRIER_LIMIT_MS, []);
    for (const s of suspects) {
      if (this.takeSubresource(s.url)) continue;
      this.note(refusedLocalUrlError(s.url, s.documentUrl || s.page?.url() || 'of the run'));
    }
  }

  private rememberSubresource(url: string): void {
    const now = Date.now();
    this.subresources = this.subresources.filter((r) => now - r.at < SUBRESOURCE_MEMORY_MS).slice(-MAX_KEPT);
    this.subresources.push({ url, at: now });
  }

  /** Whether a refused subresource request explains a refusal of `url` (each explains one). */
  private takeSubresource(url: string): boolean {
    const i = this.subresources.findIndex((r) => r.url === url);
    if (i < 0) return false;
    this.subresources.splice(i, 1);
    return true;
  }

  private note(error: StepError): void {
    // A frame that gets there is seen twice, by its request and by its commit: one is enough.
    if (this.violations.length >= MAX_KEPT || this.violations.some((v) => v.message === error.message)) return;
    this.hooks.log('warn', error.message);
    this.violations.push(error);
  }

  /** Navigates the frame to about:blank, until that blank document has loaded; check() waits for it. */
  private sendAway(frame: Frame): void {
    if (frame.isDetached()) return;
    const leaving = frame.goto('about:blank', { waitUntil: 'load', timeout: LEAVE_LIMIT_MS }).then(
      () => undefined,
      () => undefined,
    );
    this.leaving.add(leaving);
    void leaving.finally(() => this.leaving.delete(leaving));
  }
}

function describe(frame: Frame): string {
  return frame.parentFrame() ? 'A frame of the page' : 'A tab';
}

/** The frame a request belongs to; none for a service worker's. */
function frameOf(req: Request): Frame | null {
  try {
    return req.frame();
  } catch {
    return null;
  }
}

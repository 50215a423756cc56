import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { StepError } from './errors.js';
import { within } from './timing.js';

/** Where element steps look for their elements: the active tab, or an iframe inside it. */
export type Scope = Page | FrameLocator;

/** The iframe switchContext entered: its element, found again on every use (iframes get re-rendered). */
export interface FrameScope {
  element: Locator;
  description: string;
}

interface Tab {
  page: Page;
  /** BugBug numbers tabs per window; null until we know whether the page is a popup window. */
  window: number | null;
}

export interface TabHooks {
  /** A page joined the run after the first one: listen to its dialogs, console and crashes. */
  onPage(page: Page): void;
  log(level: 'info' | 'warn', message: string): void;
}

/** Classifying a new page takes one evaluate; a page that never answers is taken as a tab. */
const CLASSIFY_LIMIT_MS = 2_000;

/**
 * The tabs and windows of a run, which one is active and which frame inside it steps work in.
 *
 * BugBug numbers tabs from 0 in the order they were opened; a closed tab leaves the numbering, as
 * in the browser's tab strip. A switchContext that also names a window counts tabs within it:
 * pages the test opens (newTab) and pages the site opens as tabs (target=_blank, window.open
 * without features) join the active tab's window; a popup (window.open with features, which hides
 * the location bar) is a window of its own. Only newTab and switchContext change the active tab: a tab opened by
 * the site is there to be switched to, as BugBug's recorder adds a switchContext step before the
 * first step in it. When the active tab closes by itself (a popup that closes after a login), the
 * tab that was active before it becomes active again, as the browser would focus it.
 */
export class Tabs {
  private readonly tabs: Tab[] = [];
  private active: Page;
  /** Activation order, most recent last: where to go back when a tab closes. */
  private history: Page[] = [];
  private frameScope: FrameScope | null = null;
  private windowCount = 1;
  private classifying: Promise<void> = Promise.resolve();

  constructor(
    context: BrowserContext,
    first: Page,
    private readonly hooks: TabHooks,
  ) {
    this.active = first;
    this.history.push(first);
    this.track(first, 0);
    context.on('page', (page) => {
      if (this.tabOf(page)) return;
      this.track(page, null);
      hooks.onPage(page);
      this.classifying = this.classifying.then(() => this.classify(page)).catch(() => undefined);
    });
  }

  /** The active tab (possibly closed, when the run's last tab is gone). */
  get page(): Page {
    return this.active;
  }

  get frame(): FrameScope | null {
    return this.frameScope;
  }

  get scope(): Scope {
    return this.frameScope ? this.frameScope.element.contentFrame() : this.active;
  }

  /** The active tab's number (a step run's `tabNo`): its place among the run's open tabs. */
  activeIndex(): number {
    return Math.max(
      0,
      this.tabs.findIndex((t) => t.page === this.active),
    );
  }

  /** Open pages, in the order they were opened. */
  pages(): Page[] {
    return this.tabs.map((t) => t.page);
  }

  /** Waits until every page opened so far has its window number. */
  async settle(): Promise<void> {
    await within(this.classifying, CLASSIFY_LIMIT_MS + 500, undefined);
  }

  /**
   * The page at `tabNo`, or null. Without a window number, tabs are numbered across the run in the
   * order they were opened, as BugBug's docs describe; with one, within that window.
   */
  find(windowNo: number | null, tabNo: number): Page | null {
    const tabs = windowNo === null ? this.tabs : this.tabs.filter((t) => (t.window ?? 0) === windowNo);
    return tabs[tabNo]?.page ?? null;
  }

  /** A tab the test opens itself: part of the active window. */
  adopt(page: Page): void {
    const tab = this.tabOf(page);
    const window = this.tabOf(this.active)?.window ?? 0;
    if (tab) tab.window = window;
    else this.track(page, window);
  }

  async activate(page: Page): Promise<void> {
    this.active = page;
    this.frameScope = null;
    this.history = [...this.history.filter((p) => p !== page), page];
    // Background tabs get throttled timers and animation frames; the active one must not.
    await page.bringToFront().catch(() => undefined);
  }

  enterFrame(frame: FrameScope): void {
    this.frameScope = frame;
  }

  leaveFrames(): void {
    this.frameScope = null;
  }

  /** Closes `page`; closing the run's only tab is refused, as nothing would be left to test. */
  async close(page: Page): Promise<void> {
    const open = this.tabs.filter((t) => !t.page.isClosed());
    if (open.length <= 1) throw new StepError('TAB_CLOSED', 'Cannot close the last tab of the run');
    await page.close({ runBeforeUnload: false });
  }

  private track(page: Page, window: number | null): void {
    this.tabs.push({ page, window });
    page.once('close', () => this.forget(page));
  }

  private tabOf(page: Page): Tab | undefined {
    return this.tabs.find((t) => t.page === page);
  }

  private indexOf(page: Page): number {
    const tab = this.tabOf(page);
    if (!tab) return -1;
    return this.tabs.filter((t) => (t.window ?? 0) === (tab.window ?? 0)).indexOf(tab);
  }

  private async classify(page: Page): Promise<void> {
    const tab = this.tabOf(page);
    if (!tab || tab.window !== null) return;
    // A popup's location bar is hidden (HTML's "is popup"); a tab's is visible.
    const popup = await within(
      page.evaluate(() => !window.locationbar.visible).catch(() => false),
      CLASSIFY_LIMIT_MS,
      false,
    );
    if (tab.window !== null) return; // adopted meanwhile
    if (popup) {
      tab.window = this.windowCount++;
    } else {
      const opener = await within(
        page.opener().catch(() => null),
        CLASSIFY_LIMIT_MS,
        null,
      );
      tab.window = (opener && this.tabOf(opener)?.window) ?? this.tabOf(this.active)?.window ?? 0;
    }
    const n = this.tabs.indexOf(tab);
    this.hooks.log('info', `A new ${popup ? 'popup window' : 'tab'} opened: tab ${n} (tab ${this.indexOf(page)} of window ${tab.window}), ${page.url()}`);
  }

  private forget(page: Page): void {
    const i = this.tabs.findIndex((t) => t.page === page);
    if (i >= 0) this.tabs.splice(i, 1);
    this.history = this.history.filter((p) => p !== page);
    if (page !== this.active) return;
    const back = this.history[this.history.length - 1] ?? this.tabs[0]?.page;
    if (!back) return; // the run's last tab closed: steps fail with WINDOW_OR_TAB_DOES_NOT_EXIST
    this.active = back;
    this.frameScope = null;
    this.hooks.log('warn', `The active tab closed; tab ${this.activeIndex()} is active again`);
    void back.bringToFront().catch(() => undefined);
  }
}

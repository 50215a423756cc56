import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Screenshot, ScreenshotSize } from '../domain/index.js';
import { within } from './timing.js';

/** JPEG at this quality is ~10 KB for a simple page and several times cheaper than Playwright's PNG. */
const JPEG_QUALITY = 65;
/**
 * A small screenshot is the visible part of the page at half its CSS width (683 px of a 1366 px
 * screen), never narrower than this (a 1024 px screen gives 640) nor scaled up (a 390 px phone
 * screen is pictured whole). Measured (bench figure "screenshot"): about half the browser CPU of
 * a full-size capture; scale 0.75 costs as much as full size.
 */
const SMALL_MIN_WIDTH = 640;
const SMALL_SCALE = 0.5;
const SCREENSHOT_LIMIT_MS = 5_000;
const SNAPSHOT_LIMIT_MS = 3_000;

/**
 * Screenshots and DOM snapshots of the run's page. One CDP session is reused for every
 * screenshot: opening a session per step would cost a round trip each time.
 */
export class Capture {
  private cdp: Promise<CDPSession> | null = null;
  /** The page `cdp` belongs to: a session is bound to one tab. */
  private cdpPage: Page | null = null;
  private readonly pageOf: () => Page;

  constructor(
    private readonly context: BrowserContext,
    /** The page to capture, or a getter for it when the run has several tabs (the active one). */
    page: Page | (() => Page),
  ) {
    this.pageOf = typeof page === 'function' ? page : () => page;
  }

  private get page(): Page {
    return this.pageOf();
  }

  /**
   * The active tab's CDP session, shared by screenshots and the waiting conditions' main-world
   * evaluations (Runtime.evaluate needs none of the helper scripts Playwright injects per document).
   */
  cdpSession(): Promise<CDPSession> {
    if (this.cdpPage !== this.page) {
      // Another tab became active: it needs a session of its own.
      void this.cdp?.then((old) => old.detach()).catch(() => undefined);
      this.cdpPage = this.page;
      this.cdp = null;
    }
    this.cdp ??= this.context.newCDPSession(this.page);
    return this.cdp;
  }

  /**
   * A JPEG of the viewport at `size`, or why there is none: the page is gone, the browser did not
   * answer in time, or the capture failed twice (a failed session is rebuilt once, e.g. after a
   * renderer swap).
   */
  async screenshot(size: ScreenshotSize = 'full'): Promise<{ image: Screenshot } | { image: null; missing: string }> {
    const TIMED_OUT = Symbol('timed out');
    let problem = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      if (this.page.isClosed()) return { image: null, missing: 'the page is closed' };
      const shot = async (): Promise<Screenshot> => {
        const session = await this.cdpSession();
        const res = await session.send('Page.captureScreenshot', {
          format: 'jpeg',
          quality: JPEG_QUALITY,
          optimizeForSpeed: true,
          clip: size === 'small' ? await smallClip(session) : undefined,
        });
        return { data: new Uint8Array(Buffer.from(res.data, 'base64')), contentType: 'image/jpeg' };
      };
      try {
        const image = await within<Screenshot | typeof TIMED_OUT>(shot(), SCREENSHOT_LIMIT_MS, TIMED_OUT);
        if (image === TIMED_OUT) return { image: null, missing: `the browser did not answer in ${SCREENSHOT_LIMIT_MS} ms` };
        return { image };
      } catch (e) {
        this.cdp = null;
        problem = e instanceof Error ? e.message.split('\n')[0] : String(e);
      }
    }
    return { image: null, missing: problem };
  }

  /**
   * The page's HTML as the user saw it: live form values are written back into attributes (so the
   * snapshot shows what was typed), except password fields, which are blanked.
   */
  async domSnapshot(): Promise<string | null> {
    if (this.page.isClosed()) return null;
    const work = this.page.evaluate(() => {
      const root = document.documentElement;
      const clone = root.cloneNode(true) as HTMLElement;
      const live = root.querySelectorAll('input, textarea, select');
      const copies = clone.querySelectorAll('input, textarea, select');
      live.forEach((el, i) => {
        const copy = copies[i];
        if (!copy) return;
        if (el instanceof HTMLInputElement) {
          if (el.type === 'password') {
            copy.setAttribute('value', '');
          } else if (el.type === 'checkbox' || el.type === 'radio') {
            if (el.checked) copy.setAttribute('checked', '');
            else copy.removeAttribute('checked');
          } else if (el.type !== 'file') {
            copy.setAttribute('value', el.value);
          }
        } else if (el instanceof HTMLTextAreaElement) {
          copy.textContent = el.value;
        } else if (el instanceof HTMLSelectElement) {
          const options = copy.querySelectorAll('option');
          Array.from(el.options).forEach((o, j) => {
            const c = options[j];
            if (!c) return;
            if (o.selected) c.setAttribute('selected', '');
            else c.removeAttribute('selected');
          });
        }
      });
      const dt = document.doctype ? `<!DOCTYPE ${document.doctype.name}>\n` : '';
      return dt + clone.outerHTML;
    });
    try {
      return await within(work, SNAPSHOT_LIMIT_MS, null);
    } catch {
      return null;
    }
  }
}

/** The visible part of the page (a clip at the scroll offset: one at 0,0 would show blank pixels) at the small scale. */
async function smallClip(session: CDPSession): Promise<{ x: number; y: number; width: number; height: number; scale: number }> {
  const { cssVisualViewport: v } = await session.send('Page.getLayoutMetrics');
  const scale = Math.min(1, Math.max(SMALL_SCALE, SMALL_MIN_WIDTH / v.clientWidth));
  return { x: v.pageX, y: v.pageY, width: v.clientWidth, height: v.clientHeight, scale };
}

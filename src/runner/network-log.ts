import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page, Request, Response } from 'playwright-core';
import type { NetworkEntry } from '../domain/index.js';
import type { RunEventEmitter } from './event-emitter.js';
import type { SecretSet } from './secrets.js';
import { within } from './timing.js';

/** How far back the in-flight history of a page goes (networkIdle holds for 1 s). */
const HISTORY_MS = 5_000;
/** Full headers cost a round trip each; a browser that does not answer must not hold the log. */
const HEADERS_LIMIT_MS = 1_000;
/** At the end of the run, entries still waiting for their headers get this long. */
const FLUSH_LIMIT_MS = 1_000;

export interface DownloadInfo {
  at: number;
  url: string;
  suggestedFilename: string;
}

interface Pending {
  entry: NetworkEntry;
  started: number;
  activity: PageActivity | null;
  response: Response | null;
}

/** In-flight requests and navigations of one page, for networkIdle and pageNavigationAfterExecution. */
export class PageActivity {
  inFlight = 0;
  navigations = 0;
  /** Each change of the in-flight count, oldest first: the count in effect from `at`. */
  private changes: { at: number; count: number }[];

  constructor(now: number = Date.now()) {
    this.changes = [{ at: now, count: 0 }];
  }

  change(delta: number, now: number = Date.now()): void {
    this.inFlight = Math.max(0, this.inFlight + delta);
    this.changes.push({ at: now, count: this.inFlight });
    // Keep the entry in effect at the horizon, drop what came before it.
    let drop = 0;
    while (drop + 1 < this.changes.length && (this.changes[drop + 1]?.at ?? now) <= now - HISTORY_MS) drop++;
    if (drop > 0) this.changes.splice(0, drop);
  }

  /**
   * The largest in-flight count at any moment of the last `ms`. Before the page existed nothing was
   * in flight, so a page younger than `ms` counts from its start.
   */
  maxOver(ms: number, now: number = Date.now()): number {
    const from = now - ms;
    let max = 0;
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const c = this.changes[i];
      if (!c) continue;
      max = Math.max(max, c.count);
      if (c.at <= from) break;
    }
    return max;
  }
}

/**
 * Every request of every page of the run's context, reported as `network` events (one per finished
 * or failed request; the ones still pending at the end with status null). It also keeps per-page
 * in-flight counts and navigations for the waiting conditions, and the downloads the pages started.
 * Attach it before the first page opens so the first document request is seen.
 */
export class NetworkLog {
  private readonly pending = new Map<Request, Pending>();
  private readonly pages = new WeakMap<Page, PageActivity>();
  private readonly attached = new WeakSet<Page>();
  private readonly downloadList: DownloadInfo[] = [];
  private readonly emitting = new Set<Promise<void>>();
  private pagesOpened = 0;
  private closed = false;

  constructor(
    context: BrowserContext,
    private readonly events: RunEventEmitter,
    private readonly secrets: SecretSet,
  ) {
    for (const page of context.pages()) this.attach(page);
    context.on('page', (page) => this.attach(page));
    context.on('request', (req) => this.onRequest(req));
    context.on('response', (res) => this.onResponse(res));
    context.on('requestfinished', (req) => this.onDone(req, null));
    context.on('requestfailed', (req) => this.onDone(req, req.failure()?.errorText ?? 'failed'));
  }

  /** In-flight requests and navigations of `page` (created on first use). */
  activity(page: Page): PageActivity {
    let a = this.pages.get(page);
    if (!a) {
      a = new PageActivity();
      this.pages.set(page, a);
    }
    return a;
  }

  /** Pages the context opened so far (the first page included). */
  openedPages(): number {
    return this.pagesOpened;
  }

  /** Downloads started by any page of the run, oldest first. */
  downloads(): readonly DownloadInfo[] {
    return this.downloadList;
  }

  /** Reports the requests still pending (status null) and waits briefly for entries being built. */
  async finish(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) this.events.emit({ type: 'network', entry: p.entry });
    this.pending.clear();
    await within(Promise.allSettled([...this.emitting]), FLUSH_LIMIT_MS, []);
  }

  private attach(page: Page): void {
    if (this.attached.has(page)) return;
    this.attached.add(page);
    this.pagesOpened++;
    const activity = this.activity(page);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) activity.navigations++;
    });
    page.on('download', (d) => {
      this.downloadList.push({ at: Date.now(), url: d.url(), suggestedFilename: d.suggestedFilename() });
    });
  }

  private onRequest(req: Request): void {
    if (this.closed) return;
    const page = pageOf(req);
    const activity = page ? this.activity(page) : null;
    activity?.change(+1);
    this.pending.set(req, {
      started: Date.now(),
      activity,
      response: null,
      entry: {
        id: randomUUID(),
        startedAt: new Date().toISOString(),
        method: req.method(),
        url: req.url(),
        resourceType: req.resourceType(),
        status: null,
        statusText: null,
        mimeType: null,
        durationMs: null,
        failure: null,
        requestHeaders: this.maskHeaders(req.headers()),
        responseHeaders: {},
      },
    });
  }

  private onResponse(res: Response): void {
    const p = this.pending.get(res.request());
    if (p) p.response = res;
  }

  private onDone(req: Request, failure: string | null): void {
    const p = this.pending.get(req);
    if (!p) return;
    this.pending.delete(req);
    p.activity?.change(-1);
    if (this.closed) return;
    const work = this.complete(req, p, failure);
    this.emitting.add(work);
    void work.finally(() => this.emitting.delete(work));
  }

  private async complete(req: Request, p: Pending, failure: string | null): Promise<void> {
    const { entry, response } = p;
    const timing = req.timing();
    entry.durationMs = timing.responseEnd >= 0 ? Math.round(timing.responseEnd) : Date.now() - p.started;
    entry.failure = failure === null ? null : this.secrets.mask(failure);
    if (response) {
      entry.status = response.status();
      entry.statusText = this.secrets.mask(response.statusText());
    }
    // allHeaders() includes cookies and other headers the quick headers() leaves out.
    const [requestHeaders, responseHeaders] = await Promise.all<[Promise<Record<string, string>>, Promise<Record<string, string>>]>([
      within(req.allHeaders(), HEADERS_LIMIT_MS, req.headers()).catch(() => req.headers()),
      response ? within(response.allHeaders(), HEADERS_LIMIT_MS, response.headers()).catch(() => response.headers()) : Promise.resolve({}),
    ]);
    entry.requestHeaders = this.maskHeaders(requestHeaders);
    entry.responseHeaders = this.maskHeaders(responseHeaders);
    entry.mimeType = responseHeaders['content-type'] ?? null;
    this.events.emit({ type: 'network', entry });
  }

  /** Header values may carry secrets (basic auth, tokens from variables); nothing else is hidden. */
  private maskHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) out[k] = this.secrets.mask(v);
    return out;
  }
}

/** The page a request belongs to; null for service-worker requests, which have no frame. */
function pageOf(req: Request): Page | null {
  try {
    return req.frame().page();
  } catch {
    return null;
  }
}

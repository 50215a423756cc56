import { existsSync } from 'node:fs';
import { registerShadowXPath } from './shadow-xpath.js';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export interface BrowserPoolOptions {
  executablePath?: string;
  /** A remote browser: a Playwright server (`ws://…`) or a Chrome DevTools endpoint (`…/devtools/browser/…`). */
  wsEndpoint?: string;
  headless?: boolean;
  /** Open the next run's context ahead of time (default true); off saves one idle blank page. */
  spareContext?: boolean;
}

/** Flags known to work in this environment (containers without a GPU, sandbox or outbound network). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's /usr/bin/chromium is a shell wrapper that sources config files before exec'ing the real
 * binary; launching the binary directly saves that work on every launch.
 */
export function defaultChromiumPath(): string {
  return existsSync('/usr/lib/chromium/chromium') ? '/usr/lib/chromium/chromium' : '/usr/bin/chromium';
}

interface Spare {
  /** The options it was opened with (JSON). */
  key: string;
  ready: Promise<FreshPage | null>;
  /** Set once open. */
  context: BrowserContext | null;
}

/** A run's own context with its first, blank page. */
export interface FreshPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * One warm browser per process: launching costs far more than a fresh context, and contexts give
 * each run its own cookies and storage. A browser that died is relaunched on the next request.
 *
 * Opening a context and its page takes 100-300 ms, so when a run's context closes the pool opens
 * the next one for the same options in the background: the next run starts on a page nobody has
 * used, without waiting. The spare costs one idle blank page (a renderer process) while the pool
 * lives.
 */
export class BrowserPool {
  private readonly opts: BrowserPoolOptions;
  private current: Browser | null = null;
  private pending: Promise<Browser> | null = null;
  private closing = false;
  private spare: Spare | null = null;

  constructor(opts: BrowserPoolOptions) {
    this.opts = { ...opts };
  }

  browser(): Promise<Browser> {
    if (this.current?.isConnected()) return Promise.resolve(this.current);
    // Concurrent callers share one launch instead of starting a browser each.
    if (!this.pending) {
      this.closing = false;
      this.pending = this.start().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  async info(): Promise<{ name: string; version: string }> {
    const browser = await this.browser();
    return { name: browser.browserType().name(), version: browser.version() };
  }

  /** A new context and page for a run, never handed out before; the caller closes the context. */
  async freshPage(options: BrowserContextOptions): Promise<FreshPage> {
    const key = JSON.stringify(options);
    const spare = this.takeSpare();
    let fresh = spare?.key === key ? await spare.ready : null;
    if (spare && spare.key !== key) void discard(spare.ready);
    if (fresh && (!fresh.browser.isConnected() || fresh.page.isClosed())) {
      void discard(Promise.resolve(fresh));
      fresh = null;
    }
    fresh ??= await this.open(options);
    // The next one opens once this run is over, not while its first steps need the CPU (after a
    // browser crash that also relaunches the browser at once).
    if (this.opts.spareContext !== false) {
      fresh.context.once('close', () => {
        if (!this.closing) this.prepareSpare(key, options);
      });
    }
    return fresh;
  }

  /** Resolves once the spare being opened (if any) is open or failed. */
  async spareReady(): Promise<void> {
    await this.spare?.ready;
  }

  /** Whether `context` is the idle spare (not a run's): leak checks leave it out. */
  isSpare(context: BrowserContext): boolean {
    return this.spare?.context === context;
  }

  /** The contexts runs are using now: all of the browser's but the spare. */
  contextsInUse(): BrowserContext[] {
    return this.current?.contexts().filter((c) => !this.isSpare(c)) ?? [];
  }

  private prepareSpare(key: string, options: BrowserContextOptions): void {
    // Runs that start together share one spare; one for other options gives way.
    if (this.spare?.key === key) return;
    const old = this.takeSpare();
    if (old) void discard(old.ready);
    const spare: Spare = { key, context: null, ready: Promise.resolve(null) };
    spare.ready = this.open(options, (context) => {
      spare.context = context;
    }).catch(() => null);
    this.spare = spare;
  }

  private takeSpare(): Spare | null {
    const spare = this.spare;
    this.spare = null;
    return spare;
  }

  private async open(options: BrowserContextOptions, onContext?: (context: BrowserContext) => void): Promise<FreshPage> {
    const browser = await this.browser();
    const context = await browser.newContext(options);
    onContext?.(context);
    try {
      const page = await context.newPage();
      return { browser, context, page };
    } catch (e) {
      await context.close().catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const spare = this.takeSpare();
    if (spare) await discard(spare.ready);
    const launching = this.pending;
    if (launching) await launching.catch(() => undefined);
    const browser = this.current;
    this.current = null;
    if (browser) await browser.close().catch(() => undefined);
  }

  private async start(): Promise<Browser> {
    // Selector engines reach the contexts created after they are registered.
    await registerShadowXPath();
    const browser = await this.connectOrLaunch();
    if (this.closing) {
      // close() was called while we were launching: do not leak the process.
      await browser.close().catch(() => undefined);
      throw new Error('Browser pool is closed');
    }
    browser.on('disconnected', () => {
      if (this.current === browser) this.current = null;
    });
    this.current = browser;
    return browser;
  }

  private connectOrLaunch(): Promise<Browser> {
    const { wsEndpoint } = this.opts;
    if (wsEndpoint) {
      return /\/devtools\/browser\//.test(wsEndpoint) ? chromium.connectOverCDP(wsEndpoint) : chromium.connect(wsEndpoint);
    }
    const headless = this.opts.headless ?? true;
    return chromium.launch({
      executablePath: this.opts.executablePath ?? defaultChromiumPath(),
      headless,
      args: headless ? [...CHROMIUM_ARGS] : CHROMIUM_ARGS.filter((a) => a !== '--headless'),
    });
  }
}

async function discard(ready: Promise<FreshPage | null>): Promise<void> {
  const fresh = await ready.catch(() => null);
  await fresh?.context.close().catch(() => undefined);
}

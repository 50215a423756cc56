import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export interface BrowserPoolOptions {
  executablePath?: string;
  /** A remote browser: a Playwright server (`ws://…`) or a Chrome DevTools endpoint (`…/devtools/browser/…`). */
  wsEndpoint?: string;
  headless?: boolean;
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

/**
 * One warm browser per process: launching costs far more than a fresh context, and contexts give
 * each run its own cookies and storage. A browser that died is relaunched on the next request.
 */
export class BrowserPool {
  private readonly opts: BrowserPoolOptions;
  private current: Browser | null = null;
  private pending: Promise<Browser> | null = null;
  private closing = false;

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

  async close(): Promise<void> {
    this.closing = true;
    const launching = this.pending;
    if (launching) await launching.catch(() => undefined);
    const browser = this.current;
    this.current = null;
    if (browser) await browser.close().catch(() => undefined);
  }

  private async start(): Promise<Browser> {
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
      return /\/devtools\/browser\//.test(wsEndpoint)
        ? chromium.connectOverCDP(wsEndpoint)
        : chromium.connect(wsEndpoint);
    }
    const headless = this.opts.headless ?? true;
    return chromium.launch({
      executablePath: this.opts.executablePath ?? defaultChromiumPath(),
      headless,
      args: headless ? [...CHROMIUM_ARGS] : CHROMIUM_ARGS.filter((a) => a !== '--headless'),
    });
  }
}

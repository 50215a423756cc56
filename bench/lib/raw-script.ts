import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEFAULT_PASSED_SCREENSHOTS } from '../../src/domain/index.js';
import { Capture } from '../../src/runner/capture.js';
import { CHROMIUM_ARGS, defaultChromiumPath } from '../../src/runner/index.js';
import type { BenchStep } from './reference-test.js';

/** The service's default desktop screen (definitions/plan-settings.ts), so pages render alike. */
export const VIEWPORT = { width: 1366, height: 768 } as const;
const ASSERT_TIMEOUT_MS = 5_000;

/** Launches Chromium exactly as the service's BrowserPool does (same binary, same flags). */
export function launchRawBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: defaultChromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}

/** The picture a script takes after each step. */
export type Shoot = (page: Page) => Promise<unknown>;

/** Playwright's default `page.screenshot()` PNG, what a naive script takes. */
export const pngShot: Shoot = (page) =>
  // A capture during a renderer swap (a submit that navigates) can fail once; the service's
  // Capture retries once too.
  page.screenshot().catch(() => page.screenshot());

const captures = new WeakMap<Page, Capture>();

/**
 * The runner's own capture of a passed step (runner/capture.ts, default size): a script that
 * takes it does the browser work a runner built on playwright-core cannot avoid.
 */
export const runnerShot: Shoot = async (page) => {
  // One Capture (one CDP session) per page, as a run keeps one.
  let capture = captures.get(page);
  if (!capture) captures.set(page, (capture = new Capture(page.context(), page)));
  const shot = await capture.screenshot(DEFAULT_PASSED_SCREENSHOTS);
  if (!shot.image) throw new Error(`raw script: no screenshot (${shot.missing})`);
};

export interface RawStepTimes {
  /** Per step: the action itself. */
  actionMs: number[];
  /** Per step: the PNG screenshot after it. */
  screenshotMs: number[];
}

/** Polls `read` every 50 ms until `holds`, as a hand-written assertion loop does. */
async function until<T>(step: BenchStep, read: () => Promise<T>, holds: (value: T) => boolean): Promise<void> {
  const deadline = Date.now() + ASSERT_TIMEOUT_MS;
  for (;;) {
    const value = await read();
    if (holds(value)) return;
    if (Date.now() > deadline) throw new Error(`raw script: ${JSON.stringify(step)} does not hold (got ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The steps as a plain playwright-core script would write them: goto/click/fill with Playwright's
 * own auto-waiting, reads polled for assertions, and `page.screenshot()` (PNG) after every
 * step, which is what Playwright's trace/screenshot-on-each-step setups do.
 */
export async function runRawSteps(page: Page, steps: readonly BenchStep[], siteUrl: string, shoot: Shoot = pngShot): Promise<RawStepTimes> {
  const actionMs: number[] = [];
  const screenshotMs: number[] = [];
  for (const step of steps) {
    const t0 = performance.now();
    switch (step.action) {
      case 'goto':
        await page.goto(siteUrl + step.path, { waitUntil: 'load' });
        break;
      case 'type':
        await page.locator(step.selector).fill(step.value);
        break;
      case 'click':
        await page.locator(step.selector).click();
        break;
      case 'hover':
        await page.locator(step.selector).hover();
        break;
      case 'scroll':
        await page.locator(step.selector).scrollIntoViewIfNeeded();
        break;
      case 'assertText':
        await until(
          step,
          () => page.locator(step.selector).innerText(),
          (text) => text.replace(/\s+/g, ' ').trim() === step.expected,
        );
        break;
      case 'assertVisible':
        await until(
          step,
          () => page.locator(step.selector).isVisible(),
          (shown) => shown,
        );
        break;
      case 'assertTitle':
        await until(
          step,
          () => page.title(),
          (title) => title === step.expected,
        );
        break;
    }
    const t1 = performance.now();
    await shoot(page);
    actionMs.push(t1 - t0);
    screenshotMs.push(performance.now() - t1);
  }
  return { actionMs, screenshotMs };
}

export interface RawRunTimes extends RawStepTimes {
  totalMs: number;
  launchMs: number;
  contextMs: number;
  closeContextMs: number;
  closeBrowserMs: number;
}

/** One run on an already-running browser: new context + page, the steps, context closed. */
export async function rawWarmRun(browser: Browser, steps: readonly BenchStep[], siteUrl: string, shoot: Shoot = pngShot): Promise<RawRunTimes> {
  const t0 = performance.now();
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const t1 = performance.now();
    const times = await runRawSteps(page, steps, siteUrl, shoot);
    const t2 = performance.now();
    await context.close();
    const t3 = performance.now();
    return { ...times, totalMs: t3 - t0, launchMs: 0, contextMs: t1 - t0, closeContextMs: t3 - t2, closeBrowserMs: 0 };
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** A one-shot script: launch, one run, browser closed; all of it timed. */
export async function rawOneShotRun(steps: readonly BenchStep[], siteUrl: string): Promise<RawRunTimes> {
  const t0 = performance.now();
  const browser = await launchRawBrowser();
  try {
    const t1 = performance.now();
    const run = await rawWarmRun(browser, steps, siteUrl);
    const t2 = performance.now();
    await browser.close();
    const t3 = performance.now();
    return { ...run, totalMs: t3 - t0, launchMs: t1 - t0, closeBrowserMs: t3 - t2 };
  } finally {
    await browser.close().catch(() => undefined);
  }
}

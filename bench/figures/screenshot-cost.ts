import { performance } from 'node:perf_hooks';
import type { CDPSession, Page } from 'playwright-core';
import { Capture } from '../../src/runner/capture.js';
import type { FigureContext } from '../lib/context.js';
import { treeCpuMs } from '../lib/processes.js';
import { VIEWPORT } from '../lib/raw-script.js';
import { row } from '../lib/rows.js';
import { median, round, summarize, type Summary } from '../lib/stats.js';

/** What src/runner/capture.ts sends (JPEG_QUALITY there); keep the two in step. */
export const RUNNER_JPEG = { format: 'jpeg', quality: 65, optimizeForSpeed: true } as const;

/** One way of taking a screenshot: wall time and the browser tree's CPU per shot, and its size. */
export interface ShotKind {
  ms: Summary;
  /** Mean browser-tree CPU per shot (/proc ticks are 10 ms, so a mean over all shots). */
  cpuMs: number;
  bytes: number;
}

export interface ScreenshotCostResult {
  shots: number;
  viewport: { width: number; height: number };
  cdpJpeg: ShotKind;
  /** The runner's own small screenshot (a cleanly passed step's by default), through its Capture. */
  runnerSmall: ShotKind;
  playwrightPng: ShotKind;
  playwrightJpeg: ShotKind;
  /** The runner's JPEG with the page left unchanged since the last shot (an assertion step). */
  cdpJpegUnchanged: ShotKind;
  /** An 8×8 CDP capture: what the browser's capture pipeline costs before any pixels are encoded. */
  floor: ShotKind;
  ratioJpegVsPng: number;
}

type Shoot = (page: Page, cdp: CDPSession, capture: Capture) => Promise<number>;

/** A capture through the page's CDP session, as Capture takes it; resolves to its size in bytes. */
const cdpShot =
  (params: object): Shoot =>
  async (_, cdp) =>
    Buffer.from((await cdp.send('Page.captureScreenshot', params)).data, 'base64').length;

const KINDS: { name: Exclude<keyof ScreenshotCostResult, 'shots' | 'viewport' | 'ratioJpegVsPng'>; changes: boolean; shoot: Shoot }[] = [
  { name: 'cdpJpeg', changes: true, shoot: cdpShot(RUNNER_JPEG) },
  {
    name: 'runnerSmall',
    changes: true,
    shoot: async (_, __, capture) => {
      const shot = await capture.screenshot('small');
      if (!shot.image) throw new Error(`bench: no small screenshot: ${shot.missing}`);
      return shot.image.data.length;
    },
  },
  { name: 'playwrightPng', changes: true, shoot: async (page) => (await page.screenshot()).length },
  { name: 'playwrightJpeg', changes: true, shoot: async (page) => (await page.screenshot({ type: 'jpeg', quality: RUNNER_JPEG.quality })).length },
  { name: 'cdpJpegUnchanged', changes: false, shoot: cdpShot(RUNNER_JPEG) },
  { name: 'floor', changes: true, shoot: cdpShot({ ...RUNNER_JPEG, clip: { x: 0, y: 0, width: 8, height: 8, scale: 1 } }) },
];

/**
 * Per-step screenshot cost on the reference page: before each shot the page changes as a step
 * changes it (a typed value; not for the "unchanged" kind), then one capture. The runner's CDP
 * `Page.captureScreenshot` JPEG (one CDP session reused, as Capture does) against Playwright's
 * default `page.screenshot()` PNG, Playwright's own JPEG path, and an 8×8 capture that shows
 * the pipeline's own cost (a forced redraw, then a copy of the next frame).
 */
export async function measureScreenshotCost(ctx: FigureContext): Promise<ScreenshotCostResult> {
  const browser = await ctx.rawBrowser();
  const pid = ctx.rawBrowserPid();
  if (pid === null) throw new Error('bench: no browser pid to read CPU from');
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(`${ctx.siteUrl}/form.html`, { waitUntil: 'load' });
    await page.locator('#f1').fill('a typed value');
    await page.locator('#b1').click();
    const cdp = await context.newCDPSession(page);
    let edits = 0;
    const change = () => cdp.send('Runtime.evaluate', { expression: `document.querySelector('#f1').value = 'typed ${edits++}'` });
    const samples = KINDS.map((k) => ({ ...k, ms: [] as number[], bytes: [] as number[], cpuMs: 0 }));
    const capture = new Capture(context, page);
    for (const k of samples) await k.shoot(page, cdp, capture); // warm-up
    // In runs of one kind, two rounds in opposite orders: Playwright's screenshot() hides the
    // caret and restores it, which would make the next kind's shot redraw more if they alternated.
    const perRound = Math.ceil(ctx.options.screenshotShots / 2);
    for (const round of [samples, [...samples].reverse()]) {
      for (const k of round) {
        for (let i = 0; i < perRound; i++) {
          if (k.changes) await change();
          const cpu0 = treeCpuMs(pid);
          const t0 = performance.now();
          k.bytes.push(await k.shoot(page, cdp, capture));
          k.ms.push(performance.now() - t0);
          k.cpuMs += treeCpuMs(pid) - cpu0;
        }
      }
    }
    await cdp.detach().catch(() => undefined);
    const shots = perRound * 2;
    const kind = (name: string): ShotKind => {
      const k = samples.find((s) => s.name === name);
      if (!k) throw new Error(`bench: no screenshot kind ${name}`);
      return { ms: summarize(k.ms, 2), cpuMs: round(k.cpuMs / shots, 1), bytes: Math.round(median(k.bytes)) };
    };
    const [cdpJpeg, playwrightPng] = [kind('cdpJpeg'), kind('playwrightPng')];
    const result: ScreenshotCostResult = {
      shots,
      viewport: { ...VIEWPORT },
      cdpJpeg,
      runnerSmall: kind('runnerSmall'),
      playwrightPng,
      playwrightJpeg: kind('playwrightJpeg'),
      cdpJpegUnchanged: kind('cdpJpegUnchanged'),
      floor: kind('floor'),
      ratioJpegVsPng: round(cdpJpeg.ms.median / playwrightPng.ms.median, 3),
    };
    const png = { value: result.playwrightPng.ms.median, label: 'PNG' };
    const q = RUNNER_JPEG.quality;
    const pngCpu = { value: result.playwrightPng.cpuMs, label: 'PNG' };
    ctx.emit(
      row('screenshot', `CDP JPEG q${q} (runner, full size) vs page.screenshot() PNG`, 'ms', result.cdpJpeg.ms.median, png, { kind: 'valueMax', max: 15 }),
    );
    ctx.emit(row('screenshot', `CDP JPEG q${q} (runner, full size), browser CPU per shot`, 'ms', result.cdpJpeg.cpuMs, pngCpu));
    ctx.emit(
      row('screenshot', `runner's small JPEG (a passed step) vs page.screenshot() PNG`, 'ms', result.runnerSmall.ms.median, png, { kind: 'valueMax', max: 15 }),
    );
    ctx.emit(row('screenshot', `runner's small JPEG (a passed step), browser CPU per shot`, 'ms', result.runnerSmall.cpuMs, pngCpu));
    ctx.emit(row('screenshot', `CDP JPEG q${q}, page unchanged since the last shot`, 'ms', result.cdpJpegUnchanged.ms.median, png));
    ctx.emit(row('screenshot', `8×8 capture (the pipeline's floor)`, 'ms', result.floor.ms.median, png));
    ctx.emit(row('screenshot', `8×8 capture, browser CPU per shot`, 'ms', result.floor.cpuMs, pngCpu));
    ctx.emit(row('screenshot', `CDP JPEG size vs PNG size`, 'KiB', result.cdpJpeg.bytes / 1024, { value: result.playwrightPng.bytes / 1024, label: 'PNG' }));
    ctx.emit(row('screenshot', `page.screenshot() JPEG q${q} vs PNG`, 'ms', result.playwrightJpeg.ms.median, png));
    return result;
  } finally {
    await context.close().catch(() => undefined);
  }
}

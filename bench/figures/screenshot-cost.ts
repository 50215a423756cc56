import { performance } from 'node:perf_hooks';
import type { FigureContext } from '../lib/context.js';
import { VIEWPORT } from '../lib/raw-script.js';
import { row } from '../lib/rows.js';
import { median, round, summarize, type Summary } from '../lib/stats.js';

/** What src/runner/capture.ts sends (JPEG_QUALITY there); keep the two in step. */
export const RUNNER_JPEG = { format: 'jpeg', quality: 65, optimizeForSpeed: true } as const;

export interface ScreenshotCostResult {
  shots: number;
  viewport: { width: number; height: number };
  cdpJpeg: { ms: Summary; bytes: number };
  playwrightPng: { ms: Summary; bytes: number };
  playwrightJpeg: { ms: Summary; bytes: number };
  ratioJpegVsPng: number;
}

/**
 * Per-step screenshot cost on the reference page after a few steps: the runner's CDP
 * `Page.captureScreenshot` JPEG (one CDP session reused, as Capture does) against Playwright's
 * default `page.screenshot()` PNG, plus Playwright's own JPEG path for reference. Alternating.
 */
export async function measureScreenshotCost(ctx: FigureContext): Promise<ScreenshotCostResult> {
  const browser = await ctx.rawBrowser();
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(`${ctx.siteUrl}/form.html`, { waitUntil: 'load' });
    await page.locator('#f1').fill('a typed value');
    await page.locator('#b1').click();
    const cdp = await context.newCDPSession(page);
    const cdpJpeg = async (): Promise<number> => {
      const res = await cdp.send('Page.captureScreenshot', RUNNER_JPEG);
      return Buffer.from(res.data, 'base64').length;
    };
    const png = async (): Promise<number> => (await page.screenshot()).length;
    const pwJpeg = async (): Promise<number> => (await page.screenshot({ type: 'jpeg', quality: RUNNER_JPEG.quality })).length;
    const kinds = [
      { name: 'cdpJpeg', shoot: cdpJpeg, ms: [] as number[], bytes: [] as number[] },
      { name: 'png', shoot: png, ms: [] as number[], bytes: [] as number[] },
      { name: 'pwJpeg', shoot: pwJpeg, ms: [] as number[], bytes: [] as number[] },
    ];
    for (const k of kinds) await k.shoot(); // warm-up
    for (let i = 0; i < ctx.options.screenshotShots; i++) {
      for (let j = 0; j < kinds.length; j++) {
        const k = kinds[(i + j) % kinds.length];
        if (!k) continue;
        const t0 = performance.now();
        k.bytes.push(await k.shoot());
        k.ms.push(performance.now() - t0);
      }
    }
    await cdp.detach().catch(() => undefined);
    const [jpeg, pngK, pwj] = kinds as [(typeof kinds)[number], (typeof kinds)[number], (typeof kinds)[number]];
    const result: ScreenshotCostResult = {
      shots: ctx.options.screenshotShots,
      viewport: { ...VIEWPORT },
      cdpJpeg: { ms: summarize(jpeg.ms, 2), bytes: Math.round(median(jpeg.bytes)) },
      playwrightPng: { ms: summarize(pngK.ms, 2), bytes: Math.round(median(pngK.bytes)) },
      playwrightJpeg: { ms: summarize(pwj.ms, 2), bytes: Math.round(median(pwj.bytes)) },
      ratioJpegVsPng: round(median(jpeg.ms) / median(pngK.ms), 3),
    };
    ctx.emit(
      row('screenshot', `CDP JPEG q${RUNNER_JPEG.quality} (runner) vs page.screenshot() PNG`, 'ms', median(jpeg.ms), { value: median(pngK.ms), label: 'PNG' }),
    );
    ctx.emit(row('screenshot', `CDP JPEG size vs PNG size`, 'KiB', median(jpeg.bytes) / 1024, { value: median(pngK.bytes) / 1024, label: 'PNG' }));
    ctx.emit(row('screenshot', `page.screenshot() JPEG q${RUNNER_JPEG.quality} vs PNG`, 'ms', median(pwj.ms), { value: median(pngK.ms), label: 'PNG' }));
    return result;
  } finally {
    await context.close().catch(() => undefined);
  }
}

import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { StepError } from '../errors.js';
import type { StepContext } from '../step-context.js';
import type { ActionHandler } from './types.js';

/**
 * A failed comparison is retried while the page is still changing (two shots in a row differ) and
 * this much of the step's time is left; a page that stands still fails at its second shot.
 */
const RETRY_ROOM_MS = 1_000;
const RETRY_PAUSE_MS = 200;
const MAX_ATTEMPTS = 4;

export interface VisualComparison {
  /** Share of differing pixels, in percent of the larger image's area. */
  diffPercent: number;
  sizeMatches: boolean;
  expectedSize: { width: number; height: number };
  observedSize: { width: number; height: number };
  diffPng: Uint8Array;
}

/** Baselines are per step and per screen size: the same step at another size is another picture. */
export function baselineKey(ctx: StepContext): string {
  const { width, height } = ctx.session.plan.screen;
  return `${ctx.step.id}@${width}x${height}`;
}

/** Pads an image to `width`×`height` with transparent pixels, so images of different sizes compare. */
function padded(img: PNG, width: number, height: number): Uint8Array {
  if (img.width === width && img.height === height) return img.data;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < img.height; y++) {
    out.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), y * width * 4);
  }
  return out;
}

/** Compares two PNGs with pixelmatch; a size mismatch compares the overlap and counts the rest. */
export function compareScreenshots(
  expectedPng: Uint8Array,
  observedPng: Uint8Array,
  opts: { pixelThreshold: number; includeAntiAliasing: boolean },
): VisualComparison {
  const expected = PNG.sync.read(Buffer.from(expectedPng));
  const observed = PNG.sync.read(Buffer.from(observedPng));
  const width = Math.max(expected.width, observed.width);
  const height = Math.max(expected.height, observed.height);
  const diff = new PNG({ width, height });
  const differing = pixelmatch(padded(expected, width, height), padded(observed, width, height), diff.data, width, height, {
    threshold: opts.pixelThreshold,
    includeAA: opts.includeAntiAliasing,
  });
  const total = width * height;
  return {
    diffPercent: total === 0 ? 0 : (differing / total) * 100,
    sizeMatches: expected.width === observed.width && expected.height === observed.height,
    expectedSize: { width: expected.width, height: expected.height },
    observedSize: { width: observed.width, height: observed.height },
    diffPng: new Uint8Array(PNG.sync.write(diff)),
  };
}

/** Percent with at most two decimals; a difference too small to show is still not shown as 0. */
export function formatPercent(p: number): string {
  if (p > 0 && p < 0.01) return '0.01';
  return String(Math.round(p * 100) / 100);
}

/** The `file_source` of the reference a step supplies for this screen size; null when it supplies none. */
export function referenceSource(refs: unknown, screenType: string): string | null {
  const given = (Array.isArray(refs) ? refs : []).filter(
    (r): r is { file_source: string; screen_size_type?: unknown } =>
      typeof r === 'object' && r !== null && typeof (r as { file_source?: unknown }).file_source === 'string',
  );
  const pick = given.find((r) => r.screen_size_type === screenType) ?? given.find((r) => r.screen_size_type == null) ?? given[0];
  return pick?.file_source ?? null;
}

/**
 * The expected image: the reference the YAML supplies (a file of the imported bundle) when it
 * supplies one, else the baseline stored by an earlier run (null: none yet).
 */
async function expectedImage(ctx: StepContext, key: string): Promise<Uint8Array | null> {
  const source = referenceSource(ctx.details.visual_regression_ref_screenshots, ctx.session.plan.screen.type);
  if (source === null) return ctx.resources.baseline(key);
  const file = await ctx.resources.file(source);
  if (!file) throw new StepError('FILE_DOES_NOT_EXIST', `Reference screenshot "${source}" is not in the imported bundle`);
  return file;
}

function visualRegression(shoot: (ctx: StepContext) => Promise<Uint8Array>): ActionHandler {
  return async (ctx) => {
    const key = baselineKey(ctx);
    const settings = ctx.session.plan.settings.visualRegression;
    const baseline = await expectedImage(ctx, key);
    if (!baseline) {
      const png = await shoot(ctx);
      await ctx.resources.saveBaseline(key, png);
      ctx.session.events.log('info', `Visual regression: no reference screenshot for ${key} yet; this one is now the baseline`);
      return;
    }
    const maxDiff = ctx.details.visual_regression_max_diff ?? settings.defaultMaxDiff;
    ctx.record.assertionExpectedValue = formatPercent(maxDiff);
    let observed: Uint8Array;
    let result: VisualComparison;
    let previous: Uint8Array | null = null;
    for (let attempt = 1; ; attempt++) {
      observed = await shoot(ctx);
      result = compareScreenshots(baseline, observed, settings);
      const passed = result.sizeMatches && result.diffPercent <= maxDiff;
      const settled = previous !== null && Buffer.compare(previous, observed) === 0;
      if (passed || settled || attempt >= MAX_ATTEMPTS || ctx.remaining() < RETRY_ROOM_MS) break;
      previous = observed;
      await ctx.sleep(RETRY_PAUSE_MS);
    }
    ctx.record.assertionCurrentValue = formatPercent(result.diffPercent);
    const images: [string, Uint8Array][] = [
      ['expected', baseline],
      ['observed', observed],
      ['diff', result.diffPng],
    ];
    for (const [which, data] of images) {
      ctx.session.events.emit({
        type: 'artifact',
        kind: 'visual_regression_screenshot',
        name: `vr-${ctx.record.id}-${which}.png`,
        contentType: 'image/png',
        data,
        stepRunId: ctx.record.id,
      });
    }
    if (!result.sizeMatches) {
      const { expectedSize: e, observedSize: o } = result;
      throw new StepError('ASSERT_FAILED', `Screenshot size differs from the reference: ${o.width}x${o.height} instead of ${e.width}x${e.height}`);
    }
    if (result.diffPercent > maxDiff) {
      throw new StepError('ASSERT_FAILED', `Screenshots differ by ${formatPercent(result.diffPercent)} % (max ${formatPercent(maxDiff)} %)`);
    }
  };
}

/** Animations are stopped and the caret hidden, so the same page gives the same picture. */
const SHOT = { type: 'png', animations: 'disabled', caret: 'hide' } as const;

const pageVisualRegression = visualRegression(async (ctx) => new Uint8Array(await ctx.page.screenshot({ ...SHOT, timeout: ctx.pwTimeout() })));

const elementVisualRegression = visualRegression(async (ctx) => {
  const { loc } = await ctx.element();
  return new Uint8Array(await loc.screenshot({ ...SHOT, timeout: ctx.pwTimeout() }));
});

export const visualActions = { pageVisualRegression, elementVisualRegression } satisfies Record<string, ActionHandler>;

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { PlanStep, RunResources, RunSettings, ScreenSize, StepRunRecord } from '../../src/domain/index.js';
import { goto, plan, step, type CollectingSink } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const fixture = useRunnerFixture();

/** Baselines kept in memory, as runs/ keeps them in its store. */
class MemoryResources implements RunResources {
  readonly baselines = new Map<string, Uint8Array>();
  readonly saved: string[] = [];
  /** The imported bundle's files, by path. */
  readonly files = new Map<string, Uint8Array>();
  file = async (path: string): Promise<Uint8Array | null> => this.files.get(path) ?? null;
  baseline = async (key: string): Promise<Uint8Array | null> => this.baselines.get(key) ?? null;
  saveBaseline = async (key: string, png: Uint8Array): Promise<void> => {
    this.saved.push(key);
    this.baselines.set(key, png);
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const isPng = (data: Uint8Array | string | undefined): boolean => data instanceof Uint8Array && PNG_SIGNATURE.every((b, i) => data[i] === b);

// The same step objects in every run: baselines are keyed by step id and screen size.
const pageVr = step('pageVisualRegression', {}, { runTimeout: 3, continueOnFailure: true });
const elementVr = step('elementVisualRegression', { selector: '#box' }, { runTimeout: 3, continueOnFailure: true });

async function run(
  page: string,
  resources: RunResources,
  steps: PlanStep[] = [pageVr, elementVr],
  opts: { settings?: Partial<RunSettings>; screen?: ScreenSize } = {},
): Promise<{ records: StepRunRecord[]; sink: CollectingSink }> {
  const p = plan([goto(fixture.url(page)), ...steps], { settings: opts.settings });
  if (opts.screen) p.screen = opts.screen;
  const { sink } = await fixture.run(p, { resources });
  return { records: sink.steps().slice(1), sink };
}

const artifactsOf = (sink: CollectingSink, r: StepRunRecord | undefined) => sink.ofType('artifact').filter((a) => a.stepRunId === r?.id);

describe('visual regression', { timeout: 30_000 }, () => {
  const resources = new MemoryResources();

  it('records the first screenshot as the baseline and passes', async () => {
    const { records, sink } = await run('vr-a.html', resources);
    expect(records.map((r) => [r.status, r.warning, r.errorCode])).toEqual([
      ['passed', false, null],
      ['passed', false, null],
    ]);
    expect(resources.saved).toEqual([`${pageVr.id}@1024x700`, `${elementVr.id}@1024x700`]);
    expect(isPng(resources.baselines.get(`${pageVr.id}@1024x700`))).toBe(true);
    expect(isPng(resources.baselines.get(`${elementVr.id}@1024x700`))).toBe(true);
    expect(sink.ofType('artifact')).toEqual([]);
    expect(sink.ofType('log').filter((l) => l.message.includes('now the baseline'))).toHaveLength(2);
  });

  it('passes an identical page, emitting expected, observed and diff images', async () => {
    const { records, sink } = await run('vr-a.html', resources);
    expect(resources.saved).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({ status: 'passed', warning: false, assertionExpectedValue: '1', assertionCurrentValue: '0' });
      const artifacts = artifactsOf(sink, r);
      expect(artifacts.map((a) => [a.kind, a.name, a.contentType])).toEqual(
        ['expected', 'observed', 'diff'].map((w) => ['visual_regression_screenshot', `vr-${r.id}-${w}.png`, 'image/png']),
      );
      expect(artifacts.every((a) => isPng(a.data))).toBe(true);
    }
  });

  it('fails a changed page with ASSERT_FAILED and the difference, and a resized element', async () => {
    const { records, sink } = await run('vr-b.html', resources);
    const [pageRun, elementRun] = records;
    expect(pageRun).toMatchObject({ status: 'failed', ignoredFailed: true, errorCode: 'ASSERT_FAILED', assertionExpectedValue: '1' });
    // The red panel (100×100) and the wider box (20×100) of 1024×700 pixels: 1.67 %.
    expect(pageRun?.assertionCurrentValue).toBe('1.67');
    expect(pageRun?.error).toBe('Screenshots differ by 1.67 % (max 1 %)');
    expect(artifactsOf(sink, pageRun)).toHaveLength(3);
    expect(elementRun).toMatchObject({ status: 'failed', errorCode: 'ASSERT_FAILED' });
    expect(elementRun?.error).toBe('Screenshot size differs from the reference: 220x100 instead of 200x100');
    expect(artifactsOf(sink, elementRun)).toHaveLength(3);
    // A failed comparison never replaces the baseline.
    expect(resources.saved).toHaveLength(2);
  });

  it("respects the step's max diff, else the project default", async () => {
    const lenient: PlanStep = { ...pageVr, details: { visual_regression_max_diff: 2 } };
    const byStep = await run('vr-b.html', resources, [lenient]);
    expect(byStep.records[0]).toMatchObject({ status: 'passed', assertionExpectedValue: '2', assertionCurrentValue: '1.67' });
    const byProject = await run('vr-b.html', resources, [pageVr], {
      settings: { visualRegression: { defaultMaxDiff: 1.7, pixelThreshold: 0.1, includeAntiAliasing: false } },
    });
    expect(byProject.records[0]).toMatchObject({ status: 'passed', assertionExpectedValue: '1.7' });
  });

  it('keeps a baseline per screen size', async () => {
    const { records } = await run('vr-a.html', resources, [pageVr], { screen: { type: 'custom', width: 800, height: 600 } });
    expect(records[0]).toMatchObject({ status: 'passed' });
    expect(resources.saved.at(-1)).toBe(`${pageVr.id}@800x600`);
  });
});

describe('visual regression with the references the YAML supplies', { timeout: 30_000 }, () => {
  const resources = new MemoryResources();
  // vr-a.html, as a first run records it: the right picture of the page.
  const learn = new MemoryResources();
  /** A 1024×700 PNG whose top half is black: half of a light page differs from it. */
  const halfBlack = (): Uint8Array => {
    const png = new PNG({ width: 1024, height: 700 });
    for (let i = 0; i < png.data.length; i += 4) {
      const dark = i / 4 < 1024 * 350;
      png.data.set(dark ? [0, 0, 0, 255] : [255, 255, 255, 255], i);
    }
    return new Uint8Array(PNG.sync.write(png));
  };
  let steps = 0;
  const withRefs = (refs: unknown[]): PlanStep => ({
    ...pageVr,
    id: `${pageVr.id}-ref-${++steps}`,
    details: { visual_regression_max_diff: 10, visual_regression_ref_screenshots: refs },
  });

  it('compares with the supplied reference, never recording a baseline: 50 % off with 10 % allowed fails', async () => {
    resources.files.set('refs/home-mobile.png', new Uint8Array([1, 2, 3]));
    resources.files.set('refs/home.png', halfBlack());
    const step = withRefs([
      { file_source: 'refs/home-mobile.png', screen_size_type: 'mobile' },
      { file_source: 'refs/home.png', screen_size_type: 'desktop' },
    ]);
    const { records } = await run('vr-a.html', resources, [step]);
    expect(records[0]).toMatchObject({ status: 'failed', errorCode: 'ASSERT_FAILED', assertionExpectedValue: '10' });
    expect(Number(records[0]?.assertionCurrentValue)).toBeGreaterThan(40);
    expect(resources.saved).toEqual([]);
  });

  it('passes against a supplied reference that matches, and fails FILE_DOES_NOT_EXIST for one not in the bundle', async () => {
    await run('vr-a.html', learn, [pageVr]);
    resources.files.set('refs/right.png', learn.baselines.get(`${pageVr.id}@1024x700`) as Uint8Array);
    const { records } = await run('vr-a.html', resources, [withRefs([{ file_source: 'refs/right.png' }]), withRefs([{ file_source: 'refs/gone.png' }])]);
    expect(records[0]).toMatchObject({ status: 'passed', assertionCurrentValue: '0' });
    expect(records[1]).toMatchObject({
      status: 'failed',
      errorCode: 'FILE_DOES_NOT_EXIST',
      error: 'Reference screenshot "refs/gone.png" is not in the imported bundle',
    });
    expect(resources.saved).toEqual([]);
  });
});

import { RunFailedError } from '../lib/bench-service.js';
import type { FigureContext } from '../lib/context.js';
import { pngShot, rawWarmRun, runnerShot, type Shoot } from '../lib/raw-script.js';
import { describeMix, references, referenceYaml, type Reference } from '../lib/reference-test.js';
import { row } from '../lib/rows.js';
import { median, quantile, round } from '../lib/stats.js';
import { medianBreakdown, timedServiceRun, withQuietCpu, type RunCpu } from './run-latency.js';

export interface ReferenceResult {
  slug: string;
  label: string;
  steps: number;
  mix: string;
  /** Median CPU per run: the service polled every 250 ms (a CI client's pace), the warm script. */
  cpu: {
    service: Record<keyof RunCpu, number>;
    rawWarm: Record<keyof RunCpu, number>;
    ratio: number;
    /**
     * The same script taking the runner's captures instead of PNGs: the browser work any runner
     * on playwright-core pays for these steps and pictures, so its ratio to the PNG script is the
     * lowest the service's can be (the service adds its recording on top).
     */
    rawRunnerShots: Record<keyof RunCpu, number>;
    floorRatio: number;
    /** The quartiles of each repetition's own ratio (service and script run next to each other): the noise. */
    pairRatios: { p25: number; p75: number };
  };
  /** Median POST → passed (polled every 10 ms) against the warm script's run. */
  latency: { serviceMs: number; rawWarmMs: number; ratio: number };
}

export interface ReferencesResult {
  reps: number;
  /** Runs in a row per CPU reading. */
  batch: number;
  references: ReferenceResult[];
}

/**
 * Every reference side by side with the warm raw script, sequentially: CPU per run (this process
 * plus the browser's whole process tree, from /proc; exited renderers are counted through their
 * reaper's cutime), read over `referenceBatch` runs in a row from a quiet browser until it is quiet
 * again, and warm latency. Service and script alternate so load hits both alike.
 */
export async function measureReferences(ctx: FigureContext): Promise<ReferencesResult> {
  const { bench, browserPid } = await ctx.main();
  const browser = await ctx.rawBrowser();
  const rawPid = ctx.rawBrowserPid();
  if (browserPid === null || rawPid === null) throw new Error('bench: no browser pid to read CPU from');
  const all = references(ctx.options.steps, ctx.options.longPageCards);
  const ids = await bench.importYaml(Object.fromEntries(all.map((r) => [`${r.slug}.yaml`, referenceYaml(ctx.siteUrl, r.steps, r.slug)])));
  const out: ReferenceResult[] = [];
  for (const ref of all) {
    const testId = ids.get(ref.slug);
    if (!testId) throw new Error(`bench: ${ref.slug} was not imported`);
    out.push(await measureReference(ctx, ref, testId, browserPid, rawPid, browser));
  }
  return { reps: ctx.options.latencyReps, batch: ctx.options.referenceBatch, references: out };
}

async function measureReference(
  ctx: FigureContext,
  ref: Reference,
  testId: string,
  browserPid: number,
  rawPid: number,
  browser: Awaited<ReturnType<FigureContext['rawBrowser']>>,
): Promise<ReferenceResult> {
  const { bench } = await ctx.main();
  const serviceRun = async (pollMs: number) => {
    try {
      const run = await timedServiceRun(bench, testId, pollMs);
      // The pool's next context is opened when a run's closes: the run's share of the browser work.
      await bench.spareReady();
      return run;
    } catch (e) {
      if (!(e instanceof RunFailedError)) throw e;
      ctx.runFailed(`${ref.slug}: ${e.message}`);
      return null;
    }
  };
  if (ctx.options.warmup) {
    await serviceRun(10);
    await rawWarmRun(browser, ref.steps, ctx.siteUrl);
  }
  const batch = ctx.options.referenceBatch;
  const perRun = (cpu: RunCpu): RunCpu => ({ nodeMs: cpu.nodeMs / batch, browserMs: cpu.browserMs / batch, totalMs: cpu.totalMs / batch });
  /** `batch` warm script runs in one reading. */
  const rawBatch = (shoot: Shoot) =>
    withQuietCpu(rawPid, async () => {
      let last = await rawWarmRun(browser, ref.steps, ctx.siteUrl, shoot);
      for (let b = 1; b < batch; b++) last = await rawWarmRun(browser, ref.steps, ctx.siteUrl, shoot);
      return last;
    });
  const runnerShotsCpu: RunCpu[] = [];
  const serviceCpu: RunCpu[] = [];
  const rawCpu: RunCpu[] = [];
  const serviceMs: number[] = [];
  const rawMs: number[] = [];
  const pairRatios: number[] = [];
  for (let rep = 0; rep < ctx.options.latencyReps; rep++) {
    // This repetition's readings: the service's and the PNG script's give its own ratio.
    let serviceMsCpu: number | null = null;
    let rawMsCpu: number | null = null;
    const sides = [
      async () => {
        const { value: passed, cpu } = await withQuietCpu(browserPid, async () => {
          let ok = 0;
          for (let b = 0; b < batch; b++) if (await serviceRun(250)) ok++;
          return ok;
        });
        if (passed === batch && cpu) {
          serviceCpu.push(perRun(cpu));
          serviceMsCpu = cpu.totalMs / batch;
        }
        const timed = await serviceRun(10);
        if (timed) serviceMs.push(timed.clientMs);
      },
      async () => {
        const { value, cpu } = await rawBatch(pngShot);
        if (cpu) {
          rawCpu.push(perRun(cpu));
          rawMsCpu = cpu.totalMs / batch;
        }
        rawMs.push(value.totalMs);
      },
      async () => {
        const { cpu } = await rawBatch(runnerShot);
        if (cpu) runnerShotsCpu.push(perRun(cpu));
      },
    ];
    for (let k = 0; k < sides.length; k++) await sides[(rep + k) % sides.length]!();
    if (serviceMsCpu !== null && rawMsCpu !== null) pairRatios.push(serviceMsCpu / rawMsCpu);
  }
  if (serviceCpu.length === 0 || serviceMs.length === 0) throw new Error(`bench: no service run of ${ref.slug} passed`);
  const service = medianBreakdown(serviceCpu);
  const rawWarm = medianBreakdown(rawCpu);
  const rawRunnerShots = medianBreakdown(runnerShotsCpu);
  const latency = { serviceMs: round(median(serviceMs), 1), rawWarmMs: round(median(rawMs), 1), ratio: round(median(serviceMs) / median(rawMs), 3) };
  const n = ref.steps.length;
  ctx.emit(
    row(
      'references',
      `${ref.slug} (${n} steps), CPU per run`,
      'ms',
      service.totalMs,
      { value: rawWarm.totalMs, label: 'warm script, PNG shots' },
      { kind: 'ratioMax', max: 0.75 },
    ),
  );
  ctx.emit(
    row('references', `${ref.slug}: the script with the runner's captures, CPU per run`, 'ms', rawRunnerShots.totalMs, {
      value: rawWarm.totalMs,
      label: 'warm script, PNG shots',
    }),
  );
  ctx.emit(
    row(
      'references',
      `${ref.slug} (${n} steps), POST→passed`,
      'ms',
      latency.serviceMs,
      { value: latency.rawWarmMs, label: 'warm script' },
      { kind: 'ratioMax', max: 0.8 },
    ),
  );
  return {
    slug: ref.slug,
    label: ref.label,
    steps: n,
    mix: describeMix(ref.steps),
    cpu: {
      service,
      rawWarm,
      ratio: round(service.totalMs / rawWarm.totalMs, 3),
      rawRunnerShots,
      floorRatio: round(rawRunnerShots.totalMs / rawWarm.totalMs, 3),
      pairRatios: { p25: round(quantile(pairRatios, 0.25), 2), p75: round(quantile(pairRatios, 0.75), 2) },
    },
    latency,
  };
}

import { describeFailure, RunFailedError, type BenchService, type RunDetails } from '../lib/bench-service.js';
import { isoMs } from '../lib/clock.js';
import type { FigureContext } from '../lib/context.js';
import { browserQuiet, nodeCpuMs, treeCpuMs } from '../lib/processes.js';
import { rawOneShotRun, rawWarmRun, type RawRunTimes } from '../lib/raw-script.js';
import { row } from '../lib/rows.js';
import { median, round, sum, summarize, type Summary } from '../lib/stats.js';

/** Where one service run's milliseconds went, from the client's clock and the run's own timestamps. */
export interface ServiceRunBreakdown {
  /** POST sent → first poll showing `passed` (what an API client waits). */
  clientMs: number;
  /** Run `queued` → `ended` (server side). */
  serverMs: number;
  /** POST round trip. */
  postMs: number;
  /** POST sent → run row inserted (`queued`). */
  acceptMs: number;
  /** `queued` → `started` (picked by the queue; the runner's clock starts). */
  queueMs: number;
  /** `started` → first step started: browser, context and page. */
  setupMs: number;
  /** Sum of the steps' own durations (waiting conditions + action). */
  stepsMs: number;
  /** Sum of the gaps between one step's end and the next one's start (screenshot + events). */
  betweenStepsMs: number;
  /** Last step ended → run ended (last screenshot, log + artifacts, context close, status write). */
  teardownMs: number;
  /** Run ended → the client's poll saw it (polling granularity). */
  observeMs: number;
}

/** Step duration (started → ended) by step type, for one run. */
export function stepTimesByType(d: RunDetails): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const s of d.stepsRuns) {
    if (!s.started || !s.ended) continue;
    (out[s.type] ??= []).push(isoMs(s.ended) - isoMs(s.started));
  }
  return out;
}

export function breakdownOf(d: RunDetails, sentAt: number, postMs: number, observedAt: number): ServiceRunBreakdown {
  const steps = d.stepsRuns.filter((s) => s.started && s.ended);
  const first = steps[0];
  const last = steps[steps.length - 1];
  const gaps: number[] = [];
  for (let i = 1; i < steps.length; i++) gaps.push(isoMs(steps[i]?.started) - isoMs(steps[i - 1]?.ended));
  return {
    clientMs: observedAt - sentAt,
    serverMs: isoMs(d.ended) - isoMs(d.queued),
    postMs,
    acceptMs: isoMs(d.queued) - sentAt,
    queueMs: isoMs(d.started) - isoMs(d.queued),
    setupMs: isoMs(first?.started) - isoMs(d.started),
    stepsMs: sum(steps.map((s) => isoMs(s.ended) - isoMs(s.started))),
    betweenStepsMs: sum(gaps),
    teardownMs: isoMs(d.ended) - isoMs(last?.ended),
    observeMs: observedAt - isoMs(d.ended),
  };
}

/** Median of every field across runs. */
export function medianBreakdown<T extends object>(items: readonly T[]): Record<keyof T, number> {
  const out = {} as Record<keyof T, number>;
  const first = items[0];
  if (!first) return out;
  for (const key of Object.keys(first) as (keyof T)[]) {
    const values = items.map((i) => i[key]).filter((v): v is T[keyof T] & number => typeof v === 'number');
    out[key] = round(median(values), 1);
  }
  return out;
}

export interface RawBreakdown {
  totalMs: number;
  launchMs: number;
  contextMs: number;
  actionsMs: number;
  screenshotsMs: number;
  closeContextMs: number;
  closeBrowserMs: number;
}

function rawBreakdown(t: RawRunTimes): RawBreakdown {
  return {
    totalMs: t.totalMs,
    launchMs: t.launchMs,
    contextMs: t.contextMs,
    actionsMs: sum(t.actionMs),
    screenshotsMs: sum(t.screenshotMs),
    closeContextMs: t.closeContextMs,
    closeBrowserMs: t.closeBrowserMs,
  };
}

/** CPU time one run cost: this Node process (server + client, or the script) and the browser's process tree. */
export interface RunCpu {
  nodeMs: number;
  browserMs: number;
  totalMs: number;
}

export async function withCpu<T>(browserPid: number | null, work: () => Promise<T>): Promise<{ value: T; cpu: RunCpu | null }> {
  const n0 = nodeCpuMs();
  const b0 = browserPid === null ? 0 : treeCpuMs(browserPid);
  const value = await work();
  if (browserPid === null) return { value, cpu: null };
  const nodeMs = nodeCpuMs() - n0;
  const browserMs = treeCpuMs(browserPid) - b0;
  return { value, cpu: { nodeMs, browserMs, totalMs: nodeMs + browserMs } };
}

/**
 * withCpu from a quiet browser until it is quiet again (browserQuiet): the reading holds all the
 * work `work` caused, including what the browser does after its last awaited call.
 */
export async function withQuietCpu<T>(browserPid: number | null, work: () => Promise<T>): Promise<{ value: T; cpu: RunCpu | null }> {
  if (browserPid === null) return withCpu(null, work);
  await browserQuiet(browserPid);
  return withCpu(browserPid, async () => {
    const value = await work();
    await browserQuiet(browserPid);
    return value;
  });
}

export interface RunLatencyResult {
  steps: number;
  reps: number;
  /** Median CPU per run (service includes answering its client's 10 ms status polls). */
  cpu: {
    service: Record<keyof RunCpu, number> | null;
    /** The same service run polled every 250 ms instead of 10 ms: what the client's polling costs. */
    serviceSlowPoll: Record<keyof RunCpu, number> | null;
    rawWarm: Record<keyof RunCpu, number> | null;
  };
  service: { clientMs: Summary; serverMs: Summary; breakdown: Record<keyof ServiceRunBreakdown, number>; runs: ServiceRunBreakdown[] };
  rawOneShot: { totalMs: Summary; breakdown: Record<keyof RawBreakdown, number> };
  rawWarm: { totalMs: Summary; breakdown: Record<keyof RawBreakdown, number> };
  /**
   * Median ms per step type: the service's step (waiting conditions + action + its checks, no
   * screenshot) against the raw script's action alone (no screenshot), warm-browser runs.
   */
  perStepType: Record<string, { service: number; raw: number }>;
  ratioVsOneShot: number;
  ratioVsWarm: number;
}

/** One service run, timed from the client (10 ms status polls over HTTP) and from its timestamps. */
export async function timedServiceRun(bench: BenchService, testId: string, pollMs = 10, byType?: Record<string, number[]>): Promise<ServiceRunBreakdown> {
  const run = await bench.startRun(testId);
  const seen = await bench.waitForEnd(run.id, { pollMs });
  const details = await bench.details(run.id);
  if (seen.status !== 'passed') throw new RunFailedError(describeFailure(details, seen.status));
  if (byType) for (const [type, ms] of Object.entries(stepTimesByType(details))) (byType[type] ??= []).push(...ms);
  return breakdownOf(details, run.sentAt, run.postMs, seen.observedAt);
}

/**
 * Run latency of the reference test: the service (POST → `passed` over HTTP) against the same
 * steps as a one-shot playwright-core script (launch included) and on an already-running browser
 * (new context per run), alternating the three so machine load hits all of them alike.
 */
export async function measureRunLatency(ctx: FigureContext): Promise<RunLatencyResult> {
  const { bench, referenceId, browserPid } = await ctx.main();
  const browser = await ctx.rawBrowser();
  const rawPid = ctx.rawBrowserPid();
  const serviceCpu: RunCpu[] = [];
  const warmCpu: RunCpu[] = [];
  const serviceByType: Record<string, number[]> = {};
  const rawByType: Record<string, number[]> = {};
  const rawType = (a: string): string => (a === 'assertText' ? 'assert' : a);
  // Warm-up, discarded: the service's first run launches its browser; the first context of a
  // browser and the first page load pay one-time costs on both sides.
  // A run that does not pass is reported and left out; the figure needs at least half of them.
  const tolerant = async <T>(work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof RunFailedError)) throw e;
      ctx.runFailed(e.message);
      return null;
    }
  };
  if (ctx.options.warmup) {
    await tolerant(() => timedServiceRun(bench, referenceId));
    await rawWarmRun(browser, ctx.steps, ctx.siteUrl);
  }

  const service: ServiceRunBreakdown[] = [];
  const oneShot: RawBreakdown[] = [];
  const warm: RawBreakdown[] = [];
  const kinds = ['service', 'oneShot', 'warm'] as const;
  for (let rep = 0; rep < ctx.options.latencyReps; rep++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(rep + k) % kinds.length];
      if (kind === 'service') {
        // The window closes once the pool's next context is open and the browser is quiet: the run's share of the browser work.
        const { value, cpu } = await withQuietCpu(browserPid, async () => {
          const run = await tolerant(() => timedServiceRun(bench, referenceId, 10, serviceByType));
          await bench.spareReady();
          return run;
        });
        if (value) service.push(value);
        if (value && cpu) serviceCpu.push(cpu);
      } else if (kind === 'oneShot') oneShot.push(rawBreakdown(await rawOneShotRun(ctx.steps, ctx.siteUrl)));
      else {
        const { value, cpu } = await withQuietCpu(rawPid, () => rawWarmRun(browser, ctx.steps, ctx.siteUrl));
        warm.push(rawBreakdown(value));
        value.actionMs.forEach((ms, i) => (rawByType[rawType(ctx.steps[i]?.action ?? '?')] ??= []).push(ms));
        if (cpu) warmCpu.push(cpu);
      }
    }
    const last = service[service.length - 1];
    ctx.log(
      `  latency rep ${rep + 1}/${ctx.options.latencyReps}: service ${last?.clientMs.toFixed(0)} ms, ` +
        `one-shot ${oneShot[oneShot.length - 1]?.totalMs.toFixed(0)} ms, warm ${warm[warm.length - 1]?.totalMs.toFixed(0)} ms`,
    );
  }

  // CPU of a run whose client polls every 250 ms: the difference is what 10 ms polling costs.
  const slowPollCpu: RunCpu[] = [];
  for (let i = 0; i < (ctx.options.latencyReps >= 5 ? 2 : 0); i++) {
    const { value, cpu } = await withQuietCpu(browserPid, async () => {
      const run = await tolerant(() => timedServiceRun(bench, referenceId, 250));
      await bench.spareReady();
      return run;
    });
    if (value && cpu) slowPollCpu.push(cpu);
  }
  if (service.length < Math.ceil(ctx.options.latencyReps / 2))
    throw new Error(`bench: only ${service.length} of ${ctx.options.latencyReps} service runs passed`);
  const clientMedian = median(service.map((s) => s.clientMs));
  const oneShotMedian = median(oneShot.map((r) => r.totalMs));
  const warmMedian = median(warm.map((r) => r.totalMs));
  const result: RunLatencyResult = {
    steps: ctx.steps.length,
    reps: ctx.options.latencyReps,
    cpu: {
      service: serviceCpu.length > 0 ? medianBreakdown(serviceCpu) : null,
      serviceSlowPoll: slowPollCpu.length > 0 ? medianBreakdown(slowPollCpu) : null,
      rawWarm: warmCpu.length > 0 ? medianBreakdown(warmCpu) : null,
    },
    service: {
      clientMs: summarize(service.map((s) => s.clientMs)),
      serverMs: summarize(service.map((s) => s.serverMs)),
      breakdown: medianBreakdown(service),
      runs: service.map((s) => medianBreakdown([s])),
    },
    rawOneShot: { totalMs: summarize(oneShot.map((r) => r.totalMs)), breakdown: medianBreakdown(oneShot) },
    rawWarm: { totalMs: summarize(warm.map((r) => r.totalMs)), breakdown: medianBreakdown(warm) },
    perStepType: Object.fromEntries(
      Object.entries(serviceByType).map(([type, ms]) => [type, { service: round(median(ms), 1), raw: round(median(rawByType[type] ?? []), 1) }]),
    ),
    ratioVsOneShot: round(clientMedian / oneShotMedian, 3),
    ratioVsWarm: round(clientMedian / warmMedian, 3),
  };
  const n = ctx.steps.length;
  ctx.emit(
    row(
      'latency',
      `${n}-step run, POST→passed vs one-shot script`,
      'ms',
      clientMedian,
      { value: oneShotMedian, label: 'launch+run+close' },
      { kind: 'ratioMax', max: 0.75 },
    ),
  );
  ctx.emit(
    row(
      'latency',
      `${n}-step run, POST→passed vs warm browser`,
      'ms',
      clientMedian,
      { value: warmMedian, label: 'new context per run' },
      { kind: 'ratioMax', max: 1.15 },
    ),
  );
  ctx.emit(
    row('latency', `${n}-step run, queued→ended (server) vs warm`, 'ms', median(service.map((s) => s.serverMs)), {
      value: warmMedian,
      label: 'new context per run',
    }),
  );
  if (result.cpu.service && result.cpu.rawWarm) {
    ctx.emit(
      row('latency', `${n}-step run, CPU (node + browser) vs warm browser`, 'ms', result.cpu.service.totalMs, {
        value: result.cpu.rawWarm.totalMs,
        label: 'new context per run',
      }),
    );
  }
  return result;
}

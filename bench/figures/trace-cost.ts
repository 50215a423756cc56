import { TRACE_POLICIES, type TracePolicy } from '../../src/domain/index.js';
import { startTestRun } from '../../src/use-cases/index.js';
import { describeFailure, RunFailedError, type BenchService } from '../lib/bench-service.js';
import { nowMs } from '../lib/clock.js';
import type { FigureContext } from '../lib/context.js';
import { row } from '../lib/rows.js';
import { median, round, summarize, type Summary } from '../lib/stats.js';
import { breakdownOf, medianBreakdown, withCpu, type RunCpu } from './run-latency.js';

/** One policy's cost per run of the reference test (every run passes). */
export interface TracePolicyCost {
  /** Run `queued` → `ended` (server side: the trace is saved and its file written before `ended`). */
  serverMs: Summary;
  /** Created → the client's 10 ms poll saw `passed`. */
  clientMs: number;
  /** `started` → first step: opening the context, and starting the trace. */
  setupMs: number;
  /** Between steps: screenshots, events, the trace's group marks. */
  betweenStepsMs: number;
  /** Last step ended → run ended: saving the trace zip, the final files, closing the context. */
  teardownMs: number;
  /** Median CPU per run: this process and the browser's process tree, until the next spare context is ready. */
  cpu: Record<keyof RunCpu, number> | null;
  /** Median size of the trace kept (0: none kept). */
  traceKiB: number;
}

export interface TraceCostResult {
  steps: number;
  reps: number;
  policies: Record<TracePolicy, TracePolicyCost>;
}

interface Sample {
  serverMs: number;
  clientMs: number;
  setupMs: number;
  betweenStepsMs: number;
  teardownMs: number;
  traceBytes: number;
}

/**
 * One run of the reference test with its own trace policy (the plan's, which wins over the
 * worker's BUGRUN_TRACE: the same decision, so a run here costs what it costs under that
 * setting). Created in-process through the use case the API calls; timed like the latency figure.
 */
async function runWith(bench: BenchService, projectId: string, testId: string, policy: TracePolicy): Promise<Sample> {
  const { store, runs } = bench.service;
  const sentAt = nowMs();
  const started = await startTestRun({ store, runs }, { projectId, testId, profile: null, variables: [], triggeredBy: 'api', trace: policy });
  if (!started.ok) throw new Error(`bench: run not created: ${JSON.stringify(started.errors)}`);
  const id = started.run.id;
  const seen = await bench.waitForEnd(id, { pollMs: 10 });
  const details = await bench.details(id);
  if (seen.status !== 'passed') throw new RunFailedError(`${policy}: ${describeFailure(details, seen.status)}`);
  const b = breakdownOf(details, sentAt, 0, seen.observedAt);
  const trace = (await store.artifacts.listByRun(id)).find((a) => a.kind === 'trace');
  return {
    serverMs: b.serverMs,
    clientMs: b.clientMs,
    setupMs: b.setupMs,
    betweenStepsMs: b.betweenStepsMs,
    teardownMs: b.teardownMs,
    traceBytes: trace?.size ?? 0,
  };
}

/**
 * What each BUGRUN_TRACE policy costs a passing run of the reference test, against `off`: wall
 * time and CPU (this process + the browser tree). `on` records and keeps the trace;
 * `retain-on-failure` records it and, the run having passed, drops it; `on-first-retry` on a
 * first attempt records nothing (its retried attempts cost what `on` costs). Policies alternate
 * within each repetition so machine load hits them alike.
 */
export async function measureTraceCost(ctx: FigureContext): Promise<TraceCostResult> {
  const { bench, referenceId, browserPid } = await ctx.main();
  const projectId = bench.service.projectId;
  const samples = new Map<TracePolicy, Sample[]>(TRACE_POLICIES.map((p) => [p, []]));
  const cpus = new Map<TracePolicy, RunCpu[]>(TRACE_POLICIES.map((p) => [p, []]));
  const once = async (policy: TracePolicy): Promise<{ sample: Sample; cpu: RunCpu | null } | null> => {
    try {
      const { value, cpu } = await withCpu(browserPid, async () => {
        const sample = await runWith(bench, projectId, referenceId, policy);
        // The run's share of the browser's work ends once the pool's next context is open.
        await bench.spareReady();
        return sample;
      });
      return { sample: value, cpu };
    } catch (e) {
      if (!(e instanceof RunFailedError)) throw e;
      ctx.runFailed(e.message);
      return null;
    }
  };
  // Warm-up, discarded: the first trace of a browser pays one-time costs.
  if (ctx.options.warmup) for (const policy of TRACE_POLICIES) await once(policy);
  for (let rep = 0; rep < ctx.options.traceReps; rep++) {
    const order = TRACE_POLICIES.map((_, i) => TRACE_POLICIES[(rep + i) % TRACE_POLICIES.length] as TracePolicy);
    for (const policy of order) {
      const r = await once(policy);
      if (!r) continue;
      samples.get(policy)?.push(r.sample);
      if (r.cpu) cpus.get(policy)?.push(r.cpu);
    }
    ctx.log(
      `  trace rep ${rep + 1}/${ctx.options.traceReps}: ` +
        TRACE_POLICIES.map((p) => `${p} ${samples.get(p)?.at(-1)?.serverMs.toFixed(0) ?? '–'} ms`).join(', '),
    );
  }
  for (const p of TRACE_POLICIES) {
    if ((samples.get(p)?.length ?? 0) < Math.ceil(ctx.options.traceReps / 2)) throw new Error(`bench: too few passing runs with trace policy ${p}`);
  }

  const cost = (p: TracePolicy): TracePolicyCost => {
    const s = samples.get(p) ?? [];
    const m = medianBreakdown(s);
    const kept = s.map((x) => x.traceBytes);
    const c = cpus.get(p) ?? [];
    return {
      serverMs: summarize(s.map((x) => x.serverMs)),
      clientMs: m.clientMs,
      setupMs: m.setupMs,
      betweenStepsMs: m.betweenStepsMs,
      teardownMs: m.teardownMs,
      cpu: c.length > 0 ? medianBreakdown(c) : null,
      traceKiB: round(median(kept) / 1024, 1),
    };
  };
  const policies = Object.fromEntries(TRACE_POLICIES.map((p) => [p, cost(p)])) as Record<TracePolicy, TracePolicyCost>;
  const result: TraceCostResult = { steps: ctx.steps.length, reps: ctx.options.traceReps, policies };

  const n = ctx.steps.length;
  const off = policies.off;
  for (const p of TRACE_POLICIES.filter((x) => x !== 'off')) {
    const label = p === 'on-first-retry' ? `${p} (1st attempt)` : p === 'retain-on-failure' ? `${p} (passed)` : p;
    ctx.emit(row('trace', `${n}-step run, ${label}: queued→ended`, 'ms', policies[p].serverMs.median, { value: off.serverMs.median, label: 'off' }));
    if (policies[p].cpu && off.cpu) {
      ctx.emit(row('trace', `${n}-step run, ${label}: CPU (node + browser)`, 'ms', policies[p].cpu.totalMs, { value: off.cpu.totalMs, label: 'off' }));
    }
  }
  ctx.emit(row('trace', `${n}-step run, on: trace zip kept`, 'KiB', policies.on.traceKiB));
  return result;
}

import { performance } from 'node:perf_hooks';
import { isoMs, nowMs } from '../lib/clock.js';
import { measureCrossProcessQueue, type CrossProcessQueueResult } from './cross-process-queue.js';
import type { FigureContext } from '../lib/context.js';
import { sleep } from '../lib/http.js';
import { VIEWPORT } from '../lib/raw-script.js';
import { row } from '../lib/rows.js';
import { median, summarize, type Summary } from '../lib/stats.js';

export interface QueueLatencyResult {
  reps: number;
  /** POST sent → first status poll (back to back, ~1 ms apart) that is not `queued`. */
  clientLeftQueuedMs: Summary;
  /** The run's own `queued` → `started` timestamps. */
  queuedToStartedMs: Summary;
  /** POST sent → first step started (queue + browser context + page). */
  postToFirstStepMs: Summary;
  postMs: Summary;
  /** Baseline for the last one: browser.newContext() + newPage() on a warm browser. */
  rawContextMs: Summary;
  /** The same from an API process to a worker process on PostgreSQL (not in the tiny mode). */
  crossProcess: CrossProcessQueueResult | null;
}

const POLL_LIMIT_MS = 10_000;

/**
 * Queued → started on an idle server, with a 2-step probe test. The status is polled back to
 * back until it leaves `queued`, so the figure is not rounded up to a polling interval.
 */
export async function measureQueueLatency(ctx: FigureContext): Promise<QueueLatencyResult> {
  const { bench, probeId } = await ctx.main();
  const browser = await ctx.rawBrowser();
  const left: number[] = [];
  const queuedToStarted: number[] = [];
  const toFirstStep: number[] = [];
  const post: number[] = [];
  const rawContext: number[] = [];

  const idle = async (): Promise<void> => {
    for (let i = 0; i < 500; i++) {
      const load = await bench.service.runs.load();
      if (load.active === 0 && load.queued === 0) {
        // Idle includes the browser context the pool opens for the next run after each run.
        await bench.spareReady();
        return;
      }
      await sleep(10);
    }
    throw new Error('bench: the service did not become idle');
  };

  const warmups = ctx.options.warmup ? 1 : 0;
  for (let rep = 0; rep < ctx.options.queueReps + warmups; rep++) {
    await idle();
    await sleep(50); // let the last run's writes settle: "idle" means idle
    const run = await bench.startRun(probeId);
    const deadline = Date.now() + POLL_LIMIT_MS;
    let leftAt = Number.NaN;
    while (Number.isNaN(leftAt)) {
      const status = await bench.status(run.id);
      if (status !== 'queued') leftAt = nowMs();
      else if (Date.now() > deadline) throw new Error(`bench: run ${run.id} still queued after ${POLL_LIMIT_MS} ms`);
    }
    const seen = await bench.waitForEnd(run.id, { pollMs: 20 });
    if (seen.status !== 'passed') throw new Error(`bench: queue probe run ${run.id} ended ${seen.status}`);
    const d = await bench.details(run.id);
    if (rep < warmups) continue;
    left.push(leftAt - run.sentAt);
    queuedToStarted.push(isoMs(d.started) - isoMs(d.queued));
    toFirstStep.push(isoMs(d.stepsRuns[0]?.started) - run.sentAt);
    post.push(run.postMs);

    const t0 = performance.now();
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.newPage();
    rawContext.push(performance.now() - t0);
    await context.close();
  }

  const result: QueueLatencyResult = {
    reps: ctx.options.queueReps,
    clientLeftQueuedMs: summarize(left),
    queuedToStartedMs: summarize(queuedToStarted),
    postToFirstStepMs: summarize(toFirstStep),
    postMs: summarize(post),
    rawContextMs: summarize(rawContext),
    crossProcess: null,
  };
  ctx.emit(row('queue', 'POST → status leaves queued (client, idle)', 'ms', median(left), undefined, { kind: 'valueMax', max: 50 }));
  ctx.emit(row('queue', 'run queued → started (timestamps, idle)', 'ms', median(queuedToStarted), undefined, { kind: 'valueMax', max: 50 }));
  ctx.emit(
    row('queue', 'POST → first step started vs new context+page', 'ms', median(toFirstStep), { value: median(rawContext), label: 'raw newContext+newPage' }),
  );
  if (ctx.options.crossProcessReps > 0) result.crossProcess = await measureCrossProcessQueue(ctx, ctx.options.crossProcessReps);
  return result;
}

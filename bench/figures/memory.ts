import { runBatch } from '../lib/bench-service.js';
import type { FigureContext } from '../lib/context.js';
import { sleep } from '../lib/http.js';
import { sampleEvery, sampleTreePss, treePssMb } from '../lib/processes.js';
import { rawWarmRun } from '../lib/raw-script.js';
import { row } from '../lib/rows.js';
import { round } from '../lib/stats.js';

export interface MemoryPoint {
  concurrency: number;
  servicePeakMb: number;
  rawPeakMb: number;
  /** This process's RSS at its peak during the service's runs (in-process: harness included). */
  serverRssPeakMb: number;
  /** (peak − idle) / concurrency. */
  servicePerRunMb: number;
  rawPerRunMb: number;
}

export interface MemoryResult {
  /** RSS of this Node process before the service existed (Node + playwright-core + harness). */
  processRssBeforeServiceMb: number;
  /** RSS once the service listened and its browser was up, before any run. */
  serverRssIdleMb: number;
  serverHeapUsedIdleMb: number;
  /** RSS and heap when this figure ran: after the runs of the figures before it. */
  serverRssAfterRunsMb: number;
  serverHeapUsedAfterRunsMb: number;
  serviceBrowserIdleMb: number;
  serviceBrowserProcesses: number;
  rawBrowserIdleMb: number;
  rawBrowserProcesses: number;
  points: MemoryPoint[];
}

function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

/**
 * Memory: the server process's RSS while idle and at its peak during N concurrent runs, and the browsers' PSS (from /proc/<pid>/smaps_rollup
 * of the browser process and all its descendants), idle and at its peak during N concurrent runs.
 */
export async function measureMemory(ctx: FigureContext, rssBeforeService: number): Promise<MemoryResult> {
  const { bench, referenceId, browserPid: servicePid, memoryAtStart } = await ctx.main();
  const rawBrowser = await ctx.rawBrowser();
  if (ctx.options.warmup) {
    // The browser is up and has served a run.
    for (const f of (await runBatch(bench, referenceId, 1)).failures) ctx.runFailed(f);
    await sleep(500);
  }
  const usage = process.memoryUsage();
  const rawPid = ctx.rawBrowserPid();
  if (servicePid === null || rawPid === null) throw new Error("bench: cannot find the browsers' processes (memory needs locally launched browsers)");

  const serviceIdle = treePssMb(servicePid);
  const rawIdle = treePssMb(rawPid);
  ctx.emit(
    row('memory', 'server RSS idle (in-process, incl. harness)', 'MiB', mb(memoryAtStart.rss), {
      value: mb(rssBeforeService),
      label: 'same process before service',
    }),
  );
  ctx.emit(row('memory', 'browser PSS idle (all Chromium processes)', 'MiB', serviceIdle.mb, { value: rawIdle.mb, label: 'raw browser idle' }));
  const points: MemoryPoint[] = [];
  for (const concurrency of ctx.options.memoryConcurrency) {
    if (concurrency > bench.service.config.concurrency) throw new Error(`bench: main service runs at most ${bench.service.config.concurrency} at once`);
    const s = sampleTreePss(servicePid);
    const rss = sampleEvery(() => process.memoryUsage.rss(), 50);
    for (const f of (await runBatch(bench, referenceId, concurrency)).failures) ctx.runFailed(f);
    const servicePeak = Math.max(...s.stop());
    const rssPeak = Math.max(...rss.stop());
    const r = sampleTreePss(rawPid);
    await Promise.all(Array.from({ length: concurrency }, () => rawWarmRun(rawBrowser, ctx.steps, ctx.siteUrl)));
    const rawPeak = Math.max(...r.stop());
    const point: MemoryPoint = {
      concurrency,
      servicePeakMb: round(servicePeak, 1),
      rawPeakMb: round(rawPeak, 1),
      serverRssPeakMb: mb(rssPeak),
      servicePerRunMb: round((servicePeak - serviceIdle.mb) / concurrency, 1),
      rawPerRunMb: round((rawPeak - rawIdle.mb) / concurrency, 1),
    };
    points.push(point);
    ctx.emit(
      row('memory', `browser PSS per run at concurrency ${concurrency}`, 'MiB', point.servicePerRunMb, {
        value: point.rawPerRunMb,
        label: 'raw, shared browser',
      }),
    );
    ctx.emit(
      row('memory', `server RSS peak at concurrency ${concurrency} (in-process, incl. harness)`, 'MiB', point.serverRssPeakMb, {
        value: mb(memoryAtStart.rss),
        label: 'server RSS idle',
      }),
    );
  }
  const result: MemoryResult = {
    processRssBeforeServiceMb: mb(rssBeforeService),
    serverRssIdleMb: mb(memoryAtStart.rss),
    serverHeapUsedIdleMb: mb(memoryAtStart.heapUsed),
    serverRssAfterRunsMb: mb(usage.rss),
    serverHeapUsedAfterRunsMb: mb(usage.heapUsed),
    serviceBrowserIdleMb: round(serviceIdle.mb, 1),
    serviceBrowserProcesses: serviceIdle.processes,
    rawBrowserIdleMb: round(rawIdle.mb, 1),
    rawBrowserProcesses: rawIdle.processes,
    points,
  };
  return result;
}

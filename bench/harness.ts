import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { measureApiLoad, type ApiLoadResult } from './figures/api-load.js';
import { measureLeak, type LeakResult } from './figures/leak.js';
import { measureMemory, type MemoryResult } from './figures/memory.js';
import { measureParts, type PartsResult } from './figures/parts.js';
import { measureReferences, type ReferencesResult } from './figures/references.js';
import { measureQueueLatency, type QueueLatencyResult } from './figures/queue-latency.js';
import { measureRunLatency, type RunLatencyResult } from './figures/run-latency.js';
import { measureScreenshotCost, type ScreenshotCostResult } from './figures/screenshot-cost.js';
import { measureThroughput, type ThroughputResult } from './figures/throughput.js';
import { measureTraceCost, type TraceCostResult } from './figures/trace-cost.js';
import { startBenchService } from './lib/bench-service.js';
import type { FigureContext, MainService } from './lib/context.js';
import { closeHttpAgent, sleep } from './lib/http.js';
import { loadSnapshot, machineFacts, type LoadSnapshot, type MachineFacts } from './lib/machine.js';
import type { BenchOptions, FigureName } from './lib/options.js';
import { browserProcessId, ownChromiumProcesses } from './lib/processes.js';
import { launchRawBrowser } from './lib/raw-script.js';
import { describeMix, QUEUE_PROBE_SLUG, REFERENCE_SLUG, referenceSteps, referenceYaml, type BenchStep } from './lib/reference-test.js';
import { formatRowLine, type Row } from './lib/rows.js';
import { startSiteServer } from './lib/site-server.js';
import { makeTempRoot, removeTempRoot } from './lib/temp.js';

export interface BenchFigures {
  latency?: RunLatencyResult;
  references?: ReferencesResult;
  parts?: PartsResult;
  screenshot?: ScreenshotCostResult;
  trace?: TraceCostResult;
  queue?: QueueLatencyResult;
  memory?: MemoryResult;
  leak?: LeakResult;
  throughput?: ThroughputResult;
  api?: ApiLoadResult;
}

export interface BenchResults {
  mode: BenchOptions['mode'];
  options: BenchOptions;
  machine: MachineFacts;
  referenceTest: { steps: number; mix: string };
  load: { before: LoadSnapshot; after: LoadSnapshot; figures: Partial<Record<FigureName, { start: LoadSnapshot; end: LoadSnapshot; seconds: number }>> };
  durationSeconds: number;
  figures: BenchFigures;
  rows: Row[];
  errors: { figure: string; message: string }[];
  /** Service runs of the bench's test that did not pass, by figure: findings about the service. */
  runFailures: { figure: string; description: string }[];
  cleanup: { ownChromiumLeft: number; killed: number };
}

export interface BenchIo {
  log(line: string): void;
}

/** What the bench has measured so far: for a report written when it is stopped mid-way. */
export type PartialResults = () => BenchResults;

const CLEANUP_STEP_LIMIT_MS = 20_000;

function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([work, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}

/** Waits for our own Chromium processes to exit; kills (by pid) any still there after `graceMs`. */
export async function reapOwnChromium(graceMs = 3_000): Promise<{ left: number; killed: number }> {
  const deadline = Date.now() + graceMs;
  let left = ownChromiumProcesses();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = ownChromiumProcesses();
  }
  let killed = 0;
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return { left: left.length, killed };
}

/**
 * Runs the benchmark: a local site, one in-process service and a raw playwright-core browser,
 * then each figure in turn. A figure that fails is recorded in `errors` and the others still run;
 * whatever happens, every browser, server and temp dir it started is closed before it returns.
 */
export async function runBench(options: BenchOptions, io: BenchIo & { onStart?: (partial: PartialResults) => void }): Promise<BenchResults> {
  const t0 = performance.now();
  const rssBeforeService = process.memoryUsage().rss;
  const before = loadSnapshot();
  const rows: Row[] = [];
  const errors: BenchResults['errors'] = [];
  const runFailures: BenchResults['runFailures'] = [];
  let current: FigureName | 'setup' = 'setup';
  const figures: BenchFigures = {};
  const loadPerFigure: BenchResults['load']['figures'] = {};
  const cleanups: { name: string; run: () => Promise<void> }[] = [];
  const steps: BenchStep[] = referenceSteps(options.steps);
  let chromiumVersion = 'unknown';

  const snapshot = (cleanup: BenchResults['cleanup']): BenchResults => ({
    mode: options.mode,
    options,
    machine: machineFacts(chromiumVersion),
    referenceTest: { steps: steps.length, mix: describeMix(steps) },
    load: { before, after: loadSnapshot(), figures: loadPerFigure },
    durationSeconds: Math.round((performance.now() - t0) / 100) / 10,
    figures,
    rows,
    errors,
    runFailures,
    cleanup,
  });
  io.onStart?.(() => snapshot({ ownChromiumLeft: -1, killed: 0 }));

  const tempRoot = await makeTempRoot();
  cleanups.push({ name: 'temp dir', run: () => removeTempRoot(tempRoot) });
  try {
    const site = await startSiteServer();
    cleanups.push({ name: 'site server', run: () => site.close() });

    let main: Promise<MainService> | null = null;
    let raw: Promise<Browser> | null = null;
    let rawPid: number | null = null;
    const mainConcurrency = Math.max(2, ...options.memoryConcurrency);
    const ctx: FigureContext = {
      options,
      siteUrl: site.url,
      steps,
      tempRoot,
      log: (line) => io.log(line),
      emit: (r) => {
        rows.push(r);
        io.log(formatRowLine(r));
      },
      runFailed: (description) => {
        runFailures.push({ figure: current, description });
        io.log(`!! ${current}: ${description}`);
      },
      main: () =>
        (main ??= (async () => {
          const bench = await startBenchService({ concurrency: mainConcurrency, tempRoot });
          cleanups.push({ name: 'main service', run: () => bench.close() });
          const probe: BenchStep[] = [
            { action: 'goto', path: '/form.html' },
            { action: 'assertText', selector: '#status', expected: 'Ready' },
          ];
          const ids = await bench.importYaml({
            'bench-reference.yaml': referenceYaml(site.url, steps),
            'bench-queue-probe.yaml': referenceYaml(site.url, probe, QUEUE_PROBE_SLUG),
          });
          const referenceId = ids.get(REFERENCE_SLUG);
          const probeId = ids.get(QUEUE_PROBE_SLUG);
          if (!referenceId || !probeId) throw new Error('bench: the bench tests were not imported');
          const browserPid = await browserProcessId(await bench.pool.browser());
          return { bench, referenceId, probeId, browserPid, memoryAtStart: process.memoryUsage() };
        })()),
      rawBrowser: () =>
        (raw ??= (async () => {
          const browser = await launchRawBrowser();
          cleanups.push({ name: 'raw browser', run: () => browser.close() });
          chromiumVersion = browser.version();
          rawPid = await browserProcessId(browser);
          return browser;
        })()),
      rawBrowserPid: () => rawPid,
    };

    const runners: Record<FigureName, () => Promise<void>> = {
      latency: async () => void (figures.latency = await measureRunLatency(ctx)),
      references: async () => void (figures.references = await measureReferences(ctx)),
      parts: async () => void (figures.parts = await measureParts(ctx)),
      screenshot: async () => void (figures.screenshot = await measureScreenshotCost(ctx)),
      trace: async () => void (figures.trace = await measureTraceCost(ctx)),
      queue: async () => void (figures.queue = await measureQueueLatency(ctx)),
      memory: async () => void (figures.memory = await measureMemory(ctx, rssBeforeService)),
      leak: async () => void (figures.leak = await measureLeak(ctx)),
      throughput: async () => void (figures.throughput = await measureThroughput(ctx)),
      api: async () => void (figures.api = await measureApiLoad(ctx)),
    };
    // Cheapest and most telling first; throughput (the most runs) last.
    const order: FigureName[] = ['latency', 'references', 'parts', 'screenshot', 'trace', 'queue', 'memory', 'leak', 'api', 'throughput'];
    for (const name of order) {
      if (options.only.length > 0 && !options.only.includes(name)) continue;
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed > options.budgetSeconds) {
        errors.push({
          figure: name,
          message: `skipped: the bench had used ${Math.round(elapsed)} s of its ${options.budgetSeconds} s budget (machine too busy?)`,
        });
        io.log(`!! ${name} skipped: out of time budget`);
        continue;
      }
      current = name;
      const start = loadSnapshot();
      const f0 = performance.now();
      io.log(`== ${name} (load ${start.loadavg.join(' ')}, ${start.foreignChromiumProcesses} foreign chromium processes)`);
      try {
        await runners[name]();
      } catch (e) {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        errors.push({ figure: name, message });
        io.log(`!! ${name} failed: ${message}`);
      }
      loadPerFigure[name] = { start, end: loadSnapshot(), seconds: Math.round((performance.now() - f0) / 100) / 10 };
    }
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        const done = await within(
          c.run().then(() => true),
          CLEANUP_STEP_LIMIT_MS,
        );
        if (!done) io.log(`!! cleanup of ${c.name} did not finish in ${CLEANUP_STEP_LIMIT_MS} ms`);
      } catch (e) {
        io.log(`!! cleanup of ${c.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    closeHttpAgent();
  }
  const reaped = await reapOwnChromium();
  if (reaped.killed > 0) io.log(`!! killed ${reaped.killed} Chromium processes left behind`);
  return snapshot({ ownChromiumLeft: reaped.left, killed: reaped.killed });
}

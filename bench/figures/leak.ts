import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runBatch } from '../lib/bench-service.js';
import type { FigureContext } from '../lib/context.js';
import { treePssMb } from '../lib/processes.js';
import { referenceYaml, signInSteps } from '../lib/reference-test.js';
import { row } from '../lib/rows.js';
import { round } from '../lib/stats.js';

const LEAK_SLUG = 'bench-leak';

export interface LeakPoint {
  /** Runs done when the point was taken (warm-up runs included). */
  runs: number;
  heapUsedMb: number;
  rssMb: number;
  browserPssMb: number;
}

export interface LeakResult {
  runs: number;
  /** Points after the warm-up; the slopes are fitted over them. */
  points: LeakPoint[];
  /** Least-squares growth per 100 runs, in MiB. */
  per100Runs: { heapUsedMb: number; rssMb: number; browserPssMb: number };
}

/** V8's collector, exposed at run time (the bench is not started with --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The slope of y over x, per 100 x (0 for fewer than two points). */
function per100(points: readonly LeakPoint[], y: (p: LeakPoint) => number): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.runs, 0) / points.length;
  const my = points.reduce((s, p) => s + y(p), 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.runs - mx) * (y(p) - my), 0);
  const sxx = points.reduce((s, p) => s + (p.runs - mx) ** 2, 0);
  return sxx === 0 ? 0 : round((100 * sxy) / sxx, 2);
}

/**
 * Leak check: the sign-in reference run `leakRuns` times in a row on the main service; after a
 * warm-up, at evenly spaced points, the heap after a full GC, this process's RSS and the browser's
 * PSS (once the next run's spare context is open, so every point sees the same browser state).
 * A leak shows as a slope; stored runs grow the database on disk, not the process.
 */
export async function measureLeak(ctx: FigureContext): Promise<LeakResult> {
  const { bench, browserPid } = await ctx.main();
  if (browserPid === null) throw new Error("bench: cannot find the service browser's process");
  const ids = await bench.importYaml({ [`${LEAK_SLUG}.yaml`]: referenceYaml(ctx.siteUrl, signInSteps(), LEAK_SLUG) });
  const testId = ids.get(LEAK_SLUG);
  if (!testId) throw new Error('bench: the leak test was not imported');
  const gc = collector();
  const total = ctx.options.leakRuns;
  // The first quarter warms up: V8 is still compiling (optimized code and its metadata grow the heap).
  const warm = Math.floor(total / 4);
  const every = Math.max(1, Math.ceil((total - warm) / 5));
  const points: LeakPoint[] = [];
  const point = (runs: number) => {
    gc();
    gc();
    const usage = process.memoryUsage();
    points.push({
      runs,
      heapUsedMb: round(usage.heapUsed / 2 ** 20, 2),
      rssMb: round(usage.rss / 2 ** 20, 1),
      browserPssMb: round(treePssMb(browserPid).mb, 1),
    });
  };
  for (let done = 0; done < total; done++) {
    if (done >= warm && (done - warm) % every === 0) point(done);
    for (const f of (await runBatch(bench, testId, 1)).failures) ctx.runFailed(f);
  }
  point(total);
  const per100Runs = {
    heapUsedMb: per100(points, (p) => p.heapUsedMb),
    rssMb: per100(points, (p) => p.rssMb),
    browserPssMb: per100(points, (p) => p.browserPssMb),
  };
  const label = `${total} runs in a row`;
  ctx.emit(row('leak', `heap after GC, growth per 100 runs (${label})`, 'MiB', per100Runs.heapUsedMb, undefined, { kind: 'valueMax', max: 1 }));
  ctx.emit(row('leak', `server RSS, growth per 100 runs (${label})`, 'MiB', per100Runs.rssMb));
  ctx.emit(row('leak', `browser PSS, growth per 100 runs (${label})`, 'MiB', per100Runs.browserPssMb, undefined, { kind: 'valueMax', max: 5 }));
  return { runs: total, points, per100Runs };
}

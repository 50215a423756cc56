import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/harness.js';
import { optionsFor } from '../../bench/lib/options.js';
import { ownChromiumProcesses } from '../../bench/lib/processes.js';
import { writeReport } from '../../bench/lib/report.js';
import { removeLiveTempRootsSync } from '../../bench/lib/temp.js';

/**
 * The benchmark harness in its tiny mode (a 3-step test, one repetition, 1,000 seeded runs, 1 s
 * of API load): every figure produces positive numbers, the report is written, and nothing it
 * started outlives it. It checks the harness works, not how fast Bugrun is: that is `npm run bench`.
 */
describe('bench harness', () => {
  // Only matters when the test timed out mid-run: the harness cleans up after itself otherwise.
  afterAll(() => removeLiveTempRootsSync());

  it('measures every figure, writes RESULTS.md and results.json, and leaves no browser behind', async () => {
    const lines: string[] = [];
    const results = await runBench(optionsFor('tiny'), { log: (line) => lines.push(line) });
    expect(results.errors, lines.join('\n')).toEqual([]);
    expect(results.runFailures, lines.join('\n')).toEqual([]);
    const f = results.figures;

    expect(f.latency?.service.clientMs.median).toBeGreaterThan(0);
    expect(f.latency?.rawOneShot.totalMs.median).toBeGreaterThan(0);
    expect(f.latency?.rawWarm.totalMs.median).toBeGreaterThan(0);
    expect(f.latency?.ratioVsOneShot).toBeGreaterThan(0);
    expect(f.latency?.service.breakdown.stepsMs).toBeGreaterThan(0);

    expect(f.references?.references.map((r) => r.slug)).toEqual(['bench-reference', 'bench-sign-in', 'bench-long-page']);
    for (const ref of f.references?.references ?? []) {
      expect(ref.cpu.service.totalMs, ref.slug).toBeGreaterThan(0);
      expect(ref.cpu.rawWarm.browserMs, ref.slug).toBeGreaterThan(0);
      expect(ref.cpu.rawRunnerShots.browserMs, ref.slug).toBeGreaterThan(0);
      expect(ref.cpu.floorRatio, ref.slug).toBeGreaterThan(0);
      expect(ref.latency.serviceMs, ref.slug).toBeGreaterThan(0);
      expect(ref.cpu.pairRatios.p25, ref.slug).toBeGreaterThan(0);
      expect(ref.cpu.pairRatios.p75, ref.slug).toBeGreaterThanOrEqual(ref.cpu.pairRatios.p25);
    }
    expect(f.parts?.references.map((r) => r.slug)).toEqual(['bench-reference', 'bench-sign-in', 'bench-long-page']);
    for (const ref of f.parts?.references ?? []) {
      // Every phase the runner publishes was seen, and the main thread's samples landed in the runner's parts.
      expect(Object.keys(ref.browserMs), ref.slug).toEqual(expect.arrayContaining(['context', 'step', 'conditions', 'action:goto', 'screenshot', 'teardown']));
      expect(Object.keys(ref.nodeMainThreadMs), ref.slug).toEqual(expect.arrayContaining(['runner (other)', 'bench client']));
      expect(ref.totalMs, ref.slug).toBeGreaterThan(0);
    }
    expect(f.screenshot?.cdpJpeg.ms.median).toBeGreaterThan(0);
    expect(f.screenshot?.playwrightPng.ms.median).toBeGreaterThan(0);
    expect(f.screenshot?.cdpJpeg.bytes).toBeGreaterThan(0);
    // The floor is an 8×8 capture: far fewer bytes than the viewport's; CPU is read for every kind.
    expect(f.screenshot?.floor.bytes).toBeLessThan(f.screenshot?.cdpJpeg.bytes ?? 0);
    expect(f.screenshot?.cdpJpegUnchanged.ms.median).toBeGreaterThan(0);
    // The runner's small screenshot is a quarter of the pixels: well under the full JPEG.
    expect(f.screenshot?.runnerSmall.bytes).toBeLessThan((f.screenshot?.cdpJpeg.bytes ?? 0) / 2);
    for (const k of ['cdpJpeg', 'runnerSmall', 'playwrightPng', 'floor'] as const) expect(f.screenshot?.[k].cpuMs, k).toBeGreaterThanOrEqual(0);

    expect(f.queue?.clientLeftQueuedMs.median).toBeGreaterThan(0);
    expect(f.queue?.queuedToStartedMs.median).toBeGreaterThanOrEqual(0);
    expect(f.queue?.rawContextMs.median).toBeGreaterThan(0);

    expect(f.memory?.serverRssIdleMb).toBeGreaterThan(0);
    expect(f.memory?.serviceBrowserIdleMb).toBeGreaterThan(0);
    expect(f.memory?.rawBrowserIdleMb).toBeGreaterThan(0);
    expect(f.memory?.points[0]?.servicePeakMb).toBeGreaterThan(0);
    expect(f.memory?.points[0]?.serverRssPeakMb).toBeGreaterThan(0);
    expect(f.leak?.points.map((p) => p.runs)).toEqual([0, 1, 2, 3]);
    // A run that records a trace keeps a zip of it.
    expect(f.trace?.policies.on.traceKiB).toBeGreaterThan(0);
    for (const p of f.leak?.points ?? []) expect(p.heapUsedMb * p.rssMb * p.browserPssMb, `after ${p.runs} runs`).toBeGreaterThan(0);

    // At the references' concurrency, every reference has its own point.
    expect(f.throughput?.points.map((p) => `${p.reference}@${p.concurrency}`)).toEqual(['bench-reference@2', 'bench-sign-in@2', 'bench-long-page@2']);
    for (const p of f.throughput?.points ?? []) {
      expect(p.serviceMedian, p.reference).toBeGreaterThan(0);
      expect(p.rawMedian, p.reference).toBeGreaterThan(0);
    }

    expect(f.api?.seededRuns).toBe(1_000);
    expect(f.api?.idle.status.requestsPerSec).toBeGreaterThan(0);
    expect(f.api?.busy.status.requestsPerSec).toBeGreaterThan(0);
    expect(f.api?.idle.deepPage.requestsPerSec).toBeGreaterThan(0);
    expect(f.api?.busy.deepPage.p99Ms).toBeGreaterThan(0);

    const figures = new Set(results.rows.map((r) => r.figure));
    expect([...figures].sort()).toEqual(['api', 'latency', 'leak', 'memory', 'parts', 'queue', 'references', 'screenshot', 'throughput', 'trace']);
    for (const r of results.rows) expect(Number.isFinite(r.value), `${r.figure}: ${r.metric}`).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.chromium).toMatch(/\d+\.\d+/);

    const dir = await mkdtemp(join(tmpdir(), 'bugrun-bench-report-'));
    try {
      const written = await writeReport(results, dir);
      const md = await readFile(written.markdown, 'utf8');
      expect(md).toContain('<!-- bench:tiny:begin');
      expect(md).toContain('| latency |');
      const json = JSON.parse(await readFile(written.json, 'utf8')) as { tiny?: { rows: unknown[] } };
      expect(json.tiny?.rows.length).toBe(results.rows.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    expect(results.cleanup.killed).toBe(0);
    expect(ownChromiumProcesses()).toEqual([]);
  }, 300_000);
});

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { RUNNER_PHASE_CHANNEL, type RunnerPhaseMessage } from '../../src/runner/index.js';
import { RunFailedError } from '../lib/bench-service.js';
import type { FigureContext } from '../lib/context.js';
import { startNodeProfile, type NodePart } from '../lib/node-profile.js';
import { mainThreadCpuMs, nodeCpuMs, treeCpuMs } from '../lib/processes.js';
import { describeMix, references, referenceYaml } from '../lib/reference-test.js';
import { row } from '../lib/rows.js';
import { round } from '../lib/stats.js';
import { timedServiceRun } from './run-latency.js';

const BEFORE = 'before the run (POST, queue)';
const AFTER = "after the runner (the run's files, the next spare context)";

export interface PartsOfReference {
  slug: string;
  label: string;
  mix: string;
  /** Mean browser CPU per run (its whole process tree) by the runner phase it was spent in, ms. */
  browserMs: Record<string, number>;
  /** Mean CPU per run of this process's main thread by the code it ran (V8 samples × measured CPU), ms. */
  nodeMainThreadMs: Partial<Record<NodePart, number>>;
  /** This process's other threads (libuv's pool: file writes; V8's helpers and the profiler's sampler), ms per run. */
  nodeOtherThreadsMs: number;
  totalMs: number;
}

export interface PartsResult {
  reps: number;
  references: PartsOfReference[];
}

const add = (into: Record<string, number>, key: string, ms: number) => (into[key] = (into[key] ?? 0) + ms);

/**
 * Where a run's CPU goes, for each reference: runs one at a time (polled every 250 ms, as in the
 * references figure), the browser tree's CPU read at every runner phase boundary (published on
 * the runner's diagnostics channel) and charged to the phase that just ended; this process's main
 * thread sampled by V8's profiler, each sample charged to the innermost module of ours on its
 * stack (the bench's own readings and HTTP client apart), the parts scaled to the main thread's measured CPU. /proc counts in 10 ms ticks, so a
 * phase's figure is a mean over many phases, not a timing of one.
 */
export async function measureParts(ctx: FigureContext): Promise<PartsResult> {
  const { bench, browserPid } = await ctx.main();
  if (browserPid === null) throw new Error("bench: cannot find the service browser's process");
  const all = references(ctx.options.steps, ctx.options.longPageCards);
  const ids = await bench.importYaml(Object.fromEntries(all.map((r) => [`${r.slug}-parts.yaml`, referenceYaml(ctx.siteUrl, r.steps, `${r.slug}-parts`)])));
  const reps = ctx.options.latencyReps;
  const out: PartsOfReference[] = [];
  for (const ref of all) {
    const testId = ids.get(`${ref.slug}-parts`);
    if (!testId) throw new Error(`bench: ${ref.slug}-parts was not imported`);
    const run = async () => {
      await timedServiceRun(bench, testId, 250);
      await bench.spareReady();
    };
    if (ctx.options.warmup) await run();
    const browserMs: Record<string, number> = {};
    const samples = new Map<NodePart, number>();
    let mainMs = 0;
    let allThreadsMs = 0;
    let done = 0;
    for (let rep = 0; rep < reps; rep++) {
      let phase = BEFORE;
      let last = treeCpuMs(browserPid);
      const onPhase = (message: unknown) => {
        const now = treeCpuMs(browserPid);
        add(browserMs, phase, now - last);
        last = now;
        const next = (message as RunnerPhaseMessage).phase;
        phase = next === 'ended' ? AFTER : next;
      };
      const profile = await startNodeProfile();
      const main0 = mainThreadCpuMs();
      const all0 = nodeCpuMs();
      subscribe(RUNNER_PHASE_CHANNEL, onPhase);
      try {
        await run();
        done++;
      } catch (e) {
        if (!(e instanceof RunFailedError)) throw e;
        ctx.runFailed(`${ref.slug}: ${e.message}`);
      } finally {
        unsubscribe(RUNNER_PHASE_CHANNEL, onPhase);
        add(browserMs, phase, treeCpuMs(browserPid) - last);
        mainMs += mainThreadCpuMs() - main0;
        allThreadsMs += nodeCpuMs() - all0;
        for (const [part, n] of await profile.stop()) samples.set(part, (samples.get(part) ?? 0) + n);
      }
    }
    if (done === 0) throw new Error(`bench: no run of ${ref.slug} passed`);
    const sampleCount = [...samples.values()].reduce((s, n) => s + n, 0);
    // Every rep's CPU is counted (a run that did not pass is reported as such), so divide by all of them.
    const perRun = (ms: number) => round(ms / reps, 1);
    const nodeMainThreadMs = Object.fromEntries([...samples].map(([part, n]) => [part, perRun((mainMs * n) / sampleCount)]));
    const browser = Object.fromEntries(Object.entries(browserMs).map(([k, ms]) => [k, perRun(ms)]));
    const nodeOtherThreadsMs = perRun(allThreadsMs - mainMs);
    const totalMs = perRun(Object.values(browserMs).reduce((s, ms) => s + ms, 0) + allThreadsMs);
    const sumOf = (keys: (k: string) => boolean) =>
      round(
        Object.entries(browser).reduce((s, [k, ms]) => (keys(k) ? s + ms : s), 0),
        1,
      );
    const label = (what: string) => `${ref.slug}: ${what}, per run`;
    ctx.emit(
      row(
        'parts',
        label('browser CPU in actions'),
        'ms',
        sumOf((k) => k.startsWith('action:')),
      ),
    );
    ctx.emit(
      row(
        'parts',
        label('browser CPU in waiting conditions'),
        'ms',
        sumOf((k) => k === 'conditions'),
      ),
    );
    ctx.emit(
      row(
        'parts',
        label('browser CPU in screenshots'),
        'ms',
        sumOf((k) => k === 'screenshot'),
      ),
    );
    ctx.emit(
      row(
        'parts',
        label('browser CPU outside steps'),
        'ms',
        sumOf((k) => !k.startsWith('action:') && k !== 'conditions' && k !== 'screenshot'),
      ),
    );
    // The bench's own work (its client, its readings at each phase) is measured, then left out.
    ctx.emit(row('parts', label('Node CPU of the service, all threads'), 'ms', round(perRun(allThreadsMs) - (nodeMainThreadMs['bench client'] ?? 0), 1)));
    out.push({ slug: ref.slug, label: ref.label, mix: describeMix(ref.steps), browserMs: browser, nodeMainThreadMs, nodeOtherThreadsMs, totalMs });
  }
  return { reps, references: out };
}

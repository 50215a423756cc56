import { isTerminal } from '../domain/index.js';
import { QueueFullError, type RunService } from '../runs/index.js';
import { nextTick } from '../schedules/index.js';
import type { ScheduleRow, Store } from '../store/index.js';
import { startSuiteRun } from './start-suite-run.js';
import { startTestRun } from './start-test-run.js';

/** What one due tick of a schedule did. */
export type TickOutcome = { scheduleId: string; tick: string } & ({ runId: string } | { skipped: string });

/** Why the tick cannot start a run now: the run of an earlier tick is still going. */
async function stillGoing(store: Store, s: ScheduleRow): Promise<string | null> {
  if (s.lastRunId === null) return null;
  const status =
    s.targetType === 'test' ? (await store.runs.getStatus(s.projectId, s.lastRunId))?.status : (await store.suiteRuns.get(s.projectId, s.lastRunId))?.status;
  return status !== undefined && !isTerminal(status) ? `the run of an earlier tick (${s.lastRunId}) is still ${status}` : null;
}

/** Starts the schedule's run for `tick`; a refusal (target gone, queue full) is a skip with its reason. */
async function startFor(deps: { store: Store; runs: RunService }, s: ScheduleRow, tick: string): Promise<{ runId: string } | { skipped: string }> {
  const input = {
    projectId: s.projectId,
    profile: s.profileId === null ? null : { id: s.profileId },
    variables: s.variables,
    triggeredBy: 'scheduler' as const,
    schedule: { id: s.id, name: s.name, tick },
  };
  try {
    if (s.targetType === 'test') {
      const started = await startTestRun(deps, { ...input, testId: s.targetId });
      return started.ok ? { runId: started.run.id } : { skipped: `it cannot start: ${JSON.stringify(started.errors)}` };
    }
    const started = await startSuiteRun(deps, { ...input, suiteId: s.targetId });
    return started.ok ? { runId: started.suiteRun.id } : { skipped: `it cannot start: ${JSON.stringify(started.errors)}` };
  } catch (err) {
    if (err instanceof QueueFullError) return { skipped: 'the run queue is full' };
    throw err;
  }
}

/**
 * Starts one run for each schedule whose next tick has come. Each tick is claimed by a
 * compare-and-set in the transaction that creates its run, so it starts once whichever processes
 * look at it, or not at all when the transaction fails. After downtime a schedule fires once for
 * the ticks it missed, then moves on to its first tick after `now`. A tick whose earlier run is
 * still going is skipped, and the skip recorded on the schedule.
 */
export async function fireDueSchedules(deps: { store: Store; runs: RunService }, now: Date): Promise<TickOutcome[]> {
  const { store, runs } = deps;
  const outcomes: TickOutcome[] = [];
  for (const s of await store.schedules.listDue(now.toISOString(), 50)) {
    const tick = s.nextRunAt as string;
    const next = nextTick(s.cron, s.timezone, now)?.toISOString() ?? null;
    const outcome = await store.transaction(async (tx) => {
      if (!(await tx.schedules.claimTick(s.id, tick, next))) return null;
      const busy = await stillGoing(tx, s);
      const result = busy ? { skipped: busy } : await startFor({ store: tx, runs }, s, tick);
      await tx.schedules.recordTick(s.id, { at: now.toISOString(), ...result });
      return result;
    });
    if (outcome === null) continue;
    if ('runId' in outcome) await announce(store, runs, s, outcome.runId);
    outcomes.push({ scheduleId: s.id, tick, ...outcome });
  }
  return outcomes;
}

/** Wakes the workers for what the committed tick queued (a sequential suite queues its first test). */
async function announce(store: Store, runs: RunService, s: ScheduleRow, runId: string): Promise<void> {
  if (s.targetType === 'test') return runs.announce(runId);
  const tests = (await store.runs.listBySuiteRuns([runId])).get(runId) ?? [];
  const first = tests.find((t) => t.status === 'queued' && !t.held);
  if (first) await runs.announce(first.id);
}

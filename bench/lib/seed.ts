import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/store/index.js';

const BATCH = 2_000;
const DAY_MS = 86_400_000;

/**
 * Inserts `count` finished runs straight through the store (one transaction per batch), spread
 * over the past 30 days, so the API can be measured against a realistically deep history.
 * They have no step runs: that would be 20 rows more per run.
 */
export async function seedRuns(store: Store, projectId: string, test: { id: string; name: string }, count: number): Promise<{ ms: number; runsPerSecond: number }> {
  const t0 = performance.now();
  const now = Date.now();
  for (let done = 0; done < count; ) {
    const n = Math.min(BATCH, count - done);
    await store.transaction(async (tx) => {
      for (let i = 0; i < n; i++) {
        const k = done + i;
        const queued = new Date(now - 30 * DAY_MS + Math.floor((k / count) * 30 * DAY_MS)).toISOString();
        await tx.runs.create({
          projectId,
          testId: test.id,
          testName: test.name,
          status: k % 10 === 0 ? 'failed' : 'passed',
          triggeredBy: 'api',
          runMode: 'server',
          screenSizeType: 'desktop',
          browserWidth: 1366,
          browserHeight: 768,
          totalSteps: 20,
          queued,
        });
      }
    });
    done += n;
  }
  const ms = performance.now() - t0;
  return { ms, runsPerSecond: (count * 1000) / ms };
}

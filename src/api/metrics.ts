import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RUN_STATUSES } from '../domain/index.js';
import type { RunObserver } from '../runs/index.js';
import type { Store } from '../store/index.js';

export interface Metrics {
  readonly registry: Registry;
  /** What the workers of this process report as their runs and steps end. */
  readonly observer: RunObserver;
}

const DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

/**
 * Prometheus metrics. The gauges are read from the database at each scrape, so every process
 * reports the same whole-database figures (aggregate them with `max`); the histograms count what
 * this process's worker executed (aggregate them with `sum`).
 */
export function createMetrics(store: Store, opts: { workerDeadAfterMs: number }): Metrics {
  const registry = new Registry();
  // Gauges filled from one read of the database per scrape (prom-client awaits each collect).
  const fromDatabase = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect: () => readDatabase() });
  const runs = fromDatabase('bugrun_runs', 'Runs in the database, by status.', ['status']);
  const depth = fromDatabase('bugrun_queue_depth', 'Runs waiting for a worker.');
  const oldest = fromDatabase('bugrun_queue_oldest_age_seconds', 'How long the oldest queued run has waited (0 when none).');
  const workers = fromDatabase('bugrun_workers_alive', 'Workers whose heartbeat is recent.');
  const slots = fromDatabase('bugrun_worker_slots', 'Run slots of the live workers: total, and in use.', ['state']);
  const scrapeErrors = new Counter({
    name: 'bugrun_metrics_database_errors_total',
    help: 'Scrapes whose database figures could not be read.',
    registers: [registry],
  });

  let reading: Promise<void> | null = null;
  function readDatabase(): Promise<void> {
    return (reading ??= (async () => {
      const [byStatus, queued, alive] = await Promise.all([
        store.runs.countAllByStatus(),
        store.runs.countByStatus('queued'),
        store.workers.listAlive(new Date(Date.now() - opts.workerDeadAfterMs).toISOString()),
      ]);
      for (const status of RUN_STATUSES) runs.set({ status }, byStatus[status] ?? 0);
      depth.set(byStatus.queued ?? 0);
      oldest.set(queued.oldestQueued ? Math.max(0, (Date.now() - Date.parse(queued.oldestQueued)) / 1000) : 0);
      workers.set(alive.length);
      slots.set(
        { state: 'total' },
        alive.reduce((sum, w) => sum + w.concurrency, 0),
      );
      slots.set({ state: 'used' }, (byStatus.initialized ?? 0) + (byStatus.running ?? 0));
    })()
      .catch(() => scrapeErrors.inc())
      .finally(() => setImmediate(() => (reading = null))));
  }

  const runDuration = new Histogram({
    name: 'bugrun_run_duration_seconds',
    help: 'Runs executed by this process, from start to end, by final status.',
    labelNames: ['status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const stepDuration = new Histogram({
    name: 'bugrun_step_duration_seconds',
    help: 'Steps executed by this process, by status.',
    labelNames: ['status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observer: {
      runEnded: (status, seconds) => runDuration.observe({ status }, seconds),
      stepEnded: (status, seconds) => stepDuration.observe({ status }, seconds),
    },
  };
}

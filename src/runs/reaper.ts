import { EventEmitter } from 'node:events';
import type { Store } from '../store/index.js';
import type { WorkerRow } from '../store/workers.js';
import { ACTIVE_STATUSES } from '../domain/index.js';
import { allowedFrom } from './state-machine.js';
import { advanceSuite } from './suite-runs.js';

export interface ReaperOptions {
  /** How often to look, in ms. */
  intervalMs: number;
  /** A worker whose heartbeat is older than this is dead, in ms. */
  deadAfterMs: number;
  /**
   * SQLite: this process is the only one, so every worker but its own is dead whatever its last
   * heartbeat (a restart must not wait for the previous process's heartbeat to age).
   */
  soleProcessWorker?: () => string | null;
}

const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

function describe(worker: WorkerRow | undefined, id: string | null): string {
  if (!worker) return id ? `Worker ${id} stopped while this run was executing` : 'Bugrun stopped while this run was executing';
  return `Worker ${worker.id} (pid ${worker.pid} on ${worker.host}) stopped while this run was executing: no heartbeat since ${worker.heartbeat}`;
}

/**
 * Ends the runs of workers that died (kill -9, machine gone) as `error`. Every process runs one;
 * each run is ended once (a compare-and-set), whoever finds it first. Live workers' runs are
 * never touched.
 */
export class RunReaper extends EventEmitter<{ error: [unknown] }> {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly opts: ReaperOptions,
  ) {
    super();
  }

  /** Ends what dead workers left; returns how many runs it ended. */
  sweep(): Promise<number> {
    return (this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = null)));
  }

  private async sweepOnce(): Promise<number> {
    const { workers, runs } = this.store;
    const sole = this.opts.soleProcessWorker?.() ?? null;
    const cutoff = sole === null ? new Date(Date.now() - this.opts.deadAfterMs).toISOString() : FAR_FUTURE;
    const keep = sole === null ? [] : [sole];
    // The runs first, while the dead workers' rows still say who they were; then the rows.
    const orphans = await runs.listOrphans(ACTIVE_STATUSES, cutoff, keep);
    const owners = orphans.flatMap((r) => (r.workerId === null ? [] : [r.workerId]));
    const dead = new Map((await workers.listByIds([...new Set(owners)])).map((w) => [w.id, w]));
    let ended = 0;
    for (const run of orphans) {
      const message = `${describe(dead.get(run.workerId ?? ''), run.workerId)}; it was not finished`;
      // No owner any more: the worker, if it still lives, is fenced off the run.
      const patch = { status: 'error' as const, errorCode: 'INTERNAL_ERROR' as const, errorMessage: message, ended: new Date().toISOString(), workerId: null };
      if (await runs.transition(run.id, allowedFrom('error'), patch)) ended++;
    }
    await workers.removeDead(cutoff, keep);
    // Suite runs not finished take their next step: those whose runs were just ended, and any a
    // process left behind between ending one of its test runs and advancing it (idempotent).
    for (const id of await this.store.suiteRuns.listIdsByStatus(['queued', 'running'])) await advanceSuite(this.store, id);
    return ended;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => void this.sweep().catch((err: unknown) => this.emit('error', err));
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => undefined);
  }
}

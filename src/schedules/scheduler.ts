import { EventEmitter } from 'node:events';
import type { Store } from '../store/index.js';

export interface SchedulerOptions {
  store: Store;
  /** Starts whatever is due at `now` (use-cases' fireDueSchedules). */
  fire: (now: Date) => Promise<void>;
  /** How often due schedules are looked for; well under a second, for cron expressions with seconds. */
  intervalMs?: number;
}

/**
 * Looks for due schedules in the background and fires them, in one process of the database at a
 * time (an advisory lock on PostgreSQL). The lock only spares the database duplicate work: each
 * tick is also claimed by a compare-and-set, so no tick ever starts twice, even without it.
 */
export class Scheduler extends EventEmitter<{ error: [unknown] }> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly opts: SchedulerOptions) {
    super();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 250);
    this.timer.unref();
  }

  /** Fires what is due now, unless the previous look is still going. */
  tick(): Promise<void> {
    this.running ??= this.opts.store
      .exclusive('scheduler', () => this.opts.fire(new Date()))
      .then(
        () => undefined,
        (err: unknown) => void this.emit('error', err),
      )
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

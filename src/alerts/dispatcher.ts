import { EventEmitter } from 'node:events';
import type { AlertDeliveryRow, AlertEventRow, Store } from '../store/index.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, deliver } from './deliver.js';
import type { EmailSender } from './email.js';
import { alertMatches } from './matching.js';
import { runPayload, type RunLinks } from './run-payload.js';

export interface AlertDispatcherOptions {
  store: Store;
  links: RunLinks;
  /** null: BUGRUN_SMTP_URL is not set, and email alerts fail saying so. */
  email: EmailSender | null;
  /** How often the outbox and due deliveries are looked at. */
  intervalMs?: number;
  /** The first retry waits this long; each next one twice as long as the one before. */
  retryBaseMs?: number;
  /** Attempts before a delivery is given up (`failed`). */
  maxAttempts?: number;
  /** How long a receiver may take to answer. */
  timeoutMs?: number;
  /** Deliveries attempted at once by this process. */
  concurrency?: number;
}

/**
 * Turns run events into alert deliveries and delivers them, in the background of every process.
 * Each event is taken from the outbox in the transaction that writes its deliveries (one per
 * matching alert), so it becomes deliveries exactly once; each attempt is claimed by a
 * compare-and-set that also leases the delivery, so one process makes it, and a process that dies
 * mid-attempt leaves it to be tried again when the lease ends. Attempts run beside each other: a
 * receiver that hangs holds one slot until its timeout, never a run, the API or other alerts.
 */
export class AlertDispatcher extends EventEmitter<{ error: [unknown, string] }> {
  private timer: NodeJS.Timeout | null = null;
  private looking: Promise<void> | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly opts: AlertDispatcherOptions) {
    super();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 500);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.looking;
    await Promise.all(this.inFlight.values());
  }

  /** Takes waiting events, then starts the attempts that are due (without waiting for them). */
  tick(): Promise<void> {
    this.looking ??= this.look()
      .catch((err: unknown) => void this.emit('error', err, 'alerts'))
      .finally(() => (this.looking = null));
    return this.looking;
  }

  private async look(): Promise<void> {
    const { store } = this.opts;
    for (const event of await store.alertEvents.oldest(100)) await this.fanOut(event);
    const free = (this.opts.concurrency ?? 8) - this.inFlight.size;
    if (free <= 0) return;
    const due = (await store.alertDeliveries.listDue(new Date().toISOString(), free + this.inFlight.size)).filter((d) => !this.inFlight.has(d.id));
    for (const delivery of due.slice(0, free)) {
      const attempt = this.attempt(delivery)
        .catch((err: unknown) => void this.emit('error', err, 'alert delivery'))
        .finally(() => this.inFlight.delete(delivery.id));
      this.inFlight.set(delivery.id, attempt);
    }
  }

  /** One delivery per enabled alert of the project that matches the event. */
  private async fanOut(event: AlertEventRow): Promise<void> {
    await this.opts.store.transaction(async (tx) => {
      if (!(await tx.alertEvents.take(event.id))) return;
      const payload = await runPayload(tx, event, this.opts.links);
      if (!payload) return;
      for (const alert of await tx.alerts.listEnabled(event.projectId)) {
        if (!alertMatches(alert, payload)) continue;
        await tx.alertDeliveries.create({ alertId: alert.id, projectId: event.projectId, event: event.event, kind: event.kind, runId: event.runId, payload });
      }
    });
  }

  private async attempt(d: AlertDeliveryRow): Promise<void> {
    const { store } = this.opts;
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    // Long enough for the attempt and its bookkeeping; only a dead process outlives it.
    const lease = new Date(Date.now() + timeoutMs + 30_000).toISOString();
    if (d.nextAttemptAt === null || !(await store.alertDeliveries.claim(d.id, d.nextAttemptAt, lease))) return;
    const alert = await store.alerts.getById(d.alertId);
    if (!alert) return;
    // Disabling an alert also stops the retries of what it had still to deliver.
    if (!alert.enabled) return store.alertDeliveries.settle(d.id, { delivered: false, responseCode: null, error: 'the alert was disabled', retryAt: null });
    const result = await deliver({ action: alert.action, payload: d.payload, deliveryId: d.id, secret: alert.secret, email: this.opts.email, timeoutMs });
    const attempts = d.attempts + 1;
    const wait = (this.opts.retryBaseMs ?? 5_000) * 2 ** (attempts - 1);
    const retryAt = result.ok || attempts >= (this.opts.maxAttempts ?? 8) ? null : new Date(Date.now() + wait).toISOString();
    await store.alertDeliveries.settle(d.id, { delivered: result.ok, responseCode: result.responseCode, error: result.error, retryAt });
  }
}

/**
 * A FIFO of run ids worked off by at most `concurrency` workers at once. In-process: the
 * database holds the truth (status `queued`), this only orders the work of one server.
 */
export class RunQueue {
  private readonly waiting: string[] = [];
  private readonly queuedIds = new Set<string>();
  private running = 0;
  private paused = true;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly work: (runId: string) => Promise<void>,
    private readonly onError: (err: unknown, runId: string) => void,
  ) {}

  push(runId: string): void {
    if (this.queuedIds.has(runId)) return;
    this.queuedIds.add(runId);
    this.waiting.push(runId);
    this.pump();
  }

  get size(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  start(): void {
    this.paused = false;
    this.pump();
  }

  /** Stops taking new work; resolves when the workers in flight are done. */
  async pause(): Promise<void> {
    this.paused = true;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (!this.paused && this.running < this.concurrency && this.waiting.length > 0) {
      const runId = this.waiting.shift() as string;
      this.queuedIds.delete(runId);
      this.running++;
      void this.work(runId)
        .catch((err: unknown) => this.onError(err, runId))
        .finally(() => {
          this.running--;
          if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve());
          this.pump();
        });
    }
  }
}

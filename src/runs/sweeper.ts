import { EventEmitter } from 'node:events';
import type { Store } from '../store/index.js';

/**
 * Deletes artifacts whose retention ran out: the file first, then its row, so a crash between the
 * two leaves a row the next sweep deletes rather than a file nobody can find.
 */
export class ArtifactSweeper extends EventEmitter<{ error: [unknown] }> {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly intervalMs = 60 * 60 * 1000,
  ) {
    super();
  }

  /**
   * Deletes what expired by `now`; returns how many artifacts went, or null when another process
   * is sweeping (one at a time per database).
   */
  sweep(now = new Date()): Promise<number | null> {
    return this.store.exclusive('artifact-sweeper', async (store) => {
      let deleted = 0;
      for (;;) {
        const expired = await store.artifacts.listExpired(now.toISOString(), 500);
        if (expired.length === 0) return deleted;
        for (const artifact of expired) {
          await store.blobs.delete(artifact.blobKey);
          if (await store.artifacts.delete(artifact.id)) deleted++;
        }
      }
    });
  }

  start(): void {
    if (this.timer) return;
    const tick = () => void this.sweep().catch((err: unknown) => this.emit('error', err));
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

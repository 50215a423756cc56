import type { ArtifactKind, ConsoleEntry, RunEvent, RunOutcome, RunSink } from '../domain/index.js';
import { formatLogLine, type LogEntry } from '../reports/index.js';
import type { Store } from '../store/index.js';

/**
 * Persists what the runner reports for one run. `emit` is synchronous for the runner; writes are
 * chained in order behind it, and a failing write is remembered, never thrown into the runner.
 */
export class RunRecorder implements RunSink {
  private chain: Promise<void> = Promise.resolve();
  private readonly logLines: string[] = [];
  private readonly consoleEntries: ConsoleEntry[] = [];
  readonly writeErrors: unknown[] = [];

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly onStarted: (event: Extract<RunEvent, { type: 'run-started' }>) => Promise<void>,
  ) {}

  emit(event: RunEvent): void {
    this.chain = this.chain.then(() => this.persist(event)).catch((err: unknown) => {
      this.writeErrors.push(err);
    });
  }

  /** Adds a line to the run's log from the orchestration side (queue, stop, crash). */
  log(level: LogEntry['level'], message: string): void {
    this.emit({ type: 'log', at: new Date().toISOString(), level: level as 'info', message });
  }

  /** Waits for every queued write, then writes the final log and browser-console artifacts. */
  async finish(outcome: RunOutcome): Promise<void> {
    this.log(outcome.status === 'passed' ? 'info' : 'error', `Run ended: ${outcome.status}${outcome.errorCode ? ` ${outcome.errorCode}` : ''}${outcome.message ? `: ${outcome.message}` : ''}`);
    await this.chain;
    await this.writeFile('logs', 'logs.txt', this.logLines.join(''), 'text/plain; charset=utf-8');
    await this.writeFile('chrome_debug_logs', 'chrome-debug-logs.json', JSON.stringify(this.consoleEntries, null, 1), 'application/json');
  }

  private async persist(event: RunEvent): Promise<void> {
    switch (event.type) {
      case 'run-started':
        await this.onStarted(event);
        return;
      case 'step-started':
        await this.store.stepRuns.upsert(this.runId, event.step);
        return;
      case 'step-ended': {
        let screenshotKey: string | undefined;
        if (event.screenshot) {
          const ext = event.screenshot.contentType.split('/')[1] ?? 'bin';
          screenshotKey = `${this.runId}/screenshots/${String(event.step.sequence).padStart(4, '0')}-${event.step.id}.${ext}`;
          await this.store.blobs.put(screenshotKey, event.screenshot.data);
        }
        await this.store.stepRuns.upsert(this.runId, event.step, screenshotKey);
        if (event.step.parentStepRunId === null && event.step.status !== 'skipped') {
          await this.store.runs.incrementFinishedSteps(this.runId);
        }
        // The partial log is what survives a crash: rewrite it after every step.
        await this.writeFile('logs_partial', 'logs-partial.txt', this.logLines.join(''), 'text/plain; charset=utf-8');
        return;
      }
      case 'console':
        this.consoleEntries.push(event.entry);
        return;
      case 'log':
        this.logLines.push(formatLogLine(event));
        if (this.logLines.length === 1) {
          await this.writeFile('logs_partial', 'logs-partial.txt', this.logLines.join(''), 'text/plain; charset=utf-8');
        }
        return;
      case 'dom-snapshot':
        await this.writeFile('dom_snapshot', `dom-snapshot-${event.stepRunId}.html`, event.html, 'text/html; charset=utf-8', event.stepRunId);
        return;
    }
  }

  private async writeFile(kind: ArtifactKind, name: string, content: string, contentType: string, stepRunId: string | null = null): Promise<void> {
    const blobKey = `${this.runId}/${name}`;
    await this.store.blobs.put(blobKey, content);
    await this.store.artifacts.replace(this.runId, kind, {
      runId: this.runId,
      stepRunId,
      kind,
      name,
      blobKey,
      contentType,
      size: Buffer.byteLength(content),
      expiresAt: null,
    });
  }
}

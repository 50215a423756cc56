import type { ArtifactKind, ConsoleEntry, NetworkEntry, RunEvent, RunOutcome, RunResult, RunSink, StepRunRecord } from '../domain/index.js';
import { formatLogLine, renderHtmlReport, renderJUnit, reportOf, toHar, type EmbeddedScreenshots } from '../reports/index.js';
import type { RunFence, Store } from '../store/index.js';
import type { ProcessSample } from './process-stats.js';
import type { Retention } from './retention.js';
import { allowedFrom } from './state-machine.js';

export interface RecorderOptions {
  store: Store;
  runId: string;
  testId: string | null;
  testName: string;
  retention: Retention;
  /** The executing worker: the run's rows are written only while it still owns the run. */
  fence?: RunFence;
  /**
   * Whether a run that ended so keeps the trace the runner emitted (the trace policy, e.g.
   * retain-on-failure keeps failed runs' only); default: it is kept.
   */
  keepTrace?: (status: RunResult) => boolean;
}

interface StepShot {
  contentType: string;
  /** Kept for report.html, which embeds every screenshot: no reading them back at the end. */
  data: Uint8Array;
}

/** A file of the run to store: its artifact row is added once its bytes are written. */
interface RunFile {
  kind: ArtifactKind;
  name: string;
  content: string | Uint8Array;
  contentType: string;
  /** One file per kind, replaced when rewritten (else another file of its kind). */
  replace: boolean;
  /** False for files derived from other data or rewritten soon (see BlobStore.put). */
  durable: boolean;
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * Persists what the runner reports for one run. `emit` is synchronous for the runner; writes are
 * chained in order behind it, and a failing write is remembered, never thrown into the runner.
 * Files that grow during the run (logs, network) are rewritten as `_partial` after every step so a
 * crash keeps what happened so far.
 */
export class RunRecorder implements RunSink {
  private chain: Promise<void> = Promise.resolve();
  private readonly logLines: string[] = [];
  private readonly cloudLines: string[] = [];
  private readonly consoleEntries: ConsoleEntry[] = [];
  private readonly network: NetworkEntry[] = [];
  /** How many of `network` the partial HAR holds. */
  private networkWritten = 0;
  private readonly steps = new Map<string, StepRunRecord>();
  private readonly shots = new Map<string, StepShot>();
  private started: string | null = null;
  /** The run's Playwright trace, held until its outcome says whether it is kept. */
  private trace: RunFile | null = null;
  readonly writeErrors: unknown[] = [];

  constructor(private readonly opts: RecorderOptions) {}

  emit(event: RunEvent): void {
    this.chain = this.chain
      .then(() => this.persist(event))
      .catch((err: unknown) => {
        this.writeErrors.push(err);
        this.orchestration(`Recording ${event.type} failed: ${err instanceof Error ? err.message : String(err)}`);
      });
  }

  /** A line of the run's own log (what `/logs/` serves). */
  log(level: Extract<RunEvent, { type: 'log' }>['level'], message: string): void {
    this.emit({ type: 'log', at: new Date().toISOString(), level, message });
  }

  /** A line of the worker's log of orchestrating the run (`cloud_logs`). */
  orchestration(message: string): void {
    this.cloudLines.push(formatLogLine({ at: new Date().toISOString(), level: 'info', message }));
  }

  /**
   * Waits for every queued write, then writes the run's final files. Rejects only when even
   * cloud_logs (which names the files that failed) cannot be written: `writeCloudLogs` again later.
   */
  async finish(outcome: RunOutcome, stats: ProcessSample[]): Promise<void> {
    const ended = new Date().toISOString();
    this.log(
      outcome.status === 'passed' ? 'info' : 'error',
      `Run ended: ${outcome.status}${outcome.errorCode ? ` ${outcome.errorCode}` : ''}${outcome.message ? `: ${outcome.message}` : ''}`,
    );
    await this.chain;
    this.orchestration(`Run ended as ${outcome.status}; writing its files`);
    const { runId: id, testId, testName } = this.opts;
    const report = reportOf(
      { id, testId, testName, status: outcome.status, errorCode: outcome.errorCode, errorMessage: outcome.message, started: this.started, ended },
      this.steps.values(),
    );
    const embedded: EmbeddedScreenshots = new Map(this.shots);
    const file = (kind: ArtifactKind, name: string, content: string, contentType: string, replace: boolean, durable: boolean): RunFile => ({
      kind,
      name,
      content,
      contentType,
      replace,
      durable,
    });
    // What the run recorded is synced to disk; what can be derived again (reports, HAR) is not.
    const files = [
      file('logs', 'logs.txt', this.logLines.join(''), TEXT, true, true),
      file('chrome_debug_logs', 'chrome-debug-logs.json', JSON.stringify(this.consoleEntries, null, 1), 'application/json', true, true),
      file('extension_network_logs', 'network.har', toHar(this.network), 'application/json', true, false),
      file(
        'container_stats',
        'container-stats.json',
        JSON.stringify({ scope: 'browser processes of this server (shared by concurrent runs)', samples: stats }, null, 1),
        'application/json',
        true,
        true,
      ),
      file('report', 'junit.xml', renderJUnit(report), 'application/xml', false, false),
      file('report', 'report.html', renderHtmlReport(report, embedded), 'text/html; charset=utf-8', false, false),
    ];
    if (this.trace) {
      if (this.opts.keepTrace?.(outcome.status) ?? true) files.push(this.trace);
      else this.orchestration(`Trace discarded: the run ${outcome.status} (${(byteLength(this.trace.content) / 1024).toFixed(0)} KiB)`);
      this.trace = null;
    }
    // The files are independent: write them all at once, then add their rows in a fixed order.
    // A file that cannot be written (disk full, object store down) is noted, never fatal: the run
    // must still end with its own outcome.
    const written = await Promise.allSettled(files.map((f) => this.writeBlob(f)));
    let failures = 0;
    for (const [i, result] of written.entries()) {
      const f = files[i];
      try {
        if (result.status === 'rejected') throw result.reason;
        await this.addRow(f, result.value);
      } catch (err) {
        failures += 1;
        this.writeErrors.push(err);
        this.orchestration(`Writing ${f.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.orchestration(failures === 0 ? 'Files written' : `Files written, ${failures} of ${files.length} failed`);
    await this.writeCloudLogs();
  }

  /** The worker's log of the run as far as it goes. */
  async writeCloudLogs(): Promise<void> {
    await this.writeFile('cloud_logs', 'cloud-logs.txt', this.cloudLines.join(''), TEXT);
  }

  private async persist(event: RunEvent): Promise<void> {
    const { store, runId } = this.opts;
    switch (event.type) {
      case 'run-started':
        this.started = event.at;
        this.orchestration(`Browser context open: ${event.browserName} ${event.browserVersion}, ${event.width}x${event.height}`);
        // In order with the step runs that follow: a run is `running` before its first step shows.
        await store.runs.transition(
          runId,
          allowedFrom('running'),
          {
            status: 'running',
            started: event.at,
            browserName: event.browserName,
            browserVersion: event.browserVersion,
            osName: event.osName,
            browserWidth: event.width,
            browserHeight: event.height,
          },
          this.opts.fence,
        );
        return;
      case 'step-started':
        this.steps.set(event.step.id, event.step);
        await store.stepRuns.upsert(runId, event.step, undefined, this.opts.fence);
        return;
      case 'step-ended': {
        this.steps.set(event.step.id, event.step);
        let screenshotKey: string | undefined;
        if (event.screenshot) {
          const ext = event.screenshot.contentType.split('/')[1] ?? 'bin';
          screenshotKey = `${runId}/screenshots/${String(event.step.sequence).padStart(4, '0')}-${event.step.id}.${ext === 'jpeg' ? 'jpg' : ext}`;
          // Not synced: a killed process keeps it all the same, and the run's rows in SQLite
          // (synchronous=NORMAL) are no more durable against power loss than this file.
          await store.blobs.put(screenshotKey, event.screenshot.data, { durable: false });
          this.shots.set(event.step.id, { contentType: event.screenshot.contentType, data: event.screenshot.data });
        }
        await store.stepRuns.upsert(runId, event.step, screenshotKey, this.opts.fence);
        if (event.step.parentStepRunId === null && event.step.status !== 'skipped') await store.runs.incrementFinishedSteps(runId, this.opts.fence);
        // Rewritten after every step: not synced each time (a killed process keeps them anyway).
        await this.writeFile('logs_partial', 'logs-partial.txt', this.logLines.join(''), TEXT, null, false);
        // Only when requests were added since: the HAR is rebuilt whole each time.
        if (this.network.length > this.networkWritten) {
          this.networkWritten = this.network.length;
          await this.writeFile('extension_network_logs_partial', 'network-partial.har', toHar(this.network), 'application/json', null, false);
        }
        return;
      }
      case 'console':
        this.consoleEntries.push(event.entry);
        return;
      case 'network':
        this.network.push(event.entry);
        return;
      case 'log':
        this.logLines.push(formatLogLine(event));
        // The first line makes the partial log exist from the start of the run.
        if (this.logLines.length === 1) await this.writeFile('logs_partial', 'logs-partial.txt', this.logLines.join(''), TEXT, null, false);
        return;
      case 'dom-snapshot':
        await this.writeFile('dom_snapshot', `dom-snapshot-${event.stepRunId}.html`, event.html, 'text/html; charset=utf-8', event.stepRunId);
        return;
      case 'artifact':
        if (event.kind === 'trace') {
          // Written with the final files, once the outcome says whether it is kept.
          this.trace = { kind: 'trace', name: event.name, content: event.data, contentType: event.contentType, replace: true, durable: true };
          this.orchestration(`Trace recorded (${(byteLength(event.data) / 1024).toFixed(0)} KiB)`);
          return;
        }
        await this.addFile(event.kind, event.name, event.data, event.contentType, event.stepRunId);
        return;
    }
  }

  /** One file per kind, replaced when rewritten. */
  private async writeFile(
    kind: ArtifactKind,
    name: string,
    content: string | Uint8Array,
    contentType: string,
    stepRunId: string | null = null,
    durable = true,
  ): Promise<void> {
    const f: RunFile = { kind, name, content, contentType, replace: true, durable };
    await this.addRow(f, await this.writeBlob(f), stepRunId);
  }

  /** Another file of a kind that has many per run (reports, uploads, visual regression images). */
  private async addFile(kind: ArtifactKind, name: string, content: string | Uint8Array, contentType: string, stepRunId: string | null = null): Promise<void> {
    const f: RunFile = { kind, name, content, contentType, replace: false, durable: true };
    await this.addRow(f, await this.writeBlob(f), stepRunId);
  }

  /** Writes the bytes; returns the blob key (and the name the row gets). */
  private async writeBlob(f: RunFile): Promise<{ blobKey: string; name: string }> {
    const { store, runId } = this.opts;
    const name = f.replace ? f.name : f.name.replace(/[^\w.-]+/g, '_');
    const blobKey = f.replace ? `${runId}/${name}` : `${runId}/${f.kind}/${crypto.randomUUID().slice(0, 8)}-${name}`;
    await store.blobs.put(blobKey, f.content, { durable: f.durable });
    return { blobKey, name };
  }

  private async addRow(f: RunFile, { blobKey, name }: { blobKey: string; name: string }, stepRunId: string | null = null): Promise<void> {
    const { store, runId } = this.opts;
    const row = this.row(f.kind, name, blobKey, f.content, f.contentType, stepRunId);
    if (!f.replace) {
      await store.artifacts.add(row);
      return;
    }
    const { replaced } = await store.artifacts.replace(runId, f.kind, row);
    for (const old of replaced) if (old.blobKey !== blobKey) await store.blobs.delete(old.blobKey);
  }

  private row(kind: ArtifactKind, name: string, blobKey: string, content: string | Uint8Array, contentType: string, stepRunId: string | null) {
    return {
      runId: this.opts.runId,
      stepRunId,
      kind,
      name,
      blobKey,
      contentType,
      size: byteLength(content),
      expiresAt: this.opts.retention(kind),
    };
  }
}

function byteLength(content: string | Uint8Array): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { slugify } from '../definitions/index.js';
import type { RunEvent, RunSink, StepRunRecord } from '../domain/index.js';
import type { EmbeddedScreenshots } from '../reports/index.js';

/** Where a run's trace goes in its folder, once the runner records one (`--trace on`). */
export const TRACE_FILE = 'trace.zip';

/**
 * The sink of one local run: keeps its step runs for the reports, writes a screenshot per step
 * (and the trace, and visual regression images) into the test's folder as they come. `emit` never
 * blocks the runner: writes are chained behind it, and a failed write is remembered, not thrown.
 */
export class LocalRecorder implements RunSink {
  readonly steps = new Map<string, StepRunRecord>();
  /** Kept for report.html, which embeds them: no reading them back at the end. */
  readonly screenshots: EmbeddedScreenshots = new Map();
  /** The file of each step run's screenshot. */
  readonly screenshotFiles = new Map<string, string>();
  started: string | null = null;
  tracePath: string | null = null;
  readonly writeErrors: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly names = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly onStepStarted: (step: StepRunRecord) => void,
  ) {}

  emit(event: RunEvent): void {
    switch (event.type) {
      case 'run-started':
        this.started = event.at;
        return;
      case 'step-started':
        this.steps.set(event.step.id, event.step);
        this.onStepStarted(event.step);
        return;
      case 'step-ended': {
        this.steps.set(event.step.id, event.step);
        const shot = event.screenshot;
        if (!shot) return;
        const ext = shot.contentType === 'image/jpeg' ? 'jpg' : (shot.contentType.split('/')[1] ?? 'bin');
        const label = slugify(event.step.name ?? '') || event.step.type;
        const path = join(this.dir, this.unique(`${String(event.step.sequence + 1).padStart(2, '0')}-${label}.${ext}`));
        this.screenshots.set(event.step.id, { contentType: shot.contentType, data: shot.data });
        this.screenshotFiles.set(event.step.id, path);
        this.write(path, shot.data);
        return;
      }
      case 'artifact': {
        if (event.kind === 'trace') {
          this.tracePath = join(this.dir, TRACE_FILE);
          this.write(this.tracePath, event.data);
        } else if (event.kind === 'visual_regression_screenshot') {
          this.write(join(this.dir, this.unique(event.name.replace(/[^\w.-]+/g, '_'))), event.data);
        }
        return;
      }
      default:
        // Logs, console and network entries are the server's debug artifacts; a local run shows its steps.
        return;
    }
  }

  /** Resolves once every file of the run is written (or has failed to be). */
  async finish(): Promise<void> {
    await this.chain;
  }

  private unique(name: string): string {
    let candidate = name;
    for (let n = 2; this.names.has(candidate) || candidate === TRACE_FILE; n++) candidate = name.replace(/(\.[^.]*)?$/, `-${n}$1`);
    this.names.add(candidate);
    return candidate;
  }

  private write(path: string, data: Uint8Array | string): void {
    this.chain = this.chain
      .then(async () => {
        await mkdir(this.dir, { recursive: true });
        await writeFile(path, data);
      })
      .catch((err: unknown) => {
        this.writeErrors.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
      });
  }
}

import { randomUUID } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { PlanStep, StepRunRecord, TestPlan } from '../domain/index.js';
import { errorMessage } from './errors.js';
import type { RunEventEmitter } from './event-emitter.js';
import type { SecretSet } from './secrets.js';
import { within } from './timing.js';
import { editZipText } from './trace-zip.js';

/** A trace larger than this is dropped (noted in cloud_logs): traces are loaded whole by the viewer and the API. */
export const TRACE_MAX_BYTES = 50 * 1024 * 1024;
/** Starting, a group mark: tens of ms at most when the browser answers; never let one hold a run. */
const TRACE_CALL_LIMIT_MS = 5_000;
/** Writing the zip: a few hundred ms for a long run's snapshots and screenshots. */
const TRACE_STOP_LIMIT_MS = 30_000;

/** Asks `runPlan` to record a Playwright trace of the run, emitted as an `artifact` event of kind `trace`. */
export interface TraceRecording {
  /** Told what became of a trace that is not emitted (too large, failed, lost): the worker's log of the run (`cloud_logs`). */
  note(message: string): void;
  /** A larger trace is dropped; default TRACE_MAX_BYTES. */
  maxBytes?: number;
}

/** The name of a step's group in the trace: the run page's number, and the step's name or else its action. */
export function traceStepTitle(record: Pick<StepRunRecord, 'sequence'>, step: Pick<PlanStep, 'name' | 'action'>): string {
  return `Step ${record.sequence + 1}: ${step.name || step.action}`;
}

const MiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/**
 * The Playwright trace of one run (context.tracing): every step is a named group, so the viewer's
 * action list reads like the run page. Nothing here fails the run: a tracing error stops the
 * recording, is noted, and the run goes on.
 */
export class RunTrace {
  private recording: boolean;

  private constructor(
    private readonly context: BrowserContext | null,
    private readonly events: RunEventEmitter | null,
    private readonly secrets: SecretSet | null,
    private readonly notes: TraceRecording | null,
  ) {
    this.recording = context !== null;
  }

  /** A run that records no trace: every call does nothing. */
  static readonly NONE = new RunTrace(null, null, null, null);

  /** Starts recording on the run's fresh context; the run's title names the trace in the viewer. */
  static async start(context: BrowserContext, plan: TestPlan, events: RunEventEmitter, secrets: SecretSet, notes: TraceRecording): Promise<RunTrace> {
    const trace = new RunTrace(context, events, secrets, notes);
    const started = context.tracing.start({ screenshots: true, snapshots: true, sources: false, title: `${plan.testName} · run ${plan.runId}` }).then(
      () => true,
      (e: unknown) => trace.fail(`Trace not recorded: tracing did not start: ${errorMessage(e)}`),
    );
    if (!(await within(started, TRACE_CALL_LIMIT_MS, false))) trace.fail('Trace not recorded: tracing did not start in time');
    return trace;
  }

  get active(): boolean {
    return this.recording;
  }

  /** Opens a named group: what follows, until `groupEnd`, shows under it in the viewer. */
  async group(name: string): Promise<void> {
    if (!this.recording || !this.context) return;
    const mark = this.context.tracing.group(name).then(
      () => true,
      (e: unknown) => this.fail(`Trace stopped: ${errorMessage(e)}`),
    );
    await within(mark, TRACE_CALL_LIMIT_MS, true);
  }

  async groupEnd(): Promise<void> {
    if (!this.recording || !this.context) return;
    const mark = this.context.tracing.groupEnd().then(
      () => true,
      (e: unknown) => this.fail(`Trace stopped: ${errorMessage(e)}`),
    );
    await within(mark, TRACE_CALL_LIMIT_MS, true);
  }

  /**
   * Stops recording and emits the zip, secrets masked in its text, as the run's `trace` artifact;
   * call it before the context closes. `lost` says why the context is already going (a stop, the
   * run's hard limit, a crash): the trace is gone with it. Never throws.
   */
  async finish(lost: string | null): Promise<void> {
    if (!this.recording || !this.context) return;
    this.recording = false;
    if (lost !== null) {
      this.note(`Trace lost: ${lost}`);
      return;
    }
    const path = join(tmpdir(), `bugrun-trace-${randomUUID()}.zip`);
    const stopped = this.context.tracing.stop({ path }).then(
      () => 'saved' as const,
      (e: unknown) => `saving it failed: ${errorMessage(e)}`,
    );
    let late = false;
    try {
      const result = await within(stopped, TRACE_STOP_LIMIT_MS, null);
      if (result === null) {
        late = true;
        this.note(`Trace lost: saving it took more than ${TRACE_STOP_LIMIT_MS / 1000} s`);
        return;
      }
      if (result !== 'saved') {
        this.note(`Trace lost: ${result}`);
        return;
      }
      const limit = this.notes?.maxBytes ?? TRACE_MAX_BYTES;
      const { size } = await stat(path);
      if (size > limit) {
        this.note(`Trace dropped: ${MiB(size)} is over the limit of ${MiB(limit)}`);
        return;
      }
      let zip: Buffer = await readFile(path);
      // A Playwright trace holds what was typed and what pages showed: the run's secrets too.
      const secrets = this.secrets;
      if (secrets && secrets.size > 0) {
        zip = await editZipText(zip, (text) => secrets.mask(text));
        if (zip.length > limit) {
          this.note(`Trace dropped: ${MiB(zip.length)} is over the limit of ${MiB(limit)}`);
          return;
        }
      }
      this.events?.emit({ type: 'artifact', kind: 'trace', name: 'trace.zip', contentType: 'application/zip', data: zip, stepRunId: null });
    } catch (e) {
      this.note(`Trace lost: ${errorMessage(e)}`);
    } finally {
      // A save that outlived its limit may still write the file.
      const remove = () => rm(path, { force: true }).catch(() => undefined);
      if (late) void stopped.then(remove);
      else await remove();
    }
  }

  /** Stops using the trace after an error; returns false for the callers' `then`. */
  private fail(message: string): false {
    if (this.recording) {
      this.recording = false;
      this.note(message);
    }
    return false;
  }

  private note(message: string): void {
    const masked = this.secrets ? this.secrets.mask(message) : message;
    try {
      this.notes?.note(masked);
    } catch {
      // The worker's log must not end a run.
    }
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ClientConfig } from '../config/client-config.js';
import type { RunBody, RunStatusBody, StepRunBody } from './api-types.js';
import { apiText } from './http-client.js';

/** `HH:MM:SS.ffffff` (DRF DurationField) as `1.23 s` / `2 min 03.4 s`. */
export function shortDuration(duration: string | null): string {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(duration ?? '');
  if (!m) return '-';
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  const seconds = Number(m[3]);
  return minutes > 0 ? `${minutes} min ${seconds.toFixed(1).padStart(4, '0')} s` : `${seconds.toFixed(2)} s`;
}

export function stepLabel(step: StepRunBody): string {
  return step.name ? `${step.name} (${step.type})` : step.type;
}

/** The step that decided a failed run: the first failure not ignored by `continue_on_failure`. */
export function failingStep(run: RunBody): { index: number; step: StepRunBody } | null {
  const index = run.stepsRuns.findIndex((s) => (s.status === 'failed' || s.status === 'error') && !s.ignoredFailed);
  const step = run.stepsRuns[index];
  return step ? { index, step } : null;
}

/** The inline reporter's summary of a run (stdout). */
export function summaryLines(run: RunBody, profileName: string | null): string[] {
  const lines = [`Test: ${run.name}`, `Status: ${run.status}${run.errorCode ? ` (${run.errorCode})` : ''}`, `Duration: ${shortDuration(run.duration)}`];
  if (profileName) lines.push(`Profile: ${profileName}`);
  const failing = failingStep(run);
  if (failing) {
    const { index, step } = failing;
    lines.push(`Failed step: ${index + 1}. ${stepLabel(step)}${step.errorCode ? `: ${step.errorCode}` : ''}${step.error ? `: ${step.error}` : ''}`);
  }
  lines.push(`Details: ${run.webappUrl}`);
  return lines;
}

/** `--with-details`: every step with its status, error code and message. */
export function detailLines(run: RunBody): string[] {
  const lines = [`Steps (${run.stepsRuns.length}):`];
  run.stepsRuns.forEach((step, i) => {
    const flags = [step.warning ? 'warning' : '', step.ignoredFailed ? 'failure ignored' : ''].filter(Boolean).join(', ');
    lines.push(`  ${String(i + 1).padStart(3)}. ${step.status.padEnd(7)} ${stepLabel(step)}  ${shortDuration(step.duration)}${flags ? `  [${flags}]` : ''}`);
    if (step.errorCode || step.error) lines.push(`       ${[step.errorCode, step.error].filter(Boolean).join(': ')}`);
  });
  return lines;
}

/** Writes a report the API produced, byte for byte, and returns its absolute path. */
export async function writeReport(text: string, outputPath: string): Promise<string> {
  const path = resolve(outputPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}

/** Writes the run's JUnit report and returns the absolute path. */
export async function writeJUnit(client: ClientConfig, runId: string, outputPath: string | undefined): Promise<string> {
  const xml = await apiText(client, `/api/v2/testruns/${encodeURIComponent(runId)}/report/junit/`, `Test run "${runId}" not found`);
  return writeReport(xml, outputPath ?? `bugrun-${runId}-junit.xml`);
}

/**
 * Shows where a run is while the CLI waits. On a terminal one line is rewritten in place with
 * `\r`; in CI logs (no TTY) a plain line is printed whenever the step or status changes.
 */
export class ProgressLine {
  private last = '';
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  update(status: RunStatusBody, run: RunBody | null): void {
    if (!this.enabled) return;
    const current = run ? ([...run.stepsRuns].reverse().find((s) => s.status === 'running') ?? run.stepsRuns.at(-1)) : undefined;
    const step = Math.min(status.totalSteps, status.finishedSteps + (current?.status === 'running' ? 1 : 0));
    const text = `[${step}/${status.totalSteps}] ${status.status}${current ? ` - ${stepLabel(current)}` : ''}`;
    if (text === this.last) return;
    this.last = text;
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns || 80) - 1);
      this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the in-place line so what follows starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

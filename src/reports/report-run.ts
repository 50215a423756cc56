import type { ErrorCode, RunStatus, StepRunRecord } from '../domain/index.js';

/** What a report needs to know of a run; secrets are already masked in the step records. */
export interface ReportRun {
  id: string;
  testId: string | null;
  testName: string;
  status: RunStatus;
  errorCode: ErrorCode | null;
  errorMessage: string | null;
  started: string | null;
  ended: string | null;
  steps: StepRunRecord[];
}

/** The one way a report's input is built, from a run's fields and its step runs in any order. */
export function reportOf(run: Omit<ReportRun, 'steps'>, steps: Iterable<StepRunRecord>): ReportRun {
  const { id, testId, testName, status, errorCode, errorMessage, started, ended } = run;
  return { id, testId, testName, status, errorCode, errorMessage, started, ended, steps: [...steps].sort((a, b) => a.sequence - b.sequence) };
}

export function seconds(from: string | null, to: string | null): number {
  if (!from || !to) return 0;
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

export function stepLabel(step: StepRunRecord): string {
  return step.name ? `${step.name} (${step.type})` : step.type;
}

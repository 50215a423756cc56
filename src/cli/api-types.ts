import { TERMINAL_STATUSES } from '../domain/run-status.js';

/** The API's JSON shapes, as far as the CLI reads them (BugBug v2, see src/api/serializers.ts). */

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface TestSummary {
  id: string;
  name: string;
  slug?: string;
}

export interface ProfileSummary {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface RunStatusBody {
  id: string;
  status: string;
  finishedSteps: number;
  totalSteps: number;
  modified: string;
  webappUrl: string;
}

export interface StepRunBody {
  id: string;
  sequence?: number;
  type: string;
  name: string | null;
  status: string;
  error: string | null;
  errorCode: string | null;
  warning: boolean;
  ignoredFailed: boolean;
  duration: string | null;
}

export interface RunBody {
  id: string;
  name: string;
  testId: string | null;
  status: string;
  errorCode: string | null;
  started: string | null;
  ended: string | null;
  duration: string | null;
  triggeredBy: string;
  runProfileId: string | null;
  webappUrl: string;
  stepsRuns: StepRunBody[];
}

/** Statuses after which a run never changes again (docs/bugbug-compatibility.md §2). */
export function isFinished(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export interface SuiteSummary {
  id: string;
  name: string;
  slug: string;
  testsCount: number;
  runInParallel: boolean;
  autoRetry: number;
}

export interface SuiteRunStatusBody {
  id: string;
  status: string;
  finishedTests: number;
  totalTests: number;
  modified: string;
  webappUrl: string;
}

export interface SuiteRunBody extends SuiteRunStatusBody {
  name: string;
  errorCode: string | null;
  duration: string | null;
  profileName: string | null;
  testRuns: (RunBody & { attempt: number })[];
}

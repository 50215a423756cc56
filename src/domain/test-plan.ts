import type { ActionDetails, StepAction, WaitingCondition } from './step.js';

/**
 * An executable test: the test's groups with components inlined, variables resolved to their
 * sources and the project's settings applied. definitions/ builds it; the runner executes it.
 */
export interface TestPlan {
  runId: string;
  testId: string;
  testName: string;
  screen: ScreenSize;
  groups: PlanGroup[];
  variables: PlanVariable[];
  settings: RunSettings;
  /**
   * This run's own trace policy, which wins over the worker's (BUGRUN_TRACE): `on` when the run was
   * asked for with `"trace": true` (a Bugrun extension of `POST /testruns/`). Absent: the worker's.
   */
  trace?: TracePolicy;
}

/**
 * When a run records a Playwright trace (actions, DOM snapshots, network, console, screenshots),
 * kept as its `trace` debug artifact: `off`; `on` (every run); `retain-on-failure` (recorded for
 * every run, kept only when it ends `failed` or `error`); `on-first-retry` (only a suite's retried
 * attempt, attempt 2, records one).
 */
export const TRACE_POLICIES = ['off', 'on', 'retain-on-failure', 'on-first-retry'] as const;
export type TracePolicy = (typeof TRACE_POLICIES)[number];

/**
 * `off`, measured (bench figure "trace", `npm run bench -- --only trace`; the 20-step reference
 * run, quick mode, a busy 2-core machine): a run that records a trace, passed or not, costs a
 * third more CPU (this process + browser, 2.8 → 3.8 s; Playwright's snapshots double this
 * process's share) and 1.5-1.9× the wall time (median 2.0 → 3.7-3.9 s), and keeps ~1.1 MiB. So
 * `retain-on-failure` pays that on every run to save only storage; `on-first-retry` costs nothing
 * until a suite retries. And BugBug's clients check artifact kinds against an enum without
 * `trace`: by default they never see one. A run asks for its own trace with `"trace": true`; an
 * operator who wants every failure traced sets BUGRUN_TRACE=retain-on-failure.
 */
export const DEFAULT_TRACE_POLICY: TracePolicy = 'off';

export interface ScreenSize {
  type: 'desktop' | 'mobile' | 'custom';
  width: number;
  height: number;
}

export interface PlanGroup {
  /** Stable id: the group's (or the component's) uuid. */
  id: string;
  name: string;
  /** Slug of the component this group came from; null for an inline group. */
  componentSlug: string | null;
  /** The group's / component reference's `variables` map, in force while the group runs. */
  variables: Record<string, string>;
  steps: PlanStep[];
}

export interface PlanStep {
  /** Stable across runs and re-imports of an unchanged test. */
  id: string;
  action: StepAction;
  name: string | null;
  isActive: boolean;
  details: ActionDetails;
  continueOnFailure: boolean;
  /** Seconds to wait before the step; null = project default. */
  sleep: number | null;
  /** Seconds; null = project default. */
  runTimeout: number | null;
  /** null = the defaults for the step type; [] = none. */
  waitingConditions: WaitingCondition[] | null;
  /** Steps of an `ifCondition`, run when its condition holds. */
  conditionalSteps: PlanStep[];
}

/** One variable in force for the run, lowest precedence first when keys repeat. */
export interface PlanVariable {
  key: string;
  value: string;
  secret: boolean;
  source: 'project' | 'profile' | 'override' | 'builtin';
}

export interface RunSettings {
  /** Default step timeout, ms. */
  stepTimeoutMs: number;
  /** Whole-run limit, ms (SINGLE_TEST_TIME_EXCEEDED). */
  runTimeoutMs: number;
  /** Default delay before each step, ms. */
  defaultSleepMs: number;
  captureDomOnFailure: boolean;
  language: string | null;
  userAgent: string | null;
  customHeaders: { name: string; value: string }[];
  /** Project-level default waiting conditions; null = Bugrun's defaults per step type. */
  waitingConditions: WaitingCondition[] | null;
  /** IANA time zone of the browser, e.g. `Europe/Warsaw`; null = the machine's. */
  timezone: string | null;
  visualRegression: VisualRegressionSettings;
}

export interface VisualRegressionSettings {
  /** Largest share of differing pixels that still passes, in percent (step value wins). */
  defaultMaxDiff: number;
  /** pixelmatch threshold, 0..1: how different a pixel must be to count. */
  pixelThreshold: number;
  includeAntiAliasing: boolean;
}

/** Steps counted by `totalSteps`: active steps of every group (branches of ifCondition excluded). */
export function countPlanSteps(plan: TestPlan): number {
  return plan.groups.reduce((n, g) => n + g.steps.filter((s) => s.isActive).length, 0);
}

export function secretValues(plan: TestPlan): string[] {
  return plan.variables.filter((v) => v.secret && v.value !== '').map((v) => v.value);
}

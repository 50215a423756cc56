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
}

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

import type { Failure, PlanGroup, PlanStep, PlanVariable, TestPlan } from '../domain/index.js';
import type { ProfileVariable } from './bundle-types.js';
import { runSettings, screenSize, waitingCondition } from './plan-settings.js';
import { stepId, inlineGroupId } from './step-ids.js';
import type { ComponentData, JsonValue, ProjectSettings, ScreenDimensions, StepData, TestData } from './types.js';
import { isComponentRef } from './types.js';

export interface PlanInput {
  runId: string;
  test: { id: string; name: string; data: TestData };
  /** Components of the project, by slug. */
  components: Map<string, { id: string; data: ComponentData }>;
  /** null = Bugrun defaults. */
  settings: ProjectSettings | null;
  /** The chosen profile's variables (or the default profile's); may be empty. */
  profileVariables: ProfileVariable[];
  /** Run-time overrides (API `variables`, CLI `--variable k=v`). */
  overrides: { key: string; value: string | null }[];
  /** testRunId, testId, testName, profileName, runMode, timestamp, ... computed by the caller. */
  builtins: Record<string, string>;
  /** Whole-run limit in ms; default 30 min. */
  runTimeoutMs?: number;
  /** Viewport of a `screen_size: custom` test; default the desktop size. */
  customScreenSize?: ScreenDimensions;
}

/**
 * Turns a stored test into what the runner executes: components inlined as groups, stable step
 * ids, every variable source listed, project settings applied. Failures are data, like the
 * runner's: a missing component ends the run with INITIALIZATION_ERROR instead of throwing.
 */
export function buildTestPlan(input: PlanInput): { plan: TestPlan } | { failure: Failure } {
  const groups: PlanGroup[] = [];
  for (const group of input.test.data.groups ?? []) {
    if (isComponentRef(group)) {
      const slug = group.component_source;
      const component = input.components.get(slug);
      if (!component) {
        return { failure: { errorCode: 'INITIALIZATION_ERROR', message: `Component "${slug}" is not defined` } };
      }
      groups.push({
        id: component.id,
        name: component.data.component_name,
        componentSlug: slug,
        variables: stringifyVariables(group.variables),
        // Owned by the component, so its steps keep their ids in every test that uses it.
        steps: planSteps(component.data.steps ?? [], component.id, slug, []),
      });
    } else {
      groups.push({
        id: inlineGroupId(input.test.id, group.slug),
        name: group.group_name,
        componentSlug: null,
        variables: stringifyVariables(group.variables),
        steps: planSteps(group.steps ?? [], input.test.id, group.slug, []),
      });
    }
  }

  return {
    plan: {
      runId: input.runId,
      testId: input.test.id,
      testName: input.test.name,
      screen: screenSize(input.test.data.screen_size, input.settings, input.customScreenSize),
      groups,
      variables: planVariables(input),
      settings: runSettings(input.settings, input.runTimeoutMs),
    },
  };
}

function planSteps(steps: StepData[], ownerId: string, groupSlug: string, parentPath: number[]): PlanStep[] {
  return steps.map((step, index) => {
    const path = [...parentPath, index];
    return {
      id: stepId(ownerId, groupSlug, path),
      action: step.action,
      name: step.name ?? null,
      isActive: step.is_active ?? true,
      details: structuredClone(step.action_details),
      continueOnFailure: step.execution?.continue_on_failure ?? false,
      sleep: step.execution?.sleep ?? null,
      runTimeout: step.execution?.run_timeout ?? null,
      waitingConditions: step.waiting_conditions ? step.waiting_conditions.map(waitingCondition) : null,
      conditionalSteps: step.action === 'ifCondition' ? planSteps(step.conditional_steps ?? [], ownerId, groupSlug, path) : [],
    };
  });
}

/**
 * Lowest precedence first. The runner resolves the rest at run time (group variables while a group
 * runs, then local variables), so this only lists each source in order.
 */
function planVariables(input: PlanInput): PlanVariable[] {
  const secretKeys = new Set(input.profileVariables.filter((v) => v.secret).map((v) => v.key));
  return [
    ...input.profileVariables.map((v) => ({ key: v.key, value: v.value ?? '', secret: v.secret, source: 'profile' as const })),
    // Overriding a secret must not reveal the new value either.
    ...input.overrides.map((o) => ({ key: o.key, value: o.value ?? '', secret: secretKeys.has(o.key), source: 'override' as const })),
    ...Object.entries(input.builtins).map(([key, value]) => ({ key, value, secret: false, source: 'builtin' as const })),
  ];
}

/** Group variables may be any YAML scalar; Liquid substitutes strings. */
function stringifyVariables(variables: Record<string, JsonValue> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables ?? {})) {
    out[key] = value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

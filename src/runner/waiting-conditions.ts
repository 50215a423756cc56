import type { RunSettings, PlanStep, StepAction, WaitingCondition, WaitingConditionResult } from '../domain/index.js';
import { isTimeoutError } from './errors.js';
import type { StepContext } from './step-context.js';
import { race, within } from './timing.js';

const ELEMENT_STEPS: ReadonlySet<StepAction> = new Set([
  'click', 'dblClick', 'rightClick', 'mouseDown', 'mouseUp', 'hover', 'type', 'change', 'clear', 'select',
  'uploadFile', 'dragAndDrop', 'scroll', 'elementVisualRegression',
]);
const INTERACTIVE_STEPS: ReadonlySet<StepAction> = new Set([
  'click', 'dblClick', 'rightClick', 'mouseDown', 'mouseUp', 'type', 'change', 'clear', 'select', 'dragAndDrop',
]);

function wc(condition: WaitingCondition['condition'], expected: string | null = null): WaitingCondition {
  return { condition, expected, timeout: null, isActive: true };
}

/** Bugrun's default set per step type (BUGBUG-REFERENCE §5, design). */
export function defaultConditions(action: StepAction): WaitingCondition[] {
  const list = [wc('documentComplete')];
  if (action !== 'goto') list.push(wc('networkIdle', '2'));
  if (ELEMENT_STEPS.has(action)) list.push(wc('elementIsVisible'), wc('elementIsNotCovered'));
  if (INTERACTIVE_STEPS.has(action)) list.push(wc('elementIsNotAnimating'), wc('elementIsNotDisabled'));
  if (action === 'type' || action === 'change') list.push(wc('elementHasFocus'));
  return list;
}

/** Step list, else project list, else defaults; an explicit [] means none. */
export function conditionsFor(step: PlanStep, settings: RunSettings): WaitingCondition[] {
  const list = step.waitingConditions ?? settings.waitingConditions ?? defaultConditions(step.action);
  return list.filter((c) => c.isActive && !(step.action === 'goto' && NEVER_ON_GOTO.has(c.condition)));
}

const NEVER_ON_GOTO: ReadonlySet<string> = new Set(['networkIdle', 'pageNavigationAfterExecution']);

/** Conditions share 70 % of a step timeout ≤ 10 s, else 50 % (BUGBUG-REFERENCE §5). */
export function conditionsBudgetMs(stepTimeoutMs: number): number {
  return Math.floor(stepTimeoutMs * (stepTimeoutMs <= 10_000 ? 0.7 : 0.5));
}

export interface ConditionsOutcome {
  results: WaitingConditionResult[];
  /** Some condition ran out of time; the action is performed anyway. */
  unmet: WaitingConditionResult[];
}

type Check = (ctx: StepContext, cond: WaitingCondition, until: number) => Promise<WaitingConditionResult>;

/**
 * Only documentComplete is checked so far; the element, network and navigation conditions are
 * accepted in plans and skipped until they are implemented (they add no result entry).
 */
const CHECKS: Partial<Record<WaitingCondition['condition'], Check>> = {
  documentComplete: async (ctx, cond, until) => {
    const page = ctx.page;
    try {
      await race(page.waitForLoadState('load', { timeout: Math.max(1, until - Date.now()) }), ctx.signal);
      return { type: cond.condition, expected: 'complete', current: 'complete', isSuccess: true, isSoftSuccess: false };
    } catch (e) {
      if (!isTimeoutError(e)) throw e;
      const state = await within(page.evaluate(() => document.readyState).catch(() => null), 500, null);
      return { type: cond.condition, expected: 'complete', current: state, isSuccess: false, isSoftSuccess: false };
    }
  },
};

/** Runs the step's waiting conditions ('before' the action) within their shared budget. */
export async function awaitConditions(ctx: StepContext, conditions: WaitingCondition[]): Promise<ConditionsOutcome> {
  const budgetEnd = Math.min(ctx.deadline, Date.now() + conditionsBudgetMs(ctx.record.timeout));
  const results: WaitingConditionResult[] = [];
  for (const cond of conditions) {
    const check = CHECKS[cond.condition];
    if (!check) continue;
    const own = cond.timeout != null ? Date.now() + cond.timeout * 1000 : Infinity;
    results.push(await check(ctx, cond, Math.min(budgetEnd, own)));
  }
  return { results, unmet: results.filter((r) => !r.isSuccess) };
}

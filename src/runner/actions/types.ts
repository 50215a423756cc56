import type { Failure, PlanStep } from '../../domain/index.js';
import type { StepContext } from '../step-context.js';

/** What an action may ask of the step runner after it succeeded. */
export interface ActionResult {
  /** Child steps to run now, each as its own step run under this one (ifCondition taken). */
  branch?: PlanStep[];
  /** Child steps that were not run (ifCondition not taken); recorded as skipped. */
  notTaken?: PlanStep[];
  /** The action went through but could not be verified: the step passes with this warning. */
  warning?: Failure;
}

/** Performs one step. Throws StepError (or lets Playwright errors through) to fail it. */
export type ActionHandler = (ctx: StepContext) => Promise<ActionResult | void>;

import { assertionSpec, checkSafely, checkUntil, recordAssertion } from '../assertions.js';
import { StepError, isTargetClosedError } from '../errors.js';
import type { ActionHandler } from './types.js';

const assert: ActionHandler = async (ctx) => {
  const spec = assertionSpec(ctx);
  recordAssertion(ctx.record, spec, null);
  const check = await checkUntil(ctx, spec);
  if (!check.passed) throw new StepError(check.code, check.message);
};

/**
 * Evaluates its assertion once, never failing on it: a condition that cannot be evaluated (missing
 * element, bad variable) is simply false. Its children run as separate step runs.
 */
const ifCondition: ActionHandler = async (ctx) => {
  const children = ctx.step.conditionalSteps;
  let passed = false;
  try {
    const spec = assertionSpec(ctx);
    const check = await checkSafely(ctx, spec);
    recordAssertion(ctx.record, spec, check);
    passed = check.passed;
    if (!passed) ctx.session.events.log('info', `Condition not met (${check.message}); its steps are skipped`);
  } catch (e) {
    if (isTargetClosedError(e) || ctx.signal.aborted) throw e;
    ctx.session.events.log('warn', `Condition could not be evaluated: ${e instanceof Error ? e.message : String(e)}`);
  }
  return passed ? { branch: children } : { notTaken: children };
};

export const assertActions = { assert, ifCondition } satisfies Record<string, ActionHandler>;

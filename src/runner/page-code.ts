import type { Frame, Page } from 'playwright-core';
import { StepError, errorMessage, isTargetClosedError } from './errors.js';

/**
 * Wraps custom JavaScript as an async function with a `variables` parameter. Code that parses as a
 * single expression (`document.title === "x"`) yields its value; otherwise it is a function body
 * and `return` gives the value. Parsing is checked here, without running anything.
 */
export function wrapPageCode(code: string, variables: Record<string, string>): string {
  const vars = JSON.stringify(variables);
  let isExpression = true;
  try {
    // Parse check only: the function is never called.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a syntax check of the step's code, never run here
    new Function(`return (async (variables) => (\n${code}\n));`);
  } catch {
    isExpression = false;
  }
  return isExpression ? `(async (variables) => (\n${code}\n))(${vars})` : `(async (variables) => {\n${code}\n})(${vars})`;
}

/**
 * Runs custom JavaScript in the page. A string expression goes through CDP Runtime.evaluate, so a
 * page's Content-Security-Policy (no `unsafe-eval`) does not block it. Failures → CODE_EXECUTION_ERROR.
 */
export async function runPageCode(page: Page | Frame, code: string, variables: Record<string, string>): Promise<unknown> {
  try {
    return await page.evaluate(wrapPageCode(code, variables));
  } catch (e) {
    if (isTargetClosedError(e)) throw e;
    const first = errorMessage(e).split('\n')[0] ?? '';
    throw new StepError('CODE_EXECUTION_ERROR', `JavaScript error: ${first.replace(/^page\.evaluate: /, '')}`);
  }
}

/** A JS result as variable/assertion text: strings as they are, other values as JSON; null when none. */
export function resultToString(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    // A value JSON cannot hold (a cycle): its own description.
    return Object.prototype.toString.call(v);
  }
}

import type { ErrorCode } from '../domain/index.js';

/**
 * A step failure with the BugBug code that explains it. Thrown by action handlers and caught by
 * the step runner, which turns it into data on the step run; it never escapes `runPlan`.
 */
export class StepError extends Error {
  override readonly name = 'StepError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Raised by our own waits when the run's signal fires (user stop or the hard run limit). */
export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
  constructor() {
    super('Run aborted');
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Playwright prefixes messages with the API name and appends a multi-line call log; the first line
 * without the prefix is what a test author can act on.
 */
export function shortPlaywrightMessage(e: unknown): string {
  const first = errorMessage(e).split('\n')[0] ?? '';
  return first.replace(/^[a-zA-Z]+\.[a-zA-Z]+: /, '').trim();
}

export function isTimeoutError(e: unknown): boolean {
  return e instanceof Error && e.name === 'TimeoutError';
}

export function isTargetClosedError(e: unknown): boolean {
  return /Target page, context or browser has been closed|Target closed|Browser has been closed|Page crashed|Target crashed/i.test(errorMessage(e));
}

/** Playwright rejects a malformed CSS/XPath at once; recognise it so the step fails fast. */
export function isSelectorSyntaxError(e: unknown): boolean {
  return /while parsing (css )?selector|is not a valid XPath expression|is not a valid selector|Unknown engine/i.test(errorMessage(e));
}

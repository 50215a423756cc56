import { StepError, errorMessage, isSelectorSyntaxError, isTimeoutError, shortPlaywrightMessage } from '../errors.js';

/**
 * Turns a Playwright actionability failure into the BugBug code that explains it. Playwright's
 * TimeoutError carries a call log whose last lines say why it kept retrying.
 */
export function explainInteractionError(e: unknown, description: string, timeoutMs: number): unknown {
  if (e instanceof StepError) return e;
  if (isSelectorSyntaxError(e)) {
    return new StepError('INVALID_ELEMENT_SELECTOR', `Invalid selector ${description}: ${shortPlaywrightMessage(e)}`);
  }
  const msg = errorMessage(e);
  if (
    /is not an <input>|not an <input>, <textarea>|is not editable|element is not editable|Input of type ".*" cannot be filled/i.test(msg) &&
    !isTimeoutError(e)
  ) {
    return new StepError('UNCHANGABLE_ELEMENT', `Element ${description} cannot be typed into`);
  }
  if (/Cannot type text into input\[type=/i.test(msg)) {
    return new StepError('TYPED_TEXT_DIFFERENT_THAN_EXPECTED', `Element ${description}: ${shortPlaywrightMessage(e)}`);
  }
  if (!isTimeoutError(e)) return e;
  const lines = msg.split('\n');
  const last = (re: RegExp): string | undefined => [...lines].reverse().find((l) => re.test(l));
  const covering = last(/intercepts pointer events/);
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  if (covering) {
    const by = /-\s*(<.*?>)/.exec(covering)?.[1] ?? 'another element';
    return new StepError('EVENT_DISPATCHED_ON_INVALID_ELEMENT', `Element ${description} is covered by ${by}`);
  }
  if (last(/outside of the viewport/)) {
    return new StepError('INTERACTION_POSITION_OUT_OF_VIEWPORT', `Element ${description} is outside of the viewport`);
  }
  if (last(/not editable/)) return new StepError('UNCHANGABLE_ELEMENT', `Element ${description} is not editable`);
  if (last(/element is not visible/)) return new StepError('TIMEOUT', `Element ${description} was not visible within ${seconds}`);
  if (last(/not enabled|disabled/)) return new StepError('TIMEOUT', `Element ${description} stayed disabled for ${seconds}`);
  if (last(/not stable/)) return new StepError('TIMEOUT', `Element ${description} kept moving for ${seconds}`);
  if (last(/not attached|detached/)) return new StepError('ELEMENT_REMOVED', `Element ${description} was removed from the page`);
  return new StepError('TIMEOUT', `Could not interact with ${description} within ${seconds}`);
}

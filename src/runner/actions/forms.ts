import { StepError } from '../errors.js';
import { explainInteractionError } from './interaction-errors.js';
import type { ActionHandler } from './types.js';

/** What a field holds now: `value` for form controls, the text for contenteditable elements. */
export function readFieldValue(el: Element): string {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
    return el.value;
  }
  return el instanceof HTMLElement ? el.innerText.replace(/\n$/, '') : (el.textContent ?? '');
}

const type: ActionHandler = async (ctx) => {
  const value = ctx.render(ctx.details.value);
  // Registered before anything about this step is emitted, so the value is masked everywhere.
  if (ctx.details.has_secret_value) ctx.session.secrets.add(value);
  ctx.record.computedValue = value;
  const { loc, description } = await ctx.element();
  try {
    // fill() focuses, replaces the content and fires `input`; far faster than per-key typing.
    await loc.fill(value, { timeout: ctx.pwTimeout() });
  } catch (e) {
    throw explainInteractionError(e, description, ctx.record.timeout);
  }
  // Masks, maxlength or scripts can change what ends up in the field.
  const probe = { timeout: Math.max(1, Math.min(ctx.remaining(), 2_000)) };
  // inputValue() runs in Playwright's utility world, already set up by fill(); a main-world
  // evaluate would cost another script injection (~60-100 ms) on each new page.
  const actual = await loc.inputValue(probe).catch(() => loc.evaluate(readFieldValue, undefined, probe));
  if (actual !== value) {
    throw new StepError(
      'TYPED_TEXT_DIFFERENT_THAN_EXPECTED',
      `Typed "${value}" into ${description}, but the field contains "${actual}"`,
    );
  }
};

const clear: ActionHandler = async (ctx) => {
  const { loc, description } = await ctx.element();
  try {
    await loc.clear({ timeout: ctx.pwTimeout() });
  } catch (e) {
    throw explainInteractionError(e, description, ctx.record.timeout);
  }
};

export const formActions = { type, clear } satisfies Record<string, ActionHandler>;

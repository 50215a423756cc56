import { StepError } from '../errors.js';
import type { StepContext } from '../step-context.js';
import { explainInteractionError } from './interaction-errors.js';
import { evaluateOn } from './scope.js';
import type { ActionHandler } from './types.js';

const RETRY_MS = 150;

/** What a field holds now: `value` for form controls, the text for contenteditable elements. */
export function readFieldValue(el: Element): string {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
    return el.value;
  }
  return el instanceof HTMLElement ? el.innerText.replace(/\n$/, '') : (el.textContent ?? '');
}

/** Registers a secret value before anything about the step is emitted, so it is masked everywhere. */
function fieldValue(ctx: StepContext): string {
  const value = ctx.render(ctx.details.value);
  if (ctx.details.has_secret_value) ctx.session.secrets.add(value);
  ctx.record.computedValue = value;
  return value;
}

const type: ActionHandler = async (ctx) => {
  const value = fieldValue(ctx);
  const { loc, description } = await ctx.element();
  try {
    // fill() focuses, replaces the content and fires `input`; far faster than per-key typing. It
    // refuses elements that take no text (UNCHANGABLE_ELEMENT) and waits while one is read-only.
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
      ctx.details.has_secret_value
        ? // What the field kept of a secret (cut by maxlength, reformatted) is no longer the secret, so the mask would miss it.
          `Typed a secret value into ${description}, but the field contains something else`
        : `Typed "${value}" into ${description}, but the field contains "${actual}"`,
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

type ChangeOutcome = { state: 'done'; expected: string } | { state: 'unchangable' | 'readonly' | 'disabled'; kind: string };

/**
 * Runs in the page. Sets the field the way a script or a date/colour picker does: through the
 * prototype's value setter (so frameworks that track the value, like React, notice), then fires
 * `input` and `change`. Checkboxes and radios take "true"/"false"; contenteditable takes text.
 */
function applyChange(el: Element, value: string): ChangeOutcome {
  const field = el instanceof HTMLLabelElement && el.control ? el.control : el;
  const kind = field.tagName.toLowerCase() + (field instanceof HTMLInputElement ? `[type=${field.type}]` : '');
  let expected = value;
  if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement) {
    if (field.disabled) return { state: 'disabled', kind };
    if (field instanceof HTMLInputElement && ['file', 'button', 'submit', 'reset', 'image'].includes(field.type)) {
      return { state: 'unchangable', kind };
    }
    if (!(field instanceof HTMLSelectElement) && field.readOnly) return { state: 'readonly', kind };
    field.focus({ preventScroll: true });
    if (field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio')) {
      const on = !['', 'false', 'off', '0', 'no', 'unchecked'].includes(value.trim().toLowerCase());
      field.checked = on;
      expected = String(on);
    } else {
      const proto = Object.getPrototypeOf(field) as object;
      // The prototype's own setter, called on the field: what frameworks that track value see.
      // eslint-disable-next-line @typescript-eslint/unbound-method -- bound by .call below
      const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
      if (setter) setter.call(field, value);
      else field.value = value;
    }
  } else if (field instanceof HTMLElement && field.isContentEditable) {
    field.focus({ preventScroll: true });
    field.textContent = value;
  } else {
    return { state: 'unchangable', kind };
  }
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return { state: 'done', expected };
}

function readBack(el: Element): string {
  const field = el instanceof HTMLLabelElement && el.control ? el.control : el;
  if (field instanceof HTMLInputElement && (field.type === 'checkbox' || field.type === 'radio')) return String(field.checked);
  if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement) return field.value;
  return field instanceof HTMLElement ? field.innerText.replace(/\n$/, '') : (field.textContent ?? '');
}

/**
 * Sets the value without typing (date pickers, sliders, hidden-by-design inputs). When the field
 * then holds something else (the browser sanitised it, a script rewrote it), BugBug passes the
 * step with an INVALID_FIELD_VALUE warning rather than failing it.
 */
const change: ActionHandler = async (ctx) => {
  const value = fieldValue(ctx);
  const { loc, description } = await ctx.element();
  for (;;) {
    const outcome = await evaluateOn(ctx, loc, applyChange, value);
    if (outcome.state === 'done') {
      ctx.pendingCause = null;
      const actual = await evaluateOn(ctx, loc, readBack, null).catch(() => null);
      if (actual === null || actual === outcome.expected) return;
      return {
        warning: {
          errorCode: 'INVALID_FIELD_VALUE',
          // As in type: what the field made of a secret would slip past the mask.
          message: ctx.details.has_secret_value
            ? `Changed ${description} to a secret value, but the field contains something else`
            : `Changed ${description} to "${value}", but the field contains "${actual}"`,
        },
      };
    }
    if (outcome.state !== 'disabled') {
      throw new StepError(
        'UNCHANGABLE_ELEMENT',
        `Element ${description} (${outcome.kind}) cannot be changed${outcome.state === 'readonly' ? ': it is read-only' : ''}`,
      );
    }
    ctx.pendingCause = { code: 'TIMEOUT', message: `Element ${description} stayed disabled` };
    if (ctx.remaining() <= RETRY_MS) throw new StepError(ctx.pendingCause.code, ctx.pendingCause.message);
    await ctx.sleep(RETRY_MS);
  }
};

export const formActions = { type, clear, change } satisfies Record<string, ActionHandler>;

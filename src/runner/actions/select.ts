import type { ErrorCode } from '../../domain/index.js';
import { StepError } from '../errors.js';
import { evaluateOn } from './scope.js';
import type { ActionHandler } from './types.js';

const RETRY_MS = 150;

type SelectBy = 'text' | 'value' | 'index';

type SelectOutcome =
  | { ok: true; selected: string[] }
  /** retry: the options may still be loading, so the step keeps trying until its timeout. */
  | { ok: false; code: ErrorCode; message: string; retry: boolean };

/**
 * `select_is_multiple` values: one per line (what BugBug's recorder writes for a multi-select);
 * a single line is split on commas, the form people type by hand.
 */
export function splitSelectValues(raw: string, multiple: boolean): string[] {
  if (!multiple) return [raw];
  const lines = raw.split(/\r?\n/);
  const parts = lines.length > 1 ? lines : raw.split(',').map((p) => p.trim());
  return parts.filter((p) => p.trim() !== '');
}

/** Runs in the page: finds the options, selects exactly them and fires `input` and `change`. */
function selectOptions(el: Element, a: { by: SelectBy; values: string[] }): SelectOutcome {
  if (!(el instanceof HTMLSelectElement)) {
    return { ok: false, code: 'UNCHANGABLE_ELEMENT', message: `is a <${el.tagName.toLowerCase()}>, not a <select>`, retry: false };
  }
  if (el.disabled) return { ok: false, code: 'TIMEOUT', message: 'stayed disabled', retry: true };
  if (a.values.length > 1 && !el.multiple) {
    return { ok: false, code: 'SELECT_OPTION_FAILED', message: `allows one option, but ${a.values.length} were given`, retry: false };
  }
  const options = Array.from(el.options);
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const picks: HTMLOptionElement[] = [];
  for (const v of a.values) {
    let option: HTMLOptionElement | undefined;
    if (a.by === 'index') {
      if (!/^\s*\d+\s*$/.test(v)) return { ok: false, code: 'INVALID_OPTION_INDEX', message: `"${v}" is not an option index`, retry: false };
      option = options[Number(v)];
      if (!option) return { ok: false, code: 'MISSING_OPTION_INDEX', message: `has no option at index ${Number(v)} (${options.length} options)`, retry: true };
    } else if (a.by === 'value') {
      option = options.find((o) => o.value === v);
      if (!option) return { ok: false, code: 'MISSING_OPTION_VALUE', message: `has no option with value "${v}"`, retry: true };
    } else {
      option = options.find((o) => norm(o.text) === norm(v)) ?? options.find((o) => norm(o.label) === norm(v));
      if (!option) return { ok: false, code: 'MISSING_OPTION_TEXT', message: `has no option with text "${v}"`, retry: true };
    }
    if (option.disabled) return { ok: false, code: 'SELECT_OPTION_FAILED', message: `option "${norm(option.text)}" is disabled`, retry: true };
    picks.push(option);
  }
  el.focus({ preventScroll: true });
  for (const o of options) o.selected = picks.includes(o);
  el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  const selected = options.filter((o) => o.selected);
  if (selected.length !== picks.length || picks.some((p) => !p.selected)) {
    return { ok: false, code: 'SELECT_OPTION_FAILED', message: 'did not keep the selection (a script changed it back)', retry: false };
  }
  return { ok: true, selected: selected.map((o) => norm(o.text)) };
}

/** Selects options of a <select> by text, value or index (`select_type`), one or several. */
const select: ActionHandler = async (ctx) => {
  const d = ctx.details;
  const raw = ctx.render(d.value);
  ctx.record.computedValue = raw;
  const values = splitSelectValues(raw, d.select_is_multiple ?? false);
  const by: SelectBy = d.select_type ?? 'text';
  const { loc, description } = await ctx.element();
  for (;;) {
    const outcome = await evaluateOn(ctx, loc, selectOptions, { by, values });
    if (outcome.ok) {
      ctx.pendingCause = null;
      return;
    }
    const message = `Select ${description} ${outcome.message}`;
    if (!outcome.retry) throw new StepError(outcome.code, message);
    ctx.pendingCause = { code: outcome.code, message };
    if (ctx.remaining() <= RETRY_MS) throw new StepError(outcome.code, message);
    await ctx.sleep(RETRY_MS);
  }
};

export const selectActions = { select } satisfies Record<string, ActionHandler>;

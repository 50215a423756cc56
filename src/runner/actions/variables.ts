import { StepError } from '../errors.js';
import { resultToString, runPageCode } from '../page-code.js';
import { evaluateOn, scopeFrame } from './scope.js';
import type { ActionHandler } from './types.js';

/** Text of an element as a variable: a form control's value, else its visible text. */
function elementText(el: Element): string {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
    return el.value;
  }
  return (el instanceof HTMLElement ? el.innerText : (el.textContent ?? '')).trim();
}

const setLocalVariable: ActionHandler = async (ctx) => {
  const d = ctx.details;
  const name = (d.local_variable_name ?? '').trim();
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new StepError('VALUE_COMPUTING_ERROR', `Invalid local variable name "${name}"`);
  }
  let value: string;
  switch (d.local_variable_source ?? 'value') {
    case 'value':
      value = ctx.render(d.value);
      break;
    case 'element': {
      const { loc } = await ctx.element();
      value = await evaluateOn(ctx, loc, elementText, null);
      break;
    }
    case 'evaluate': {
      const result = resultToString(await runPageCode(await scopeFrame(ctx), ctx.render(d.code ?? d.value), ctx.session.vars.snapshot()));
      if (result === null) {
        throw new StepError('INVALID_EXECUTION_RESULT', 'The code returned no value (undefined or null)');
      }
      value = result;
      break;
    }
  }
  if (d.has_secret_value) ctx.session.secrets.add(value);
  ctx.session.vars.setLocal(name, value);
  ctx.record.computedValue = value;
};

export const variableActions = { setLocalVariable } satisfies Record<string, ActionHandler>;

import { StepError } from '../errors.js';
import { race } from '../timing.js';
import type { ActionHandler } from './types.js';

/**
 * The dialog itself is answered by Dialogs the moment it opens (a blocked page would stall the
 * step that opened it); this step checks that a dialog was answered on its behalf, waiting for one
 * until its timeout.
 */
const answerPrompt: ActionHandler = async (ctx) => {
  const dialogs = ctx.session.dialogs;
  let answered = dialogs.take(ctx.step);
  ctx.pendingCause = { code: 'PROMPT_DOES_NOT_EXIST', message: 'No dialog was opened to answer' };
  while (!answered) {
    await race(dialogs.nextAnswer(), ctx.signal, {
      at: ctx.deadline,
      error: () => new StepError('PROMPT_DOES_NOT_EXIST', 'No dialog was opened to answer'),
    });
    answered = dialogs.take(ctx.step);
  }
  ctx.pendingCause = null;
  ctx.record.computedValue = answered.value;
};

export const promptActions = { answerPrompt } satisfies Record<string, ActionHandler>;

import { runPageCode } from '../page-code.js';
import type { ActionHandler } from './types.js';

const execute: ActionHandler = async (ctx) => {
  const code = ctx.render(ctx.details.code);
  ctx.record.computedValue = code;
  await runPageCode(ctx.page, code, ctx.session.vars.snapshot());
};

export const javascriptActions = { execute } satisfies Record<string, ActionHandler>;

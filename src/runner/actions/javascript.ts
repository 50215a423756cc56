import { runPageCode } from '../page-code.js';
import { scopeFrame } from './scope.js';
import type { ActionHandler } from './types.js';

const execute: ActionHandler = async (ctx) => {
  const code = ctx.render(ctx.details.code);
  ctx.record.computedValue = code;
  // Runs in the document steps work in: the iframe switchContext entered, else the active tab.
  await runPageCode(await scopeFrame(ctx), code, ctx.session.vars.snapshot());
};

export const javascriptActions = { execute } satisfies Record<string, ActionHandler>;

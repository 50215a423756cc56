import { plainChain } from '../fast-probe.js';
import type { ActionHandler } from './types.js';
import { LANDING_EVENT, dispatchPointer, modifiersOf, pointOn, pointRequest, type PointerKind } from './pointer.js';

/**
 * Mouse steps act like a user (docs/bugbug-compatibility.md §5): the element is scrolled into view, a point
 * where it is not covered is chosen (the centre first for `smart`, else the requested position),
 * real mouse events are dispatched there with the modifier keys held, and the element must be the
 * one that received them. mouseDown and mouseUp leave the button state to the next step, so a
 * mouseDown / hover / mouseUp sequence drags.
 */
function pointer(kind: PointerKind): ActionHandler {
  return async (ctx) => {
    const { loc, description } = await ctx.element();
    const req = pointRequest(ctx.details, { mustHit: true, needEnabled: kind !== 'hover', watch: LANDING_EVENT[kind] });
    const point = await pointOn(ctx, loc, description, req, plainChain(ctx));
    await dispatchPointer(ctx, description, kind, point, modifiersOf(ctx.details.modifier_keys));
    ctx.pendingCause = null;
  };
}

export const mouseActions = {
  click: pointer('click'),
  dblClick: pointer('dblClick'),
  rightClick: pointer('rightClick'),
  hover: pointer('hover'),
  mouseDown: pointer('mouseDown'),
  mouseUp: pointer('mouseUp'),
} satisfies Record<string, ActionHandler>;

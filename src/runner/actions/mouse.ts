import { StepError } from '../errors.js';
import { plainChain } from '../fast-probe.js';
import type { ActionHandler } from './types.js';
import { LANDING_EVENT, dispatchPointer, modifiersOf, pointOn, pointRequest, type PointerKind } from './pointer.js';

/**
 * Mouse steps act like a user (docs/bugbug-compatibility.md §5): the element is scrolled into view, a point
 * where it is not covered is chosen (the centre first for `smart`, else the requested position),
 * real mouse events are dispatched there with the modifier keys held, and the element must be the
 * one that received them. mouseDown and mouseUp leave the button state to the next step, so a
 * mouseDown / hover / mouseUp sequence drags. A step without a selector acts at its
 * `client_x`/`client_y` in the viewport, or fails SELECTOR_REQUIRED without them.
 */
function pointer(kind: PointerKind): ActionHandler {
  return async (ctx) => {
    const modifiers = modifiersOf(ctx.details.modifier_keys);
    const { selector, client_x: x, client_y: y } = ctx.details;
    // A step without a selector acts at its coordinates in the viewport, as BugBug's recorder saved them.
    if (typeof selector !== 'string' || selector.trim() === '') {
      if (typeof x !== 'number' || typeof y !== 'number')
        throw new StepError('SELECTOR_REQUIRED', `This ${kind} step has neither a selector nor client_x/client_y`);
      await dispatchPointer(ctx, `the point (${x}, ${y})`, kind, { x, y, clientX: x, clientY: y, landing: null }, modifiers);
      ctx.pendingCause = null;
      return;
    }
    const { loc, description } = await ctx.element();
    const req = pointRequest(ctx.details, { mustHit: true, needEnabled: kind !== 'hover', watch: LANDING_EVENT[kind] });
    const point = await pointOn(ctx, loc, description, req, plainChain(ctx));
    await dispatchPointer(ctx, description, kind, point, modifiers);
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

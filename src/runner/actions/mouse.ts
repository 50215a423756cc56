import type { Locator } from 'playwright-core';
import type { ActionDetails } from '../../domain/index.js';
import type { StepContext } from '../step-context.js';
import { explainInteractionError } from './interaction-errors.js';
import type { ActionHandler } from './types.js';

type Modifier = 'Alt' | 'Control' | 'ControlOrMeta' | 'Meta' | 'Shift';
const MODIFIERS: Record<string, Modifier> = {
  alt: 'Alt', control: 'Control', ctrl: 'Control', meta: 'Meta', cmd: 'Meta', command: 'Meta', shift: 'Shift',
};

function modifiersOf(keys: string[] | null | undefined): Modifier[] {
  return (keys ?? []).map((k) => MODIFIERS[k.toLowerCase()]).filter((m): m is Modifier => m !== undefined);
}

/**
 * The point inside the element to use. `smart` (the default) leaves it to Playwright, which aims
 * at the centre and refuses to click when another element would receive the event.
 */
async function positionOf(ctx: StepContext, loc: Locator, d: ActionDetails): Promise<{ x: number; y: number } | undefined> {
  const where = d.interaction_position ?? 'smart';
  if (where === 'smart' || where === 'middleCenter') return undefined;
  if (where === 'custom') {
    return typeof d.client_x === 'number' && typeof d.client_y === 'number' ? { x: d.client_x, y: d.client_y } : undefined;
  }
  const box = await loc.boundingBox({ timeout: ctx.pwTimeout() });
  if (!box) return undefined;
  const inset = 1;
  const x = where.endsWith('Left') ? inset : where.endsWith('Right') ? box.width - inset : box.width / 2;
  const y = where.startsWith('top') ? inset : where.startsWith('bottom') ? box.height - inset : box.height / 2;
  return { x, y };
}

type PointerKind = 'click' | 'dblClick' | 'rightClick' | 'hover';

function pointer(kind: PointerKind): ActionHandler {
  return async (ctx) => {
    const { loc, description } = await ctx.element();
    const timeout = ctx.pwTimeout();
    try {
      const position = await positionOf(ctx, loc, ctx.details);
      const modifiers = modifiersOf(ctx.details.modifier_keys);
      // Playwright scrolls the element into view, waits until it is visible, stable, enabled and
      // not covered, then dispatches real mouse events at the point.
      if (kind === 'hover') await loc.hover({ timeout, position, modifiers });
      else if (kind === 'dblClick') await loc.dblclick({ timeout, position, modifiers });
      else await loc.click({ timeout, position, modifiers, button: kind === 'rightClick' ? 'right' : 'left' });
    } catch (e) {
      throw explainInteractionError(e, description, ctx.record.timeout);
    }
  };
}

export const mouseActions = {
  click: pointer('click'),
  dblClick: pointer('dblClick'),
  rightClick: pointer('rightClick'),
  hover: pointer('hover'),
} satisfies Record<string, ActionHandler>;

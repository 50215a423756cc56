import { StepError } from '../errors.js';
import type { StepContext } from '../step-context.js';
import { plainChain } from '../fast-probe.js';
import { pointOn, type ActionPoint } from './pointer.js';
import { documentOf, evaluateOn, scopeOffset } from './scope.js';
import { settlingNavigations } from './settle.js';
import type { ActionHandler } from './types.js';

/** Libraries start a drag after a few pixels of movement and follow the pointer: several moves, not one jump. */
const MOVE_STEPS = 12;

/** A point given as coordinates: relative to the current document's viewport (the frame's, inside one). */
async function coordsPoint(ctx: StepContext, x: number | null | undefined, y: number | null | undefined, what: string): Promise<ActionPoint> {
  if (typeof x !== 'number' || typeof y !== 'number') {
    throw new StepError('INTERACTION_POSITION_OUT_OF_VIEWPORT', `The ${what} coordinates are missing`);
  }
  const offset = await scopeOffset(ctx);
  const point = { x: offset.x + x, y: offset.y + y, clientX: x, clientY: y, landing: null };
  const vp = ctx.page.viewportSize();
  if (x < 0 || y < 0 || (vp && (point.x >= vp.width || point.y >= vp.height))) {
    throw new StepError('INTERACTION_POSITION_OUT_OF_VIEWPORT', `The ${what} position ${x},${y} is outside of the viewport`);
  }
  return point;
}

interface Html5Result {
  html5: boolean;
  dropped: boolean;
  target: string;
}

/**
 * Runs in the page. When the element at `from` is (inside) a `draggable="true"` element, performs
 * an HTML5 drag and drop the way the browser does: dragstart, drag, dragenter, dragover and (if a
 * dragover handler accepted it) drop on the element at `to`, then dragend, all sharing one
 * DataTransfer. Synthesised because raw mouse input does not drive HTML5 DnD reliably.
 */
function html5Drag(root: Element, a: { from: { x: number; y: number }; to: { x: number; y: number } }): Html5Result {
  const doc = root.ownerDocument;
  const source = doc.elementFromPoint(a.from.x, a.from.y)?.closest('[draggable="true"]');
  if (!source) return { html5: false, dropped: false, target: '' };
  const dt = new DataTransfer();
  const init = (p: { x: number; y: number }, buttons: number): MouseEventInit => ({
    bubbles: true,
    cancelable: true,
    composed: true,
    clientX: p.x,
    clientY: p.y,
    button: 0,
    buttons,
  });
  const fire = (el: Element, type: string, p: { x: number; y: number }): DragEvent => {
    const ev = new DragEvent(type, { ...init(p, 1), dataTransfer: dt });
    el.dispatchEvent(ev);
    return ev;
  };
  source.dispatchEvent(new PointerEvent('pointerdown', { ...init(a.from, 1), pointerType: 'mouse', isPrimary: true }));
  source.dispatchEvent(new MouseEvent('mousedown', init(a.from, 1)));
  if (fire(source, 'dragstart', a.from).defaultPrevented) return { html5: true, dropped: false, target: '' };
  fire(source, 'drag', a.from);
  const target = doc.elementFromPoint(a.to.x, a.to.y) ?? doc.body;
  fire(target, 'dragenter', a.to);
  fire(source, 'drag', a.to);
  const accepted = fire(target, 'dragover', a.to).defaultPrevented;
  if (accepted) fire(target, 'drop', a.to);
  else fire(target, 'dragleave', a.to);
  fire(source, 'dragend', a.to);
  const id = target.id ? ` id="${target.id}"` : '';
  return { html5: true, dropped: accepted, target: `<${target.tagName.toLowerCase()}${id}>` };
}

/**
 * Drags from the element (`selector`, at `interaction_position`) or from coordinates
 * (`dnd_drag_on: coords`, dnd_drag_x/y) to the `drop_selector` element (at
 * `dnd_drop_interaction_position`) or to coordinates (`dnd_drop_on: coords`, dnd_drop_x/y). With a
 * custom position, the x/y fields are relative to the element. HTML5-draggable sources get a
 * synthesised HTML5 drag; anything else (sliders, sortable lists, canvases) real mouse
 * down / moves / up.
 */
const dragAndDrop: ActionHandler = async (ctx) => {
  const d = ctx.details;
  let from: ActionPoint;
  if (d.dnd_drag_on === 'coords') {
    from = await coordsPoint(ctx, d.dnd_drag_x, d.dnd_drag_y, 'drag');
  } else {
    const source = await ctx.element();
    const where = d.interaction_position ?? 'smart';
    const offset = where === 'custom' && typeof d.dnd_drag_x === 'number' && typeof d.dnd_drag_y === 'number' ? { x: d.dnd_drag_x, y: d.dnd_drag_y } : null;
    from = await pointOn(ctx, source.loc, source.description, { where, offset, mustHit: true, needEnabled: false, watch: null }, plainChain(ctx));
  }
  const dropOnCoords = d.dnd_drop_on === 'coords' || (d.dnd_drop_on == null && !d.drop_selector && typeof d.dnd_drop_x === 'number');
  let to: ActionPoint;
  let dropDescription: string;
  if (dropOnCoords) {
    to = await coordsPoint(ctx, d.dnd_drop_x, d.dnd_drop_y, 'drop');
    dropDescription = `${d.dnd_drop_x},${d.dnd_drop_y}`;
  } else {
    const drop = await ctx.element(d.drop_selector);
    const where = d.dnd_drop_interaction_position ?? 'smart';
    const offset = where === 'custom' && typeof d.dnd_drop_x === 'number' && typeof d.dnd_drop_y === 'number' ? { x: d.dnd_drop_x, y: d.dnd_drop_y } : null;
    // The dragged element may sit on the drop target (it follows the pointer): no "covered" check here.
    to = await pointOn(ctx, drop.loc, drop.description, { where, offset, mustHit: false, needEnabled: false, watch: null }, plainChain(ctx, d.drop_selector));
    dropDescription = drop.description;
  }
  ctx.pendingCause = null;
  const page = ctx.page;
  const html5 = await evaluateOn(ctx, documentOf(ctx), html5Drag, {
    from: { x: from.clientX, y: from.clientY },
    to: { x: to.clientX, y: to.clientY },
  });
  if (html5.html5) {
    ctx.record.computedValue = `HTML5 drop on ${html5.target}`;
    if (!html5.dropped) ctx.session.events.log('warn', `The drop target ${html5.target} (${dropDescription}) did not accept the HTML5 drag`);
    return;
  }
  ctx.record.computedValue = `mouse drag to ${dropDescription}`;
  await settlingNavigations(ctx, page, async () => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: MOVE_STEPS });
    // Some libraries only drop where the last move happened after they rendered their placeholder.
    await page.mouse.move(to.x, to.y);
    await page.mouse.up();
  });
};

export const dragActions = { dragAndDrop } satisfies Record<string, ActionHandler>;

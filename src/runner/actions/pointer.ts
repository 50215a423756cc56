import type { ElementHandle, Locator } from 'playwright-core';
import type { ActionDetails, InteractionPosition } from '../../domain/index.js';
import { StepError, isSelectorSyntaxError, isTargetClosedError, shortPlaywrightMessage } from '../errors.js';
import type { Cause, StepContext } from '../step-context.js';
import type { ProbePart } from '../condition-probe.js';
import { onFirstMatch } from '../fast-probe.js';
import { within } from '../timing.js';
import { settlingNavigations } from './settle.js';

/** BugBug retries a failing action every 1.5 s; a shorter beat lets a click land soon after an overlay goes. */
const RETRY_MS = 150;
const PROBE_LIMIT_MS = 2_000;
const VERIFY_LIMIT_MS = 1_000;

export type Modifier = 'Alt' | 'Control' | 'Meta' | 'Shift';

const MODIFIERS: Record<string, Modifier> = {
  alt: 'Alt',
  altkey: 'Alt',
  option: 'Alt',
  control: 'Control',
  ctrl: 'Control',
  ctrlkey: 'Control',
  meta: 'Meta',
  metakey: 'Meta',
  cmd: 'Meta',
  command: 'Meta',
  shift: 'Shift',
  shiftkey: 'Shift',
};

/** `modifier_keys` as Playwright key names; unknown names are ignored. */
export function modifiersOf(keys: string[] | null | undefined): Modifier[] {
  const out = (keys ?? []).map((k) => MODIFIERS[k.trim().toLowerCase()]).filter((m): m is Modifier => m !== undefined);
  return [...new Set(out)];
}

export interface PointRequest {
  where: InteractionPosition;
  /** `custom`: the point relative to the element's top-left corner. */
  offset: { x: number; y: number } | null;
  /** The element itself (or a descendant) must be on top at the point; false for drop targets. */
  mustHit: boolean;
  /** Disabled form controls ignore mouse buttons, so clicks wait until they are enabled. */
  needEnabled: boolean;
  /** Record where the next event of this type lands (see dispatchPointer). */
  watch: string | null;
}

export function pointRequest(d: ActionDetails, opts: Omit<PointRequest, 'where' | 'offset'>): PointRequest {
  const where = d.interaction_position ?? 'smart';
  const offset = where === 'custom' && typeof d.client_x === 'number' && typeof d.client_y === 'number' ? { x: d.client_x, y: d.client_y } : null;
  return { where, offset, ...opts };
}

/** Where the recorded event landed: on the element (or inside it), or on `what`. */
export interface Landing {
  seen: boolean;
  inside: boolean;
  what: string;
}

/** A point to act on: `x`/`y` in the tab's viewport (for the mouse), `clientX`/`clientY` in the element's document. */
export interface ActionPoint {
  x: number;
  y: number;
  clientX: number;
  clientY: number;
  /** Reads where the watched event landed (undefined: not seen, e.g. the page went away); null when nothing is watched. */
  landing: (() => Promise<Landing | undefined>) | null;
}

/** Property of the element's window where probePoint leaves its landing record. */
const LANDING_KEY = '__bugrunLanding';

type Probe =
  | { state: 'ok'; dx: number; dy: number; w: number; h: number; cx: number; cy: number }
  | { state: 'hidden' | 'disabled' | 'outside' }
  | { state: 'covered'; covering: string };

interface ProbeArgs {
  where: string;
  ox: number | null;
  oy: number | null;
  mustHit: boolean;
  needEnabled: boolean;
  watch: string | null;
}

/**
 * Runs in the page (self-contained: Playwright serialises it). Scrolls the element into view if it
 * is not wholly inside it, then looks for the point to act on: for `smart`, the centre, else the
 * first point of a 5×5 grid over the element's box that is inside the viewport and where the
 * element (not something covering it) is on top; for a named or custom position, exactly that
 * point. When a point is found and `watch` is set, it also starts recording where the next event
 * of that type lands, in the same round trip.
 */
function probePoint(el: Element, a: ProbeArgs & { key: string }): Probe {
  const doc = el.ownerDocument;
  const win = doc.defaultView ?? window;
  const contains = (hit: Node): boolean => {
    for (let n: Node | null = hit; n; n = n.parentNode ?? (n instanceof ShadowRoot ? n.host : null)) if (n === el) return true;
    return false;
  };
  const describe = (n: Element): string => {
    const id = n.id ? ` id="${n.id}"` : '';
    const cls = typeof n.className === 'string' && n.className.trim() ? ` class="${n.className.trim().split(/\s+/).slice(0, 3).join(' ')}"` : '';
    return `<${n.tagName.toLowerCase()}${id}${cls}>`;
  };
  const found = (probe: Probe): Probe => {
    const type = a.watch;
    if (probe.state !== 'ok' || !type) return probe;
    // Kept on the window: one pointer action at a time per page, and reading it needs no handle.
    const landing: Landing = { seen: false, inside: false, what: '' };
    Reflect.set(win, a.key, landing);
    const on = (e: Event): void => {
      win.removeEventListener(type, on, true);
      const target = e.composedPath()[0];
      landing.seen = true;
      landing.inside = target instanceof Node && contains(target);
      if (target instanceof Element) landing.what = describe(target);
    };
    win.addEventListener(type, on, true);
    win.setTimeout(() => win.removeEventListener(type, on, true), 10_000);
    return probe;
  };

  const vw = doc.documentElement.clientWidth || win.innerWidth;
  const vh = doc.documentElement.clientHeight || win.innerHeight;
  const before = el.getBoundingClientRect();
  const shown = typeof el.checkVisibility === 'function' ? el.checkVisibility({ visibilityProperty: true }) : true;
  if (!el.isConnected || !shown || before.width === 0 || before.height === 0) return found({ state: 'hidden' });
  if (a.needEnabled && el.matches(':disabled')) return found({ state: 'disabled' });
  if (before.top < 0 || before.left < 0 || before.bottom > vh || before.right > vw) {
    el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  }
  const r = el.getBoundingClientRect();
  // Points one pixel inside the edges, so "topLeft" still hits the element.
  const at = (size: number, f: number): number => Math.min(Math.max(size * f, Math.min(1, size / 2)), size - Math.min(1, size / 2));
  const points: [number, number][] = [];
  if (a.where === 'custom') {
    points.push([r.left + (a.ox ?? r.width / 2), r.top + (a.oy ?? r.height / 2)]);
  } else if (a.where === 'smart') {
    const fractions = [0.5, 0.25, 0.75, 0.1, 0.9];
    for (const fy of fractions) for (const fx of fractions) points.push([r.left + at(r.width, fx), r.top + at(r.height, fy)]);
  } else {
    const fx = a.where.endsWith('Left') ? 0 : a.where.endsWith('Right') ? 1 : 0.5;
    const fy = a.where.startsWith('top') ? 0 : a.where.startsWith('bottom') ? 1 : 0.5;
    points.push([r.left + at(r.width, fx), r.top + at(r.height, fy)]);
  }
  let covering: string | null = null;
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= vw || y >= vh) continue;
    const ok: Probe = { state: 'ok', dx: x - r.left, dy: y - r.top, w: r.width, h: r.height, cx: x, cy: y };
    if (!a.mustHit) return found(ok);
    let hit = doc.elementFromPoint(x, y);
    // elementFromPoint stops at a shadow host; the real target is inside its shadow tree.
    while (hit?.shadowRoot) {
      const deeper: Element | null = hit.shadowRoot.elementFromPoint(x, y);
      if (!deeper || deeper === hit) break;
      hit = deeper;
    }
    if (hit && contains(hit)) return found(ok);
    if (hit && covering === null) covering = describe(hit);
  }
  return found(covering !== null ? { state: 'covered', covering } : { state: 'outside' });
}

function causeOf(probe: Probe, description: string): Cause {
  switch (probe.state) {
    case 'hidden':
      return { code: 'TIMEOUT', message: `Element ${description} is not visible` };
    case 'disabled':
      return { code: 'TIMEOUT', message: `Element ${description} stayed disabled` };
    case 'covered':
      return { code: 'EVENT_DISPATCHED_ON_INVALID_ELEMENT', message: `Element ${description} is covered by ${probe.covering}` };
    default:
      return { code: 'INTERACTION_POSITION_OUT_OF_VIEWPORT', message: `The interaction position on ${description} is outside of the viewport` };
  }
}

export function probeTimeout(ctx: StepContext): number {
  return Math.max(1, Math.min(ctx.remaining(), PROBE_LIMIT_MS));
}

/** Failures no retry can fix, or that mean the run is going away: rethrown at once. */
function fatal(e: unknown, ctx: StepContext, description: string): unknown {
  if (isSelectorSyntaxError(e)) return new StepError('INVALID_ELEMENT_SELECTOR', `Invalid selector ${description}: ${shortPlaywrightMessage(e)}`);
  if (ctx.signal.aborted || isTargetClosedError(e)) return e;
  return null;
}

/**
 * Finds where to act on the element (see probePoint), retrying until the step's deadline while the
 * element is hidden, disabled, covered or out of the viewport; the last reason is the step's code.
 * With `chain` (a plain selector in the top document, see fast-probe.ts) each attempt is one
 * round trip and needs none of Playwright's scripts in the page; what it cannot find (shadow DOM)
 * is looked up through Playwright.
 */
export async function pointOn(ctx: StepContext, loc: Locator, description: string, req: PointRequest, chain: ProbePart[] | null = null): Promise<ActionPoint> {
  const args = {
    where: req.where,
    ox: req.offset?.x ?? null,
    oy: req.offset?.y ?? null,
    mustHit: req.mustHit,
    needEnabled: req.needEnabled,
    watch: req.watch,
    key: LANDING_KEY,
  };
  const inFrame = ctx.session.tabs.frame !== null;
  let fastChain = chain;
  let scrolledOuter = false;
  let known = false;
  let cause: Cause = { code: 'ELEMENT_DOES_NOT_EXIST', message: `Element ${description} does not exist` };
  for (;;) {
    let element: ElementHandle | null = null;
    let probe: Probe | null = null;
    let fast = false;
    if (fastChain) {
      const r = await within(onFirstMatch(ctx, fastChain, probePoint, args), probeTimeout(ctx), null).catch((e: unknown) => {
        if (ctx.signal.aborted || isTargetClosedError(e)) throw e;
        return null; // navigating: Playwright's path copes
      });
      if (r?.state === 'unsupported') fastChain = null;
      else if (r?.state === 'found') {
        probe = r.value;
        fast = true;
      }
    }
    if (!fast) {
      try {
        // Through an element handle: no Playwright helper script needed in the main world. One
        // call finds the point and arms the landing check.
        element = await loc.elementHandle({ timeout: probeTimeout(ctx) });
        probe = await element.evaluate(probePoint, args);
        // Playwright finds what plain CSS/XPath does not: stop asking the fast path.
        fastChain = null;
      } catch (e) {
        void element?.dispose().catch(() => undefined);
        element = null;
        const f = fatal(e, ctx, description);
        if (f) throw f;
        // The element went away (re-rendered, navigated), or the page is busy; a probe cut short
        // by the deadline does not replace a reason an earlier probe found.
        const gone = (await loc.count().catch(() => 1)) === 0;
        if (gone) cause = { code: 'ELEMENT_DOES_NOT_EXIST', message: `Element ${description} does not exist` };
        else if (!known) cause = { code: 'TIMEOUT', message: `Element ${description} did not respond` };
      }
    }
    if (probe?.state === 'ok' && (fast || element)) {
      const ok = probe;
      // In the top document the probe's client point is the tab's viewport point; inside a frame,
      // the element's box (in the tab's viewport) places it.
      const box = inFrame && element ? await element.boundingBox().catch(() => null) : { x: ok.cx - ok.dx, y: ok.cy - ok.dy, width: ok.w, height: ok.h };
      if (box) {
        const x = box.x + ok.dx * (ok.w ? box.width / ok.w : 1);
        const y = box.y + ok.dy * (ok.h ? box.height / ok.h : 1);
        const vp = ctx.page.viewportSize();
        if (!vp || (x >= 0 && y >= 0 && x < vp.width && y < vp.height)) {
          if (!req.watch) void element?.dispose().catch(() => undefined);
          const landing = !req.watch ? null : element ? landingThrough(element) : landingInTab(ctx);
          return { x, y, clientX: ok.cx, clientY: ok.cy, landing };
        }
        cause = causeOf({ state: 'outside' }, description);
        known = true;
        if (!scrolledOuter) {
          // In a frame, the frame itself may be out of the tab's view: Playwright scrolls every level.
          scrolledOuter = true;
          void element?.dispose().catch(() => undefined);
          await loc.scrollIntoViewIfNeeded({ timeout: probeTimeout(ctx) }).catch(() => undefined);
          continue;
        }
      }
    } else if (probe) {
      cause = causeOf(probe, description);
      known = true;
    }
    void element?.dispose().catch(() => undefined);
    ctx.pendingCause = cause;
    if (ctx.remaining() <= RETRY_MS) throw new StepError(cause.code, cause.message);
    await ctx.sleep(RETRY_MS);
  }
}

/** The landing record, read in the element's document (any frame); the handle is let go after. */
function landingThrough(element: ElementHandle): () => Promise<Landing | undefined> {
  return async () => {
    try {
      return await element.evaluate((el, key) => Reflect.get(el.ownerDocument?.defaultView ?? window, key) as Landing | undefined, LANDING_KEY);
    } finally {
      void element.dispose().catch(() => undefined);
    }
  };
}

/** The landing record, read in the tab's top document over CDP. */
function landingInTab(ctx: StepContext): () => Promise<Landing | undefined> {
  return async () => {
    const session = await ctx.session.capture.cdpSession();
    const res = await session.send('Runtime.evaluate', { expression: `globalThis[${JSON.stringify(LANDING_KEY)}]`, returnByValue: true });
    return res.result.value as Landing | undefined;
  };
}

export type PointerKind = 'click' | 'dblClick' | 'rightClick' | 'hover' | 'mouseDown' | 'mouseUp';

/** The first event of each action, whose target tells whether the element got it. */
export const LANDING_EVENT: Record<PointerKind, string> = {
  click: 'mousedown',
  dblClick: 'mousedown',
  rightClick: 'mousedown',
  mouseDown: 'mousedown',
  mouseUp: 'mouseup',
  hover: 'mousemove',
};

/**
 * Dispatches real mouse events at `point` with the modifier keys held, waits for a navigation they
 * started to commit, then checks that the element (or a descendant) received them: if something
 * else did, the step fails with EVENT_DISPATCHED_ON_INVALID_ELEMENT naming it. An event we never
 * saw (the page navigated or closed in response) is not held against the step.
 */
export async function dispatchPointer(ctx: StepContext, description: string, kind: PointerKind, point: ActionPoint, modifiers: Modifier[]): Promise<void> {
  const page = ctx.page;
  const { x, y } = point;
  try {
    await settlingNavigations(ctx, page, async () => {
      for (const m of modifiers) await page.keyboard.down(m);
      try {
        if (kind === 'click') await page.mouse.click(x, y);
        else if (kind === 'dblClick') await page.mouse.dblclick(x, y);
        else if (kind === 'rightClick') await page.mouse.click(x, y, { button: 'right' });
        else {
          await page.mouse.move(x, y);
          if (kind === 'mouseDown') await page.mouse.down();
          if (kind === 'mouseUp') await page.mouse.up();
        }
      } finally {
        if (!page.isClosed()) for (const m of [...modifiers].reverse()) await page.keyboard.up(m).catch(() => undefined);
      }
    });
  } catch (e) {
    // A click that closes its own tab (a popup's "Close" button) did its job.
    if (page.isClosed()) return;
    throw e;
  }
  if (!point.landing) return;
  const landing = await within(
    point.landing().catch(() => undefined),
    VERIFY_LIMIT_MS,
    undefined,
  );
  if (landing?.seen && !landing.inside) {
    throw new StepError(
      'EVENT_DISPATCHED_ON_INVALID_ELEMENT',
      `The ${LANDING_EVENT[kind]} event landed on ${landing.what || 'another element'} instead of ${description}`,
    );
  }
}

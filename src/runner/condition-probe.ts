/**
 * The in-page half of the element waiting conditions: one evaluation answers every element
 * condition of a step at once. It runs either on elements Playwright resolved (`evaluateAll`) or,
 * on the fast path (fast-probe.ts), on the element firstMatch resolves from a plain CSS/XPath chain
 * in the main world, which spares the first step on each new document the ~60-100 ms of injecting
 * Playwright's selector engine there.
 */

export interface ProbeWant {
  notCovered: boolean;
  notAnimating: boolean;
  /** Focus the element when nothing else stands in the way, then report whether it has focus. */
  focus: boolean;
  attribute: string | null;
  /** Also read the element's text and value (element assertions). */
  read?: boolean;
}

export interface ProbePart {
  engine: string;
  body: string;
}

export interface ProbeResult {
  /** The fast path could not resolve the chain (unknown syntax): ask Playwright instead. */
  unsupported: boolean;
  found: boolean;
  visible: boolean;
  /** Description of the element on top of the target's visible centre; null when none. */
  coveredBy: string | null;
  animating: boolean;
  disabled: boolean;
  focused: boolean;
  /** Value of the requested attribute; null when absent. */
  attribute: string | null;
  /** With `read`: the rendered text (innerText; textContent outside HTML) and the value (a form control's, else the attribute). */
  text: string | null;
  value: string | null;
}

/**
 * The first element a plain CSS/XPath chain matches in the document, resolved as Playwright's
 * engines do for light DOM; null when none. Throws for an engine it does not know. Serialised into
 * the page on its own (fast-probe.ts), so it must be self-contained.
 */
export function firstMatch(parts: ProbePart[]): Element | null {
  let roots: (Document | Element)[] = [document];
  // An absolute XPath in a later group searches the whole document: the chain restarts there
  // (selectors.ts, isAbsoluteXPath; repeated here because this function is serialised alone).
  let start = 0;
  parts.forEach((part, i) => {
    if (i > 0 && part.engine === 'xpath' && /^\(*\//.test(part.body)) start = i;
  });
  for (const part of parts.slice(start)) {
    const next: Element[] = [];
    for (const root of roots) {
      if (part.engine === 'css') {
        next.push(...Array.from(root.querySelectorAll(part.body)));
      } else if (part.engine === 'xpath') {
        const snap = document.evaluate(part.body, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        for (let i = 0; i < snap.snapshotLength; i++) {
          const node = snap.snapshotItem(i);
          if (node instanceof Element) next.push(node);
        }
      } else {
        throw new Error(`unsupported engine ${part.engine}`);
      }
    }
    roots = Array.from(new Set(next));
    if (roots.length === 0) return null;
  }
  const hit = roots[0];
  return hit instanceof Element ? hit : null;
}

/**
 * Serialised into the page (by Playwright's evaluateAll, or by fast-probe.ts after firstMatch),
 * so it must be self-contained: no imports, no helpers from outside its body. Looks at the element,
 * or at the first of a list.
 */
export async function elementProbe(subject: Element | Element[], want: ProbeWant): Promise<ProbeResult> {
  const out: ProbeResult = {
    unsupported: false,
    found: false,
    visible: false,
    coveredBy: null,
    animating: false,
    disabled: false,
    focused: false,
    attribute: null,
    text: null,
    value: null,
  };
  const el = Array.isArray(subject) ? (subject[0] ?? null) : subject;
  if (!el) return out;
  out.found = true;

  const target = el;
  const rect = target.getBoundingClientRect();
  const style = getComputedStyle(target);
  const displayed = typeof target.checkVisibility === 'function' ? target.checkVisibility() : true;
  out.visible = displayed && style.visibility !== 'hidden' && rect.width > 0 && rect.height > 0;
  out.disabled = target.matches(':disabled') || target.closest('[aria-disabled="true"]') !== null;
  if (want.attribute !== null) out.attribute = target.getAttribute(want.attribute);
  if (want.read) {
    out.text = target instanceof HTMLElement ? target.innerText : (target.textContent ?? '');
    out.value =
      target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
        ? target.value
        : (target.getAttribute('value') ?? '');
  }

  if (want.notAnimating && out.visible) {
    // CSS animations and transitions (and element.animate()) are visible to the Web Animations
    // API at once; a script that moves the element shows as a box that changed since the last
    // probe (polls are ~50 ms apart). Waiting out animation frames on every step would cost more
    // than the rest of the check, and pointer actions verify stability again themselves.
    const GEOMETRY = /^(transform|translate|rotate|scale|top|left|right|bottom|inset|width|height|margin|padding|offset)/;
    const moving = document.getAnimations().some((a) => {
      if (a.playState !== 'running' || !(a.effect instanceof KeyframeEffect)) return false;
      const on = a.effect.target;
      if (!(on instanceof Element) || !(on === target || on.contains(target))) return false;
      const props =
        a instanceof CSSTransition
          ? [a.transitionProperty]
          : a.effect
              .getKeyframes()
              .flatMap((k) => Object.keys(k).filter((p) => p !== 'offset' && p !== 'easing' && p !== 'composite' && p !== 'computedOffset'));
      return props.some(
        (p) => p === 'all' || GEOMETRY.test(p.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase())),
      );
    });
    const key = Symbol.for('bugrun.probe.boxes');
    const store = window as unknown as Record<symbol, WeakMap<Element, { x: number; y: number; w: number; h: number; at: number }> | undefined>;
    const boxes = (store[key] ??= new WeakMap());
    const now = performance.now();
    const last = boxes.get(target);
    const moved = last !== undefined && now - last.at < 250 && (last.x !== rect.x || last.y !== rect.y || last.w !== rect.width || last.h !== rect.height);
    boxes.set(target, { x: rect.x, y: rect.y, w: rect.width, h: rect.height, at: now });
    out.animating = moving || moved;
  }

  const describe = (e: Element): string => {
    const id = e.id ? `#${e.id}` : '';
    const cls = typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
    return `<${e.tagName.toLowerCase()}${id}${cls}>`;
  };
  if ((want.notCovered || want.focus) && out.visible) {
    // Hit-test the centre of the part inside the viewport; an element wholly outside it cannot
    // be judged without scrolling, which the action itself does.
    const left = Math.max(rect.left, 0);
    const right = Math.min(rect.right, window.innerWidth);
    const top = Math.max(rect.top, 0);
    const bottom = Math.min(rect.bottom, window.innerHeight);
    if (left < right && top < bottom) {
      const root = target.getRootNode();
      const doc = root instanceof ShadowRoot || root instanceof Document ? root : document;
      const hit = doc.elementFromPoint((left + right) / 2, (top + bottom) / 2);
      if (hit && hit !== target && !target.contains(hit)) out.coveredBy = describe(hit);
    }
  }

  if (want.focus) {
    const active = (): Element | null => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a;
    };
    const has = (): boolean => {
      const a = active();
      return a !== null && (a === target || target.contains(a));
    };
    // Focusing is the step's own doing (type focuses its field), so only once nothing blocks it.
    if (!has() && out.visible && !out.disabled && out.coveredBy === null && target instanceof HTMLElement) target.focus();
    out.focused = has();
  }
  return out;
}

import { elementProbe, firstMatch, type ProbePart, type ProbeResult, type ProbeWant } from './condition-probe.js';
import { parseSelector } from './selectors.js';
import type { StepContext } from './step-context.js';

/**
 * The selector as a chain firstMatch can resolve itself: plain CSS/XPath parts, no relations, in
 * the tab's top document. Null otherwise (Playwright's engines and frames need Playwright's path).
 * Throws what parseSelector throws for a malformed selector.
 */
export function plainChain(ctx: StepContext, selector: string | null | undefined = ctx.details.selector): ProbePart[] | null {
  const parts = parseSelector(ctx.render(selector));
  const plain = ctx.session.tabs.frame === null && parts.every((p) => (p.engine === 'css' || p.engine === 'xpath') && !p.relation);
  return plain ? parts.map((p) => ({ engine: p.engine, body: p.body })) : null;
}

export type FirstMatch<R> = { state: 'found'; value: R } | { state: 'missing' } | { state: 'unsupported' };

/**
 * Runs `fn(element, arg)` on the first match of `parts` in the tab's top document, in one
 * Runtime.evaluate on the tab's CDP session (the one screenshots use). Unlike Playwright's evaluate
 * it needs no helper script injected into each new document first, and it is a single round trip.
 * `fn` is serialised: it must be self-contained, and `arg` and its result plain JSON. Rejects with
 * the page's exception when `fn` throws.
 */
export async function onFirstMatch<A, R>(ctx: StepContext, parts: ProbePart[], fn: (el: Element, arg: A) => R | Promise<R>, arg: A): Promise<FirstMatch<R>> {
  const session = await ctx.session.capture.cdpSession();
  // An async function, so the page's own globals (a replaced Promise) are not relied on.
  const expression = `(async () => {
    let el;
    try { el = (${firstMatch.toString()})(${JSON.stringify(parts)}); } catch { return { state: 'unsupported' }; }
    if (!el) return { state: 'missing' };
    return { state: 'found', value: await (${fn.toString()})(el, ${JSON.stringify(arg)}) };
  })()`;
  const res = await session.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
  if (res.exceptionDetails) throw new PageException(res.exceptionDetails.exception?.description ?? res.exceptionDetails.text);
  return res.result.value as FirstMatch<R>;
}

/** `fn` threw in the page (or the page broke what it relies on). */
export class PageException extends Error {
  override readonly name = 'PageException';
}

/** elementProbe on the fast path; null when the answer is no probe result. */
export async function fastProbe(ctx: StepContext, parts: ProbePart[], want: ProbeWant): Promise<ProbeResult | null> {
  let r: FirstMatch<ProbeResult>;
  try {
    r = await onFirstMatch(ctx, parts, elementProbe, want);
  } catch (e) {
    if (e instanceof PageException) return { ...NOT_FOUND, unsupported: true };
    throw e;
  }
  if (r.state === 'unsupported') return { ...NOT_FOUND, unsupported: true };
  if (r.state === 'missing') return NOT_FOUND;
  return isProbeResult(r.value) ? r.value : null;
}

function isProbeResult(v: unknown): v is ProbeResult {
  return typeof v === 'object' && v !== null && 'found' in v && typeof v.found === 'boolean' && 'unsupported' in v;
}

const NOT_FOUND: ProbeResult = {
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

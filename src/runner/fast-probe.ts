import { elementProbe, type ProbeArg, type ProbePart, type ProbeResult, type ProbeWant } from './condition-probe.js';
import { parseSelector } from './selectors.js';
import type { StepContext } from './step-context.js';

/**
 * The selector as a chain elementProbe can resolve itself: plain CSS/XPath parts, no relations, in
 * the tab's top document. Null otherwise (Playwright's engines and frames need Playwright's path).
 * Throws what parseSelector throws for a malformed selector.
 */
export function plainChain(ctx: StepContext, selector: string | null | undefined = ctx.details.selector): ProbePart[] | null {
  const parts = parseSelector(ctx.render(selector));
  const plain = ctx.session.tabs.frame === null && parts.every((p) => (p.engine === 'css' || p.engine === 'xpath') && !p.relation);
  return plain ? parts.map((p) => ({ engine: p.engine, body: p.body })) : null;
}

function isProbeResult(v: unknown): v is ProbeResult {
  return typeof v === 'object' && v !== null && 'found' in v && typeof v.found === 'boolean' && 'unsupported' in v;
}

/**
 * elementProbe in one Runtime.evaluate on the tab's CDP session (the one screenshots use). Unlike
 * Playwright's evaluate it needs no helper script injected into each new document first, and it
 * is a single round trip. Null when the answer is not a probe result.
 */
export async function fastProbe(ctx: StepContext, parts: ProbePart[], want: ProbeWant): Promise<ProbeResult | null> {
  const session = await ctx.session.capture.cdpSession();
  const arg: ProbeArg = { parts, want };
  const res = await session.send('Runtime.evaluate', {
    expression: `(${elementProbe.toString()})(${JSON.stringify(arg)})`,
    returnByValue: true,
    awaitPromise: true,
  });
  if (res.exceptionDetails) return { ...NOT_FOUND, unsupported: true };
  const value: unknown = res.result.value;
  return isProbeResult(value) ? value : null;
}

const NOT_FOUND: ProbeResult = {
  unsupported: false, found: false, visible: false, coveredBy: null, animating: false, disabled: false, focused: false, attribute: null,
  text: null, value: null,
};

import type { Locator, Page } from 'playwright-core';
import { StepError } from './errors.js';

export type SelectorEngine = 'css' | 'xpath';

export interface SelectorPart {
  engine: SelectorEngine;
  body: string;
}

/**
 * Parses a BugBug selector: `xpath=…`, `css=…`, or unprefixed (XPath when it starts with `/` or
 * `(`, CSS otherwise). ` >> ` chains a descendant query; BugBug's ` << ` (ancestor) and ` ~ `
 * (sibling) are not supported yet and pass through as part of the selector text.
 */
export function parseSelector(raw: string | null | undefined): SelectorPart[] {
  const text = (raw ?? '').trim();
  if (!text) throw new StepError('SELECTOR_REQUIRED', 'This step needs a selector');
  return splitChain(text).map(parsePart);
}

function parsePart(part: string): SelectorPart {
  const p = part.trim();
  if (!p) throw new StepError('INVALID_ELEMENT_SELECTOR', 'Empty part in selector chain');
  if (p.startsWith('xpath=')) return { engine: 'xpath', body: p.slice('xpath='.length) };
  if (p.startsWith('css=')) return { engine: 'css', body: p.slice('css='.length) };
  if (p.startsWith('/') || p.startsWith('(')) return { engine: 'xpath', body: p };
  return { engine: 'css', body: p };
}

/** Splits on ` >> ` outside quotes and brackets, so `[title="a >> b"]` stays whole. */
function splitChain(text: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(' >> ', i)) {
      parts.push(text.slice(start, i));
      start = i + 4;
      i += 3;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function describeSelector(parts: SelectorPart[]): string {
  return parts.map((p) => `${p.engine}=${p.body}`).join(' >> ');
}

/** All matches of the selector; callers take `.first()` where BugBug acts on one element. */
export function toLocator(page: Page, parts: SelectorPart[]): Locator {
  const [head, ...rest] = parts;
  if (!head) throw new StepError('SELECTOR_REQUIRED', 'This step needs a selector');
  // Playwright's chained xpath is evaluated relative to the previous match, like BugBug's ` >> `.
  let loc = page.locator(`${head.engine}=${head.body}`);
  for (const p of rest) loc = loc.locator(`${p.engine}=${p.body}`);
  return loc;
}

import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { StepError } from './errors.js';
import { SHADOW_XPATH_ENGINE } from './shadow-xpath.js';

export type SelectorEngine = 'css' | 'xpath';

/** How a chained part relates to the previous result; absent = descendant (` >> `). */
export type SelectorRelation = 'ancestor' | 'sibling';

export interface SelectorPart {
  engine: SelectorEngine;
  body: string;
  relation?: SelectorRelation;
}

/** Where selectors are evaluated: the active tab, or the frame switchContext entered. */
export type SelectorRoot = Page | Frame | FrameLocator;

/**
 * Parses a BugBug selector: `xpath=…`, `css=…`, or unprefixed (XPath when it starts with `/` or
 * `(`, CSS otherwise). Parts chain with ` >> ` (descendant of the previous result), ` << ` (the
 * closest ancestor of the previous result that matches the next part) and ` ~ ` (the next part
 * evaluated from the previous result's parent, i.e. among its siblings).
 *
 * ` ~ ` is also CSS's general-sibling combinator, so it only chains when that reading is impossible
 * or explicitly asked for: the right side carries an engine prefix or is XPath, or the left side is
 * XPath. `css=h1 ~ p` stays one CSS selector; `css=h1 ~ css=p` and `//h1 ~ p` chain.
 */
export function parseSelector(raw: string | null | undefined): SelectorPart[] {
  const text = (raw ?? '').trim();
  if (!text) throw new StepError('SELECTOR_REQUIRED', 'This step needs a selector');
  // A chain operator with nothing on one side (trimming ate the space that made it an operator).
  if (/^(>>|<<)(\s|$)|\s(>>|<<|~)$/.test(text)) {
    throw new StepError('INVALID_ELEMENT_SELECTOR', `Selector chain "${text}" starts or ends with an operator`);
  }
  return splitChain(text).map(({ text: part, relation }, i) => {
    const parsed = parsePart(part, text);
    if (i > 0 && relation) parsed.relation = relation;
    return parsed;
  });
}

const isXPathText = (p: string): boolean => p.startsWith('/') || p.startsWith('(') || p.startsWith('./') || p.startsWith('..');

function parsePart(part: string, whole: string): SelectorPart {
  const p = part.trim();
  if (!p) throw new StepError('INVALID_ELEMENT_SELECTOR', `Empty part in selector chain "${whole}"`);
  let sel: SelectorPart;
  if (p.startsWith('xpath=')) sel = { engine: 'xpath', body: p.slice('xpath='.length).trim() };
  else if (p.startsWith('css=')) sel = { engine: 'css', body: p.slice('css='.length).trim() };
  else if (p.startsWith('/') || p.startsWith('(')) sel = { engine: 'xpath', body: p };
  else sel = { engine: 'css', body: p };
  if (!sel.body) throw new StepError('INVALID_ELEMENT_SELECTOR', `Empty ${sel.engine} selector in "${whole}"`);
  // Only ` >> ` with spaces chains (docs/bugbug-compatibility.md §5). A `>>` left in a part is no
  // CSS or XPath at all, but Playwright's engine would split on it and chain by itself.
  if (hasBareChevrons(sel.body)) {
    throw new StepError('INVALID_ELEMENT_SELECTOR', `"${sel.body}" is not a valid ${sel.engine} selector: groups chain with " >> ", spaces around it`);
  }
  return sel;
}

/** A `>>` outside quotes. */
function hasBareChevrons(body: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>' && body[i + 1] === '>') return true;
  }
  return false;
}

interface RawPart {
  text: string;
  relation: SelectorRelation | undefined;
}

const OPERATORS: { token: string; relation: SelectorRelation | undefined }[] = [
  { token: ' >> ', relation: undefined },
  { token: ' << ', relation: 'ancestor' },
  { token: ' ~ ', relation: 'sibling' },
];

/** Splits on the chain operators outside quotes and brackets, so `[title="a >> b"]` stays whole. */
function splitChain(text: string): RawPart[] {
  const parts: RawPart[] = [];
  let quote: string | null = null;
  let depth = 0;
  let start = 0;
  let relation: SelectorRelation | undefined;
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
    else if (depth === 0 && c === ' ') {
      const op = OPERATORS.find((o) => text.startsWith(o.token, i));
      if (!op) continue;
      if (op.relation === 'sibling' && !chainsOnTilde(text.slice(start, i), text.slice(i + op.token.length))) continue;
      parts.push({ text: text.slice(start, i), relation });
      relation = op.relation;
      start = i + op.token.length;
      i = start - 1;
    }
  }
  parts.push({ text: text.slice(start), relation });
  return parts;
}

function chainsOnTilde(left: string, right: string): boolean {
  const l = left.trim();
  const r = right.trimStart();
  return r.startsWith('css=') || r.startsWith('xpath=') || isXPathText(r) || l.startsWith('xpath=') || isXPathText(l);
}

export function describeSelector(parts: SelectorPart[]): string {
  return parts.map((p, i) => `${i === 0 ? '' : p.relation === 'ancestor' ? ' << ' : p.relation === 'sibling' ? ' ~ ' : ' >> '}${p.engine}=${p.body}`).join('');
}

/**
 * An XPath that starts from the document (`//x`, `/html/x`, `(//x)[2]`), not from a context node.
 * In a later group BugBug evaluates it on the whole document ("`//div[…]` in a second group searches
 * the whole document"); only a relative group (`.//x`) is scoped to the previous match.
 */
export function isAbsoluteXPath(part: { engine: string; body: string }): boolean {
  return part.engine === 'xpath' && /^\(*\//.test(part.body);
}

/** All matches of the selector; callers take `.first()` where BugBug acts on one element. */
export function toLocator(root: SelectorRoot, parts: SelectorPart[]): Locator {
  const [head, ...rest] = parts;
  if (!head) throw new StepError('SELECTOR_REQUIRED', 'This step needs a selector');
  // XPath through Bugrun's engine, which crosses shadow roots as Playwright's CSS engine does.
  const sel = (p: SelectorPart): string => `${p.engine === 'xpath' ? SHADOW_XPATH_ENGINE : p.engine}=${p.body}`;
  let loc = root.locator(sel(head));
  for (const p of rest) {
    if (p.relation === 'ancestor') {
      // Ancestors come in document order, so the closest one that matches is the last. BugBug
      // acts on one element, so the chain continues from the first match of the previous part.
      loc = loc
        .first()
        .locator('xpath=ancestor::*')
        .and(root.locator(sel(p)))
        .last();
    } else if (p.relation === 'sibling') {
      loc = loc.first().locator('xpath=..').locator(sel(p));
    } else if (isAbsoluteXPath(p)) {
      // Playwright would scope `//x` to the previous match; BugBug searches the whole document.
      loc = root.locator(sel(p));
    } else {
      loc = loc.locator(sel(p));
    }
  }
  return loc;
}

import { CST, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { Path } from './locate.js';

/** The offset of the first collection nested deeper than `max` in a parsed (not composed) document. */
export function tooDeepAt(doc: CST.Document, max: number): number | null {
  // An explicit stack: the tree may be nested far deeper than the call stack allows.
  const stack: [CST.Token, number][] = doc.value ? [[doc.value, 1]] : [];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    if (!CST.isCollection(token)) continue;
    if (depth > max) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return null;
}

/**
 * How many characters of scalar text a document holds once every alias is expanded (Infinity for
 * an alias inside its own anchor). Each node is measured once, so a billion-laughs document is
 * measured in linear time, without expanding it.
 */
export function expandedChars(doc: Document): number {
  const sizes = new Map<unknown, number>();
  const measure = (node: unknown): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, Infinity); // still being measured: an alias reaching it is a cycle
    let size = 1;
    if (isAlias(node)) size = measure(node.resolve(doc));
    // Numbers, booleans and nulls are short: a fixed size for them is enough to bound the total.
    else if (isScalar(node)) size = (typeof node.value === 'string' ? node.value.length : 8) + 1;
    else if (isPair(node)) size = measure(node.key) + measure(node.value);
    else if (isMap(node) || isSeq(node)) for (const item of node.items) size += measure(item);
    sizes.set(node, size);
    return size;
  };
  return measure(doc.contents);
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The path of the first step past `max` in a test or component document (steps of its inline
 * groups, and the steps nested in their ifCondition steps), or null.
 */
export function firstStepOverLimit(value: unknown, max: number): Path | null {
  const data = isDict(value) && isDict(value.data) ? value.data : null;
  if (!data) return null;
  const lists: [unknown, Path][] = [[data.steps, ['data', 'steps']]];
  if (Array.isArray(data.groups)) data.groups.forEach((g, i) => isDict(g) && lists.push([g.steps, ['data', 'groups', i, 'steps']]));
  let count = 0;
  for (let next = lists.pop(); next; next = lists.pop()) {
    const [steps, path] = next;
    if (!Array.isArray(steps)) continue;
    for (const [i, step] of steps.entries()) {
      count += 1;
      if (count > max) return [...path, i];
      if (isDict(step)) lists.push([step.conditional_steps, [...path, i, 'conditional_steps']]);
    }
  }
  return null;
}

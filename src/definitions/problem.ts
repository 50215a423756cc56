import type { Path } from './locate.js';

/**
 * A problem in one document before it has a file position: the path of the offending node (from
 * the document root, e.g. `['data', 'steps', 0, 'action']`) and whether the key or the value is at
 * fault. parse.ts turns it into a Diagnostic with the Locator.
 */
export interface Problem {
  path: Path;
  target: 'key' | 'value';
  message: string;
  severity: 'error' | 'warning';
}

export function error(path: Path, message: string, target: 'key' | 'value' = 'value'): Problem {
  return { path, target, message, severity: 'error' };
}

export function warning(path: Path, message: string, target: 'key' | 'value' = 'value'): Problem {
  return { path, target, message, severity: 'warning' };
}

/** How a value reads in a message: strings quoted, lists and mappings by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}

/** `a, b, c`: a list of allowed values, strings unquoted as the YAML would write them. */
export function oneOf(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : String(v))).join(', ');
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of DESIGN.md, checked on every import of our own code: inner folders never import
 * outer ones; the runner never touches the database and the API never touches the browser.
 * (runs/ may use reports/ to format the log it writes; reports/ is a leaf of pure functions.)
 */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  config: ['domain'],
  definitions: ['domain'],
  store: ['domain'],
  runner: ['domain'],
  reports: ['domain'],
  runs: ['domain', 'store', 'runner', 'reports'],
  'use-cases': ['domain', 'definitions', 'store', 'runs', 'reports'],
  api: ['domain', 'store', 'runs', 'reports', 'definitions', 'config', 'use-cases'],
  web: [],
  demo: [],
  cli: ['*'],
  '.': ['*'],
};

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function area(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? (rel.split('/')[0] as string) : '.';
}

describe('architecture', () => {
  const violations: string[] = [];
  const all = files(SRC);
  for (const file of all) {
    const from = area(file);
    const allowed = ALLOWED[from];
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = match[1] ?? match[2] ?? '';
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue;
        const to = area(target);
        if (to === from) continue;
        if (!allowed || !(allowed.includes('*') || allowed.includes(to))) violations.push(`${relative(SRC, file)} imports ${to}/ (${spec})`);
      } else if (from === 'runner' ? false : /^(playwright|playwright-core)(\/|$)/.test(spec) && from !== '.' && from !== 'cli') {
        violations.push(`${relative(SRC, file)} imports the browser (${spec}); only runner/ may`);
      } else if (/^(kysely|better-sqlite3|pg)(\/|$)/.test(spec) && from !== 'store') {
        violations.push(`${relative(SRC, file)} imports the database driver (${spec}); only store/ may`);
      }
    }
    if (from !== 'config' && from !== 'cli' && /process\.env\b/.test(source)) violations.push(`${relative(SRC, file)} reads process.env; only config/ may`);
  }

  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('keeps every import inside the allowed layers', () => {
    expect(violations).toEqual([]);
  });
});

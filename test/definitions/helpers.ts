import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, SourceFile } from '../../src/definitions/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(relative: string): SourceFile {
  return { path: relative, text: readFileSync(`${FIXTURES}${relative}`, 'utf8') };
}

export function source(path: string, text: string): SourceFile {
  return { path, text };
}

export function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/** `line:col message` of each error: compact to compare in assertions. */
export function errorLines(diagnostics: Diagnostic[]): string[] {
  return errors(diagnostics).map((d) => `${d.line}:${d.column} ${d.message}`);
}

/** A test document around the given steps (YAML lines of the `steps:` list, indented 8). */
export function testWithSteps(steps: string): string {
  return `schema_version: '1.0'
schema_type: test
data:
  name: 'T'
  runtime: browser
  screen_size: desktop
  groups:
    - group_name: 'G'
      slug: 'g'
      steps:
${steps}`;
}

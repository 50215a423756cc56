import { describe, expect, it } from 'vitest';
import { STEP_ACTIONS } from '../../src/domain/index.js';
import { loadRawSchema, prepareSchema } from '../../src/definitions/schema-load.js';

// Internal invariants of the reshaped schema (see prepareSchema): they break loudly if a newer
// BugBug schema is dropped in with shapes the reshaping does not know.
describe('the reshaped BugBug schema', () => {
  const raw = loadRawSchema();
  const prepared = prepareSchema(raw);

  it('is the published draft-07 schema', () => {
    expect(raw.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(raw.title).toBe('BugBug YAML Schema v1');
  });

  it('keeps no anyOf below the root, so every error has one cause', () => {
    const found: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}/${i}`));
      else if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'anyOf') found.push(path);
          walk(v, `${path}/${k}`);
        }
      }
    };
    walk(prepared.schema.definitions, '#/definitions');
    expect(found).toEqual([]);
  });

  it('knows the fields of every per-action config', () => {
    expect(prepared.configFields.get('GotoConfigSchema')).toEqual(['url', 'username', 'password']);
    expect(prepared.configFields.get('SelectConfigSchema')).toEqual(['select_type', 'value', 'select_is_multiple']);
    expect(prepared.allDetailFields.has('drop_selector')).toBe(true);
    expect(prepared.nonNullFields.get('TypeConfigSchema')).toEqual(new Set(['value', 'has_secret_value']));
  });

  it('checks action_details types per action', () => {
    const step = prepared.schema.definitions as Record<string, { allOf?: { if: { properties: { action: { const: string } } } }[] }>;
    const actions = (step.StepSchema?.allOf ?? []).map((c) => c.if.properties.action.const);
    expect(actions.every((a) => (STEP_ACTIONS as readonly string[]).includes(a))).toBe(true);
    expect(actions).toContain('goto');
    expect(actions).not.toContain('goBack');
  });
});

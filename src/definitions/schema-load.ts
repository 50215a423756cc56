import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STEP_ACTIONS } from '../domain/index.js';
import { ACTION_RULES } from './action-rules.js';

export type SchemaNode = { [key: string]: unknown };

const SCHEMA_FILE = 'bugbug-yaml-v1.schema.json';

/**
 * The schema ships as a JSON file beside the sources. tsc copies only .ts output into dist/, so
 * compiled code (dist/src/definitions/) finds it back in src/definitions/schema/ of the package.
 */
function schemaPath(): string {
  const candidates = [new URL(`./schema/${SCHEMA_FILE}`, import.meta.url), new URL(`../../../src/definitions/schema/${SCHEMA_FILE}`, import.meta.url)].map(
    (url) => fileURLToPath(url),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`BugBug YAML schema not found; looked in ${candidates.join(', ')}`);
  return found;
}

/** BugBug's published schema, unmodified. */
export function loadRawSchema(): SchemaNode {
  return JSON.parse(readFileSync(schemaPath(), 'utf8')) as SchemaNode;
}

export interface PreparedSchema {
  /** The schema reshaped for validation with one clear error per problem (see prepareSchema). */
  schema: SchemaNode;
  /** Field names of each per-action config, by config title (e.g. `GotoConfigSchema`). */
  configFields: ReadonlyMap<string, readonly string[]>;
  /** Every field some action's `action_details` may carry. */
  allDetailFields: ReadonlySet<string>;
  /** By config title, the fields whose type excludes null (the schema itself reports a null). */
  nonNullFields: ReadonlyMap<string, ReadonlySet<string>>;
}

let prepared: PreparedSchema | null = null;

export function preparedSchema(): PreparedSchema {
  prepared ??= prepareSchema(loadRawSchema());
  return prepared;
}

/**
 * Reshapes the published schema without changing what it accepts where it matters, because its
 * `anyOf`s make ajv report every failed branch:
 * - `ActionDetailsSchema` is an `anyOf` of per-action configs that includes a branch accepting any
 *   object, so it never fails and never says which fields an action needs. It becomes the shared
 *   part (`selector`, `drop_selector`), and StepSchema gets one `if action = X then action_details
 *   fields have X's types` per action. Required and foreign fields are checked by
 *   semantic-validate.ts with messages that name the action.
 * - a test group is a component reference when it has `component_source`, else an inline group:
 *   `if`/`then`/`else` instead of `anyOf`, so a group missing `slug` says exactly that.
 * - nullable `anyOf [X, null]` become `type: [X, null]` (or an enum with null) so a wrong value
 *   yields one type error instead of three.
 */
export function prepareSchema(raw: SchemaNode): PreparedSchema {
  const schema = structuredClone(raw);
  const defs = asNode(schema.definitions);
  const actionDetails = asNode(defs.ActionDetailsSchema);
  const branches = asArray(actionDetails.anyOf).map(asNode);

  const configProps = new Map<string, SchemaNode>();
  let shared: SchemaNode | null = null;
  for (const branch of branches) {
    const parts = Array.isArray(branch.allOf) ? branch.allOf.map(asNode) : [branch];
    const first = resolveRef(parts[0], defs);
    if (typeof first.title === 'string') configProps.set(first.title, asNode(first.properties ?? {}));
    else shared = asNode(first.properties);
  }
  if (!shared) throw new Error('schema: ActionDetailsSchema has no shared selector branch');
  defs.ActionDetailsSchema = { type: 'object', properties: shared };

  const step = asNode(defs.StepSchema);
  step.allOf = STEP_ACTIONS.filter((action) => ACTION_RULES[action].configs.length > 0).map((action) => {
    const properties: SchemaNode = {};
    for (const title of ACTION_RULES[action].configs) {
      const props = configProps.get(title);
      if (!props) throw new Error(`schema: no action config ${title} (action ${action})`);
      Object.assign(properties, props);
    }
    return {
      if: { properties: { action: { const: action } }, required: ['action'] },
      then: { properties: { action_details: { properties } } },
    };
  });

  const test = asNode(defs.TestSchema);
  asNode(asNode(test.properties).groups).items = {
    if: { type: 'object', required: ['component_source'] },
    then: { $ref: '#/definitions/ComponentRefSchema' },
    else: { $ref: '#/definitions/InlineGroupSchema' },
  };

  schema.definitions = simplifyNullable(defs, defs);

  const configFields = new Map<string, readonly string[]>();
  const nonNullFields = new Map<string, ReadonlySet<string>>();
  for (const [title, props] of configProps) {
    configFields.set(title, Object.keys(props));
    const simplified = asNode(simplifyNullable(props, defs));
    nonNullFields.set(title, new Set(Object.keys(simplified).filter((f) => !acceptsNull(asNode(simplified[f]), defs))));
  }
  const allDetailFields = new Set<string>(Object.keys(shared));
  for (const fields of configFields.values()) for (const f of fields) allDetailFields.add(f);
  return { schema, configFields, allDetailFields, nonNullFields };
}

function acceptsNull(node: SchemaNode, defs: SchemaNode): boolean {
  if (node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'))) return true;
  if (Array.isArray(node.enum) && node.enum.includes(null)) return true;
  if (isNode(node.if) && node.if.type === 'null') return true;
  if (typeof node.$ref === 'string') return acceptsNull(resolveRef(node, defs), defs);
  return false;
}

function simplifyNullable(node: unknown, defs: SchemaNode): unknown {
  if (Array.isArray(node)) return node.map((n) => simplifyNullable(n, defs));
  if (!isNode(node)) return node;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) out[key] = simplifyNullable(value, defs);
  if (Array.isArray(out.anyOf)) {
    const merged = mergeAnyOf(out.anyOf.map(asNode), defs);
    if (merged) {
      delete out.anyOf;
      Object.assign(out, merged);
    }
  }
  return out;
}

const PLAIN_TYPE_KEYS = new Set(['type', 'items', 'additionalProperties', 'title']);

function mergeAnyOf(branches: SchemaNode[], defs: SchemaNode): SchemaNode | null {
  // Every branch a bare type (lists with their items, maps that allow anything): one type list.
  if (branches.every((b) => typeof b.type === 'string' && Object.keys(b).every((k) => PLAIN_TYPE_KEYS.has(k)))) {
    const merged: SchemaNode = { type: [...new Set(branches.map((b) => b.type as string))] };
    for (const b of branches) {
      if (b.items !== undefined) merged.items = b.items;
      if (b.additionalProperties !== undefined) merged.additionalProperties = b.additionalProperties;
    }
    return merged;
  }
  const nonNull = branches.filter((b) => b.type !== 'null');
  if (branches.length === 2 && nonNull.length === 1 && typeof nonNull[0].$ref === 'string') {
    const target = resolveRef(nonNull[0], defs);
    if (Array.isArray(target.enum)) return { enum: [...(target.enum as unknown[]), null] };
    return { if: { type: 'null' }, else: { $ref: nonNull[0].$ref } };
  }
  return null;
}

function resolveRef(node: SchemaNode, defs: SchemaNode): SchemaNode {
  if (typeof node.$ref !== 'string') return node;
  const name = node.$ref.replace('#/definitions/', '');
  return asNode(defs[name]);
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): SchemaNode {
  if (!isNode(value)) throw new Error('schema: expected an object');
  return value;
}

function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error('schema: expected an array');
  return value;
}

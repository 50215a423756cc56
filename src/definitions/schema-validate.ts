import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Path } from './locate.js';
import { formatPath } from './locate.js';
import { describeValue, error, oneOf } from './problem.js';
import type { Problem } from './problem.js';
import { preparedSchema } from './schema-load.js';
import { closest } from './suggest.js';
import type { SchemaType } from './types.js';

const DATA_DEFINITIONS: Record<SchemaType, string> = {
  test: 'TestSchema',
  component: 'ComponentSchema',
  profile: 'ProfileSchema',
  suite: 'SuiteSchema',
  project: 'ProjectSchema',
};

const SCHEMA_ID = 'bugbug-yaml-v1';

let ajv: Ajv | null = null;
const validators = new Map<SchemaType, ValidateFunction>();

/**
 * Compiled lazily, once per process and kind: compiling costs far more than validating, and an
 * import of only tests never needs the project validator.
 */
function validatorFor(kind: SchemaType): ValidateFunction {
  let validate = validators.get(kind);
  if (validate) return validate;
  if (!ajv) {
    // allErrors: report every problem of a document in one pass. verbose: errors carry their
    // schema, which the messages below need (allowed types, known property names).
    // strictTypes off: the reshaped schema uses `if` sub-schemas without `type`, which is valid.
    ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false, allowUnionTypes: true });
    ajv.addSchema({ ...preparedSchema().schema, $id: SCHEMA_ID });
  }
  validate = ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${DATA_DEFINITIONS[kind]}` });
  validators.set(kind, validate);
  return validate;
}

/** Validates a document's `data` against its kind's schema definition; paths start at `data`. */
export function validateData(kind: SchemaType, data: unknown): Problem[] {
  const validate = validatorFor(kind);
  if (validate(data)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const problem = toProblem(e, data);
    if (!problem) continue;
    const key = `${problem.path.join('/')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function toProblem(e: ErrorObject, data: unknown): Problem | null {
  const rel = instancePath(e.instancePath, data);
  const path: Path = ['data', ...rel];
  const where = formatPath('', path);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      // The failing `then`/`else` branch reports the real problem itself.
      return null;
    case 'required':
      return error(path, `${where}: missing required property "${String(params.missingProperty)}"`);
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys(asRecord(asRecord(e.parentSchema).properties));
      const hint = closest(name, known);
      const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
      return error([...path, name], `${where}: unknown property "${name}"${suggestion}`, 'key');
    }
    case 'enum':
      return error(path, `${where}: must be one of ${oneOf(asArray(params.allowedValues))} (got ${describeValue(e.data)})`);
    case 'const':
      return error(path, `${where}: must be ${JSON.stringify(params.allowedValue)} (got ${describeValue(e.data)})`);
    case 'type': {
      const types = String(params.type).split(',').map(typeWord);
      return error(path, `${where}: must be ${joinOr(types)} (got ${describeValue(e.data)})`);
    }
    default:
      return error(path, `${where}: ${e.message ?? 'is invalid'}`);
  }
}

/** ajv's JSON pointer as path segments, list indexes as numbers so the Locator can follow them. */
function instancePath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      out.push(index);
      current = current[index];
    } else {
      out.push(segment);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  null: 'null',
};

function typeWord(type: string): string {
  return TYPE_WORDS[type] ?? type;
}

function joinOr(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

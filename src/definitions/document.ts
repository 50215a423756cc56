import type { ComponentDefinition, ProfileDefinition, ProjectDefinition, SuiteDefinition, TestDefinition } from './bundle-types.js';
import { describeValue, error, oneOf, warning } from './problem.js';
import type { Problem } from './problem.js';
import { validateData } from './schema-validate.js';
import { semanticProblems } from './semantic-validate.js';
import { slugOf } from './slug.js';
import type { ComponentData, ProfileData, ProjectData, SchemaType, SuiteData, TestData } from './types.js';

/** In the order BugBug's documentation lists them. */
export const SCHEMA_TYPES: readonly SchemaType[] = ['test', 'component', 'profile', 'suite', 'project'];
export const SCHEMA_VERSION = '1.0';

const ENVELOPE_KEYS = new Set(['schema_version', 'schema_type', 'data']);

export type DocumentDefinition =
  | { kind: 'test'; definition: TestDefinition }
  | { kind: 'component'; definition: ComponentDefinition }
  | { kind: 'profile'; definition: ProfileDefinition }
  | { kind: 'suite'; definition: SuiteDefinition }
  | { kind: 'project'; definition: ProjectDefinition };

export interface CheckedDocument {
  problems: Problem[];
  /** Null when the envelope or the schema check failed: the data cannot be trusted to be typed. */
  result: DocumentDefinition | null;
}

/**
 * Checks one YAML document (already converted to plain values): the envelope by hand, because the
 * schema's top-level `anyOf` of five envelopes would report all five failing; then `data` against
 * the definition `schema_type` names, then the semantic rules.
 */
export function checkDocument(value: unknown, file: string): CheckedDocument {
  const problems: Problem[] = [];
  if (!isRecord(value)) {
    problems.push(error([], `a document must be a mapping with schema_version, schema_type and data (got ${describeValue(value)})`));
    return { problems, result: null };
  }

  if (!('schema_version' in value)) {
    problems.push(error([], 'schema_version is required'));
  } else if (value.schema_version !== SCHEMA_VERSION) {
    // `schema_version: 1.0` unquoted is a number in YAML: say how to write it.
    const hint = typeof value.schema_version === 'number' ? `; quote it: '${SCHEMA_VERSION}'` : '';
    problems.push(error(['schema_version'], `schema_version must be "${SCHEMA_VERSION}" (got ${describeValue(value.schema_version)}${hint})`));
  }

  let kind: SchemaType | null = null;
  if (!('schema_type' in value)) {
    problems.push(error([], 'schema_type is required'));
  } else if (!isSchemaType(value.schema_type)) {
    problems.push(error(['schema_type'], `schema_type must be one of ${oneOf(SCHEMA_TYPES)} (got ${describeValue(value.schema_type)})`));
  } else {
    kind = value.schema_type;
  }

  for (const key of Object.keys(value)) {
    if (!ENVELOPE_KEYS.has(key)) problems.push(warning([key], `unknown top-level property "${key}" is ignored`, 'key'));
  }

  if (!('data' in value)) {
    problems.push(error([], 'data is required'));
    return { problems, result: null };
  }
  const data = value.data;
  if (!isRecord(data)) {
    problems.push(error(['data'], `data must be a mapping (got ${describeValue(data)})`));
    return { problems, result: null };
  }
  if (kind === null) return { problems, result: null };

  const schemaProblems = validateData(kind, data);
  problems.push(...schemaProblems, ...semanticProblems(kind, data));
  if (schemaProblems.length > 0) return { problems, result: null };
  const result = toDefinition(kind, data, file);
  if (result.definition.slug === '') {
    // Names of only non-Latin characters or punctuation slugify to nothing.
    const nameField = NAME_FIELDS[kind];
    problems.push(error(['data', nameField], `data.${nameField}: cannot derive a slug from ${describeValue(data[nameField])}; add data.slug`));
  }
  return { problems, result };
}

export const NAME_FIELDS: Record<SchemaType, string> = {
  test: 'name',
  component: 'component_name',
  profile: 'name',
  suite: 'suite_name',
  project: 'name',
};

/** The schema check passed, so `data` has the shape of its kind's type. */
function toDefinition(kind: SchemaType, data: Record<string, unknown>, file: string): DocumentDefinition {
  switch (kind) {
    case 'test': {
      const d = data as unknown as TestData;
      return { kind, definition: { slug: slugOf(d.slug, d.name), name: d.name, data: d, file } };
    }
    case 'component': {
      const d = data as unknown as ComponentData;
      return { kind, definition: { slug: slugOf(d.slug, d.component_name), name: d.component_name, data: d, file } };
    }
    case 'suite': {
      const d = data as unknown as SuiteData;
      return { kind, definition: { slug: slugOf(d.slug, d.suite_name), name: d.suite_name, data: d, file } };
    }
    case 'profile': {
      const d = data as unknown as ProfileData;
      const variables = (d.variables ?? []).map((v) => ({
        key: v.key,
        name: v.name,
        value: v.value ?? null,
        secret: v.has_secret_value ?? false,
        description: v.description ?? null,
      }));
      return { kind, definition: { slug: slugOf(d.slug, d.name), name: d.name, isDefault: d.is_default === true, variables, file } };
    }
    case 'project': {
      const d = data as unknown as ProjectData;
      return {
        kind,
        definition: { slug: slugOf(d.slug, d.name), name: d.name, homepageUrl: d.homepage_url, settings: d.settings, file },
      };
    }
  }
}

function isSchemaType(value: unknown): value is SchemaType {
  return typeof value === 'string' && (SCHEMA_TYPES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ARTIFACT_KINDS, ERROR_CODES, STEP_ACTIONS, WAITING_CONDITIONS } from '../domain/index.js';
import { BODY_LIMITS } from './json-body.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';

export type JsonObject = { [key: string]: unknown };

export interface OpenApiDocument {
  openapi: string;
  info: JsonObject;
  servers?: JsonObject[];
  tags: JsonObject[];
  security: JsonObject[];
  paths: Record<string, Record<string, JsonObject>>;
  components: { securitySchemes: Record<string, JsonObject>; schemas: Record<string, JsonObject> };
}

/** A document of src/api/spec/; tsc copies only .ts output, so compiled code finds it back there. */
function loadSpecFile(file: string): OpenApiDocument {
  const candidates = [new URL(`./spec/${file}`, import.meta.url), new URL(`../../../src/api/spec/${file}`, import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`The OpenAPI document ${file} was not found; looked in ${candidates.join(', ')}`);
  return JSON.parse(readFileSync(found, 'utf8')) as OpenApiDocument;
}

/**
 * BugBug's published "Test runs" document, kept verbatim beside the sources (test/vendored.test.ts
 * keeps it equal to the steering repository's copy).
 */
export function loadTestRunsSpec(): OpenApiDocument {
  return loadSpecFile('testruns-v2.openapi.json');
}

/** Bugrun's own account of BugBug's suite endpoints (BugBug publishes none), with each shape's source. */
export function loadSuitesSpec(): OpenApiDocument {
  return loadSpecFile('suites-v2.openapi.json');
}

/** Bugrun's own schedules and alerts endpoints (issue #16). */
export function loadSchedulesAlertsSpec(): OpenApiDocument {
  return loadSpecFile('schedules-alerts-v2.openapi.json');
}

/** Bugrun's own test history and health endpoints (issue #17). */
export function loadHealthSpec(): OpenApiDocument {
  return loadSpecFile('health-v2.openapi.json');
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: JsonObject = {}) => ({ type: [type, 'null'], ...extra });
const json = (schema: JsonObject, description = '') => ({ description, content: { 'application/json': { schema } } });
/** The header of every answer that asks the client to come back later (429, 503). */
const RETRY_AFTER = { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } };

const ERR = {
  401: json(ref('Detail'), 'Authentication credentials were missing or invalid.'),
  404: json(ref('Detail'), 'Resource not found.'),
  400: json(ref('FieldErrors'), 'Request body or query failed validation.'),
};
const PAGE_PARAMS = [
  {
    name: 'page',
    in: 'query',
    required: false,
    description: 'A page number within the paginated result set (out of range: 404 "Invalid page.").',
    schema: { type: 'integer', minimum: 1 },
  },
  {
    name: 'page_size',
    in: 'query',
    required: false,
    description: `Number of results to return per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
    schema: { type: 'integer', minimum: 1 },
  },
];
const paginated = (item: string) => ({
  type: 'object',
  required: ['count', 'next', 'previous', 'results'],
  properties: {
    count: { type: 'integer' },
    next: nullable('string', { format: 'uri' }),
    previous: nullable('string', { format: 'uri' }),
    results: { type: 'array', items: ref(item) },
  },
});

const SCHEMAS: Record<string, JsonObject> = {
  V2StepRun: {
    type: 'object',
    description: 'One executed step (including steps inside conditions and components). Secret values are masked.',
    required: [
      'id',
      'stepId',
      'testRunId',
      'type',
      'status',
      'error',
      'errorCode',
      'warning',
      'started',
      'ended',
      'duration',
      'screenshotUrl',
      'waitingConditions',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      stepId: { type: 'string', description: 'Stable across runs of an unchanged test.' },
      testRunId: { type: 'string', format: 'uuid' },
      groupId: { type: 'string' },
      parentStepRunId: nullable('string', { description: 'The ifCondition step run this one ran under.' }),
      sequence: { type: 'integer', description: 'Order of execution within the run, from 0.' },
      type: { type: 'string', enum: [...STEP_ACTIONS] },
      name: nullable('string'),
      status: { type: 'string', enum: ['running', 'passed', 'failed', 'error', 'stopped', 'skipped'] },
      error: nullable('string', { description: 'Error message of a failed step.' }),
      errorCode: { enum: [...ERROR_CODES, null], description: 'BugBug error code of a failed step (or of a warning).' },
      warning: { type: 'boolean', description: 'Passed with a warning.' },
      forceFailed: { type: 'boolean' },
      ignoredFailed: { type: 'boolean', description: 'Failed, but continue_on_failure let the run go on.' },
      executed: { type: 'boolean' },
      elementExists: nullable('boolean'),
      timeout: { type: 'integer', description: 'Step timeout in ms.' },
      runTimeout: nullable('number', { description: 'Step timeout in seconds as configured on the step.' }),
      sleep: { type: 'integer', description: 'Delay before the step in ms.' },
      executionUrl: nullable('string'),
      started: nullable('string', { format: 'date-time' }),
      ended: nullable('string', { format: 'date-time' }),
      duration: nullable('string', { description: 'HH:MM:SS.ffffff' }),
      screenshotUrl: nullable('string', { description: 'Signed download link.' }),
      coveringElementScreenshot: nullable('string'),
      assertionType: nullable('string'),
      assertionProperty: nullable('string'),
      assertionExpectedValue: nullable('string'),
      assertionCurrentValue: nullable('string'),
      tabNo: { type: 'integer' },
      computedValue: nullable('string', { description: 'Value after variable substitution; secrets masked.' }),
      computedUrl: nullable('string'),
      waitingConditions: { type: 'array', items: ref('WaitingConditionResult') },
    },
  },
  WaitingConditionResult: {
    type: 'object',
    required: ['type', 'expected', 'current', 'isSuccess', 'isSoftSuccess'],
    properties: {
      type: { type: 'string', enum: [...WAITING_CONDITIONS] },
      expected: nullable('string'),
      current: nullable('string'),
      isSuccess: { type: 'boolean' },
      isSoftSuccess: { type: 'boolean', description: 'Ran out of time, but the action then succeeded (a warning).' },
    },
  },
  Test: {
    type: 'object',
    required: ['id', 'name', 'slug', 'created', 'modified'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      slug: { type: 'string' },
      created: { type: 'string', format: 'date-time' },
      modified: { type: 'string', format: 'date-time' },
    },
  },
  TestDetail: {
    type: 'object',
    required: ['id', 'name', 'slug', 'screenSizeType', 'tags', 'created', 'modified'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      slug: { type: 'string' },
      screenSizeType: { type: 'string', enum: ['desktop', 'mobile', 'custom'] },
      tags: { type: 'array', items: { type: 'string' } },
      created: { type: 'string', format: 'date-time' },
      modified: { type: 'string', format: 'date-time' },
    },
  },
  PaginatedTestList: paginated('Test'),
  Profile: {
    type: 'object',
    required: ['id', 'name', 'isDefault'],
    properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, isDefault: { type: 'boolean' } },
  },
  ProfileDetail: {
    type: 'object',
    required: ['id', 'name', 'isDefault', 'slug', 'variables'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      name: { type: 'string' },
      isDefault: { type: 'boolean' },
      slug: { type: 'string' },
      variables: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'value', 'hasSecretValue'],
          properties: {
            key: { type: 'string' },
            name: nullable('string'),
            value: nullable('string', { description: 'Masked when hasSecretValue.' }),
            hasSecretValue: { type: 'boolean' },
            description: nullable('string'),
          },
        },
      },
    },
  },
  PaginatedProfileList: paginated('Profile'),
  ImportRequest: {
    type: 'object',
    required: ['files'],
    properties: {
      files: {
        type: 'array',
        minItems: 1,
        description: 'BugBug YAML v1 documents (tests, components, profiles, suites, project settings).',
        items: {
          type: 'object',
          required: ['path', 'content'],
          properties: { path: { type: 'string', description: 'Used in error locations.' }, content: { type: 'string' } },
        },
      },
    },
  },
  ImportResult: {
    type: 'object',
    required: ['objects', 'warnings'],
    properties: {
      objects: {
        type: 'array',
        items: {
          type: 'object',
          required: ['type', 'slug', 'id', 'status'],
          properties: {
            type: { type: 'string', enum: ['project', 'component', 'profile', 'test', 'suite'] },
            slug: { type: 'string' },
            id: { type: 'string', format: 'uuid' },
            status: { type: 'string', enum: ['created', 'updated'] },
          },
        },
      },
      warnings: { type: 'array', items: { type: 'string' } },
    },
  },
  ImportErrors: {
    type: 'object',
    required: ['detail', 'errors', 'warnings'],
    properties: {
      detail: { type: 'string' },
      errors: { type: 'array', items: { type: 'string' }, description: '`file:line:col: message` lines; nothing was imported.' },
      warnings: { type: 'array', items: { type: 'string' } },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'role', 'database', 'queued', 'active'],
    properties: {
      status: { enum: ['ok', 'unavailable'], description: '`unavailable` (with 503) while the database cannot be reached.' },
      role: { enum: ['serve', 'api', 'worker'], description: 'What this process does: API and worker, API only (`serve --no-worker`), or worker.' },
      database: { enum: ['ok', 'unreachable'] },
      queued: { type: ['integer', 'null'], description: 'Runs waiting for a worker, in the whole database (null when it cannot be read).' },
      active: { type: 'integer', description: 'Runs executing in this process.' },
    },
  },
  Detail: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } },
  FieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, description: 'DRF field errors: {"field": ["message"]}.' },
};

const idParam = (description: string, format?: string) => ({
  in: 'path',
  name: 'id',
  required: true,
  description,
  schema: { type: 'string', ...(format ? { format } : {}) },
});
const PUBLIC = { security: [] };

const PATHS: Record<string, Record<string, JsonObject>> = {
  '/api/v2/tests/': {
    get: {
      operationId: 'v2_tests_list',
      summary: 'List tests',
      tags: ['Tests'],
      parameters: [
        { in: 'query', name: 'query', description: 'Only tests whose name contains this text.', schema: { type: 'string' } },
        { in: 'query', name: 'ordering', schema: { type: 'string', enum: ['name', '-name', 'created', '-created'], default: 'name' } },
        ...PAGE_PARAMS,
      ],
      responses: { 200: json(ref('PaginatedTestList')), 400: ERR[400], 401: ERR[401], 404: json(ref('Detail'), 'Invalid page.') },
    },
  },
  '/api/v2/tests/{id}/': {
    get: {
      operationId: 'v2_tests_retrieve',
      summary: 'Retrieve a test by id or slug',
      tags: ['Tests'],
      parameters: [idParam('The test UUID, or its slug.')],
      responses: { 200: json(ref('TestDetail')), 401: ERR[401], 404: ERR[404] },
    },
  },
  '/api/v2/profiles/': {
    get: {
      operationId: 'v2_profiles_list',
      summary: 'List run profiles',
      tags: ['Profiles'],
      parameters: PAGE_PARAMS,
      responses: { 200: json(ref('PaginatedProfileList')), 400: ERR[400], 401: ERR[401], 404: json(ref('Detail'), 'Invalid page.') },
    },
  },
  '/api/v2/profiles/{id}/': {
    get: {
      operationId: 'v2_profiles_retrieve',
      summary: 'Retrieve a run profile with its variables (secret values masked)',
      tags: ['Profiles'],
      parameters: [idParam('A UUID string identifying this profile.', 'uuid')],
      responses: { 200: json(ref('ProfileDetail')), 401: ERR[401], 404: ERR[404] },
    },
  },
  '/api/v2/import/': {
    post: {
      operationId: 'v2_import_create',
      summary: 'Import BugBug YAML v1 documents (all or nothing)',
      description: 'What `bugrun import` sends. Existing slugs are updated in place, so ids and step ids stay stable.',
      tags: ['Import'],
      requestBody: { required: true, content: { 'application/json': { schema: ref('ImportRequest') } } },
      responses: {
        200: json(ref('ImportResult')),
        400: json({ oneOf: [ref('ImportErrors'), ref('FieldErrors')] }, 'Invalid documents or request.'),
        401: ERR[401],
      },
    },
  },
  '/api/v2/config/ips/': {
    get: {
      operationId: 'v2_config_ips_list',
      summary: "The addresses Bugrun's browsers connect from",
      description:
        'For the allowlists of the sites under test (`BUGRUN_EGRESS_IPS`; empty when not set). BugBug clients also call it to check their connection.',
      tags: ['Service'],
      responses: { 200: json({ type: 'array', items: { type: 'string' } }), 401: ERR[401] },
    },
  },
  '/api/v2/schema/': {
    get: {
      operationId: 'v2_schema_retrieve',
      summary: 'This OpenAPI document',
      tags: ['Schema'],
      ...PUBLIC,
      responses: { 200: json({ type: 'object' }, 'OpenAPI 3.1 document of everything Bugrun serves.') },
    },
  },
  '/api/v2/schema/yaml/v1/': {
    get: {
      operationId: 'v2_schema_yaml_v1_retrieve',
      summary: "BugBug's YAML v1 JSON schema",
      tags: ['Schema'],
      ...PUBLIC,
      responses: { 200: json({ type: 'object' }, 'The JSON schema test, component, profile, suite and project documents follow.') },
    },
  },
  '/healthz': {
    get: {
      operationId: 'healthz',
      summary: 'Readiness, role and load',
      description: 'Answers 200 once the process is ready and reaches its database, 503 while it does not.',
      tags: ['Service'],
      ...PUBLIC,
      responses: { 200: json(ref('Health')), 503: json(ref('Health'), 'The database cannot be reached.') },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Runs by status, queue depth and the age of its oldest run, live workers and their slots (read from the database: the same on every process) ' +
        'and run and step duration histograms (of the runs this process executed).',
      tags: ['Service'],
      ...PUBLIC,
      responses: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
  '/files/{key}': {
    get: {
      operationId: 'files_retrieve',
      summary: 'Download a stored file (screenshot, log, debug artifact)',
      description:
        'Signed capability links handed out as `screenshotUrl` and artifact `file` URLs (and the `/logs/` redirect); no token needed. `key` may contain slashes. ' +
        'A link expires (`BUGRUN_FILE_LINK_TTL`, 24 h by default); expired, forged and unknown links are all 404.',
      tags: ['Service'],
      ...PUBLIC,
      parameters: [
        { in: 'path', name: 'key', required: true, schema: { type: 'string' } },
        { in: 'query', name: 'exp', required: true, description: 'When the link expires, in unix seconds.', schema: { type: 'string' } },
        { in: 'query', name: 'sig', required: true, schema: { type: 'string' } },
      ],
      responses: {
        200: { description: 'The file.', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        404: ERR[404],
        503: {
          ...json(ref('Detail'), 'The artifact storage cannot be reached; retry after the number of seconds in Retry-After.'),
          headers: RETRY_AFTER,
        },
      },
    },
  },
  '/docs': {
    get: {
      operationId: 'docs',
      summary: 'This API reference as a web page',
      tags: ['Schema'],
      ...PUBLIC,
      responses: { 200: { description: 'HTML page.', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};

/**
 * What every operation can answer besides its own responses, from the error catalogue: 401 without
 * a valid token, and for each POST 400 (malformed or too deeply nested JSON), 413 (body over the
 * limit) and 415 (not JSON); `POST /testruns/` answers 429 with Retry-After when the queue is full;
 * every operation with a token answers 503 while the database cannot be reached.
 */
function withServiceErrors(paths: OpenApiDocument['paths']): OpenApiDocument['paths'] {
  const detail = (description: string) => json(ref('Detail'), description);
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const responses = ((op as { responses?: Record<string, unknown> }).responses ??= {});
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) responses[401] ??= ERR[401];
      // Everything that reads the database answers 503 while it is out of reach.
      if (!isPublic) {
        responses[503] ??= {
          ...detail('The database (or the artifact storage) cannot be reached; retry after the number of seconds in Retry-After.'),
          headers: RETRY_AFTER,
        };
      }
      const params = (op as { parameters?: { name?: string }[] }).parameters ?? [];
      if (params.some((p) => p.name === 'page')) {
        responses[400] ??= ERR[400];
        responses[404] ??= detail('Invalid page.');
      }
      if (method !== 'post' && method !== 'patch') continue;
      responses[400] ??= json({ oneOf: [ref('FieldErrors'), ref('Detail')] }, 'Invalid fields, or JSON that is malformed or nested too deeply.');
      responses[408] ??= detail('The body did not arrive within the request timeout (BUGRUN_REQUEST_TIMEOUT).');
      responses[413] ??= detail(`Request body is too large (${BODY_LIMITS.maxBytes} bytes; ${BODY_LIMITS.importMaxBytes} for imports).`);
      responses[415] ??= detail('The body is not application/json.');
      if (path === '/api/v2/testruns/' || path === '/api/v2/suiteruns/') {
        responses[429] ??= {
          ...detail('Too many runs are queued (BUGRUN_MAX_QUEUED); retry after the number of seconds in Retry-After.'),
          headers: RETRY_AFTER,
        };
      }
    }
  }
  return paths;
}

let cached: OpenApiDocument | null = null;

/**
 * The OpenAPI 3.1 document of everything Bugrun serves: BugBug's ten Test runs operations exactly as
 * published, except `stepsRuns` typed as the array of step runs it is (docs/bugbug-compatibility.md §1)
 * and Bugrun's Playwright traces (the `trace` field of a run request, the `trace` artifact kind), the
 * suite endpoints (src/api/spec/suites-v2.openapi.json), schedules and alerts (src/api/spec/schedules-alerts-v2.openapi.json), plus tests, profiles, import, schema and service endpoints.
 */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const spec = loadTestRunsSpec();
  const suites = loadSuitesSpec();
  const automation = loadSchedulesAlertsSpec();
  const health = loadHealthSpec();
  const schemas = structuredClone(spec.components.schemas);
  const run = schemas.V2TestRun as { properties: Record<string, JsonObject> };
  run.properties.stepsRuns = { type: 'array', items: ref('V2StepRun'), readOnly: true };
  // Bugrun's Playwright traces (issue #17): the request flag and the artifact kind BugBug lacks.
  const runTest = schemas.V2RunTest as { properties: Record<string, JsonObject> };
  runTest.properties.trace = {
    type: 'boolean',
    default: false,
    description:
      'Bugrun only: record a Playwright trace of this run (actions, DOM snapshots, network, console, screenshots), kept as its `trace` ' +
      'debug artifact whatever BUGRUN_TRACE says. False or absent: BUGRUN_TRACE decides. Not a boolean: 400.',
  };
  const kind = (schemas.DebugArtifact as { properties: { kind: JsonObject } }).properties.kind;
  kind.enum = [...ARTIFACT_KINDS];
  kind.description = `${String(kind.description)}\n* \`trace\` - Playwright trace (Bugrun only: a zip for \`/trace-viewer/index.html?trace=<file>\`)`;
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Bugrun API',
      version: 'v2',
      description:
        "Self-hosted, BugBug-compatible test runs. BugBug's public API v2 Test runs operations, plus tests, profiles and import. " +
        'Every `/api/v2/` path is also served under `/api/v1/` for older BugBug clients. ' +
        'Authenticate with `Authorization: Token <key>` (or `Bearer <key>`). Errors are DRF-shaped JSON; unknown request fields are ignored.',
    },
    tags: [
      ...spec.tags,
      ...suites.tags,
      ...automation.tags,
      ...health.tags,
      { name: 'Tests' },
      { name: 'Profiles' },
      { name: 'Import' },
      { name: 'Schema' },
      { name: 'Service' },
    ],
    security: spec.security,
    paths: withServiceErrors({
      ...structuredClone(spec.paths),
      ...structuredClone(suites.paths),
      ...structuredClone(automation.paths),
      ...structuredClone(health.paths),
      ...structuredClone(PATHS),
    }),
    components: {
      securitySchemes: { ...spec.components.securitySchemes, Bearer: { type: 'http', scheme: 'bearer', description: 'The same API token as a Bearer token.' } },
      schemas: {
        ...schemas,
        ...structuredClone(suites.components.schemas),
        ...structuredClone(automation.components.schemas),
        ...structuredClone(health.components.schemas),
        ...SCHEMAS,
      },
    },
  };
  return cached;
}

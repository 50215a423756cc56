import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// CommonJS packages: under NodeNext the class / function is the module's `default` property.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/**
 * The published contract, as vendored unedited in src/api/spec/ (never a copy edited to fit;
 * test/vendored.test.ts keeps it equal to the steering repository's copy when that is beside us).
 */
export const SPEC_PATH = fileURLToPath(new URL('../../src/api/spec/testruns-v2.openapi.json', import.meta.url));

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
export type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { properties?: Record<string, object> }> } };

export function loadSpec(): Spec {
  return JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
}

/**
 * The one documented exception (docs/bugbug-compatibility.md §1): `stepsRuns` of a run is typed "string" only
 * because BugBug's generator could not type it; it is served as an array of step-run objects.
 */
function applyStepsRunsOverride(spec: Spec): Spec {
  const copy = structuredClone(spec);
  const run = copy.components.schemas.V2TestRun;
  if (!run?.properties?.stepsRuns) throw new Error('spec changed: V2TestRun.stepsRuns not found');
  run.properties.stepsRuns = { type: 'array', items: { type: 'object', required: ['id', 'stepId', 'status', 'type'] }, readOnly: true };
  return copy;
}

export interface ContractResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Validates real responses against the operation's documented status codes and schemas. */
export class Contract {
  private readonly ajv: InstanceType<typeof Ajv2020>;
  private readonly compiled = new Map<string, ValidateFunction>();
  /** `METHOD path status` of every response validated, to prove coverage. */
  readonly seen = new Set<string>();

  /** By default the published Test runs document; any other OpenAPI document (e.g. the served one) may be given. */
  constructor(private readonly spec: Spec = applyStepsRunsOverride(loadSpec())) {
    // `nullable` (OpenAPI 3.0) appears in the file; ajv honours it, strict mode would reject it.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'spec', components: this.spec.components });
  }

  operations(): string[] {
    return Object.entries(this.spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  }

  /** Of these `METHOD path` operations, what no response validated so far showed: `<op> success` or `<op> error`. */
  uncovered(operations: readonly string[]): string[] {
    return operations.flatMap((op) => {
      const codes = [...this.seen].filter((s) => s.startsWith(`${op} `)).map((s) => Number(s.split(' ').pop()));
      return [...(codes.some((c) => c < 400) ? [] : [`${op} success`]), ...(codes.some((c) => c >= 400) ? [] : [`${op} error`])];
    });
  }

  /** Throws with the validation errors unless `res` is a documented response of `method path`. */
  check(method: string, path: string, res: ContractResponse): unknown {
    const op = this.spec.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${path} is not in the contract`);
    const documented = op.responses[String(res.statusCode)];
    if (!documented) throw new Error(`${method} ${path} answered ${res.statusCode}, not documented (${Object.keys(op.responses).join(', ')}): ${res.body}`);
    this.seen.add(`${method.toUpperCase()} ${path} ${res.statusCode}`);
    const media = documented.content?.['application/json'];
    if (res.statusCode === 302 || res.statusCode >= 400 || !media) {
      if (res.statusCode >= 400) {
        // Undocumented bodies of errors: DRF JSON (`detail` or field lists), never HTML or a stack.
        const body = JSON.parse(res.body) as Record<string, unknown>;
        if (typeof body !== 'object' || body === null || Object.keys(body).length === 0) throw new Error(`error body is not DRF JSON: ${res.body}`);
        return body;
      }
      return res.body;
    }
    const schema = media.schema as { type?: string; format?: string };
    if (schema.type === 'string' && schema.format === 'binary') return res.body;
    const key = `${method} ${path} ${res.statusCode}`;
    const validate = this.compiled.get(key) ?? this.ajv.compile(rewriteRefs(schema));
    this.compiled.set(key, validate);
    const data = JSON.parse(res.body) as unknown;
    if (!validate(data)) {
      throw new Error(`${key} violates the contract: ${this.ajv.errorsText(validate.errors, { separator: '\n' })}\nbody: ${res.body.slice(0, 2000)}`);
    }
    return data;
  }
}

function rewriteRefs(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec#/components/')) as object;
}

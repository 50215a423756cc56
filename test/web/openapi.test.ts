import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/api/route-list.js';
import { WEB_UI_PAGES } from '../../src/api/web-ui.js';
import { apiBundle } from '../api/api-bundle.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { loadSpec } from '../helpers/contract.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[] }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

let bugrun: TestBugrun;
let fixture: FixtureServer;
let doc: Doc;

beforeAll(async () => {
  fixture = await startFixtureServer();
  bugrun = await startBugrun();
  await bugrun.importYaml(apiBundle(fixture.url));
  const res = await bugrun.service.app.inject({ method: 'GET', url: '/api/v2/schema/' });
  expect(res.statusCode).toBe(200);
  doc = res.json() as Doc;
});

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
});

/** `/api/v1/testruns/:id/debug-artifacts/:kind/` and `/api/v2/testruns/{id}/debug-artifacts/{artifact_type}/` alike. */
const shape = (path: string) => path.replace(/^\/api\/v1\//, '/api/v2/').replace(/\{[^}]+\}|:[^/]+|\*$/g, '{}');

describe('GET /api/v2/schema/ (OpenAPI of everything Bugrun serves)', () => {
  it('is public OpenAPI 3.1 JSON, also under /api/v1/', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const v1 = await bugrun.service.app.inject({ method: 'GET', url: '/api/v1/schema/' });
    expect(v1.statusCode).toBe(200);
    expect(v1.json()).toEqual(doc);
  });

  it("keeps BugBug's ten Test runs operations exactly, adding only error responses, with stepsRuns typed as an array of step runs", () => {
    const spec = loadSpec();
    expect(Object.values(spec.paths).flatMap((ops) => Object.keys(ops))).toHaveLength(10);
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const { responses, ...rest } = (doc.paths[path]?.[method] ?? { responses: {} }) as { responses: Record<string, unknown> };
        const { responses: published, ...publishedRest } = op as { responses: Record<string, unknown> };
        expect(rest, `${method} ${path}`).toEqual(publishedRest);
        // Every response BugBug documents, unchanged; what Bugrun adds are the service's own errors.
        for (const [status, response] of Object.entries(published)) expect(responses[status], `${method} ${path} ${status}`).toEqual(response);
        for (const status of Object.keys(responses)) if (!(status in published)) expect(status, `${method} ${path}`).toMatch(/^(4\d\d|503)$/);
      }
    }
    for (const [name, schema] of Object.entries(spec.components.schemas)) {
      // Bugrun's two extensions: the `trace` request field, and the `trace` kind of debug artifact.
      if (name === 'V2RunTest') {
        const { trace, ...rest } = doc.components.schemas.V2RunTest?.properties ?? {};
        expect({ ...doc.components.schemas.V2RunTest, properties: rest }).toEqual(schema);
        expect(trace).toMatchObject({ type: 'boolean', default: false });
        continue;
      }
      if (name === 'DebugArtifact') {
        const { kind, ...rest } = doc.components.schemas.DebugArtifact?.properties ?? {};
        const { kind: specKind, ...specRest } = schema.properties ?? {};
        expect(rest).toEqual(specRest);
        expect((kind as { enum: string[] }).enum).toEqual([...(specKind as { enum: string[] }).enum, 'trace']);
        continue;
      }
      if (name !== 'V2TestRun') {
        expect(doc.components.schemas[name], name).toEqual(schema);
        continue;
      }
      const { stepsRuns, ...rest } = doc.components.schemas.V2TestRun?.properties ?? {};
      const { stepsRuns: specStepsRuns, ...specRest } = schema.properties ?? {};
      expect(rest).toEqual(specRest);
      expect(specStepsRuns).toEqual({ type: 'string', readOnly: true });
      expect(stepsRuns).toEqual({ type: 'array', items: { $ref: '#/components/schemas/V2StepRun' }, readOnly: true });
      expect(doc.components.schemas.V2TestRun?.required).toEqual((schema as { required?: string[] }).required);
    }
  });

  it('documents every route the app registers, and registers every documented operation', () => {
    // The web UI's pages and files are not API; /demo/ exists only with --demo.
    const notApi = new Set<string>([...WEB_UI_PAGES, '/ui', '/ui/*', '/demo', '/demo/*', '/trace-viewer', '/trace-viewer/*']);
    const registered = new Set(
      registeredRoutes(bugrun.service.app)
        .filter((r) => !notApi.has(r.url))
        .map((r) => `${r.method} ${shape(r.url)}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${shape(path)}`)));
    expect(registered.size).toBeGreaterThan(15);
    expect([...registered].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !registered.has(d))).toEqual([]);
    // Both API prefixes are served for every /api/v2/ route.
    const urls = registeredRoutes(bugrun.service.app).map((r) => `${r.method} ${r.url}`);
    for (const url of urls.filter((u) => u.includes(' /api/v2/'))) expect(urls).toContain(url.replace(' /api/v2/', ' /api/v1/'));
  });

  it('marks the public endpoints as needing no token, and they answer without one', async () => {
    const publicPaths = Object.entries(doc.paths)
      .filter(([, ops]) => Object.values(ops).some((op) => Array.isArray(op.security) && op.security.length === 0))
      .map(([p]) => p);
    expect(publicPaths.sort()).toEqual(['/api/v2/schema/', '/api/v2/schema/yaml/v1/', '/docs', '/files/{key}', '/healthz', '/metrics']);
    for (const url of ['/api/v2/schema/', '/api/v2/schema/yaml/v1/', '/docs', '/healthz', '/metrics']) {
      expect((await bugrun.service.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    expect((await bugrun.service.app.inject({ method: 'GET', url: '/api/v2/tests/' })).statusCode).toBe(401);
  });

  it("describes real responses: a run with its step runs validates against Bugrun's own document", async () => {
    const runId = await bugrun.startRun('failing');
    await bugrun.waitFor(runId, ['failed', 'passed', 'error'], 60_000);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'bugrun', components: doc.components });
    const check = (schema: string, body: unknown) => {
      const validate = ajv.compile({ $ref: `bugrun#/components/schemas/${schema}` });
      expect(validate(body), `${schema}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { stepsRuns: Record<string, unknown>[] };
    check('V2TestRun', run);
    expect(run.stepsRuns.length).toBeGreaterThan(1);
    const documented = Object.keys(doc.components.schemas.V2StepRun?.properties ?? {});
    for (const step of run.stepsRuns) {
      check('V2StepRun', step);
      expect(Object.keys(step).filter((k) => !documented.includes(k))).toEqual([]);
    }
    check('PaginatedTestList', (await bugrun.api('GET', '/api/v2/tests/')).json());
    check('PaginatedProfileList', (await bugrun.api('GET', '/api/v2/profiles/')).json());
    const test = (await bugrun.api('GET', '/api/v2/tests/login/')).json() as { id: string };
    check('TestDetail', test);
    const profiles = (await bugrun.api('GET', '/api/v2/profiles/')).json() as { results: { id: string }[] };
    check('ProfileDetail', (await bugrun.api('GET', `/api/v2/profiles/${profiles.results[0]?.id}/`)).json());
    check('Health', (await bugrun.service.app.inject({ method: 'GET', url: '/healthz' })).json());
  }, 60_000);
});

describe('GET /api/v2/schema/yaml/v1/', () => {
  it("answers BugBug's YAML v1 JSON schema as shipped", async () => {
    const res = await bugrun.service.app.inject({ method: 'GET', url: '/api/v2/schema/yaml/v1/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const shipped = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../src/definitions/schema/bugbug-yaml-v1.schema.json', import.meta.url)), 'utf8'),
    ) as unknown;
    expect(res.json()).toEqual(shipped);
  });
});

describe('GET /docs', () => {
  it('renders every operation from the document, with no script and a strict CSP', async () => {
    const res = await bugrun.service.app.inject({ method: 'GET', url: '/docs' });
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.body).not.toMatch(/<script/i);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) expect(res.body).toContain(`<span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code>`);
    }
    expect(res.body).toContain('id="schema-V2StepRun"');
  });
});

describe('existing BugBug clients work by changing only the host', () => {
  it('POST /api/v1/testruns/ honours profileName and triggeredBy and ignores unknown fields', async () => {
    const test = (await bugrun.api('GET', '/api/v1/tests/login/')).json() as { id: string };
    const created = await bugrun.api('POST', '/api/v1/testruns/', {
      testId: test.id,
      profileName: 'Staging',
      triggeredBy: 'github',
      someFutureField: { x: 1 },
    });
    expect(created.statusCode).toBe(200);
    const { id, status } = created.json() as { id: string; status: string };
    expect(status).toBe('queued');
    const run = (await bugrun.api('GET', `/api/v1/testruns/${id}/`)).json() as { triggeredBy: string; runProfileId: string };
    const staging = (await bugrun.service.store.profiles.listAll(bugrun.service.projectId)).find((p) => p.name === 'Staging');
    expect(run).toMatchObject({ triggeredBy: 'github', runProfileId: staging?.id });
    const stopped = await bugrun.api('POST', `/api/v1/testruns/${id}/stop/`);
    expect(stopped.statusCode).toBe(200);
  });

  it('serves the web UI for every page path, so a webappUrl opens the app', async () => {
    for (const url of ['/', '/runs', '/runs/3f1c1e0a-0000-4000-8000-000000000000', '/tests', '/signin']) {
      const res = await bugrun.service.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<script type="module" src="/ui/app.js">');
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    }
    const asset = await bugrun.service.app.inject({ method: 'GET', url: '/ui/app.js' });
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await bugrun.service.app.inject({ method: 'GET', url: '/ui/../package.json' })).statusCode).toBe(404);
    expect((await bugrun.service.app.inject({ method: 'GET', url: '/api/v2/no-such-thing/' })).json()).toEqual({ detail: 'Not found.' });
  });
});

describe('the web UI sources', () => {
  it('never parse data as HTML', () => {
    const dir = fileURLToPath(new URL('../../src/web/', import.meta.url));
    // Every script of the UI, pages added later included.
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files)
      expect(readFileSync(`${dir}${file}`, 'utf8'), file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    // No external network: every URL the UI loads is relative to this server.
    const html = readFileSync(`${dir}index.html`, 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

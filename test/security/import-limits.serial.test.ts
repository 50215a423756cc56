import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_LIMITS } from '../../src/definitions/index.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { answersWhileInFlight, compareWithOrdinary, type Probe } from '../helpers/responsiveness.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * Hostile imports and bodies: each is refused with a 400 that names the limit it broke, and while
 * each is being processed the server keeps answering `/healthz` and run status, its event loop
 * never held up 200 ms longer than by an ordinary import.
 */
let bugrun: TestBugrun;
let baseUrl: string;
/** /healthz and the status of a finished run. */
let probes: Probe[];

beforeAll(async () => {
  bugrun = await startBugrun();
  baseUrl = await bugrun.service.app.listen({ port: 0, host: '127.0.0.1' });
  await bugrun.importYaml({ 'small.yaml': yamlTest('small', yamlStep('goto', "url: 'about:blank'")) });
  const runId = await bugrun.startRun('small');
  await bugrun.waitFor(runId, ['passed']);
  probes = [{ url: `${baseUrl}/healthz` }, { url: `${baseUrl}/api/v2/testruns/${runId}/status/`, headers: { authorization: `Token ${bugrun.token}` } }];
});

/** An import as large as the limits allow (its body, its rows): what the hostile ones are compared with. */
function ordinaryImport() {
  return answersWhileInFlight(
    probes,
    postImport({ files: [{ path: 'limit.yaml', content: yamlTest('at-limit', gotoStep.repeat(IMPORT_LIMITS.maxStepsPerTest)) }] }),
  );
}

function postImport(body: unknown): Promise<{ status: number; json: { errors?: string[]; objects?: { slug: string }[] } }> {
  return fetch(`${baseUrl}/api/v2/import/`, {
    method: 'POST',
    headers: { authorization: `Token ${bugrun.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, json: (await res.json()) as { errors?: string[] } }));
}
afterAll(() => bugrun?.close());

const gotoStep = yamlStep('goto', "url: 'http://127.0.0.1/'");

function ifConditionNested(depth: number): string {
  let step = "{ action: goto, action_details: { url: 'http://127.0.0.1/' } }";
  for (let i = 0; i < depth; i++) {
    step = `{ action: ifCondition, action_details: { selector: 'css=body' }, conditional_steps: [${step}] }`;
  }
  return `        - ${step}\n`;
}

const HOSTILE: [string, () => unknown, RegExp][] = [
  [
    '20,000 steps in one test',
    () => ({ files: [{ path: 'many.yaml', content: yamlTest('many', gotoStep.repeat(20_000)) }] }),
    /^many\.yaml:\d+:\d+: more than 1000 steps in one test or component \(the limit\)$/,
  ],
  [
    '3,000 documents in one file',
    () => ({
      files: [
        {
          path: 'docs.yaml',
          content: Array.from({ length: 3000 }, (_, i) => `---\nschema_version: '1.0'\nschema_type: profile\ndata: { name: 'p${i}', variables: [] }\n`).join(
            '',
          ),
        },
      ],
    }),
    /^docs\.yaml:\d+:1: more than 1000 documents in one import \(the limit\)$/,
  ],
  [
    'ifCondition nested 10,000 deep',
    () => ({ files: [{ path: 'deep.yaml', content: yamlTest('deep', ifConditionNested(10_000)) }] }),
    /^deep\.yaml:\d+:\d+: nested more than 64 levels deep \(the limit\)$/,
  ],
  [
    'flow collections nested 100,000 deep',
    () => ({ files: [{ path: 'flow.yaml', content: `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}` }] }),
    /^flow\.yaml:1:\d+: nested more than 64 levels deep \(the limit\)$/,
  ],
  [
    'one 100 KB step repeated by 999 aliases',
    () => ({
      files: [
        {
          path: 'alias.yaml',
          content: yamlTest(
            'alias',
            `        - &big\n          action: goto\n          name: '${'x'.repeat(100_000)}'\n          action_details: { url: 'http://127.0.0.1/' }\n${'        - *big\n'.repeat(999)}`,
          ),
        },
      ],
    }),
    /^alias\.yaml:1:1: with its aliases expanded, the import holds more than 16777216 characters \(the limit\)$/,
  ],
];

describe('hostile imports', () => {
  it.each(HOSTILE)('refuses %s with a located error naming the limit; /healthz and run status answer meanwhile', async (_name, body, error) => {
    const { hostile, ordinary, excessMs, summary } = await compareWithOrdinary(ordinaryImport, () => answersWhileInFlight(probes, postImport(body())));
    expect(ordinary.result.status).toBe(200);
    expect(hostile.result.status).toBe(400);
    expect(hostile.result.json.errors).toHaveLength(1);
    expect(hostile.result.json.errors?.[0]).toMatch(error);
    expect(hostile.latencies.length).toBeGreaterThan(0);
    // The hostile import never holds the server's event loop 200 ms longer than an ordinary one
    // (parsed on the loop, the 20,000 steps alone took a second).
    expect(excessMs, summary).toBeLessThan(200);
    // Nothing of it was written.
    const tests = (await bugrun.api('GET', '/api/v2/tests/')).json() as { count: number };
    expect(tests.count).toBe(2);
  });

  it('keeps the limits it names', () => {
    expect(IMPORT_LIMITS).toMatchObject({ maxDocuments: 1000, maxStepsPerTest: 1000, maxNestingDepth: 64, maxExpandedChars: 16 * 1024 * 1024 });
  });

  it('imports a test right at the step limit', async () => {
    const test = await bugrun.service.store.tests.getBySlug(bugrun.service.projectId, 'at-limit');
    const steps = (test?.data as { groups: { steps: unknown[] }[] } | undefined)?.groups[0]?.steps;
    expect(steps).toHaveLength(IMPORT_LIMITS.maxStepsPerTest);
  });
});

describe('hostile JSON bodies', () => {
  it('refuses a body nested deeper than the limit with a 400 naming it', async () => {
    const res = await bugrun.api('POST', '/api/v2/testruns/', `{"testId": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`, {
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ detail: 'JSON parse error - the body nests arrays and objects more than 32 levels deep (the limit)' });
  });

  it('refuses a body over the size limit with 413, and the import route takes larger ones', async () => {
    const big = JSON.stringify({ testId: 'x'.repeat(2 * 1024 * 1024) });
    const res = await bugrun.api('POST', '/api/v2/testruns/', big, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ detail: 'Request body is too large.' });
    const upload = await bugrun.api('POST', '/api/v2/import/', { files: [{ path: 'x.yaml', content: `# ${'x'.repeat(2 * 1024 * 1024)}\n` }] });
    // Parsed (it holds no document, only a comment), not refused for its size.
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toEqual({ objects: [], warnings: ['x.yaml:1:1: warning: no YAML documents in this file'] });
  });
});

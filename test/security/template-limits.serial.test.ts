import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepError } from '../../src/runner/errors.js';
import { TEMPLATE_LIMITS, Variables } from '../../src/runner/variables.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { answersWhileInFlight, compareWithOrdinary } from '../helpers/responsiveness.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { plan, variable } from '../runner/plan-builder.js';

/**
 * Issue #10: run variables and profile values are LiquidJS templates rendered synchronously in the
 * API's process. A hostile one fails its step with VALUE_COMPUTING_ERROR within the limits, and the
 * server keeps answering meanwhile.
 */

/** The issue's 74-byte value: 100 million loop iterations, 20 s of a frozen process without limits. */
const ISSUE_TEMPLATE = '{% for a in (1..10000) %}{% for b in (1..10000) %}{% endfor %}{% endfor %}';
/** A loop that allocates little (one range under the memory limit) and runs far past the render limit. */
const LOOP = '{% for a in (1..200000) %}{% if a == 0 %}{% endif %}{% if a == 1 %}{% endif %}{% if a == 2 %}{% endif %}{% endfor %}';
/** Without the limits each of these takes seconds; with them, about the render limit. */
const FAST_FAILURE_MS = 1_000;

function varsWith(values: Record<string, string>): Variables {
  return new Variables(plan([], { variables: Object.entries(values).map(([k, v]) => variable(k, v, 'project')) }));
}

/** The StepError `work` throws, and how long it took to throw it. */
function failure(work: () => unknown): { error: StepError; ms: number } {
  const t0 = performance.now();
  try {
    work();
  } catch (e) {
    if (e instanceof StepError) return { error: e, ms: performance.now() - t0 };
    throw e;
  }
  throw new Error('expected a StepError, got a value');
}

describe('template limits (LiquidJS parseLimit, renderLimit and memoryLimit, through renderSync)', () => {
  it('a loop hits the render limit: VALUE_COMPUTING_ERROR naming it, about the limit later', () => {
    const vars = varsWith({ loop: LOOP });
    const direct = failure(() => vars.render(LOOP));
    expect(direct.error.code).toBe('VALUE_COMPUTING_ERROR');
    expect(direct.error.message).toMatch(new RegExp(`takes more than ${TEMPLATE_LIMITS.renders} template renders \\(the render limit\\)`));
    expect(direct.ms).toBeLessThan(FAST_FAILURE_MS);
    // As a variable's value, referenced by a step field or read by a variableValue assertion.
    expect(failure(() => vars.render('value: {{ loop }}')).error.message).toMatch(/the render limit/);
    expect(failure(() => vars.value('loop')).error.message).toMatch(/the render limit/);
  });

  it("the issue's nested loops fail as fast, on whichever limit they reach first", () => {
    const { error, ms } = failure(() => varsWith({ hostile: ISSUE_TEMPLATE }).render('{{ hostile }}'));
    expect(error.code).toBe('VALUE_COMPUTING_ERROR');
    expect(error.message).toMatch(/\(the (render|memory) limit\)/);
    expect(ms).toBeLessThan(FAST_FAILURE_MS);
  });

  it('a huge output hits the memory limit at once: a long loop, or a string doubled by append', () => {
    const vars = varsWith({});
    for (const template of [
      '{% for i in (1..100000000) %}xxxxxxxxxx{% endfor %}',
      '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}',
    ]) {
      const { error, ms } = failure(() => vars.render(template));
      expect(error.code).toBe('VALUE_COMPUTING_ERROR');
      expect(error.message).toMatch(new RegExp(`more than ${TEMPLATE_LIMITS.memoryUnits} characters or array elements \\(the memory limit\\)`));
      expect(ms).toBeLessThan(FAST_FAILURE_MS);
    }
  });

  it('an over-long template hits the parse limit, and one with too many tags the tag limit; the message quotes only its start', () => {
    const vars = varsWith({ name: 'Ada' });
    const long = `${'x'.repeat(TEMPLATE_LIMITS.parseChars)}{{ name }}`;
    const parse = failure(() => vars.render(long)).error;
    expect(parse.code).toBe('VALUE_COMPUTING_ERROR');
    expect(parse.message).toMatch(new RegExp(`longer than ${TEMPLATE_LIMITS.parseChars} characters \\(the parse limit\\)`));
    expect(parse.message.length).toBeLessThan(400);

    const tags = failure(() => vars.render('{{ name }}'.repeat(TEMPLATE_LIMITS.tags + 1))).error;
    expect(tags.code).toBe('VALUE_COMPUTING_ERROR');
    expect(tags.message).toMatch(new RegExp(`more than ${TEMPLATE_LIMITS.tags} \\{\\{ \\}\\} and \\{% %\\} tags \\(the tag limit\\)`));
  });

  it('ordinary templates still work: filters, conditions, nesting, long code with a variable, a big captured value', () => {
    const vars = varsWith({ name: 'ada', greeting: 'Hello {{ name | capitalize }}', outer: '{{ greeting }}!' });
    expect(vars.render('{{ name | upcase }}{% if name == "ada" %} is here{% endif %}')).toBe('ADA is here');
    expect(vars.render('{% for i in (1..3) %}{{ i }}{% endfor %}')).toBe('123');
    expect(vars.render('{{ outer }}')).toBe('Hello Ada!');
    const code = `const user = "{{ name }}";\n${'// a long custom JavaScript step\n'.repeat(300)}return user;`;
    expect(code.length).toBeGreaterThan(8_000);
    expect(vars.render(code)).toContain('const user = "ada";');
    // A page's text captured by setLocalVariable is a literal: plain output allocates nothing the
    // memory limit counts, and filters get up to the limit.
    vars.setLocal('page', 'y'.repeat(1_000_000));
    expect(vars.render('{{ page | size }}')).toBe('1000000');
    expect(vars.render('{{ page }}')).toHaveLength(1_000_000);
    vars.setLocal('text', 'y'.repeat(200_000));
    expect(vars.render('{{ text | upcase | slice: 0, 3 }}')).toBe('YYY');
  });

  it('one rendering shares its render limit with the variables it references', () => {
    // Each variable renders a loop of about 2,000 templates: alone well within the limit, twenty
    // of them in one rendering are not. Counted work, so no machine is too slow or too fast for it.
    const slow = '{% for a in (1..2000) %}{% endfor %}';
    const names = Array.from({ length: 20 }, (_, i) => `slow${i}`);
    const vars = varsWith(Object.fromEntries(names.map((n) => [n, slow])));
    for (const n of names) expect(vars.value(n)).toBe('');
    const { error } = failure(() => vars.render(names.map((n) => `{{ ${n} }}`).join('')));
    expect(error.code).toBe('VALUE_COMPUTING_ERROR');
    expect(error.message).toMatch(/the render limit/);
  });

  it('a snapshot of many hostile variables (custom JavaScript gets them all) takes one render limit, not one each', () => {
    const vars = varsWith(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`hostile${i}`, LOOP])));
    const t0 = performance.now();
    const snapshot = vars.snapshot();
    // Forty times the render limit of work, were it not shared.
    expect(performance.now() - t0).toBeLessThan(FAST_FAILURE_MS);
    expect(Object.keys(snapshot).filter((k) => k.startsWith('hostile'))).toEqual([]);
    expect(snapshot.testName).toBe('runner test');
  });
});

describe('a hostile template in a run: the server keeps answering', () => {
  let bugrun: TestBugrun;
  let baseUrl: string;

  beforeAll(async () => {
    bugrun = await startBugrun({ concurrency: 1 });
    baseUrl = await bugrun.service.app.listen({ port: 0, host: '127.0.0.1' });
    // Four steps render the hostile value, so the server is probed through several renderings;
    // the last one fails the run.
    const hostileStep = (n: number, last: boolean): string =>
      yamlStep('setLocalVariable', "local_variable_name: 'out', local_variable_source: value, value: '{{ hostile }}'", {
        name: `hostile step ${n}`,
        ...(last ? {} : { execution: 'continue_on_failure: true' }),
      });
    await bugrun.importYaml({
      'hostile.yaml': yamlTest('hostile-template', yamlStep('goto', "url: 'about:blank'") + [1, 2, 3, 4].map((n) => hostileStep(n, n === 4)).join('')),
    });
  }, 60_000);
  afterAll(() => bugrun?.close());

  /** Runs the test with `hostile` set to `value`, probing /healthz until it ends. */
  async function probedRun(value: string) {
    const runId = await bugrun.startRun('hostile-template', { variables: [{ key: 'hostile', value }] });
    await bugrun.waitFor(runId, ['running', 'failed', 'passed', 'error']);
    const ended = bugrun.waitFor(runId, ['passed', 'failed', 'error', 'stopped'], 60_000);
    return { runId, ...(await answersWhileInFlight([{ url: `${baseUrl}/healthz` }], ended)) };
  }

  it('the server keeps answering while the hostile steps run, its event loop never held 200 ms longer than by an ordinary run; the run fails VALUE_COMPUTING_ERROR', async () => {
    // The same run with a plain value is what a run itself holds the event loop for on this
    // machine now (tens of ms when it is quiet, more when other work takes its cores). Each hostile rendering stops at the render limit, a few tens of ms of work; without the
    // limits, 20 s each.
    const comparison = await compareWithOrdinary(
      () => probedRun('plain'),
      () => probedRun(ISSUE_TEMPLATE),
    );
    expect(comparison.ordinary.result.status).toBe('passed');
    const { runId, result, latencies } = comparison.hostile;
    expect(result.status).toBe('failed');
    expect(latencies.length).toBeGreaterThanOrEqual(4);
    expect(comparison.excessMs, comparison.summary).toBeLessThan(200);

    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as {
      errorCode: string | null;
      stepsRuns: { name: string | null; status: string; errorCode: string | null; error: string | null; started: string | null; ended: string | null }[];
    };
    expect(run.errorCode).toBe('VALUE_COMPUTING_ERROR');
    const hostile = run.stepsRuns.filter((s) => s.name?.startsWith('hostile step'));
    expect(hostile).toHaveLength(4);
    for (const s of hostile) {
      expect(s).toMatchObject({ errorCode: 'VALUE_COMPUTING_ERROR' });
      expect(s.error).toMatch(/\(the (render|memory) limit\)/);
    }
    expect(hostile[3]?.status).toBe('failed');
  }, 120_000);
});

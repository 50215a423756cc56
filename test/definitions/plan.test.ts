import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComponentData, PlanInput, ProjectSettings, TestData } from '../../src/definitions/index.js';
import { buildTestPlan, parseBundle, readBundleFiles, stableId } from '../../src/definitions/index.js';
import type { TestPlan } from '../../src/domain/index.js';
import { FIXTURES, source, testWithSteps } from './helpers.js';

const TEST_ID = '8d3c1f0e-6a4b-4c2d-9e1f-0a1b2c3d4e5f';
const COMPONENT_ID = '1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';

async function loadBundle() {
  const { bundle, diagnostics } = parseBundle(await readBundleFiles([join(FIXTURES, 'bundle')]));
  expect(diagnostics).toEqual([]);
  return bundle;
}

async function input(overrides: Partial<PlanInput> = {}): Promise<PlanInput> {
  const bundle = await loadBundle();
  const test = bundle.tests[0];
  const component = bundle.components[0];
  return {
    runId: 'run-1',
    test: { id: TEST_ID, name: test.name, data: JSON.parse(JSON.stringify(test.data)) as TestData },
    components: new Map([[component.slug, { id: COMPONENT_ID, data: JSON.parse(JSON.stringify(component.data)) as ComponentData }]]),
    settings: bundle.project!.settings,
    profileVariables: bundle.profiles[0].variables,
    overrides: [],
    builtins: {},
    ...overrides,
  };
}

function planOf(result: ReturnType<typeof buildTestPlan>): TestPlan {
  if (!('plan' in result)) throw new Error(`expected a plan, got ${result.failure.message}`);
  return result.plan;
}

describe('buildTestPlan', () => {
  it('inlines the component as a group owned by the component, then the inline group', async () => {
    const plan = planOf(buildTestPlan(await input()));
    expect(plan.runId).toBe('run-1');
    expect(plan.testId).toBe(TEST_ID);
    expect(plan.testName).toBe('Checkout: happy path');
    expect(plan.groups.map((g) => [g.id, g.name, g.componentSlug])).toEqual([
      [COMPONENT_ID, 'Log in', 'log-in'],
      [stableId(TEST_ID, 'group:buy'), 'Buy', null],
    ]);
    expect(plan.groups[0].variables).toEqual({ email: 'buyer@example.com', retries: '3' });
    expect(plan.groups[1].variables).toEqual({ product: 'Mug' });
    expect(plan.groups[0].steps.map((s) => [s.action, s.details.selector ?? s.details.url])).toEqual([
      ['goto', '{{baseUrl}}/login'],
      ['type', 'css=#email'],
      ['type', 'css=#password'],
      ['click', "xpath=//button[@type='submit']"],
    ]);
  });

  it('maps step fields, defaults and conditional steps', async () => {
    const plan = planOf(buildTestPlan(await input()));
    const [open, condition, assert] = plan.groups[1].steps;
    expect(open).toMatchObject({
      action: 'click',
      name: 'Open product',
      isActive: true,
      continueOnFailure: true,
      sleep: 1,
      runTimeout: 20,
      waitingConditions: [],
      conditionalSteps: [],
    });
    expect(condition.waitingConditions).toEqual([{ condition: 'elementHasAttribute', expected: 'data-ready="1"', timeout: null, isActive: true }]);
    expect(condition.conditionalSteps.map((s) => [s.action, s.details.selector])).toEqual([['click', 'css=.cookie-banner button']]);
    expect(condition.details.assertion_expected_value).toBe(true);
    expect(assert).toMatchObject({ isActive: false, name: null, continueOnFailure: false, sleep: null, runTimeout: null, waitingConditions: null });
  });

  it('lists variables profile → override → builtin, keeping overridden secrets secret', async () => {
    const plan = planOf(
      buildTestPlan(
        await input({
          overrides: [
            { key: 'password', value: 'other-secret' },
            { key: 'email', value: null },
          ],
          builtins: { testRunId: 'run-1', testName: 'Checkout: happy path' },
        }),
      ),
    );
    expect(plan.variables).toEqual([
      { key: 'baseUrl', value: 'https://staging.shop.example.com', secret: false, source: 'profile' },
      { key: 'email', value: 'qa@example.com', secret: false, source: 'profile' },
      { key: 'password', value: 's3cret', secret: true, source: 'profile' },
      { key: 'password', value: 'other-secret', secret: true, source: 'override' },
      { key: 'email', value: '', secret: false, source: 'override' },
      { key: 'testRunId', value: 'run-1', secret: false, source: 'builtin' },
      { key: 'testName', value: 'Checkout: happy path', secret: false, source: 'builtin' },
    ]);
  });

  it('gives a secret profile variable without a value an empty value', async () => {
    const plan = planOf(buildTestPlan(await input({ profileVariables: [{ key: 'token', name: 'Token', value: null, secret: true, description: null }] })));
    expect(plan.variables).toEqual([{ key: 'token', value: '', secret: true, source: 'profile' }]);
  });

  it('applies project settings', async () => {
    const plan = planOf(buildTestPlan(await input({ runTimeoutMs: 60_000 })));
    expect(plan.screen).toEqual({ type: 'mobile', width: 375, height: 667 });
    expect(plan.settings).toEqual({
      stepTimeoutMs: 12_000,
      runTimeoutMs: 60_000,
      defaultSleepMs: 500,
      captureDomOnFailure: false,
      language: 'pl-PL',
      userAgent: 'BugrunTest/1.0',
      customHeaders: [{ name: 'X-Env', value: 'staging' }],
      waitingConditions: [
        { condition: 'documentComplete', expected: null, timeout: null, isActive: true },
        { condition: 'networkIdle', expected: '3', timeout: 5, isActive: true },
      ],
      timezone: expect.any(String),
      visualRegression: expect.objectContaining({ defaultMaxDiff: expect.any(Number) }),
    });
  });

  it('uses Bugrun defaults without settings', async () => {
    const base = await input();
    const plan = planOf(buildTestPlan({ ...base, settings: null, test: { ...base.test, data: { ...base.test.data, screen_size: 'desktop' } } }));
    expect(plan.screen).toEqual({ type: 'desktop', width: 1366, height: 768 });
    expect(plan.settings).toEqual({
      stepTimeoutMs: 30_000,
      runTimeoutMs: 30 * 60 * 1000,
      defaultSleepMs: 0,
      captureDomOnFailure: true,
      language: null,
      userAgent: null,
      customHeaders: [],
      waitingConditions: null,
      timezone: null,
      visualRegression: { defaultMaxDiff: 1, pixelThreshold: 0.1, includeAntiAliasing: false },
    });
  });

  it("treats the examples' empty project waiting_conditions as the defaults", async () => {
    const base = await input();
    const settings: ProjectSettings = { ...base.settings!, waiting_conditions: [] };
    expect(planOf(buildTestPlan({ ...base, settings })).settings.waitingConditions).toBeNull();
  });

  it('sizes a custom screen from the caller, else as desktop', async () => {
    const base = await input();
    const custom = { ...base, test: { ...base.test, data: { ...base.test.data, screen_size: 'custom' as const } } };
    expect(planOf(buildTestPlan(custom)).screen).toEqual({ type: 'custom', width: 1440, height: 900 });
    expect(planOf(buildTestPlan({ ...custom, customScreenSize: { width: 800, height: 600 } })).screen).toEqual({
      type: 'custom',
      width: 800,
      height: 600,
    });
  });

  it('fails with INITIALIZATION_ERROR when a component is missing', async () => {
    const result = buildTestPlan(await input({ components: new Map() }));
    expect(result).toEqual({ failure: { errorCode: 'INITIALIZATION_ERROR', message: 'Component "log-in" is not defined' } });
  });

  it('does not share details objects with the stored data', async () => {
    const base = await input();
    const plan = planOf(buildTestPlan(base));
    plan.groups[1].steps[0].details.selector = 'changed';
    const group = base.test.data.groups![1];
    expect('steps' in group && group.steps?.[0]?.action_details.selector).toBe("xpath=//a[text()='{{product}}']");
  });
});

describe('step ids', () => {
  const steps = (order: string[]): string => order.map((url) => `        - action: goto\n          action_details: { url: '${url}' }\n`).join('');

  function ids(text: string, testId = TEST_ID): string[] {
    const { bundle, diagnostics } = parseBundle([source('t.yaml', text)]);
    expect(diagnostics).toEqual([]);
    const plan = planOf(
      buildTestPlan({
        runId: 'r',
        test: { id: testId, name: 'T', data: bundle.tests[0].data },
        components: new Map(),
        settings: null,
        profileVariables: [],
        overrides: [],
        builtins: {},
      }),
    );
    return plan.groups.flatMap((g) => g.steps.map((s) => s.id));
  }

  it('are the same across two parses of an unchanged test', () => {
    const text = testWithSteps(steps(['https://a', 'https://b']));
    expect(ids(text)).toEqual(ids(text));
    expect(new Set(ids(text)).size).toBe(2);
  });

  it('follow position: a moved step gets a new id, an edited one keeps its id', () => {
    const before = ids(testWithSteps(steps(['https://a', 'https://b'])));
    const edited = ids(testWithSteps(steps(['https://a2', 'https://b'])));
    const inserted = ids(testWithSteps(steps(['https://new', 'https://a', 'https://b'])));
    expect(edited).toEqual(before);
    // `a` moved from index 0 to 1: its id is now the one index 1 had.
    expect(inserted[1]).toBe(before[1]);
    expect(inserted[2]).not.toBe(before[0]);
    expect(inserted[2]).not.toBe(before[1]);
  });

  it('differ between tests and between conditional and top-level steps', async () => {
    const text = testWithSteps(steps(['https://a']));
    expect(ids(text, TEST_ID)).not.toEqual(ids(text, COMPONENT_ID));
    const plan = planOf(buildTestPlan(await input()));
    const all = plan.groups.flatMap((g) => g.steps.flatMap((s) => [s.id, ...s.conditionalSteps.map((c) => c.id)]));
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  });
});

describe('stableId', () => {
  it('is RFC 4122 UUIDv5 for a UUID namespace', () => {
    // The RFC's DNS namespace and the well-known v5 id of www.example.com.
    expect(stableId('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('accepts any namespace text without ambiguity at the boundary', () => {
    expect(stableId('ab', 'c')).not.toBe(stableId('a', 'bc'));
    expect(stableId('test-slug', 'x')).toBe(stableId('test-slug', 'x'));
  });
});

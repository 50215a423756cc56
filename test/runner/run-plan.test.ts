import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../src/domain/index.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { assertStep, click, goto, plan, step, type, variable } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const { pool, url, run } = useRunnerFixture();

describe('runPlan', { timeout: 30_000 }, () => {
  it('runs a login flow with profile and override variables, the override winning', async () => {
    const p = plan(
      [
        goto('{{baseUrl}}/login.html'),
        type('#email', '{{email}}'),
        type('xpath=//input[@name="password"]', '{{password}}', { secret: true }),
        click('css=#submit'),
        assertStep({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'Dashboard' }),
        assertStep({ selector: '#welcome', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Welcome, {{email}}' }),
        assertStep({ assertion_property: 'pageUrlIs', assertion_type: 'contain', assertion_expected_value: '/dashboard' }),
      ],
      {
        variables: [
          variable('baseUrl', url(), 'profile'),
          variable('email', 'profile@example.com', 'profile'),
          variable('email', 'override@example.com', 'override'),
          variable('password', 'hunter2-secret', 'profile', true),
        ],
      },
    );
    const { outcome, sink } = await run(p);
    expect(outcome).toEqual({ status: 'passed', errorCode: null, message: null });
    const steps = sink.steps();
    expect(steps.map((s) => s.status)).toEqual(Array(7).fill('passed'));
    expect(steps.map((s) => s.sequence)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(steps[0]?.computedUrl).toBe(url('/login.html'));
    expect(steps[1]?.computedValue).toBe('override@example.com');
    expect(steps[2]?.computedValue).toBe(SECRET_MASK);
    expect(steps[5]?.assertionCurrentValue).toBe('Welcome, override@example.com');
    expect(steps[6]?.executionUrl).toBe(url('/dashboard.html'));
    const started = sink.ofType('run-started')[0];
    expect(started).toMatchObject({ browserName: 'chromium', osName: 'Linux', width: 1024, height: 700 });
    expect(started?.browserVersion).toMatch(/^\d+\./);
    // Every step ends with a JPEG screenshot.
    const shots = sink.ofType('step-ended').map((e) => e.screenshot);
    expect(shots).toHaveLength(7);
    for (const shot of shots) {
      expect(shot?.contentType).toBe('image/jpeg');
      expect([shot?.data[0], shot?.data[1]]).toEqual([0xff, 0xd8]);
    }
    expect(sink.ofType('step-started').map((e) => e.step.status)).toEqual(Array(7).fill('running'));
    // The run's own narrative is logged.
    expect(sink.ofType('log').some((l) => /Step #4 click .*passed/.test(l.message))).toBe(true);
  });

  it('fails an assertion with ASSERT_FAILED and records expected and current values', async () => {
    const { outcome, sink } = await run(
      plan([
        goto(url('/button.html')),
        assertStep({ selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Clicked!' }, { runTimeout: 3 }),
        click('#go'),
      ]),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.errorCode).toBe('ASSERT_FAILED');
    expect(outcome.message).toContain('Expected textContent to equal "Clicked!", got "Not clicked"');
    const failed = sink.steps()[1];
    expect(failed).toMatchObject({
      status: 'failed',
      errorCode: 'ASSERT_FAILED',
      assertionProperty: 'textContent',
      assertionType: 'equal',
      assertionExpectedValue: 'Clicked!',
      assertionCurrentValue: 'Not clicked',
      elementExists: true,
      timeout: 3000,
      runTimeout: 3,
    });
    // The run stops at the failed step.
    expect(sink.steps()).toHaveLength(2);
  });

  it('clicks, double-clicks, hovers and checks element assertions', async () => {
    const a = (d: Parameters<typeof assertStep>[0]): ReturnType<typeof assertStep> => assertStep(d, { runTimeout: 2 });
    const { outcome, sink } = await run(
      plan([
        goto(url('/button.html')),
        click('#go'),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Clicked!' }),
        step('dblClick', { selector: '#twice' }),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'contain', assertion_expected_value: 'Doub' }),
        step('hover', { selector: '#hover-target' }),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'match', assertion_expected_value: '/^hover/i' }),
        a({ selector: '#name', assertion_property: 'value', assertion_type: 'equal', assertion_expected_value: 'prefilled' }),
        step('clear', { selector: '#name' }),
        a({ selector: '#name', assertion_property: 'value', assertion_type: 'equal', assertion_expected_value: '' }),
        a({ selector: '#agree', assertion_property: 'checked' }),
        a({ selector: '.item', assertion_property: 'count', assertion_type: 'equal', assertion_expected_value: '3' }),
        a({ selector: '.item', assertion_property: 'count', assertion_type: 'greaterThan', assertion_expected_value: 2 }),
        a({ selector: '.item', assertion_property: 'count', assertion_type: 'lessThan', assertion_expected_value: 4 }),
        a({ selector: '#hidden', assertion_property: 'notVisible' }),
        a({ selector: '#hidden', assertion_property: 'exist' }),
        a({ selector: '#nope', assertion_property: 'notExist' }),
        a({ selector: '#go', assertion_property: 'visible', assertion_type: 'equal', assertion_expected_value: true }),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'notContain', assertion_expected_value: 'Clicked' }),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'notEqual', assertion_expected_value: 'x' }),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'any' }),
        a({ assertion_property: 'pageShowsText', assertion_expected_value: 'Hover me' }),
        a({ assertion_property: 'pageDoesNotShowText', assertion_expected_value: 'no such text' }),
        a({ assertion_property: 'customJavaScript', assertion_java_script: 'document.querySelectorAll("li").length === 3' }),
        a({ assertion_property: 'customJavaScript', assertion_java_script: 'const n = 2; return n * 2 === 4;' }),
        click('#to-title'),
        a({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'Bugrun Fixture Title' }),
        step('goBack'),
        a({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'Button' }),
        step('reloadPage'),
        a({ selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Not clicked' }),
      ]),
    );
    const bad = sink.steps().filter((s) => s.status !== 'passed');
    expect(bad).toEqual([]);
    expect(outcome.status).toBe('passed');
  });

  it('fails with ELEMENT_DOES_NOT_EXIST when the selector never matches', async () => {
    const t0 = Date.now();
    const { outcome, sink } = await run(plan([goto(url('/button.html')), click('#missing', { runTimeout: 1 })]));
    expect(outcome.status).toBe('failed');
    expect(outcome.errorCode).toBe('ELEMENT_DOES_NOT_EXIST');
    expect(sink.steps()[1]).toMatchObject({ errorCode: 'ELEMENT_DOES_NOT_EXIST', elementExists: false, executed: true });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('fails fast with INVALID_ELEMENT_SELECTOR on a malformed CSS or XPath', async () => {
    for (const selector of ['css=div[', 'xpath=//div[']) {
      const { outcome, sink } = await run(plan([goto(url('/button.html')), click(selector, { runTimeout: 20 })]));
      expect(outcome.errorCode).toBe('INVALID_ELEMENT_SELECTOR');
      const rec = sink.steps()[1];
      expect(rec && rec.ended && rec.started && Date.parse(rec.ended) - Date.parse(rec.started)).toBeLessThan(3_000);
    }
  });

  it('requires the first step to be goto', async () => {
    const { outcome, sink } = await run(plan([click('#go'), goto(url('/button.html'))]));
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'MISSING_GOTO_STEP' });
    expect(sink.steps()).toHaveLength(1);
    expect(sink.steps()[0]).toMatchObject({ type: 'click', status: 'failed', executed: false });
  });

  it('sets local variables from a value, an element and JavaScript, and asserts on them', async () => {
    const { outcome, sink } = await run(
      plan(
        [
          goto(url('/button.html')),
          step('setLocalVariable', { local_variable_name: 'greeting', local_variable_source: 'value', value: 'hi {{who}}' }),
          step('setLocalVariable', { local_variable_name: 'first', local_variable_source: 'element', selector: '.item' }),
          step('setLocalVariable', { local_variable_name: 'sum', local_variable_source: 'evaluate', code: 'return 20 + 22' }),
          assertStep({
            assertion_property: 'variableValue',
            assertion_variable_name: 'greeting',
            assertion_type: 'equal',
            assertion_expected_value: 'hi world',
          }),
          assertStep({ assertion_property: 'variableValue', assertion_variable_name: 'first', assertion_type: 'equal', assertion_expected_value: 'one' }),
          assertStep({ assertion_property: 'variableValue', assertion_variable_name: '{{sum}}', assertion_type: 'equal', assertion_expected_value: '42' }),
          type('#name', '{{greeting}} / {{sum}}'),
          assertStep({ selector: '#name', assertion_property: 'value', assertion_type: 'equal', assertion_expected_value: 'hi world / 42' }),
          assertStep({ assertion_property: 'variableValue', assertion_variable_name: 'nobody', assertion_type: 'equal', assertion_expected_value: 'x' }),
        ],
        { variables: [variable('who', 'world', 'profile')] },
      ),
    );
    const steps = sink.steps();
    expect(steps.slice(1, 4).map((s) => s.computedValue)).toEqual(['hi world', 'one', '42']);
    expect(steps.slice(0, 9).every((s) => s.status === 'passed')).toBe(true);
    expect(outcome.errorCode).toBe('VARIABLE_DOES_NOT_EXIST');
  });

  it('runs ifCondition branches only when the condition holds, as child step runs', async () => {
    const branch = (text: string): ReturnType<typeof step> => step('execute', { code: `document.getElementById('out').textContent = '${text}'` });
    const { outcome, sink } = await run(
      plan([
        goto(url('/button.html')),
        step('ifCondition', { selector: '#go', assertion_property: 'visible' }, { conditionalSteps: [branch('taken'), click('#go')] }),
        step('ifCondition', { selector: '#nope', assertion_property: 'visible' }, { conditionalSteps: [branch('not taken')] }),
        assertStep({ selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Clicked!' }, { runTimeout: 2 }),
      ]),
    );
    expect(outcome.status).toBe('passed');
    const steps = sink.steps();
    const [, ifTrue, child1, child2, ifFalse, skipped] = steps;
    expect(ifTrue).toMatchObject({ type: 'ifCondition', status: 'passed', assertionProperty: 'visible', assertionCurrentValue: 'true' });
    expect(child1).toMatchObject({ type: 'execute', status: 'passed', parentStepRunId: ifTrue?.id });
    expect(child2).toMatchObject({ type: 'click', status: 'passed', parentStepRunId: ifTrue?.id });
    expect(ifFalse).toMatchObject({ type: 'ifCondition', status: 'passed', elementExists: false });
    expect(skipped).toMatchObject({ type: 'execute', status: 'skipped', executed: false, parentStepRunId: ifFalse?.id });
  });

  it('continues after a failed step with continueOnFailure and skips inactive steps', async () => {
    const { outcome, sink } = await run(
      plan([
        goto(url('/button.html')),
        click('#missing', { runTimeout: 1, continueOnFailure: true }),
        assertStep(
          { selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'nope' },
          { runTimeout: 1, continueOnFailure: true },
        ),
        click('#go', { isActive: false }),
        assertStep({ selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Not clicked' }),
      ]),
    );
    expect(outcome.status).toBe('passed');
    const steps = sink.steps();
    expect(steps[1]).toMatchObject({ status: 'failed', ignoredFailed: true, errorCode: 'ELEMENT_DOES_NOT_EXIST' });
    expect(steps[2]).toMatchObject({ status: 'passed', warning: true, ignoredFailed: true, errorCode: 'ASSERT_FAILED' });
    expect(steps[3]).toMatchObject({ status: 'skipped', executed: false });
    expect(sink.ofType('step-ended')[3]?.screenshot).toBeNull();
    expect(steps[4]?.status).toBe('passed');
  });

  it('never emits a secret, and snapshots the DOM of a failed step', async () => {
    const secret = 'S3cr3t pass&word';
    const typedSecret = 'literal-pin-9876';
    const p = plan(
      [
        goto(url('/login.html')),
        type('#email', 'someone@example.com'),
        type('#password', '{{password}}', { secret: true }),
        type('#pin', typedSecret, { secret: true }),
        step('execute', { code: 'console.log("pin is", document.getElementById("pin").value)' }),
        click('#submit'),
        step('execute', { code: 'throw new Error("leak {{password}}")' }),
      ],
      {
        variables: [variable('password', secret, 'profile', true)],
        settings: { captureDomOnFailure: true },
      },
    );
    const { outcome, sink } = await run(p);
    expect(outcome.errorCode).toBe('CODE_EXECUTION_ERROR');
    expect(outcome.message).toContain(SECRET_MASK);
    const snapshot = sink.ofType('dom-snapshot')[0];
    expect(snapshot?.stepRunId).toBe(sink.steps()[6]?.id);
    expect(snapshot?.html).toContain('<html');
    const consoleTexts = sink.ofType('console').map((c) => c.entry.text);
    expect(consoleTexts.some((t) => t.includes('login attempt') && t.includes(SECRET_MASK))).toBe(true);
    expect(consoleTexts).toContain(`pin is ${SECRET_MASK}`);
    const all = JSON.stringify(sink.events, (_k, v: unknown) => (v instanceof Uint8Array ? '' : v));
    for (const s of [secret, encodeURIComponent(secret), typedSecret]) expect(all).not.toContain(s);
  });

  it('masks secrets in the DOM snapshot and blanks password fields', async () => {
    const { sink } = await run(
      plan(
        [
          goto(url('/login.html')),
          type('#password', 'pw-{{password}}', { secret: true }),
          type('#pin', '{{password}}'),
          assertStep({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'nope' }, { runTimeout: 1 }),
        ],
        { variables: [variable('password', 'very-secret-1', 'profile', true)], settings: { captureDomOnFailure: true } },
      ),
    );
    const html = sink.ofType('dom-snapshot')[0]?.html ?? '';
    expect(html).toMatch(/id="password"[^>]*value=""/);
    expect(html).toContain(`value="${SECRET_MASK}"`);
    expect(html).not.toContain('very-secret-1');
  });

  it('reports console messages, page errors and execute failures', async () => {
    const { outcome, sink } = await run(
      plan([
        goto(url('/console.html')),
        step('execute', { code: 'await new Promise((r) => setTimeout(r, 100)); console.warn("from execute")' }),
        step('execute', { code: 'throw new Error("boom in step")' }),
      ]),
    );
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'CODE_EXECUTION_ERROR' });
    expect(outcome.message).toContain('boom in step');
    const entries = sink.ofType('console').map((c) => c.entry);
    expect(entries).toContainEqual(expect.objectContaining({ level: 'log', text: 'hello from the page' }));
    expect(entries).toContainEqual(expect.objectContaining({ level: 'error', text: 'something went wrong' }));
    expect(entries).toContainEqual(expect.objectContaining({ level: 'warning', text: 'from execute' }));
    expect(entries.find((e) => e.level === 'pageerror')?.text).toContain('uncaught boom');
  });

  it('never hangs on dialogs: dismisses alerts and answers prompts for answerPrompt', async () => {
    const { outcome, sink } = await run(
      plan(
        [
          goto(url('/dialogs.html')),
          click('#alert'),
          assertStep(
            { selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'after alert' },
            { runTimeout: 2 },
          ),
          click('#prompt'),
          step('answerPrompt', { value: '{{who}}' }),
          assertStep(
            { selector: '#out', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'Hello Ada' },
            { runTimeout: 2 },
          ),
          step('answerPrompt', { value: 'nobody asks' }, { runTimeout: 1 }),
        ],
        { variables: [variable('who', 'Ada', 'override')] },
      ),
    );
    expect(
      sink
        .steps()
        .slice(0, 6)
        .map((s) => s.status),
    ).toEqual(Array(6).fill('passed'));
    expect(sink.steps()[4]?.computedValue).toBe('Ada');
    expect(outcome.errorCode).toBe('PROMPT_DOES_NOT_EXIST');
  });

  it('fails an unimplemented action with UNRECOGNIZED_STEP_TYPE and applies context settings', async () => {
    const { outcome, sink } = await run(
      plan(
        [
          goto(url('/echo-headers')),
          assertStep({ assertion_property: 'pageShowsText', assertion_expected_value: '"x-bugrun-test":"yes"' }, { runTimeout: 2 }),
          assertStep({ assertion_property: 'pageShowsText', assertion_expected_value: 'BugrunAgent/1.0' }, { runTimeout: 2 }),
          assertStep({ assertion_property: 'customJavaScript', assertion_java_script: 'navigator.language === "de-DE"' }, { runTimeout: 2 }),
          // Every BugBug action is implemented now: an action from a newer schema stands in.
          step('futureAction' as unknown as Parameters<typeof step>[0], { selector: '#f' }),
        ],
        { settings: { customHeaders: [{ name: 'X-Bugrun-Test', value: 'yes' }], userAgent: 'BugrunAgent/1.0', language: 'de-DE' } },
      ),
    );
    expect(
      sink
        .steps()
        .slice(0, 4)
        .map((s) => s.status),
    ).toEqual(Array(4).fill('passed'));
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'UNRECOGNIZED_STEP_TYPE' });
  });

  it('records the documentComplete waiting condition and closes every context it opened', async () => {
    const { sink } = await run(plan([goto(url('/title.html')), step('execute', { code: '1' }, { waitingConditions: null })]));
    expect(sink.steps()[1]?.waitingConditions).toEqual([
      { type: 'documentComplete', expected: 'complete', current: 'complete', isSuccess: true, isSoftSuccess: false },
      { type: 'networkIdle', expected: '2', current: '0', isSuccess: true, isSoftSuccess: false },
    ]);
    expect(pool.contextsInUse()).toHaveLength(0);
  });

  it('fails goto with PAGE_LOADING_ERROR naming the net error, and INVALID_URL for a bad URL', async () => {
    const closed = await startFixtureServer();
    await closed.close();
    const refused = await run(plan([goto(closed.url)]));
    expect(refused.outcome.errorCode).toBe('PAGE_LOADING_ERROR');
    expect(refused.outcome.message).toContain('ERR_CONNECTION_REFUSED');
    const invalid = await run(plan([goto('http://exa mple.com/')]));
    expect(invalid.outcome.errorCode).toBe('INVALID_URL');
  });
});

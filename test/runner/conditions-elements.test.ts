import { describe, expect, it } from 'vitest';
import type { PlanStep, StepRunRecord, WaitingCondition, WaitingConditionName, WaitingConditionResult } from '../../src/domain/index.js';
import { assertStep, click, goto, plan, step, type } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const fixture = useRunnerFixture();

async function run(steps: PlanStep[]): Promise<StepRunRecord[]> {
  const { sink } = await fixture.run(plan([goto(fixture.url('/wc-elements.html')), ...steps]));
  return sink.steps().slice(1);
}

const cond = (condition: WaitingConditionName, expected: string | null = null, timeout: number | null = null): WaitingCondition => ({
  condition,
  expected,
  timeout,
  isActive: true,
});
function result(r: StepRunRecord | undefined, name: WaitingConditionName): WaitingConditionResult | undefined {
  return r?.waitingConditions.find((w) => w.type === name);
}
/**
 * A step whose action ignores the condition, so only the condition decides the warning. The
 * condition's own 0.4 s timeout keeps the test short and leaves the action seconds to run.
 */
const existsWith = (selector: string, c: WaitingCondition): PlanStep =>
  assertStep({ selector, assertion_property: 'exist' }, { runTimeout: 3, waitingConditions: [{ ...c, timeout: c.timeout ?? 0.4 }] });
/** An action that never finishes and names no cause: the unresolved conditions are to blame. */
const hangsWith = (selector: string, c: WaitingCondition): PlanStep =>
  step('execute', { selector, code: 'await new Promise(() => {})' }, { runTimeout: 1, continueOnFailure: true, waitingConditions: [{ ...c, timeout: 0.3 }] });
const SOFT = { status: 'passed', warning: true, errorCode: 'FAILED_WAITING_CONDITIONS' };
const FAILED = { status: 'failed', errorCode: 'FAILED_WAITING_CONDITIONS', ignoredFailed: true };

describe('element waiting conditions', { timeout: 30_000 }, () => {
  it('all hold for a plain enabled button: the click passes without a warning', async () => {
    const [r] = await run([click('#ok')]);
    expect(r).toMatchObject({ status: 'passed', warning: false, errorCode: null });
    expect(r?.waitingConditions).toEqual([
      { type: 'documentComplete', expected: 'complete', current: 'complete', isSuccess: true, isSoftSuccess: false },
      { type: 'networkIdle', expected: '2', current: '0', isSuccess: true, isSoftSuccess: false },
      { type: 'elementIsVisible', expected: 'visible', current: 'visible', isSuccess: true, isSoftSuccess: false },
      { type: 'elementIsNotCovered', expected: 'not covered', current: 'not covered', isSuccess: true, isSoftSuccess: false },
      { type: 'elementIsNotAnimating', expected: 'not animating', current: 'not animating', isSuccess: true, isSoftSuccess: false },
      { type: 'elementIsNotDisabled', expected: 'enabled', current: 'enabled', isSuccess: true, isSoftSuccess: false },
    ]);
  });

  it('elementIsVisible: waits for a late element; a hidden one passes softly, or fails a click', async () => {
    const [late, soft, clickHidden, missing, hangsMissing] = await run([
      click('#late', { waitingConditions: [cond('elementIsVisible')] }),
      existsWith('#hidden', cond('elementIsVisible')),
      click('#hidden', { runTimeout: 2, continueOnFailure: true, waitingConditions: [cond('elementIsVisible', null, 0.3)] }),
      click('#nope', { runTimeout: 1, continueOnFailure: true }),
      // Time to look for the element more than once, so a busy machine still sees it is missing.
      step(
        'execute',
        { selector: '#nope', code: 'await new Promise(() => {})' },
        { runTimeout: 3, continueOnFailure: true, waitingConditions: [cond('elementIsVisible', null, 1)] },
      ),
    ]);
    expect(late).toMatchObject({ status: 'passed', warning: false });
    expect(result(late, 'elementIsVisible')).toMatchObject({ current: 'visible', isSuccess: true });
    expect(soft).toMatchObject(SOFT);
    expect(result(soft, 'elementIsVisible')).toEqual({
      type: 'elementIsVisible',
      expected: 'visible',
      current: 'hidden',
      isSuccess: false,
      isSoftSuccess: true,
    });
    expect(clickHidden).toMatchObject(FAILED);
    expect(result(clickHidden, 'elementIsVisible')).toMatchObject({ current: 'hidden', isSuccess: false, isSoftSuccess: false });
    // A selector that never matches is more specific than the conditions it kept unresolved.
    expect(missing).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST' });
    expect(result(missing, 'elementIsVisible')).toMatchObject({ current: 'element not found', isSuccess: false });
    // §3 order: an element never found is blamed before the conditions, whatever the action.
    expect(hangsMissing).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST', elementExists: false });
  });

  it('elementIsNotCovered: names the covering element; a click on it fails with EVENT_DISPATCHED_ON_INVALID_ELEMENT', async () => {
    const [soft, covered, fails] = await run([
      existsWith('#covered', cond('elementIsNotCovered')),
      click('#covered', { runTimeout: 2, continueOnFailure: true, waitingConditions: [cond('elementIsNotCovered', null, 0.3)] }),
      hangsWith('#covered', cond('elementIsNotCovered')),
    ]);
    expect(soft).toMatchObject(SOFT);
    expect(result(soft, 'elementIsNotCovered')).toMatchObject({ current: 'covered by <span#overlay>', isSuccess: false, isSoftSuccess: true });
    expect(covered).toMatchObject({ status: 'failed', errorCode: 'EVENT_DISPATCHED_ON_INVALID_ELEMENT' });
    expect(result(covered, 'elementIsNotCovered')).toMatchObject({ isSuccess: false, isSoftSuccess: false });
    expect(fails).toMatchObject(FAILED);
  });

  it('elementIsNotAnimating: a moving element is animating, a fading one is not', async () => {
    const [fading, soft, fails] = await run([
      existsWith('#pulse', cond('elementIsNotAnimating')),
      existsWith('#spinner', cond('elementIsNotAnimating')),
      hangsWith('#spinner', cond('elementIsNotAnimating')),
    ]);
    expect(fading).toMatchObject({ status: 'passed', warning: false });
    expect(result(fading, 'elementIsNotAnimating')).toMatchObject({ current: 'not animating', isSuccess: true });
    expect(soft).toMatchObject(SOFT);
    expect(result(soft, 'elementIsNotAnimating')).toMatchObject({ current: 'animating', isSuccess: false, isSoftSuccess: true });
    expect(fails).toMatchObject(FAILED);
  });

  it('elementIsNotDisabled: disabled and aria-disabled elements; a click on one fails FAILED_WAITING_CONDITIONS', async () => {
    const [soft, aria, clickDisabled] = await run([
      existsWith('#disabled', cond('elementIsNotDisabled')),
      existsWith('#aria-off', cond('elementIsNotDisabled')),
      click('#disabled', { runTimeout: 2, continueOnFailure: true, waitingConditions: [cond('elementIsNotDisabled', null, 0.3)] }),
    ]);
    expect(soft).toMatchObject(SOFT);
    expect(result(soft, 'elementIsNotDisabled')).toEqual({
      type: 'elementIsNotDisabled',
      expected: 'enabled',
      current: 'disabled',
      isSuccess: false,
      isSoftSuccess: true,
    });
    expect(result(aria, 'elementIsNotDisabled')).toMatchObject({ current: 'disabled', isSuccess: false });
    expect(clickDisabled).toMatchObject(FAILED);
    expect(result(clickDisabled, 'elementIsNotDisabled')).toMatchObject({ isSuccess: false, isSoftSuccess: false });
  });

  it("elementHasFocus: type focuses its field; an unfocusable element fails softly, or with the action's own code", async () => {
    const [typed, soft, notField, fails] = await run([
      type('#field', 'hello'),
      existsWith('#plain', cond('elementHasFocus')),
      type('#plain', 'x', { runTimeout: 2, continueOnFailure: true, waitingConditions: [cond('elementHasFocus', null, 0.3)] }),
      hangsWith('#plain', cond('elementHasFocus')),
    ]);
    expect(typed).toMatchObject({ status: 'passed', warning: false });
    expect(result(typed, 'elementHasFocus')).toEqual({
      type: 'elementHasFocus',
      expected: 'focused',
      current: 'focused',
      isSuccess: true,
      isSoftSuccess: false,
    });
    expect(soft).toMatchObject(SOFT);
    expect(result(soft, 'elementHasFocus')).toMatchObject({ current: 'not focused', isSuccess: false, isSoftSuccess: true });
    expect(notField).toMatchObject({ status: 'failed', errorCode: 'UNCHANGABLE_ELEMENT' });
    expect(result(notField, 'elementHasFocus')).toMatchObject({ isSuccess: false });
    expect(fails).toMatchObject(FAILED);
  });

  it('elementHasAttribute: waits for key="value" and key; a missing attribute fails softly or the step', async () => {
    const [ready, key, soft, fails] = await run([
      // The page sets it 300 ms after load: 2 s of the step's budget, so a busy machine still sees it.
      existsWith('#attr', cond('elementHasAttribute', 'data-state="ready"', 2)),
      existsWith('#attr', cond('elementHasAttribute', 'data-state')),
      existsWith('#attr', cond('elementHasAttribute', 'data-state="never"')),
      hangsWith('#attr', cond('elementHasAttribute', 'data-missing')),
    ]);
    expect(ready).toMatchObject({ status: 'passed', warning: false });
    expect(result(ready, 'elementHasAttribute')).toEqual({
      type: 'elementHasAttribute',
      expected: 'data-state="ready"',
      current: 'data-state="ready"',
      isSuccess: true,
      isSoftSuccess: false,
    });
    expect(result(key, 'elementHasAttribute')).toMatchObject({ isSuccess: true });
    expect(soft).toMatchObject(SOFT);
    expect(result(soft, 'elementHasAttribute')).toMatchObject({ current: 'data-state="ready"', isSuccess: false, isSoftSuccess: true });
    expect(fails).toMatchObject(FAILED);
    expect(result(fails, 'elementHasAttribute')).toMatchObject({ current: 'no data-missing attribute', isSuccess: false });
  });

  it("finds elements plain CSS cannot (shadow DOM) through Playwright's selectors", async () => {
    const [r] = await run([click('#shadow-btn')]);
    expect(r).toMatchObject({ status: 'passed', warning: false });
    expect(r?.waitingConditions.every((w) => w.isSuccess)).toBe(true);
  });
});

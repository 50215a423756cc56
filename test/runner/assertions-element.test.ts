import { describe, expect, it } from 'vitest';
import type { ActionDetails, AssertionProperty, AssertionType, PlanStep, StepRunRecord } from '../../src/domain/index.js';
import { assertStep, goto, plan } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const fixture = useRunnerFixture();

interface Case {
  selector: string;
  property: AssertionProperty;
  type?: AssertionType;
  expected?: ActionDetails['assertion_expected_value'];
}

function details(c: Case): ActionDetails {
  return { selector: c.selector, assertion_property: c.property, assertion_type: c.type, assertion_expected_value: c.expected };
}

/** Passing cases get time to settle; failing ones continue on failure so one run checks them all (2 s: the first verdict can take over 1 s on a busy machine). */
const passing = (c: Case): PlanStep => assertStep(details(c), { runTimeout: 5, waitingConditions: [] });
const failing = (c: Case): PlanStep => assertStep(details(c), { runTimeout: 2, continueOnFailure: true, waitingConditions: [] });

async function run(steps: PlanStep[]): Promise<StepRunRecord[]> {
  const { sink } = await fixture.run(plan([goto(fixture.url('/as-elements.html')), ...steps]));
  return sink.steps().slice(1);
}

/** A failed assert with continue_on_failure passes with a warning and keeps its code (docs/bugbug-compatibility.md §4). */
const failedWith = (errorCode: string) => ({ status: 'passed', warning: true, ignoredFailed: true, errorCode });
const passed = { status: 'passed', warning: false, errorCode: null };
const values = (r: StepRunRecord | undefined) => [r?.assertionExpectedValue, r?.assertionCurrentValue];

describe('element assertion properties', { timeout: 30_000 }, () => {
  it('checked, notChecked, disabled, notDisabled, exist, notExist, visible, notVisible', async () => {
    const cases: [Case, 'pass' | 'fail', string | null, string | null][] = [
      [{ selector: '#on', property: 'checked' }, 'pass', 'true', 'true'],
      [{ selector: '#aria-on', property: 'checked' }, 'pass', 'true', 'true'],
      [{ selector: '#off', property: 'checked' }, 'fail', 'true', 'false'],
      [{ selector: '#off', property: 'notChecked' }, 'pass', 'true', 'true'],
      [{ selector: '#on', property: 'notChecked' }, 'fail', 'true', 'false'],
      [{ selector: '#disabled', property: 'disabled' }, 'pass', 'true', 'true'],
      [{ selector: '#enabled', property: 'disabled' }, 'fail', 'true', 'false'],
      [{ selector: '#enabled', property: 'notDisabled' }, 'pass', 'true', 'true'],
      [{ selector: '#disabled', property: 'notDisabled' }, 'fail', 'true', 'false'],
      [{ selector: '#text', property: 'exist' }, 'pass', 'true', 'true'],
      [{ selector: '#nope', property: 'exist' }, 'fail', 'true', 'false'],
      [{ selector: '#nope', property: 'notExist' }, 'pass', 'true', 'true'],
      [{ selector: '#text', property: 'notExist' }, 'fail', 'true', 'false'],
      [{ selector: '#text', property: 'visible' }, 'pass', 'true', 'true'],
      [{ selector: '#hidden', property: 'visible' }, 'fail', 'true', 'false'],
      // `visible` equal false reads as "not visible".
      [{ selector: '#hidden', property: 'visible', type: 'equal', expected: 'false' }, 'pass', 'false', 'false'],
      [{ selector: '#hidden', property: 'notVisible' }, 'pass', 'true', 'true'],
      [{ selector: '#nope', property: 'notVisible' }, 'pass', 'true', 'true'],
      [{ selector: '#text', property: 'notVisible' }, 'fail', 'true', 'false'],
    ];
    const records = await run(cases.map(([c, outcome]) => (outcome === 'pass' ? passing(c) : failing(c))));
    cases.forEach(([c, outcome, expected, current], i) => {
      const r = records[i];
      const label = `${c.property} ${c.selector} ${outcome}`;
      expect(r, label).toMatchObject(outcome === 'pass' ? passed : failedWith('ASSERT_FAILED'));
      expect(r, label).toMatchObject({ assertionProperty: c.property, assertionType: c.type ?? 'equal' });
      expect(values(r), label).toEqual([expected, current]);
    });
  });

  it('count, textContent and value with every assertion type', async () => {
    const cases: [Case, 'pass' | 'fail', string | null][] = [
      [{ selector: '.item', property: 'count', type: 'equal', expected: 3 }, 'pass', '3'],
      [{ selector: '.item', property: 'count', type: 'greaterThan', expected: 2 }, 'pass', '3'],
      [{ selector: '.item', property: 'count', type: 'lessThan', expected: '4' }, 'pass', '3'],
      [{ selector: '.item', property: 'count', type: 'notEqual', expected: 5 }, 'pass', '3'],
      [{ selector: '#nope', property: 'count', type: 'equal', expected: 0 }, 'pass', '0'],
      [{ selector: '.item', property: 'count', type: 'equal', expected: 4 }, 'fail', '3'],
      [{ selector: '.item', property: 'count', type: 'greaterThan', expected: 3 }, 'fail', '3'],
      // Rendered text, whitespace collapsed.
      [{ selector: '#text', property: 'textContent', type: 'equal', expected: 'Total: 42 items' }, 'pass', 'Total: 42 items'],
      [{ selector: '#text', property: 'textContent', type: 'contain', expected: '42' }, 'pass', 'Total: 42 items'],
      [{ selector: '#text', property: 'textContent', type: 'notContain', expected: 'zero' }, 'pass', 'Total: 42 items'],
      [{ selector: '#text', property: 'textContent', type: 'match', expected: '/^total: \\d+ items$/i' }, 'pass', 'Total: 42 items'],
      [{ selector: '#text', property: 'textContent', type: 'notEqual', expected: 'Total' }, 'pass', 'Total: 42 items'],
      [{ selector: '#text', property: 'textContent', type: 'any' }, 'pass', 'Total: 42 items'],
      [{ selector: '#text b', property: 'textContent', type: 'greaterThan', expected: 41 }, 'pass', '42'],
      [{ selector: '#text b', property: 'textContent', type: 'lessThan', expected: 43 }, 'pass', '42'],
      [{ selector: '#text', property: 'textContent', type: 'equal', expected: 'Total: 41 items' }, 'fail', 'Total: 42 items'],
      [{ selector: '#text', property: 'textContent', type: 'notContain', expected: '42' }, 'fail', 'Total: 42 items'],
      [{ selector: '#text b', property: 'textContent', type: 'lessThan', expected: 42 }, 'fail', '42'],
      [{ selector: '#name', property: 'value', type: 'equal', expected: 'Ada Lovelace' }, 'pass', 'Ada Lovelace'],
      [{ selector: '#notes', property: 'value', type: 'contain', expected: 'first' }, 'pass', 'first line'],
      [{ selector: '#pick', property: 'value', type: 'equal', expected: 'b' }, 'pass', 'b'],
      [{ selector: '#name', property: 'value', type: 'match', expected: 'Love' }, 'pass', 'Ada Lovelace'],
      [{ selector: '#name', property: 'value', type: 'notEqual', expected: 'Ada Lovelace' }, 'fail', 'Ada Lovelace'],
    ];
    const records = await run(cases.map(([c, outcome]) => (outcome === 'pass' ? passing(c) : failing(c))));
    cases.forEach(([c, outcome, current], i) => {
      const r = records[i];
      const label = `${c.property} ${c.type ?? ''} ${String(c.expected)} ${outcome}`;
      expect(r, label).toMatchObject(outcome === 'pass' ? passed : failedWith('ASSERT_FAILED'));
      expect(values(r), label).toEqual([c.expected === undefined ? null : String(c.expected), current]);
    });
    expect(records[15]?.error).toContain('Expected textContent to equal "Total: 41 items", got "Total: 42 items"');
  });

  it('textContent and value through every selector kind: CSS, XPath, chains, ancestors, shadow DOM', async () => {
    const cases: Case[] = [
      { selector: 'css=#text b', property: 'textContent', expected: '42' },
      { selector: 'xpath=//p[@id="text"]/b', property: 'textContent', expected: '42' },
      { selector: '#text >> b', property: 'textContent', expected: '42' },
      { selector: '#text b << p', property: 'textContent', expected: 'Total: 42 items' },
      { selector: '#hidden', property: 'textContent', expected: 'hidden panel' },
      { selector: '#in-shadow', property: 'textContent', expected: 'shadow text' },
      { selector: '#shadow-field', property: 'value', expected: 'deep' },
      { selector: '#aria-on', property: 'value', expected: '' },
    ];
    const records = await run(cases.map((c) => passing({ ...c, type: 'equal' })));
    cases.forEach((c, i) => {
      expect(records[i], c.selector).toMatchObject({ ...passed, elementExists: true, assertionCurrentValue: c.expected });
    });
  });

  it('fails with ELEMENT_DOES_NOT_EXIST on a missing element and ASSERT_FAILED on a bad pattern', async () => {
    const [text, value, visible, pattern] = await run([
      failing({ selector: '#nope', property: 'textContent', type: 'equal', expected: 'x' }),
      failing({ selector: '#nope', property: 'value', type: 'equal', expected: 'x' }),
      failing({ selector: '#nope', property: 'visible' }),
      failing({ selector: '#text', property: 'textContent', type: 'match', expected: '/(unclosed/' }),
    ]);
    for (const r of [text, value, visible]) {
      expect(r).toMatchObject({ ...failedWith('ELEMENT_DOES_NOT_EXIST'), elementExists: false, assertionCurrentValue: null });
    }
    expect(pattern).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(pattern?.error).toContain('Invalid regular expression');
  });
});

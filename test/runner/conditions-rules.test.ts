import { describe, expect, it } from 'vitest';
import type { WaitingCondition, WaitingConditionName } from '../../src/domain/index.js';
import { conditionsBudgetMs, conditionsFor, defaultConditions, parseAttributeExpectation } from '../../src/runner/waiting-conditions.js';
import { plan, step } from './plan-builder.js';

const cond = (condition: WaitingConditionName, expected: string | null = null, isActive = true): WaitingCondition => ({
  condition,
  expected,
  timeout: null,
  isActive,
});
const names = (list: WaitingCondition[]): string[] => list.map((c) => c.condition);
const settings = (waitingConditions: WaitingCondition[] | null) => plan([], { settings: { waitingConditions } }).settings;

describe('waiting condition rules', () => {
  it('gives each step type its default set (design, docs/bugbug-compatibility.md §5)', () => {
    expect(names(defaultConditions('goto'))).toEqual(['documentComplete']);
    expect(names(defaultConditions('execute'))).toEqual(['documentComplete', 'networkIdle']);
    expect(names(defaultConditions('assert'))).toEqual(['documentComplete', 'networkIdle']);
    expect(names(defaultConditions('hover'))).toEqual(['documentComplete', 'networkIdle', 'elementIsVisible', 'elementIsNotCovered']);
    expect(names(defaultConditions('click'))).toEqual([
      'documentComplete',
      'networkIdle',
      'elementIsVisible',
      'elementIsNotCovered',
      'elementIsNotAnimating',
      'elementIsNotDisabled',
    ]);
    expect(names(defaultConditions('type'))).toEqual([
      'documentComplete',
      'networkIdle',
      'elementIsVisible',
      'elementIsNotCovered',
      'elementIsNotAnimating',
      'elementIsNotDisabled',
      'elementHasFocus',
    ]);
    expect(defaultConditions('click').find((c) => c.condition === 'networkIdle')?.expected).toBe('2');
  });

  it('shares 70 % of a step timeout up to 10 s, 50 % above', () => {
    expect(conditionsBudgetMs(2_000)).toBe(1_400);
    expect(conditionsBudgetMs(10_000)).toBe(7_000);
    expect(conditionsBudgetMs(10_001)).toBe(5_000);
    expect(conditionsBudgetMs(30_000)).toBe(15_000);
  });

  it('merges project defaults over the type defaults by name; a step list replaces them all', () => {
    const project = settings([cond('networkIdle', '0'), cond('elementIsNotCovered', null, false), cond('elementHasFocus')]);
    const click = conditionsFor(step('click', { selector: '#a' }), project);
    // elementIsNotCovered switched off, networkIdle re-configured, elementHasFocus not for clicks.
    expect(names(click)).toEqual(['documentComplete', 'networkIdle', 'elementIsVisible', 'elementIsNotAnimating', 'elementIsNotDisabled']);
    expect(click.find((c) => c.condition === 'networkIdle')?.expected).toBe('0');
    expect(names(conditionsFor(step('type', { selector: '#a', value: 'x' }), project))).toContain('elementHasFocus');

    const own = conditionsFor(
      step(
        'click',
        { selector: '#a' },
        { waitingConditions: [cond('networkIdle', '5'), cond('elementHasAttribute', 'data-ready'), cond('documentComplete', null, false)] },
      ),
      project,
    );
    expect(names(own)).toEqual(['networkIdle', 'elementHasAttribute']);
    expect(own.find((c) => c.condition === 'networkIdle')?.expected).toBe('5');
  });

  it('takes a step list as the whole set: only documentComplete waits for nothing else, one inactive entry for nothing', () => {
    const click = (waitingConditions: WaitingCondition[]) =>
      conditionsFor(step('click', { selector: '#a' }, { waitingConditions }), settings([cond('networkIdle')]));
    expect(names(click([cond('documentComplete')]))).toEqual(['documentComplete']);
    expect(click([cond('elementIsVisible', null, false)])).toEqual([]);
  });

  it('takes an explicit empty list on a step as none, and null as the defaults', () => {
    expect(conditionsFor(step('click', { selector: '#a' }, { waitingConditions: [] }), settings([cond('networkIdle')]))).toEqual([]);
    expect(names(conditionsFor(step('execute', { code: '1' }, { waitingConditions: null }), settings(null)))).toEqual(['documentComplete', 'networkIdle']);
  });

  it('never applies networkIdle or pageNavigationAfterExecution to goto, nor element conditions without a selector', () => {
    const gotoStep = step(
      'goto',
      { url: 'http://x' },
      { waitingConditions: [cond('networkIdle'), cond('pageNavigationAfterExecution'), cond('documentComplete')] },
    );
    expect(names(conditionsFor(gotoStep, settings(null)))).toEqual(['documentComplete']);
    const exec = step('execute', { code: '1' }, { waitingConditions: [cond('elementIsVisible'), cond('pageNavigationAfterExecution')] });
    expect(names(conditionsFor(exec, settings(null)))).toEqual(['pageNavigationAfterExecution']);
    // Project-level element conditions do not reach asserts (notVisible would never pass them)...
    expect(names(conditionsFor(step('assert', { selector: '#a' }), settings([cond('elementIsVisible')])))).toEqual(['documentComplete', 'networkIdle']);
    // ...but a step may ask for them itself.
    expect(names(conditionsFor(step('assert', { selector: '#a' }, { waitingConditions: [cond('elementIsVisible')] }), settings(null)))).toContain(
      'elementIsVisible',
    );
  });

  it('reads elementHasAttribute expectations as key="value", key=value or key', () => {
    expect(parseAttributeExpectation('data-state="ready"')).toEqual({ name: 'data-state', value: 'ready' });
    expect(parseAttributeExpectation("aria-busy='false'")).toEqual({ name: 'aria-busy', value: 'false' });
    expect(parseAttributeExpectation('role=button')).toEqual({ name: 'role', value: 'button' });
    expect(parseAttributeExpectation('data-empty=""')).toEqual({ name: 'data-empty', value: '' });
    expect(parseAttributeExpectation(' hidden ')).toEqual({ name: 'hidden', value: null });
    expect(parseAttributeExpectation('')).toBeNull();
    expect(parseAttributeExpectation(null)).toBeNull();
  });
});

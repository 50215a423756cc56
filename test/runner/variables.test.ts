import { describe, expect, it } from 'vitest';
import { StepError } from '../../src/runner/errors.js';
import { Variables } from '../../src/runner/variables.js';
import { plan, variable } from './plan-builder.js';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof StepError ? e.code : `not a StepError: ${String(e)}`;
  }
}

describe('Variables', () => {
  it('applies precedence local > builtin > group > override > profile > project', () => {
    const vars = new Variables(
      plan([], {
        variables: [
          variable('v', 'override', 'override'),
          variable('v', 'profile', 'profile'),
          variable('v', 'project', 'project'),
          variable('p', 'profile-only', 'profile'),
          variable('p', 'project-only', 'project'),
          variable('testName', 'from-builtin', 'builtin'),
        ],
      }),
    );
    expect(vars.render('{{v}}')).toBe('override');
    expect(vars.render('{{p}}')).toBe('profile-only');
    vars.enterGroup({ v: 'group', testName: 'group-name' });
    expect(vars.render('{{v}}')).toBe('group');
    expect(vars.render('{{testName}}')).toBe('from-builtin');
    vars.setLocal('testName', 'local');
    expect(vars.render('{{testName}}')).toBe('local');
    vars.enterGroup({});
    expect(vars.render('{{v}}')).toBe('override');
  });

  it('resolves nested values up to three levels and rejects deeper ones', () => {
    const vars = new Variables(
      plan([], {
        variables: [
          variable('a', '{{b}}-a', 'profile'),
          variable('b', '{{c}}-b', 'profile'),
          variable('c', '{{d}}-c', 'profile'),
          variable('d', 'd', 'profile'),
          variable('e', '{{a}}-e', 'profile'),
          variable('loop', '{{loop}}', 'profile'),
        ],
      }),
    );
    expect(vars.render('x {{a}}')).toBe('x d-c-b-a');
    expect(codeOf(() => vars.render('{{e}}'))).toBe('VARIABLE_NESTING_LIMIT_EXCEEDED');
    expect(codeOf(() => vars.render('{{loop}}'))).toBe('VARIABLE_NESTING_LIMIT_EXCEEDED');
  });

  it('reports unknown variables, bad syntax, and honours raw blocks and filters', () => {
    const vars = new Variables(plan([], { variables: [variable('name', 'ada', 'profile')] }));
    expect(codeOf(() => vars.render('hi {{ nobody }}'))).toBe('VARIABLE_DOES_NOT_EXIST');
    expect(codeOf(() => vars.render('hi {{ name '))).toBe('VALUE_COMPUTING_ERROR');
    expect(codeOf(() => vars.render('{{ name | nosuchfilter }}'))).toBe('VALUE_COMPUTING_ERROR');
    expect(vars.render('{% raw %}{{name}}{% endraw %} {{ name | upcase }}')).toBe('{{name}} ADA');
    expect(vars.render('no template here')).toBe('no template here');
  });

  it('provides built-ins even when the plan has none', () => {
    const p = plan([]);
    const vars = new Variables(p, 1_700_000_000_000);
    expect(vars.render('{{testRunId}}')).toBe(p.runId);
    expect(vars.render('{{timestamp}}')).toBe('1700000000000');
    expect(vars.render('{{randomNumberFixed}}')).toMatch(/^\d{10}$/);
    expect(vars.render('{{randomNameFixed}}')).toBe(vars.render('{{randomNameFixed}}'));
  });

  it('does not re-render values captured at run time', () => {
    const vars = new Variables(plan([]));
    vars.setLocal('captured', 'literal {{ braces }}');
    expect(vars.render('{{captured}}')).toBe('literal {{ braces }}');
  });
});

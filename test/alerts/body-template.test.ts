import { describe, expect, it } from 'vitest';
import { checkBodyTemplate, renderBodyTemplate } from '../../src/alerts/index.js';
import { TEMPLATE_LIMITS } from '../../src/templates/index.js';
import { suitePayload, testPayload } from './payload.js';

/** Webhook body templates: LiquidJS through the shared bounded engine, every output JSON-escaped. */

function body(template: string, payload = testPayload()): unknown {
  const rendering = renderBodyTemplate(template, payload);
  if (!rendering.ok) throw new Error(rendering.error);
  return JSON.parse(rendering.body);
}

function error(template: string, payload = testPayload()): string {
  const rendering = renderBodyTemplate(template, payload);
  if (rendering.ok) throw new Error(`expected a failure, rendered ${rendering.body}`);
  return rendering.error;
}

describe('renderBodyTemplate', () => {
  it('quotes, backslashes, newlines and braces in a value stay inside their JSON string, exactly', () => {
    const name = 'He said "hi"\n\\ {{x}}';
    const errorMessage = '"},"injected":true,"x":{"\t\u0001';
    expect(body('{"name": "{{ name }}", "error": "{{ errorMessage }}"}', testPayload({ name, errorMessage }))).toEqual({ name, error: errorMessage });
  });

  it('the variables are the payload fields, with testName or suiteName for the target and null for the other', () => {
    const template =
      '{"t": {{ testName | json }}, "s": {{ suiteName | json }}, "run": "{{ runId }}", "project": "{{ projectName }}", "code": {{ errorCode | json }}}';
    expect(body(template)).toEqual({ t: 'Sign in', s: null, run: testPayload().runId, project: 'Shop', code: 'ELEMENT_DOES_NOT_EXIST' });
    expect(body(template, suitePayload())).toEqual({ t: null, s: 'Checkout', run: suitePayload().runId, project: 'Shop', code: null });
  });

  it('a null value is an empty string in a JSON string; Liquid logic and filters work', () => {
    const template = '{"e": "{{ errorMessage }}", "msg": "{% if status == "passed" %}ok{% else %}{{ name | upcase }} {{ status }}{% endif %}"}';
    expect(body(template, suitePayload())).toEqual({ e: '', msg: 'CHECKOUT running' });
    expect(body(template, testPayload({ status: 'passed' }))).toEqual({ e: 'Element "#login" was not found', msg: 'ok' });
  });

  it('output that is not JSON fails, without repeating the rendered text', () => {
    const e = error('Sign-in: {{ name }} secret-in-body');
    expect(e).toMatch(/^the body template does not render JSON: /);
    expect(e).not.toContain('secret-in-body');
    // `| json` is JSON already and skips the escaping only as the last filter: after another filter it is escaped again.
    expect(error('{"a": {{ name | json | upcase }}}')).toMatch(/does not render JSON/);
  });

  it('a loop bomb fails on the render limit, long before it would end', () => {
    const t0 = performance.now();
    const e = error('{"a": "{% for a in (1..10000) %}{% for b in (1..10000) %}{% if b == 0 %}{% endif %}{% endfor %}{% endfor %}"}');
    expect(e).toBe(`the body template cannot be rendered: rendering takes more than ${TEMPLATE_LIMITS.renders} template renders (the render limit)`);
    // Unbounded, these 100 million iterations take tens of seconds; the render limit is work, not time.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('a huge template fails on the parse limit, and one with too many tags on the tag limit', () => {
    expect(error(`{"a": "${'x'.repeat(TEMPLATE_LIMITS.parseChars)}"}`)).toMatch(/\(the parse limit\)$/);
    expect(error(`{"a": "${'{{ name }}'.repeat(TEMPLATE_LIMITS.tags + 1)}"}`)).toMatch(/\(the tag limit\)$/);
    expect(error('{"a": "{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}"}')).toMatch(
      /\(the memory limit\)$/,
    );
  });

  it('templates cannot read files', () => {
    expect(error('{% include "/etc/passwd" %}')).toMatch(/^the body template cannot be rendered: /);
  });
});

describe('checkBodyTemplate', () => {
  it('a good template is fine', () => {
    expect(checkBodyTemplate('{"text": "{{ name }} {{ status }}", "url": "{{ webappUrl }}", "suite": {{ suiteName | json }}}')).toBeNull();
  });

  it('reports syntax errors, unknown variables and unknown filters', () => {
    expect(checkBodyTemplate('{"a": "{% if %}"}')).toMatch(/^the body template cannot be rendered: /);
    expect(checkBodyTemplate('{"a": "{{ nmae }}"}')).toMatch(/undefined variable: nmae/);
    expect(checkBodyTemplate('{"a": "{{ name | shout }}"}')).toMatch(/^the body template cannot be rendered: .*shout/);
  });

  it('reports output that is not JSON, for either target', () => {
    expect(checkBodyTemplate('text: {{ name }}')).toMatch(/^the body template does not render JSON/);
    // JSON for a test run, not for a suite run: both samples are rendered.
    expect(checkBodyTemplate('{% if suiteName %}not json{% else %}{"ok": true}{% endif %}')).toMatch(/does not render JSON/);
  });

  it('reports a limit', () => {
    expect(checkBodyTemplate('{% for a in (1..200000) %}{% if a == 0 %}{% endif %}{% endfor %}{}')).toMatch(/\(the render limit\)$/);
  });
});

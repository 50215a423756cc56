import type { AlertPayload } from '../domain/index.js';
import { TemplateError, createBoundedLiquid, renderBounded } from '../templates/index.js';

/** A value as the inside of a JSON string: `{"name": "{{ name }}"}` stays JSON whatever the name holds. */
function jsonStringEscape(value: unknown): string {
  return JSON.stringify(asText(value)).slice(1, -1);
}

/** What an output shows: nothing for null, lists and objects (from filters) as JSON. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/**
 * Every output is escaped for a JSON string, so names with quotes, backslashes or newlines cannot
 * break the body or add keys to it. `json` is the way to a whole JSON value (`"code": {{ errorCode |
 * json }}` gives `null` or a quoted string): its output is always JSON, so it skips the escaping
 * when it is the last filter. `raw` skips it too, at the author's own risk; the result must parse.
 */
const liquid = createBoundedLiquid({ outputEscape: jsonStringEscape });
liquid.registerFilter('json', {
  raw: true,
  handler: (value: unknown, space?: number) => JSON.stringify(value ?? null, null, space) ?? 'null',
});

export type BodyRendering = { ok: true; body: string } | { ok: false; error: string };

/** The template's variables: the payload's fields, and `testName` or `suiteName` for the name (null for the other target). */
function variables(p: AlertPayload): Record<string, unknown> {
  return { ...p, testName: p.target === 'test' ? p.name : null, suiteName: p.target === 'suite' ? p.name : null };
}

/** Renders a webhook's body template; the result is JSON text, or why there is none. */
export function renderBodyTemplate(template: string, payload: AlertPayload): BodyRendering {
  let body: string;
  try {
    body = renderBounded(liquid, template, variables(payload));
  } catch (e) {
    const reason = e instanceof TemplateError ? e.message : 'unexpected error';
    return { ok: false, error: `the body template cannot be rendered: ${reason}` };
  }
  try {
    JSON.parse(body);
  } catch (e) {
    // V8 quotes the text it could not parse; the rendered body is not repeated in an error.
    const reason = e instanceof Error ? e.message.replace(/,? ".*" is not valid JSON$/s, '') : 'not JSON';
    return { ok: false, error: `the body template does not render JSON: ${reason}` };
  }
  return { ok: true, body };
}

const SAMPLE_TEST: AlertPayload = {
  event: 'finished',
  target: 'test',
  runId: '00000000-0000-4000-8000-000000000001',
  testRunId: '00000000-0000-4000-8000-000000000001',
  suiteRunId: null,
  testId: '00000000-0000-4000-8000-000000000002',
  suiteId: null,
  name: 'Sign in "as admin"\\',
  status: 'failed',
  previousStatus: 'passed',
  errorCode: 'ELEMENT_DOES_NOT_EXIST',
  errorMessage: 'Element "#login" was not found\nafter 10 s',
  triggeredBy: 'scheduler',
  profileId: '00000000-0000-4000-8000-000000000003',
  profileName: 'Staging',
  scheduleId: '00000000-0000-4000-8000-000000000004',
  scheduleName: 'Nightly',
  queued: '2024-01-01T00:00:00.000000Z',
  started: '2024-01-01T00:00:01.000000Z',
  ended: '2024-01-01T00:00:31.000000Z',
  duration: '00:00:30.000000',
  webappUrl: 'https://bugrun.example/runs/00000000-0000-4000-8000-000000000001',
  projectId: '00000000-0000-4000-8000-000000000005',
  projectName: 'Shop',
};

/** A suite run just started: the other target, and the nulls of a run in flight. */
const SAMPLE_SUITE: AlertPayload = {
  ...SAMPLE_TEST,
  event: 'started',
  target: 'suite',
  runId: '00000000-0000-4000-8000-000000000006',
  testRunId: null,
  suiteRunId: '00000000-0000-4000-8000-000000000006',
  testId: null,
  suiteId: '00000000-0000-4000-8000-000000000007',
  name: 'Checkout',
  status: 'running',
  previousStatus: null,
  errorCode: null,
  errorMessage: null,
  triggeredBy: 'api',
  profileId: null,
  profileName: null,
  scheduleId: null,
  scheduleName: null,
  ended: null,
  duration: null,
};

/**
 * Why a body template would not work, or null when it does: rendered against a failed test run and
 * a started suite run, so a syntax error, an unknown variable, a limit or non-JSON output shows when
 * the alert is saved rather than when it first fires.
 */
export function checkBodyTemplate(template: string): string | null {
  for (const sample of [SAMPLE_TEST, SAMPLE_SUITE]) {
    const rendering = renderBodyTemplate(template, sample);
    if (!rendering.ok) return rendering.error;
  }
  return null;
}

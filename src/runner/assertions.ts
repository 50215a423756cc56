import type { AssertionProperty, AssertionType, ErrorCode, StepRunRecord } from '../domain/index.js';
import { StepError, errorMessage, isTargetClosedError, shortPlaywrightMessage } from './errors.js';
import { fastProbe, plainChain } from './fast-probe.js';
import { resultToString, runPageCode } from './page-code.js';
import type { StepContext } from './step-context.js';
import { within } from './timing.js';

/** BugBug retries every 1.5 s; polling faster makes passing assertions finish sooner. */
const POLL_MS = 250;
/**
 * One check may take at least this long, or half the step's remaining time if that is more: short
 * enough that a check stuck on a changing page is retried, long enough that a machine so loaded
 * that one evaluation takes over a second still gets its answer.
 */
const PROBE_TIMEOUT_MS = 1_000;

export interface AssertionSpec {
  property: AssertionProperty;
  type: AssertionType;
  /** Rendered expected value; null when the step has none. */
  expected: string | null;
}

export interface AssertionCheck {
  passed: boolean;
  current: string | null;
  /** Why it failed (ASSERT_FAILED, ELEMENT_DOES_NOT_EXIST, CODE_EXECUTION_ERROR…); meaningless when passed. */
  code: ErrorCode;
  message: string;
  /** The check could not be completed (a navigation, a probe out of time): it proves nothing. */
  indeterminate?: boolean;
}

const BOOLEAN_PROPERTIES: ReadonlySet<AssertionProperty> = new Set([
  'checked',
  'notChecked',
  'exist',
  'notExist',
  'visible',
  'notVisible',
  'disabled',
  'notDisabled',
]);

const TYPE_PHRASE: Record<AssertionType, string> = {
  equal: 'equal',
  notEqual: 'not equal',
  contain: 'contain',
  notContain: 'not contain',
  match: 'match',
  greaterThan: 'be greater than',
  lessThan: 'be less than',
  any: 'have any value',
};

export function assertionSpec(ctx: StepContext): AssertionSpec {
  const d = ctx.details;
  const property = d.assertion_property ?? 'exist';
  const raw = d.assertion_expected_value;
  const expected = raw === null || raw === undefined ? null : ctx.render(String(raw));
  return { property, type: d.assertion_type ?? 'equal', expected };
}

export function recordAssertion(record: StepRunRecord, spec: AssertionSpec, check: AssertionCheck | null): void {
  record.assertionProperty = spec.property;
  record.assertionType = spec.type;
  // A boolean property with no expected value expects it to hold.
  record.assertionExpectedValue = spec.expected ?? (BOOLEAN_PROPERTIES.has(spec.property) ? 'true' : null);
  record.assertionCurrentValue = check?.current ?? null;
  record.computedValue = spec.expected;
}

/** Compares a current value with the expected one by assertion type. */
export function compareValues(type: AssertionType, current: string, expected: string | null): boolean {
  const exp = expected ?? '';
  switch (type) {
    case 'any':
      return true;
    case 'equal':
      return current === exp;
    case 'notEqual':
      return current !== exp;
    case 'contain':
      return current.includes(exp);
    case 'notContain':
      return !current.includes(exp);
    case 'match':
      return toRegExp(exp).test(current);
    case 'greaterThan':
    case 'lessThan': {
      const a = toNumber(current);
      const b = toNumber(exp);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return type === 'greaterThan' ? a > b : a < b;
    }
  }
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function toNumber(s: string): number {
  const t = s.trim().replace(/\s/g, '');
  return t === '' ? NaN : Number(t);
}

/** `/pattern/flags` or a bare pattern. */
function toRegExp(s: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(s);
  try {
    return m ? new RegExp(m[1] ?? '', m[2]) : new RegExp(s);
  } catch (e) {
    throw new StepError('ASSERT_FAILED', `Invalid regular expression "${s}": ${errorMessage(e)}`);
  }
}

/** `visible` with `equal false` reads as "not visible"; any other type keeps the property's meaning. */
function booleanExpectation(spec: AssertionSpec): boolean {
  if (spec.type === 'equal' && spec.expected === 'false') return false;
  if (spec.type === 'notEqual' && spec.expected === 'true') return false;
  return true;
}

function valueCheck(spec: AssertionSpec, current: string): AssertionCheck {
  const passed = compareValues(spec.type, current, spec.expected);
  const message =
    spec.type === 'any'
      ? `Expected ${spec.property} to have any value`
      : `Expected ${spec.property} to ${TYPE_PHRASE[spec.type]} "${spec.expected ?? ''}", got "${current}"`;
  return { passed, current, code: 'ASSERT_FAILED', message };
}

function missing(description: string): AssertionCheck {
  return { passed: false, current: null, code: 'ELEMENT_DOES_NOT_EXIST', message: `Element ${description} does not exist` };
}

/** Evaluates the assertion once. Throws StepError only for failures no retry can fix. */
export async function checkOnce(ctx: StepContext, spec: AssertionSpec): Promise<AssertionCheck> {
  const page = ctx.page;
  const d = ctx.details;
  const left = ctx.remaining();
  const probe = { timeout: Math.max(1, Math.min(left, Math.max(PROBE_TIMEOUT_MS, left / 2))) };
  switch (spec.property) {
    case 'pageUrlIs':
      return valueCheck(spec, page.url());
    case 'pageTitle':
      return valueCheck(spec, await page.title());
    case 'pageShowsText':
    case 'pageDoesNotShowText': {
      // What a reader sees: rendered text, whitespace collapsed on both sides.
      const text = collapse(await ctx.scope.locator(':root').innerText(probe));
      const shows = text.includes(collapse(spec.expected ?? ''));
      const want = spec.property === 'pageShowsText';
      return {
        passed: shows === want,
        current: String(shows),
        code: 'ASSERT_FAILED',
        message: `Expected the page ${want ? 'to show' : 'not to show'} text "${spec.expected ?? ''}"`,
      };
    }
    case 'variableValue': {
      const name = (d.assertion_variable_name ?? '').replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '');
      return valueCheck(spec, ctx.session.vars.value(name));
    }
    case 'customJavaScript': {
      const code = ctx.render(d.assertion_java_script ?? d.code);
      try {
        const result = await runPageCode(page, code, ctx.session.vars.snapshot());
        const current = resultToString(result);
        return {
          passed: Boolean(result),
          current,
          code: 'ASSERT_FAILED',
          message: `Expected the custom JavaScript to return a truthy value, got ${current ?? 'nothing'}`,
        };
      } catch (e) {
        if (e instanceof StepError) return { passed: false, current: null, code: e.code, message: e.message };
        throw e;
      }
    }
    case 'downloadStarted': {
      // Any download of the run so far counts; an expected value is matched against the file name.
      const last = ctx.session.network.downloads().at(-1);
      if (!last) return { passed: false, current: null, code: 'ASSERT_FAILED', message: 'Expected a download to have started, but none did' };
      if (spec.type === 'any' || !spec.expected) return { passed: true, current: last.suggestedFilename, code: 'ASSERT_FAILED', message: '' };
      return valueCheck(spec, last.suggestedFilename);
    }
    case 'clipboardValue': {
      const text = await ctx.session.clipboard.text(page);
      if (text === null) return { passed: false, current: null, code: 'ASSERT_FAILED', message: 'Expected the clipboard to hold text, but nothing was copied' };
      return valueCheck(spec, text);
    }
    default:
      return checkElement(ctx, spec, probe);
  }
}

/**
 * Text and value assertions on a plain CSS/XPath selector read the first match in one CDP round
 * trip (fast-probe.ts). Null when that path does not apply or finds nothing: Playwright's engines
 * (shadow DOM, their CSS extensions) then have the last word.
 */
async function readFast(ctx: StepContext, spec: AssertionSpec, probe: { timeout: number }): Promise<AssertionCheck | null> {
  if (spec.property !== 'textContent' && spec.property !== 'value') return null;
  const parts = plainChain(ctx);
  if (!parts) return null;
  const want = { notCovered: false, notAnimating: false, focus: false, attribute: null, read: true };
  const found = await within(fastProbe(ctx, parts, want), probe.timeout, null);
  if (!found?.found) return null;
  ctx.record.elementExists = true;
  if (spec.property === 'value') return valueCheck(spec, found.value ?? '');
  return valueCheck(spec, collapse(found.text ?? ''));
}

async function checkElement(ctx: StepContext, spec: AssertionSpec, probe: { timeout: number }): Promise<AssertionCheck> {
  const fast = await readFast(ctx, spec, probe);
  if (fast) return fast;
  const { loc, description } = ctx.locator();
  let count: number;
  try {
    count = await loc.count();
  } catch (e) {
    throw ctx.selectorFailure(e, description);
  }
  ctx.record.elementExists = count > 0;
  const first = loc.first();
  if (spec.property === 'count') return valueCheck(spec, String(count));
  if (BOOLEAN_PROPERTIES.has(spec.property)) {
    let holds: boolean;
    switch (spec.property) {
      case 'exist':
        holds = count > 0;
        break;
      case 'notExist':
        holds = count === 0;
        break;
      case 'notVisible':
        holds = count === 0 || !(await first.isVisible());
        break;
      default: {
        if (count === 0) return missing(description);
        if (spec.property === 'visible') holds = await first.isVisible();
        else if (spec.property === 'disabled') holds = await first.isDisabled(probe);
        else if (spec.property === 'notDisabled') holds = !(await first.isDisabled(probe));
        else {
          const checked = await first.evaluate(
            (el) => (el instanceof HTMLInputElement ? el.checked : el.getAttribute('aria-checked') === 'true'),
            undefined,
            probe,
          );
          holds = spec.property === 'checked' ? checked : !checked;
        }
      }
    }
    const want = booleanExpectation(spec);
    return {
      passed: holds === want,
      current: String(holds),
      code: 'ASSERT_FAILED',
      message: `Expected ${spec.property} of ${description} to be ${String(want)}, got ${String(holds)}`,
    };
  }
  if (count === 0) return missing(description);
  if (spec.property === 'value') {
    const value = await first.evaluate(
      (el) =>
        el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ? el.value : (el.getAttribute('value') ?? ''),
      undefined,
      probe,
    );
    return valueCheck(spec, value);
  }
  // textContent: the rendered text with whitespace collapsed, as a reader sees it.
  const text = await first.evaluate((el) => (el instanceof HTMLElement ? el.innerText : (el.textContent ?? '')), undefined, probe);
  return valueCheck(spec, collapse(text));
}

/** checkOnce, with errors of a changing page (navigation, detached node) counted as "not yet". */
export async function checkSafely(ctx: StepContext, spec: AssertionSpec): Promise<AssertionCheck> {
  try {
    return await checkOnce(ctx, spec);
  } catch (e) {
    if (e instanceof StepError || isTargetClosedError(e) || ctx.signal.aborted) throw e;
    return { passed: false, current: null, code: 'ASSERT_FAILED', message: shortPlaywrightMessage(e), indeterminate: true };
  }
}

/** Retries until the assertion holds or the step's time is up; returns the last check. */
export async function checkUntil(ctx: StepContext, spec: AssertionSpec): Promise<AssertionCheck> {
  let settled: AssertionCheck | null = null;
  for (;;) {
    const check = await checkSafely(ctx, spec);
    // A last check cut short by the deadline must not hide what the ones before it found.
    if (!check.indeterminate) settled = check;
    const shown = settled ?? check;
    recordAssertion(ctx.record, spec, shown);
    ctx.pendingCause = shown.passed ? null : { code: shown.code, message: shown.message };
    if (check.passed || ctx.remaining() < POLL_MS) return shown;
    await ctx.sleep(POLL_MS);
  }
}

import { describe, expect, it } from 'vitest';
import type { ActionDetails, PlanStep, RunSettings, StepRunRecord } from '../../src/domain/index.js';
import { assertStep, click, goto, plan, step, type CollectingSink } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const fixture = useRunnerFixture();

const passing = (d: ActionDetails): PlanStep => assertStep(d, { runTimeout: 5, waitingConditions: [] });
// Two seconds, not one: reading a whole page's text once took over a second on a machine whose cores
// were busy, and the step then timed out before its first verdict.
const failing = (d: ActionDetails): PlanStep => assertStep(d, { runTimeout: 2, continueOnFailure: true, waitingConditions: [] });

async function run(steps: PlanStep[], settings: Partial<RunSettings> = {}): Promise<{ records: StepRunRecord[]; sink: CollectingSink }> {
  const { sink } = await fixture.run(plan([goto(fixture.url('/as-page.html')), ...steps], { settings }));
  return { records: sink.steps().slice(1), sink };
}

const failedWith = (errorCode: string) => ({ status: 'passed', warning: true, ignoredFailed: true, errorCode });
const passed = { status: 'passed', warning: false, errorCode: null };
const values = (r: StepRunRecord | undefined) => [r?.assertionExpectedValue, r?.assertionCurrentValue];

describe('page assertion properties', { timeout: 30_000 }, () => {
  it('pageTitle, pageUrlIs, pageShowsText and pageDoesNotShowText', async () => {
    const url = fixture.url('/as-page.html');
    const { records: r } = await run([
      passing({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'Assertions: page' }),
      failing({ assertion_property: 'pageTitle', assertion_type: 'contain', assertion_expected_value: 'Dashboard' }),
      passing({ assertion_property: 'pageUrlIs', assertion_type: 'contain', assertion_expected_value: '/as-page.html' }),
      passing({ assertion_property: 'pageUrlIs', assertion_type: 'match', assertion_expected_value: '/as-page\\.html$/' }),
      failing({ assertion_property: 'pageUrlIs', assertion_type: 'equal', assertion_expected_value: 'http://example.com/' }),
      // Whitespace is collapsed as a reader sees it.
      passing({ assertion_property: 'pageShowsText', assertion_expected_value: 'Quarterly report' }),
      failing({ assertion_property: 'pageShowsText', assertion_expected_value: 'Annual report' }),
      passing({ assertion_property: 'pageDoesNotShowText', assertion_expected_value: 'Annual report' }),
      failing({ assertion_property: 'pageDoesNotShowText', assertion_expected_value: 'Quarterly' }),
    ]);
    expect(r.map((x) => x.status)).toEqual(Array(9).fill('passed'));
    expect(r[0]).toMatchObject(passed);
    expect(values(r[0])).toEqual(['Assertions: page', 'Assertions: page']);
    expect(r[1]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[1])).toEqual(['Dashboard', 'Assertions: page']);
    expect(r[2]).toMatchObject(passed);
    expect(r[3]).toMatchObject(passed);
    expect(r[4]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[4])).toEqual(['http://example.com/', url]);
    expect(r[5]).toMatchObject(passed);
    expect(values(r[5])).toEqual(['Quarterly report', 'true']);
    expect(r[6]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[6])).toEqual(['Annual report', 'false']);
    expect(r[7]).toMatchObject(passed);
    expect(r[8]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[8])).toEqual(['Quarterly', 'true']);
  });

  it('customJavaScript and variableValue', async () => {
    const { records: r } = await run([
      passing({ assertion_property: 'customJavaScript', assertion_java_script: 'return document.title.startsWith("Assertions")' }),
      failing({ assertion_property: 'customJavaScript', assertion_java_script: '1 === 2' }),
      failing({ assertion_property: 'customJavaScript', assertion_java_script: 'throw new Error("boom")' }),
      step('setLocalVariable', { local_variable_name: 'greeting', local_variable_source: 'value', value: 'hello world' }),
      passing({ assertion_property: 'variableValue', assertion_variable_name: 'greeting', assertion_type: 'equal', assertion_expected_value: 'hello world' }),
      passing({ assertion_property: 'variableValue', assertion_variable_name: '{{greeting}}', assertion_type: 'contain', assertion_expected_value: 'world' }),
      failing({ assertion_property: 'variableValue', assertion_variable_name: 'greeting', assertion_type: 'equal', assertion_expected_value: 'bye' }),
      failing({ assertion_property: 'variableValue', assertion_variable_name: 'unknown', assertion_type: 'equal', assertion_expected_value: 'x' }),
    ]);
    expect(r[0]).toMatchObject({ ...passed, assertionCurrentValue: 'true' });
    expect(r[1]).toMatchObject({ ...failedWith('ASSERT_FAILED'), assertionCurrentValue: 'false' });
    expect(r[2]).toMatchObject(failedWith('CODE_EXECUTION_ERROR'));
    expect(r[2]?.error).toContain('boom');
    expect(r[4]).toMatchObject(passed);
    expect(values(r[4])).toEqual(['hello world', 'hello world']);
    expect(r[5]).toMatchObject(passed);
    expect(r[6]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[6])).toEqual(['bye', 'hello world']);
    expect(r[7]).toMatchObject(failedWith('VARIABLE_DOES_NOT_EXIST'));
  });

  it('downloadStarted: fails before any download, passes once one began, matching the file name', async () => {
    const { records: r } = await run([
      failing({ assertion_property: 'downloadStarted' }),
      click('#download'),
      passing({ assertion_property: 'downloadStarted' }),
      passing({ assertion_property: 'downloadStarted', assertion_type: 'contain', assertion_expected_value: 'report' }),
      failing({ assertion_property: 'downloadStarted', assertion_type: 'equal', assertion_expected_value: 'other.csv' }),
    ]);
    expect(r[0]).toMatchObject({ ...failedWith('ASSERT_FAILED'), assertionCurrentValue: null });
    expect(r[0]?.error).toContain('Expected a download to have started, but none did');
    expect(r[2]).toMatchObject({ ...passed, assertionProperty: 'downloadStarted', assertionCurrentValue: 'report.csv' });
    expect(r[3]).toMatchObject(passed);
    expect(r[4]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[4])).toEqual(['other.csv', 'report.csv']);
  });

  it('clipboardValue: what the page copied, through the Clipboard API or a copied selection', async () => {
    const { records: r } = await run([
      click('#copy-api'),
      passing({ assertion_property: 'clipboardValue', assertion_type: 'equal', assertion_expected_value: 'copied-42' }),
      failing({ assertion_property: 'clipboardValue', assertion_type: 'equal', assertion_expected_value: 'nope' }),
      click('#copy-selection'),
      passing({ assertion_property: 'clipboardValue', assertion_type: 'contain', assertion_expected_value: 'selected' }),
    ]);
    expect(r[1]).toMatchObject(passed);
    expect(values(r[1])).toEqual(['copied-42', 'copied-42']);
    expect(r[2]).toMatchObject(failedWith('ASSERT_FAILED'));
    expect(values(r[2])).toEqual(['nope', 'copied-42']);
    expect(r[4]).toMatchObject({ ...passed, assertionCurrentValue: 'selected words' });
  });

  it('runs the browser in the project time zone; an unknown zone is ignored with a warning', async () => {
    const tz = (zone: string): PlanStep =>
      passing({
        assertion_property: 'customJavaScript',
        assertion_java_script: `Intl.DateTimeFormat().resolvedOptions().timeZone === ${JSON.stringify(zone)}`,
      });
    const tokyo = await run([tz('Asia/Tokyo')], { timezone: 'Asia/Tokyo' });
    expect(tokyo.records[0]).toMatchObject(passed);
    const bogus = await run([step('execute', { code: '1' })], { timezone: 'Mars/Olympus_Mons' });
    expect(bogus.records[0]).toMatchObject({ status: 'passed' });
    expect(bogus.sink.ofType('log').some((l) => l.level === 'warn' && l.message.includes('Mars/Olympus_Mons'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseBundle } from '../../src/definitions/index.js';
import { errorLines, source, testWithSteps } from './helpers.js';

/** Errors of a test whose only step is `- action: <action>` with the given flow-style details. */
function stepErrors(action: string, details: string, extra = ''): string[] {
  const steps = `        - action: ${action}\n          action_details: ${details}\n${extra}`;
  const { diagnostics } = parseBundle([source('t.yaml', testWithSteps(steps))]);
  return errorLines(diagnostics).map((l) => l.replace('data.groups[0].steps[0]', 'step'));
}

describe('action_details required per action', () => {
  it.each([
    ['goto', '{ url: "" }', 'goto requires action_details.url'],
    ['type', '{ selector: "css=#a" }', 'type requires action_details.value'],
    ['select', '{ selector: "css=#a", value: "x" }', 'select requires action_details.select_type'],
    ['execute', '{ code: "" }', 'execute requires action_details.code'],
    ['answerPrompt', '{}', 'answerPrompt requires action_details.value'],
    ['assert', '{ assertion_type: equal }', 'assert requires action_details.assertion_property'],
    [
      'assert',
      '{ assertion_property: textContent, assertion_type: equal }',
      'assert requires action_details.selector (assertion_property textContent reads an element)',
    ],
    [
      'ifCondition',
      '{ assertion_property: variableValue, assertion_type: equal }',
      'ifCondition requires action_details.assertion_variable_name (assertion_property is variableValue)',
    ],
    [
      'assert',
      '{ assertion_property: customJavaScript, assertion_type: any }',
      'assert requires action_details.assertion_java_script (assertion_property is customJavaScript)',
    ],
    [
      'setLocalVariable',
      '{ local_variable_name: x, local_variable_source: element }',
      'setLocalVariable requires action_details.selector (local_variable_source is element)',
    ],
    [
      'setLocalVariable',
      '{ local_variable_name: x, local_variable_source: value }',
      'setLocalVariable requires action_details.value (local_variable_source is value)',
    ],
    ['setLocalVariable', '{ local_variable_source: evaluate, code: "1" }', 'setLocalVariable requires action_details.local_variable_name'],
    ['scroll', '{ scroll_to: coords }', 'scroll requires action_details.scroll_inside'],
    ['switchContext', '{ frame_is_root: true }', 'switchContext requires action_details.tab_no, frame_no, frame_src or value'],
    [
      'dragAndDrop',
      '{ selector: "css=#a" }',
      'dragAndDrop requires action_details.drop_selector (the drop target; or set dnd_drop_on: coords with dnd_drop_x/dnd_drop_y)',
    ],
    [
      'dragAndDrop',
      '{ selector: "css=#a", dnd_drop_on: coords, dnd_drop_x: 1 }',
      'dragAndDrop requires action_details.dnd_drop_x and dnd_drop_y (dnd_drop_on is coords)',
    ],
    ['uploadFile', '{ file_source: "a.txt" }', 'uploadFile requires action_details.selector'],
    ['elementVisualRegression', '{}', 'elementVisualRegression requires action_details.selector'],
  ])('%s %s → %s', (action, details, message) => {
    expect(stepErrors(action, details)).toEqual([`12:27 step: ${message}`]);
  });

  it.each([
    ['goto', '{ url: "https://example.com", username: null }'],
    ['type', '{ selector: "css=#a", value: "" }'],
    ['assert', '{ assertion_property: pageTitle, assertion_type: equal, assertion_expected_value: Home }'],
    ['switchContext', '{ tab_no: 1 }'],
    ['switchContext', '{ value: iframe, selector: "xpath=//iframe" }'],
    ['dragAndDrop', '{ dnd_drag_on: coords, dnd_drag_x: 1, dnd_drag_y: 2, drop_selector: "css=#b" }'],
    ['scroll', '{ scroll_inside: window, scroll_to: edge, scroll_edge: bottomCenter }'],
    ['goBack', '{}'],
    ['setLocalVariable', '{ local_variable_name: n, local_variable_source: evaluate, code: "return 1" }'],
    ['click', '{ selector: "Submit" }'],
  ])('%s %s is complete', (action, details) => {
    expect(stepErrors(action, details)).toEqual([]);
  });

  it('does not repeat a schema type error as a missing field', () => {
    expect(stepErrors('type', '{ selector: "css=#a", value: null }')).toEqual(['12:56 step.action_details.value: must be a string (got null)']);
  });

  it('rejects an empty selector at the selector', () => {
    expect(stepErrors('type', '{ selector: "  ", value: x }')).toEqual(['12:39 step: action_details.selector must not be empty']);
  });

  it('imports pointer steps without a selector, with a warning: they act at client_x/client_y', () => {
    const warnings = (action: string, details: string) => {
      const steps = `        - action: ${action}\n          action_details: ${details}\n`;
      return parseBundle([source('t.yaml', testWithSteps(steps))]).diagnostics.map(formatDiagnostic);
    };
    expect(warnings('click', '{ interaction_position: custom, client_x: 10, client_y: 20 }')).toEqual([
      't.yaml:12:27: warning: data.groups[0].steps[0]: click has no action_details.selector; it acts at client_x/client_y',
    ]);
    expect(warnings('hover', '{ selector: "" }')).toEqual([
      't.yaml:12:39: warning: data.groups[0].steps[0]: hover has no action_details.selector; without client_x/client_y either, it fails with SELECTOR_REQUIRED when run',
    ]);
  });

  it('rejects unknown action_details fields and warns about fields of other actions', () => {
    const steps = `        - action: click\n          action_details: { selector: a, url: "https://x", selectr: b }\n`;
    const { diagnostics } = parseBundle([source('t.yaml', testWithSteps(steps))]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      't.yaml:12:42: warning: data.groups[0].steps[0]: action_details.url is not used by click',
      't.yaml:12:60: data.groups[0].steps[0].action_details: unknown property "selectr" (did you mean "selector"?)',
    ]);
  });

  it("type-checks the fields of the step's own action", () => {
    expect(stepErrors('select', '{ selector: a, select_type: label, value: x }')).toEqual([
      '12:55 step.action_details.select_type: must be one of text, value, index (got "label")',
    ]);
  });
});

describe('waiting conditions and conditional steps', () => {
  it('rejects unknown waiting condition names, suggesting the closest', () => {
    const extra = `          waiting_conditions:\n            - condition: documentComplete\n            - condition: elementIsVisable\n`;
    expect(stepErrors('click', '{ selector: a }', extra)).toEqual([
      '15:26 step.waiting_conditions[1].condition: unknown waiting condition "elementIsVisable" (did you mean "elementIsVisible"? known: documentComplete, elementIsVisible, elementIsNotCovered, elementIsNotAnimating, elementIsNotDisabled, elementHasFocus, elementHasAttribute, networkIdle, pageNavigationAfterExecution)',
    ]);
  });

  it('allows conditional_steps only on ifCondition, and validates the ones it has', () => {
    const extra = `          conditional_steps:\n            - action: goto\n              action_details: {}\n`;
    expect(stepErrors('click', '{ selector: a }', extra)).toEqual(['13:11 step: conditional_steps are only allowed on ifCondition steps (this step is click)']);
    expect(stepErrors('ifCondition', '{ assertion_property: pageTitle, assertion_type: any }', extra)).toEqual([
      '15:31 step.conditional_steps[0]: goto requires action_details.url',
    ]);
  });

  it('rejects two inline groups with one slug (their step ids would collide)', () => {
    const text = `${testWithSteps('        - action: goBack\n          action_details: {}\n')}    - group_name: 'Again'\n      slug: 'g'\n`;
    const { diagnostics } = parseBundle([source('t.yaml', text)]);
    expect(errorLines(diagnostics)).toEqual(['14:13 data.groups[1].slug: duplicate group slug "g" (also used by data.groups[0])']);
  });

  it('checks project-level waiting conditions', () => {
    const text = `schema_version: '1.0'
schema_type: project
data:
  name: P
  homepage_url: null
  settings:
    general: { timezone: UTC, default_local_run_timeout: 5, default_cloud_run_timeout: 5, default_sleep: 0, close_windows_on_successful_test_run: true, capture_dom_on_failure: false, collecting_logs: disabled }
    browser: { incognito_mode: true }
    screen_sizes: { desktop: { width: 1, height: 2 }, mobile: { width: 1, height: 2 } }
    selectors: { generation_mode: automatic, non_semantic_classes_enabled: false }
    waiting_conditions:
      - condition: pageLoaded
`;
    const { diagnostics } = parseBundle([source('p.yaml', text)]);
    expect(errorLines(diagnostics)).toHaveLength(1);
    expect(errorLines(diagnostics)[0]).toMatch(/^12:20 data\.settings\.waiting_conditions\[0\]\.condition: unknown waiting condition "pageLoaded"/);
  });
});

describe('suite settings', () => {
  const suite = (autoRetry: number) =>
    `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: S\n  suite_settings:\n    run_in_parallel: false\n    auto_retry: ${autoRetry}\n    auto_add_new_tests: false\n  tests:\n    - test_source: t\n`;

  it('refuses auto_retry above 5, located at its value', () => {
    const { diagnostics } = parseBundle([source('s.yaml', suite(6))]);
    expect(errorLines(diagnostics)).toEqual(['7:17 data.suite_settings.auto_retry: must be between 0 and 5, not 6']);
  });

  it('accepts 0 to 5', () => {
    for (const n of [0, 5]) expect(errorLines(parseBundle([source('s.yaml', suite(n))]).diagnostics)).toEqual([]);
  });
});

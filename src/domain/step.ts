/** The step language of BugBug YAML v1 (schema `StepType` and friends). */
export const STEP_ACTIONS = [
  'goto',
  'goBack',
  'goForward',
  'type',
  'click',
  'dblClick',
  'rightClick',
  'mouseDown',
  'mouseUp',
  'clear',
  'change',
  'assert',
  'hover',
  'execute',
  'select',
  'scroll',
  'newTab',
  'switchContext',
  'closeTab',
  'uploadFile',
  'dragAndDrop',
  'answerPrompt',
  'setLocalVariable',
  'reloadPage',
  'pasteFromClipboard',
  'ifCondition',
  'elementVisualRegression',
  'pageVisualRegression',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const ASSERTION_PROPERTIES = [
  'checked',
  'count',
  'customJavaScript',
  'exist',
  'notChecked',
  'notExist',
  'notVisible',
  'textContent',
  'value',
  'visible',
  'pageTitle',
  'pageShowsText',
  'pageDoesNotShowText',
  'pageUrlIs',
  'downloadStarted',
  'variableValue',
  'clipboardValue',
  'disabled',
  'notDisabled',
] as const;
export type AssertionProperty = (typeof ASSERTION_PROPERTIES)[number];

export const ASSERTION_TYPES = ['contain', 'equal', 'greaterThan', 'lessThan', 'match', 'notContain', 'notEqual', 'any'] as const;
export type AssertionType = (typeof ASSERTION_TYPES)[number];

export const WAITING_CONDITIONS = [
  'documentComplete',
  'elementIsVisible',
  'elementIsNotCovered',
  'elementIsNotAnimating',
  'elementIsNotDisabled',
  'elementHasFocus',
  'elementHasAttribute',
  'networkIdle',
  'pageNavigationAfterExecution',
] as const;
export type WaitingConditionName = (typeof WAITING_CONDITIONS)[number];

export type InteractionPosition =
  'smart' | 'custom' | 'topLeft' | 'topCenter' | 'topRight' | 'middleLeft' | 'middleCenter' | 'middleRight' | 'bottomLeft' | 'bottomCenter' | 'bottomRight';

/**
 * `action_details` of a step, with YAML v1 field names. Which fields apply depends on the action;
 * definitions/ checks that at import, so the runner can rely on the required ones being present.
 */
export interface ActionDetails {
  selector?: string | null;
  drop_selector?: string | null;
  // goto
  url?: string;
  username?: string | null;
  password?: string | null;
  // type, change, answerPrompt, select, setLocalVariable (value source)
  value?: string | null;
  has_secret_value?: boolean;
  // assert, ifCondition
  assertion_property?: AssertionProperty;
  assertion_type?: AssertionType;
  assertion_expected_value?: string | number | boolean | null;
  assertion_java_script?: string | null;
  assertion_variable_name?: string | null;
  // mouse actions
  interaction_position?: InteractionPosition;
  client_x?: number | null;
  client_y?: number | null;
  modifier_keys?: string[] | null;
  // execute, setLocalVariable (evaluate source)
  code?: string | null;
  // select
  select_type?: 'text' | 'value' | 'index';
  select_is_multiple?: boolean;
  // setLocalVariable
  local_variable_name?: string;
  local_variable_source?: 'element' | 'value' | 'evaluate';
  is_target_document?: boolean;
  // scroll
  scroll_inside?: 'window' | 'element';
  scroll_to?: 'coords' | 'edge' | 'untilNextStepElementIsVisible' | 'elementIntoView';
  scroll_x?: number | null;
  scroll_y?: number | null;
  scroll_edge?: Exclude<InteractionPosition, 'smart' | 'custom'> | null;
  scroll_direction?: 'down' | 'up' | 'right' | 'left' | null;
  // switchContext, newTab
  tab_no?: number | null;
  window_no?: number | null;
  frame_no?: number | null;
  frame_src?: string | null;
  frame_is_root?: boolean;
  // uploadFile
  project_artifact_id?: string | null;
  file_source?: string | null;
  // dragAndDrop
  dnd_drag_on?: 'coords' | 'element' | null;
  dnd_drag_x?: number | null;
  dnd_drag_y?: number | null;
  dnd_drop_on?: 'coords' | 'element' | null;
  dnd_drop_interaction_position?: InteractionPosition;
  dnd_drop_x?: number | null;
  dnd_drop_y?: number | null;
  // visual regression
  visual_regression_max_diff?: number | null;
  visual_regression_ref_screenshots?: unknown[] | null;
}

export interface WaitingCondition {
  condition: WaitingConditionName;
  /** e.g. networkIdle's max pending requests, elementHasAttribute's `key="value"`. */
  expected: string | null;
  /** Seconds; null = the shared budget. */
  timeout: number | null;
  isActive: boolean;
}

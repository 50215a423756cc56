import type { AssertionProperty, StepAction } from '../domain/index.js';

/**
 * Whether a step of an action points at an element with `action_details.selector`. `pointer`: it
 * should, but a step without one acts at its `client_x`/`client_y` (BugBug: "selector omissions
 * are warnings"), so a missing selector is a warning.
 */
export type SelectorUse = 'required' | 'pointer' | 'conditional' | 'none';

export interface ActionRule {
  /**
   * Titles of the schema's per-action config objects (inside `ActionDetailsSchema`) whose fields
   * this action reads. The schema lists those configs as an `anyOf` that also accepts any object,
   * so it cannot tell a `goto` without `url` from a valid step: these rules can.
   */
  configs: readonly string[];
  /** `conditional`: depends on other fields; checked case by case in semantic validation. */
  selector: SelectorUse;
}

const MOUSE: ActionRule = { configs: ['MouseActionConfigSchema'], selector: 'pointer' };

export const ACTION_RULES: Record<StepAction, ActionRule> = {
  goto: { configs: ['GotoConfigSchema'], selector: 'none' },
  goBack: { configs: [], selector: 'none' },
  goForward: { configs: [], selector: 'none' },
  reloadPage: { configs: [], selector: 'none' },
  // A new tab may open a URL and is numbered like the tabs switchContext addresses.
  newTab: { configs: ['GotoConfigSchema', 'SwitchContextConfigSchema'], selector: 'none' },
  closeTab: { configs: ['SwitchContextConfigSchema'], selector: 'none' },
  // `value: iframe` switches into the frame element the selector finds.
  switchContext: { configs: ['SwitchContextConfigSchema'], selector: 'conditional' },
  click: MOUSE,
  dblClick: MOUSE,
  rightClick: MOUSE,
  hover: MOUSE,
  mouseDown: MOUSE,
  mouseUp: MOUSE,
  type: { configs: ['TypeConfigSchema'], selector: 'required' },
  clear: { configs: [], selector: 'required' },
  change: { configs: ['ChangeConfigSchema'], selector: 'required' },
  select: { configs: ['SelectConfigSchema'], selector: 'required' },
  uploadFile: { configs: ['UploadFileConfigSchema'], selector: 'required' },
  elementVisualRegression: { configs: ['VisualRegressionConfigSchema'], selector: 'required' },
  pageVisualRegression: { configs: ['VisualRegressionConfigSchema'], selector: 'none' },
  dragAndDrop: { configs: ['DragAndDropConfigSchema'], selector: 'conditional' },
  assert: { configs: ['AssertConfigSchema'], selector: 'conditional' },
  ifCondition: { configs: ['IfConditionConfigSchema'], selector: 'conditional' },
  execute: { configs: ['ExecuteConfigSchema'], selector: 'none' },
  scroll: { configs: ['ScrollConfigSchema'], selector: 'conditional' },
  answerPrompt: { configs: ['AnswerPromptConfigSchema'], selector: 'none' },
  setLocalVariable: { configs: ['SetLocalVariableConfigSchema'], selector: 'conditional' },
  // Pastes into the focused element, or into the element the selector finds.
  pasteFromClipboard: { configs: [], selector: 'conditional' },
};

/** Fields every action_details may carry (the schema's shared part). */
export const COMMON_DETAIL_FIELDS = ['selector', 'drop_selector'] as const;

/** Assertion properties that read an element, so the step needs a selector. */
export const ELEMENT_ASSERTION_PROPERTIES: ReadonlySet<AssertionProperty> = new Set<AssertionProperty>([
  'checked',
  'count',
  'exist',
  'notChecked',
  'notExist',
  'notVisible',
  'textContent',
  'value',
  'visible',
  'disabled',
  'notDisabled',
]);

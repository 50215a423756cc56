import { STEP_ACTIONS, WAITING_CONDITIONS } from '../domain/index.js';
import type { AssertionProperty, StepAction } from '../domain/index.js';
import { ACTION_RULES, COMMON_DETAIL_FIELDS, ELEMENT_ASSERTION_PROPERTIES } from './action-rules.js';
import type { Path } from './locate.js';
import { formatPath } from './locate.js';
import { describeValue, error, oneOf, warning } from './problem.js';
import type { Problem } from './problem.js';
import { preparedSchema } from './schema-load.js';
import { closest } from './suggest.js';
import type { SchemaType } from './types.js';

/**
 * Checks the JSON schema cannot express: what each action needs in `action_details`, waiting
 * condition names, where conditional steps may appear, slugs unique within a document. Runs on
 * schema-invalid data too (so one pass shows every problem), hence the defensive type checks; it
 * only reports presence and meaning, never types, so it does not repeat schema messages.
 */
export function semanticProblems(kind: SchemaType, data: unknown): Problem[] {
  const out: Problem[] = [];
  if (!isRecord(data)) return out;
  const root: Path = ['data'];
  switch (kind) {
    case 'test':
      checkGroups(data.groups, [...root, 'groups'], out);
      break;
    case 'component':
      checkSteps(data.steps, [...root, 'steps'], out);
      break;
    case 'profile':
      checkProfileVariables(data.variables, [...root, 'variables'], out);
      break;
    case 'project':
      if (isRecord(data.settings)) {
        checkWaitingConditions(data.settings.waiting_conditions, [...root, 'settings', 'waiting_conditions'], out);
      }
      break;
    case 'suite':
      checkSuiteTests(data.tests, [...root, 'tests'], out);
      if (isRecord(data.suite_settings)) checkAutoRetry(data.suite_settings.auto_retry, [...root, 'suite_settings', 'auto_retry'], out);
      break;
  }
  return out;
}

function checkGroups(groups: unknown, path: Path, out: Problem[]): void {
  if (!Array.isArray(groups)) return;
  const slugs = new Map<string, number>();
  groups.forEach((group: unknown, i) => {
    const at: Path = [...path, i];
    if (!isRecord(group)) return;
    if ('component_source' in group) {
      if (typeof group.component_source === 'string' && group.component_source.trim() === '') {
        out.push(error([...at, 'component_source'], `${formatPath('', at)}.component_source: must not be empty`));
      }
      return;
    }
    if (typeof group.slug === 'string') {
      // Inline group slugs name the group's step ids, so two groups must not share one.
      const first = slugs.get(group.slug);
      if (group.slug.trim() === '') {
        out.push(error([...at, 'slug'], `${formatPath('', at)}.slug: must not be empty`));
      } else if (first !== undefined) {
        out.push(error([...at, 'slug'], `${formatPath('', at)}.slug: duplicate group slug "${group.slug}" (also used by ${formatPath('', [...path, first])})`));
      } else {
        slugs.set(group.slug, i);
      }
    }
    checkSteps(group.steps, [...at, 'steps'], out);
  });
}

function checkSteps(steps: unknown, path: Path, out: Problem[]): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step: unknown, i) => {
    if (isRecord(step)) checkStep(step, [...path, i], out);
  });
}

function checkStep(step: Record<string, unknown>, at: Path, out: Problem[]): void {
  const where = formatPath('', at);
  checkWaitingConditions(step.waiting_conditions, [...at, 'waiting_conditions'], out);
  const action = isAction(step.action) ? step.action : null;

  if (Array.isArray(step.conditional_steps)) {
    if (action === 'ifCondition') {
      checkSteps(step.conditional_steps, [...at, 'conditional_steps'], out);
    } else if (step.conditional_steps.length > 0 && action !== null) {
      out.push(error([...at, 'conditional_steps'], `${where}: conditional_steps are only allowed on ifCondition steps (this step is ${action})`, 'key'));
    }
  }
  if (action === null || !isRecord(step.action_details)) return;
  checkDetails(action, step.action_details, [...at, 'action_details'], where, out);
}

function checkDetails(action: StepAction, details: Record<string, unknown>, at: Path, where: string, out: Problem[]): void {
  const { configFields, allDetailFields, nonNullFields } = preparedSchema();
  const rule = ACTION_RULES[action];
  const own = new Set<string>(rule.configs.flatMap((title) => configFields.get(title) ?? []));
  const nonNull = new Set<string>(rule.configs.flatMap((title) => [...(nonNullFields.get(title) ?? [])]));

  // Fields of another action are a sign of a mislabelled step; unknown fields are typos.
  for (const [field, value] of Object.entries(details)) {
    if (own.has(field) || (field === 'drop_selector' && action === 'dragAndDrop')) continue;
    if ((COMMON_DETAIL_FIELDS as readonly string[]).includes(field)) {
      if (rule.selector === 'none' && field === 'selector' && isGiven(value)) {
        out.push(warning([...at, field], `${where}: action_details.selector is not used by ${action}`, 'key'));
      }
      continue;
    }
    if (allDetailFields.has(field)) {
      if (isGiven(value)) out.push(warning([...at, field], `${where}: action_details.${field} is not used by ${action}`, 'key'));
      continue;
    }
    const hint = closest(field, [...own, ...COMMON_DETAIL_FIELDS]);
    const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
    out.push(error([...at, field], `${where}.action_details: unknown property "${field}"${suggestion}`, 'key'));
  }

  const missing = (field: string, why = ''): void => {
    out.push(error(at, `${where}: ${action} requires action_details.${field}${why}`));
  };
  // An empty string is a real value to type or answer, but no URL, code or name. A null where the
  // schema does not allow one is already reported by the schema check.
  const need = (field: string, why = ''): void => {
    const value = details[field];
    if (value === null && nonNull.has(field)) return;
    const given = field === 'value' ? value !== undefined && value !== null : isGiven(value);
    if (!given) missing(field, why);
  };

  const needsSelector = selectorRequired(action, details);
  const noSelector = typeof details.selector === 'string' ? details.selector.trim() === '' : !isGiven(details.selector);
  if (rule.selector === 'pointer' && noSelector) {
    const at2 = details.selector === undefined ? at : [...at, 'selector'];
    const coords = typeof details.client_x === 'number' && typeof details.client_y === 'number';
    const then = coords ? 'it acts at client_x/client_y' : 'without client_x/client_y either, it fails with SELECTOR_REQUIRED when run';
    out.push(warning(at2, `${where}: ${action} has no action_details.selector; ${then}`));
  } else if (needsSelector.required) {
    if (typeof details.selector === 'string' && details.selector.trim() === '') {
      out.push(error([...at, 'selector'], `${where}: action_details.selector must not be empty`));
    } else {
      need('selector', needsSelector.why);
    }
  } else if (rule.selector !== 'none' && rule.selector !== 'pointer' && typeof details.selector === 'string' && details.selector.trim() === '') {
    out.push(error([...at, 'selector'], `${where}: action_details.selector must not be empty`));
  }

  switch (action) {
    case 'goto':
      need('url');
      break;
    case 'type':
    case 'answerPrompt':
      need('value');
      break;
    case 'select':
      need('select_type');
      need('value');
      break;
    case 'execute':
      need('code');
      break;
    case 'assert':
    case 'ifCondition': {
      need('assertion_property');
      need('assertion_type');
      const property = details.assertion_property;
      if (property === 'variableValue') need('assertion_variable_name', ' (assertion_property is variableValue)');
      if (property === 'customJavaScript') need('assertion_java_script', ' (assertion_property is customJavaScript)');
      break;
    }
    case 'setLocalVariable': {
      need('local_variable_name');
      need('local_variable_source');
      const source = details.local_variable_source;
      if (source === 'value') need('value', ' (local_variable_source is value)');
      if (source === 'evaluate') need('code', ' (local_variable_source is evaluate)');
      break;
    }
    case 'scroll':
      need('scroll_inside');
      need('scroll_to');
      break;
    case 'switchContext':
      if (!['tab_no', 'frame_no', 'frame_src', 'value'].some((f) => isGiven(details[f]))) {
        missing('tab_no, frame_no, frame_src or value');
      }
      break;
    case 'dragAndDrop':
      if (details.dnd_drop_on === 'coords') {
        if (!isGiven(details.dnd_drop_x) || !isGiven(details.dnd_drop_y)) {
          missing('dnd_drop_x and dnd_drop_y', ' (dnd_drop_on is coords)');
        }
      } else if (typeof details.drop_selector === 'string' && details.drop_selector.trim() === '') {
        out.push(error([...at, 'drop_selector'], `${where}: action_details.drop_selector must not be empty`));
      } else if (!isGiven(details.drop_selector)) {
        missing('drop_selector', ' (the drop target; or set dnd_drop_on: coords with dnd_drop_x/dnd_drop_y)');
      }
      if (details.dnd_drag_on === 'coords' && (!isGiven(details.dnd_drag_x) || !isGiven(details.dnd_drag_y))) {
        missing('dnd_drag_x and dnd_drag_y', ' (dnd_drag_on is coords)');
      }
      break;
    default:
      break;
  }
}

/** Whether this step must name an element, and why when that depends on another field. */
function selectorRequired(action: StepAction, details: Record<string, unknown>): { required: boolean; why: string } {
  const rule = ACTION_RULES[action];
  if (rule.selector === 'required') return { required: true, why: '' };
  if (rule.selector === 'none') return { required: false, why: '' };
  switch (action) {
    case 'assert':
    case 'ifCondition': {
      const property = details.assertion_property;
      const elementBased = typeof property === 'string' && ELEMENT_ASSERTION_PROPERTIES.has(property as AssertionProperty);
      return { required: elementBased, why: elementBased ? ` (assertion_property ${property} reads an element)` : '' };
    }
    case 'setLocalVariable':
      return details.local_variable_source === 'element' ? { required: true, why: ' (local_variable_source is element)' } : { required: false, why: '' };
    case 'scroll':
      if (details.scroll_inside === 'element') return { required: true, why: ' (scroll_inside is element)' };
      if (details.scroll_to === 'elementIntoView') return { required: true, why: ' (scroll_to is elementIntoView)' };
      return { required: false, why: '' };
    case 'dragAndDrop':
      return details.dnd_drag_on === 'coords' ? { required: false, why: '' } : { required: true, why: ' (the element to drag; or set dnd_drag_on: coords)' };
    default:
      return { required: false, why: '' };
  }
}

export function checkWaitingConditions(conditions: unknown, path: Path, out: Problem[]): void {
  if (!Array.isArray(conditions)) return;
  conditions.forEach((condition: unknown, i) => {
    if (!isRecord(condition) || typeof condition.condition !== 'string') return;
    if ((WAITING_CONDITIONS as readonly string[]).includes(condition.condition)) return;
    const at: Path = [...path, i, 'condition'];
    const hint = closest(condition.condition, WAITING_CONDITIONS);
    const suggestion = hint ? `did you mean "${hint}"? ` : '';
    out.push(
      error(at, `${formatPath('', at)}: unknown waiting condition ${describeValue(condition.condition)} (${suggestion}known: ${oneOf(WAITING_CONDITIONS)})`),
    );
  });
}

function checkProfileVariables(variables: unknown, path: Path, out: Problem[]): void {
  if (!Array.isArray(variables)) return;
  const keys = new Map<string, number>();
  variables.forEach((variable: unknown, i) => {
    if (!isRecord(variable) || typeof variable.key !== 'string') return;
    const at: Path = [...path, i, 'key'];
    const first = keys.get(variable.key);
    if (first !== undefined) {
      out.push(error(at, `${formatPath('', at)}: duplicate variable key "${variable.key}" (also ${formatPath('', [...path, first])})`));
      return;
    }
    keys.set(variable.key, i);
    // `{{name}}` only matches letters, digits and underscores, so other keys could never be used.
    if (!/^[A-Za-z0-9_]+$/.test(variable.key)) {
      out.push(warning(at, `${formatPath('', at)}: variable key "${variable.key}" cannot be referenced as {{${variable.key}}}; use letters, digits and _`));
    }
  });
}

function checkSuiteTests(tests: unknown, path: Path, out: Problem[]): void {
  if (!Array.isArray(tests)) return;
  const seen = new Set<string>();
  tests.forEach((test: unknown, i) => {
    if (!isRecord(test) || typeof test.test_source !== 'string') return;
    const at: Path = [...path, i, 'test_source'];
    if (test.test_source.trim() === '') out.push(error(at, `${formatPath('', at)}: must not be empty`));
    else if (seen.has(test.test_source)) out.push(warning(at, `${formatPath('', at)}: test "${test.test_source}" is listed twice`));
    seen.add(test.test_source);
  });
}

/** BugBug retries a failed test of a suite at most five times. */
export const MAX_AUTO_RETRY = 5;

function checkAutoRetry(value: unknown, at: Path, out: Problem[]): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) return;
  if (value < 0 || value > MAX_AUTO_RETRY) out.push(error(at, `${formatPath('', at)}: must be between 0 and ${MAX_AUTO_RETRY}, not ${value}`));
}

function isAction(value: unknown): value is StepAction {
  return typeof value === 'string' && (STEP_ACTIONS as readonly string[]).includes(value);
}

/** Present with a usable value: not absent, not null, not an empty string. */
function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

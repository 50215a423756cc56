import type { Locator, Page } from 'playwright-core';
import type { PlanStep, RunSettings, StepAction, WaitingCondition, WaitingConditionName, WaitingConditionResult } from '../domain/index.js';
import { elementProbe, type ProbePart, type ProbeResult, type ProbeWant } from './condition-probe.js';
import { fastProbe, plainChain } from './fast-probe.js';
import { StepError, isSelectorSyntaxError, isTargetClosedError, isTimeoutError } from './errors.js';
import type { StepContext } from './step-context.js';
import { within } from './timing.js';

/** How often unmet conditions are checked again. */
const POLL_MS = 50;
/** networkIdle: the pending count must stay at or below the maximum this long (docs/bugbug-compatibility.md §5). */
export const IDLE_HOLD_MS = 1_000;
const DEFAULT_MAX_PENDING = 2;
const READY_STATE_LIMIT_MS = 500;

/** Steps that act on an element: they get elementIsVisible and elementIsNotCovered by default. */
const ELEMENT_STEPS: ReadonlySet<StepAction> = new Set<StepAction>([
  'click',
  'dblClick',
  'rightClick',
  'mouseDown',
  'mouseUp',
  'hover',
  'type',
  'clear',
  'select',
  'dragAndDrop',
  'scroll',
  'elementVisualRegression',
]);
/** Steps that interact with an element: they also wait until it stands still and is enabled. */
const INTERACTIVE_STEPS: ReadonlySet<StepAction> = new Set<StepAction>([
  'click',
  'dblClick',
  'rightClick',
  'mouseDown',
  'mouseUp',
  'type',
  'clear',
  'select',
  'dragAndDrop',
]);
/** Steps that type into their element: they check it took the focus (BugBug's type/change). */
const FOCUS_STEPS: ReadonlySet<StepAction> = new Set<StepAction>(['type']);

const ELEMENT_CONDITIONS: ReadonlySet<WaitingConditionName> = new Set<WaitingConditionName>([
  'elementIsVisible',
  'elementIsNotCovered',
  'elementIsNotAnimating',
  'elementIsNotDisabled',
  'elementHasFocus',
  'elementHasAttribute',
]);
const NEVER_ON_GOTO: ReadonlySet<WaitingConditionName> = new Set<WaitingConditionName>(['networkIdle', 'pageNavigationAfterExecution']);

function wc(condition: WaitingConditionName, expected: string | null = null): WaitingCondition {
  return { condition, expected, timeout: null, isActive: true };
}

/** Bugrun's default set per step type (docs/bugbug-compatibility.md §5, design). */
export function defaultConditions(action: StepAction): WaitingCondition[] {
  const list = [wc('documentComplete')];
  if (action !== 'goto') list.push(wc('networkIdle', String(DEFAULT_MAX_PENDING)));
  if (ELEMENT_STEPS.has(action)) list.push(wc('elementIsVisible'), wc('elementIsNotCovered'));
  if (INTERACTIVE_STEPS.has(action)) list.push(wc('elementIsNotAnimating'), wc('elementIsNotDisabled'));
  if (FOCUS_STEPS.has(action)) list.push(wc('elementHasFocus'));
  return list;
}

/** Whether a project-level condition applies to a step type (step-level entries always apply). */
function appliesByDefault(condition: WaitingConditionName, action: StepAction): boolean {
  switch (condition) {
    case 'documentComplete':
      return true;
    case 'networkIdle':
    case 'pageNavigationAfterExecution':
      return action !== 'goto';
    case 'elementIsNotAnimating':
    case 'elementIsNotDisabled':
      return INTERACTIVE_STEPS.has(action);
    case 'elementHasFocus':
      return FOCUS_STEPS.has(action);
    default:
      return ELEMENT_STEPS.has(action);
  }
}

function hasSelector(step: PlanStep): boolean {
  return typeof step.details.selector === 'string' && step.details.selector.trim() !== '';
}

/**
 * The conditions a step waits for. A step's own `waiting_conditions` list is its whole set: it
 * replaces the defaults (BugBug: "a partial payload silently replaces the whole set"), so an empty
 * list, or one whose entries are all inactive, means none. Without a list, two layers merge by
 * condition name, the later winning: the defaults of the step type, then the project's list
 * (entries for conditions that do not fit the step type are ignored). `isActive: false` switches
 * a condition off. networkIdle and pageNavigationAfterExecution never apply to goto, and element
 * conditions need a selector.
 */
export function conditionsFor(step: PlanStep, settings: RunSettings): WaitingCondition[] {
  let conditions = step.waitingConditions;
  if (conditions === null) {
    const merged = new Map<WaitingConditionName, WaitingCondition>();
    for (const c of defaultConditions(step.action)) merged.set(c.condition, c);
    for (const c of settings.waitingConditions ?? []) {
      if (appliesByDefault(c.condition, step.action)) merged.set(c.condition, c);
    }
    conditions = [...merged.values()];
  }
  return conditions.filter(
    (c) => c.isActive && !(step.action === 'goto' && NEVER_ON_GOTO.has(c.condition)) && (!ELEMENT_CONDITIONS.has(c.condition) || hasSelector(step)),
  );
}

/** Conditions share 70 % of a step timeout ≤ 10 s, else 50 % (docs/bugbug-compatibility.md §5). */
export function conditionsBudgetMs(stepTimeoutMs: number): number {
  return Math.floor(stepTimeoutMs * (stepTimeoutMs <= 10_000 ? 0.7 : 0.5));
}

export interface ConditionsOutcome {
  results: WaitingConditionResult[];
  /** Some condition ran out of time; the action is performed anyway. */
  unmet: WaitingConditionResult[];
}

export interface ConditionsRun extends ConditionsOutcome {
  /** Checks the conditions that follow the action (pageNavigationAfterExecution) with the budget left. */
  afterAction(): Promise<ConditionsOutcome>;
}

/** Results of a step whose action went through after its conditions ran out: soft successes. */
export function softened(results: WaitingConditionResult[]): WaitingConditionResult[] {
  return results.map((r) => (r.isSuccess ? r : { ...r, isSoftSuccess: true }));
}

const NONE: ConditionsOutcome = { results: [], unmet: [] };

/**
 * Waits for the step's conditions before its action, all polled together within their shared
 * budget (each also within its own `timeout`), and returns their results plus the check that runs
 * after the action. When the budget runs out the caller acts anyway.
 */
export async function awaitConditions(ctx: StepContext, conditions: WaitingCondition[]): Promise<ConditionsRun> {
  const t0 = Date.now();
  const budgetEnd = Math.min(ctx.deadline, t0 + conditionsBudgetMs(ctx.record.timeout));
  const before = conditions.filter((c) => c.condition !== 'pageNavigationAfterExecution');
  const after = conditions.filter((c) => c.condition === 'pageNavigationAfterExecution');
  const results = before.length > 0 ? await pollBefore(ctx, before, t0, budgetEnd) : [];
  const left = Math.max(0, budgetEnd - Date.now());
  const page = ctx.page;
  const network = ctx.session.network;
  const mark = { navigations: network.activity(page).navigations, pages: network.openedPages() };
  return {
    results,
    unmet: results.filter((r) => !r.isSuccess),
    afterAction: () => (after.length > 0 ? checkNavigation(ctx, after, page, mark, left) : Promise.resolve(NONE)),
  };
}

interface Slot {
  cond: WaitingCondition;
  /** Epoch ms when this condition is given up: its own timeout or the shared budget. */
  until: number;
  ok: boolean;
  givenUp: boolean;
  expected: string | null;
  current: string | null;
}

function result(s: Slot): WaitingConditionResult {
  return { type: s.cond.condition, expected: s.expected, current: s.current, isSuccess: s.ok, isSoftSuccess: false };
}

const DESCRIBED: Partial<Record<WaitingConditionName, string>> = {
  documentComplete: 'complete',
  elementIsVisible: 'visible',
  elementIsNotCovered: 'not covered',
  elementIsNotAnimating: 'not animating',
  elementIsNotDisabled: 'enabled',
  elementHasFocus: 'focused',
  pageNavigationAfterExecution: 'navigation',
};

function maxPending(cond: WaitingCondition): number {
  const n = Number.parseInt(cond.expected ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_MAX_PENDING;
}

/** elementHasAttribute's expected value: `key="value"`, `key='value'`, `key=value` or just `key`. */
export function parseAttributeExpectation(expected: string | null): { name: string; value: string | null } | null {
  const m = /^\s*([^\s="']+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|(.*?)))?\s*$/s.exec(expected ?? '');
  if (!m?.[1]) return null;
  return { name: m[1], value: m[2] ?? m[3] ?? m[4] ?? null };
}

/** Playwright's `load` state, watched without a round trip per poll. */
class LoadWatch {
  done = false;
  error: unknown = null;

  constructor(page: Page, until: number) {
    page.waitForLoadState('load', { timeout: Math.max(1, until - Date.now()) }).then(
      () => {
        this.done = true;
      },
      (e: unknown) => {
        if (!isTimeoutError(e)) this.error = e;
      },
    );
  }
}

interface ProbeTarget {
  loc: Locator;
  description: string;
  /** Fast path: a plain chain in the tab's top document, resolved by the probe itself. */
  fast: ProbePart[] | null;
}

/** What the element conditions look at; null when the selector cannot be used (the action reports why). */
function probeTarget(ctx: StepContext): ProbeTarget | null {
  try {
    const fast = plainChain(ctx);
    const { loc, description } = ctx.locator();
    return { loc, description, fast };
  } catch (e) {
    if (e instanceof StepError) return null;
    throw e;
  }
}

const NOT_FOUND_TEXT = 'element not found';

/** One evaluation of every element condition. 'invalid' = the selector is malformed; null = no answer. */
async function probe(ctx: StepContext, target: ProbeTarget, want: ProbeWant, until: number): Promise<ProbeResult | 'invalid' | null> {
  const limit = Math.max(1, until - Date.now());
  try {
    if (target.fast) {
      const fast = await within(
        fastProbe(ctx, target.fast, want).catch((e: unknown) => {
          if (isTargetClosedError(e)) throw e;
          // Navigating, or the session is being replaced: Playwright's path copes with both.
          return null;
        }),
        limit,
        null,
      );
      if (fast?.found) return fast;
      if (fast?.unsupported) target.fast = null;
      // Not found by plain CSS/XPath: Playwright's engines (shadow DOM, extensions) may still find it.
    }
    const found = await within(target.loc.evaluateAll<ProbeResult, ProbeWant>(elementProbe, want), Math.max(1, until - Date.now()), null);
    // The fast path missed what Playwright finds: stop asking it for this step.
    if (found?.found) target.fast = null;
    return found;
  } catch (e) {
    if (isSelectorSyntaxError(e)) return 'invalid';
    if (isTargetClosedError(e)) throw e;
    // A navigation destroyed the context mid-evaluation: not yet.
    return null;
  }
}

function applyProbe(s: Slot, r: ProbeResult): void {
  if (!r.found) {
    s.ok = false;
    s.current = NOT_FOUND_TEXT;
    return;
  }
  switch (s.cond.condition) {
    case 'elementIsVisible':
      s.ok = r.visible;
      s.current = r.visible ? 'visible' : 'hidden';
      break;
    case 'elementIsNotCovered':
      s.ok = r.visible && r.coveredBy === null;
      s.current = !r.visible ? 'hidden' : r.coveredBy ? `covered by ${r.coveredBy}` : 'not covered';
      break;
    case 'elementIsNotAnimating':
      s.ok = !r.animating;
      s.current = r.animating ? 'animating' : 'not animating';
      break;
    case 'elementIsNotDisabled':
      s.ok = !r.disabled;
      s.current = r.disabled ? 'disabled' : 'enabled';
      break;
    case 'elementHasFocus':
      s.ok = r.focused;
      s.current = r.focused ? 'focused' : 'not focused';
      break;
    case 'elementHasAttribute': {
      const exp = parseAttributeExpectation(s.cond.expected);
      if (!exp) break;
      s.ok = r.attribute !== null && (exp.value === null || r.attribute === exp.value);
      s.current = r.attribute === null ? `no ${exp.name} attribute` : `${exp.name}="${r.attribute}"`;
      break;
    }
    default:
      break;
  }
}

async function pollBefore(ctx: StepContext, conditions: WaitingCondition[], t0: number, budgetEnd: number): Promise<WaitingConditionResult[]> {
  const page = ctx.page;
  const activity = ctx.session.network.activity(page);
  let slots: Slot[] = conditions.map((cond) => ({
    cond,
    until: cond.timeout != null ? Math.min(budgetEnd, t0 + Math.max(0, cond.timeout) * 1000) : budgetEnd,
    ok: false,
    givenUp: false,
    expected:
      cond.condition === 'networkIdle'
        ? String(maxPending(cond))
        : cond.condition === 'elementHasAttribute'
          ? cond.expected
          : (DESCRIBED[cond.condition] ?? cond.expected),
    current: null,
  }));

  let target: ProbeTarget | null = null;
  if (slots.some((s) => ELEMENT_CONDITIONS.has(s.cond.condition))) {
    target = probeTarget(ctx);
    // A selector that cannot be used fails the action with the precise code; no point waiting on it.
    if (!target) slots = slots.filter((s) => !ELEMENT_CONDITIONS.has(s.cond.condition));
  }
  for (const s of slots) {
    if (s.cond.condition === 'elementHasAttribute' && !parseAttributeExpectation(s.cond.expected)) {
      s.givenUp = true;
      s.current = 'no attribute given';
    }
  }
  const docSlot = slots.find((s) => s.cond.condition === 'documentComplete');
  const load = docSlot ? new LoadWatch(page, docSlot.until) : null;

  for (;;) {
    const live = slots.filter((s) => !s.givenUp);
    const elementLive = live.filter((s) => ELEMENT_CONDITIONS.has(s.cond.condition));
    const want: ProbeWant = {
      notCovered: elementLive.some((s) => s.cond.condition === 'elementIsNotCovered'),
      notAnimating: elementLive.some((s) => s.cond.condition === 'elementIsNotAnimating'),
      focus: elementLive.some((s) => s.cond.condition === 'elementHasFocus'),
      attribute: parseAttributeExpectation(elementLive.find((s) => s.cond.condition === 'elementHasAttribute')?.cond.expected ?? null)?.name ?? null,
    };
    const until = Math.max(...live.map((s) => s.until), Date.now());
    // The load state settles in a few microtasks when the page is already loaded.
    const [probed] = await Promise.all([
      target && elementLive.length > 0 ? probe(ctx, target, want, until) : Promise.resolve(null),
      new Promise((resolve) => setImmediate(resolve)),
    ]);
    if (probed === 'invalid') {
      slots = slots.filter((s) => !ELEMENT_CONDITIONS.has(s.cond.condition));
      target = null;
      continue;
    }
    if (load?.error) throw load.error;
    if (probed) ctx.elementSeen = probed.found;
    for (const s of live) {
      switch (s.cond.condition) {
        case 'documentComplete':
          s.ok = load?.done ?? true;
          s.current = s.ok ? 'complete' : null;
          break;
        case 'networkIdle':
          s.ok = activity.maxOver(IDLE_HOLD_MS) <= maxPending(s.cond);
          s.current = String(activity.inFlight);
          break;
        default:
          // No answer in time (or a navigation in between): keep what the last answer said.
          if (probed) applyProbe(s, probed);
      }
    }
    const now = Date.now();
    for (const s of live) if (!s.ok && now >= s.until) s.givenUp = true;
    const waiting = live.filter((s) => !s.givenUp);
    if (waiting.every((s) => s.ok)) break;
    const next = Math.min(...waiting.filter((s) => !s.ok).map((s) => s.until));
    await ctx.sleep(Math.max(1, Math.min(POLL_MS, next - now)));
  }

  // §3: a step that then runs out of time with its element never found fails ELEMENT_DOES_NOT_EXIST,
  // before any blame on the conditions; the action replaces this cause as soon as it finds more.
  const elementSlots = slots.filter((s) => ELEMENT_CONDITIONS.has(s.cond.condition) && !s.ok);
  if (target && elementSlots.length > 0 && elementSlots.every((s) => s.current === NOT_FOUND_TEXT)) {
    ctx.pendingCause = { code: 'ELEMENT_DOES_NOT_EXIST', message: `Element ${target.description} does not exist` };
    ctx.record.elementExists = false;
  }
  if (docSlot && !docSlot.ok) {
    docSlot.current = await within(
      page.evaluate(() => document.readyState).catch(() => null),
      READY_STATE_LIMIT_MS,
      null,
    );
  }
  return slots.map(result);
}

async function checkNavigation(
  ctx: StepContext,
  conditions: WaitingCondition[],
  page: Page,
  mark: { navigations: number; pages: number },
  budgetLeft: number,
): Promise<ConditionsOutcome> {
  const start = Date.now();
  const network = ctx.session.network;
  const activity = network.activity(page);
  const navigated = (): boolean => activity.navigations > mark.navigations;
  const opened = (): boolean => network.openedPages() > mark.pages;
  const results: WaitingConditionResult[] = [];
  for (const cond of conditions) {
    const end = Math.min(ctx.deadline, start + budgetLeft, cond.timeout != null ? start + Math.max(0, cond.timeout) * 1000 : Infinity);
    while (!navigated() && !opened() && Date.now() < end) await ctx.sleep(Math.max(1, Math.min(POLL_MS, end - Date.now())));
    const ok = navigated() || opened();
    results.push({
      type: cond.condition,
      expected: DESCRIBED[cond.condition] ?? null,
      current: navigated() ? page.url() : opened() ? 'a new tab opened' : 'no navigation',
      isSuccess: ok,
      isSoftSuccess: false,
    });
  }
  return { results, unmet: results.filter((r) => !r.isSuccess) };
}

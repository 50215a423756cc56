import { randomInt } from 'node:crypto';
import type { TestPlan } from '../domain/index.js';
import { Budget, TAG_LIMIT, TEMPLATE_LIMITS, countTags, createBoundedLiquid, renderParsed, templateErrorMessage } from '../templates/index.js';
import { StepError } from './errors.js';

/** A variable value may reference others this many levels deep (docs/bugbug-compatibility.md §6). */
export const MAX_NESTING = 3;

/** The limits of a rendering, from the shared bounded engine: what tests of the runner check against. */
export { TEMPLATE_LIMITS };

interface Entry {
  value: string;
  /** Already final (a built-in, or a value captured at run time): never rendered again. */
  literal: boolean;
}

/**
 * Run variables and profile values are LiquidJS templates from test authors, rendered in the
 * API's process: the shared bounded engine (src/templates/) keeps a hostile one from stalling it.
 */
const liquid = createBoundedLiquid();

const SOURCE_RANK = { project: 0, profile: 1, override: 2, builtin: 3 } as const;

/**
 * The variables of one run and their precedence (high → low): local (setLocalVariable) > built-in >
 * the running group's `variables` > run-time override > profile > project.
 */
export class Variables {
  private readonly base = new Map<string, Entry>();
  private readonly builtins = new Map<string, Entry>();
  private group = new Map<string, Entry>();
  private readonly locals = new Map<string, Entry>();

  constructor(plan: TestPlan, runStartedAt: number = Date.now()) {
    const ranked = plan.variables
      .map((v, i) => ({ v, i }))
      .filter(({ v }) => v.source !== 'builtin')
      .sort((a, b) => rank(a.v.source) - rank(b.v.source) || a.i - b.i);
    for (const { v } of ranked) this.base.set(v.key, { value: v.value, literal: false });

    // definitions/ normally supplies the built-ins; these fallbacks keep a bare plan runnable.
    const fallbacks: Record<string, string> = {
      testRunId: plan.runId,
      testId: plan.testId,
      testName: plan.testName,
      timestamp: String(runStartedAt),
      randomNameFixed: randomLetters(8),
      randomNumberFixed: randomDigits(10),
    };
    for (const [key, value] of Object.entries(fallbacks)) this.builtins.set(key, { value, literal: true });
    for (const v of plan.variables) {
      if (v.source === 'builtin') this.builtins.set(v.key, { value: v.value, literal: true });
    }
  }

  enterGroup(vars: Record<string, string>): void {
    this.group = new Map(Object.entries(vars).map(([k, v]) => [k, { value: v, literal: false }]));
  }

  setLocal(name: string, value: string): void {
    this.locals.set(name, { value, literal: true });
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  /** The final value of one variable; throws VARIABLE_DOES_NOT_EXIST for an unknown name. */
  value(name: string): string {
    return this.valueBy(name, new Budget());
  }

  /** Renders one string field of a step. */
  render(template: string): string {
    return this.renderAt(template, 0, new Budget());
  }

  /**
   * Every variable that resolves, for custom JavaScript's `variables` object. The variables share
   * one render limit, so a project of many slow templates cannot add up to a stall; once it is
   * spent, the templates left are left out like broken ones (plain values are always there).
   */
  snapshot(): Record<string, string> {
    const names = new Set([...this.base.keys(), ...this.group.keys(), ...this.builtins.keys(), ...this.locals.keys()]);
    const out: Record<string, string> = {};
    const budget = new Budget();
    for (const name of names) {
      try {
        out[name] = this.valueBy(name, budget);
      } catch {
        // A broken variable only matters where it is used.
      }
    }
    return out;
  }

  private valueBy(name: string, budget: Budget): string {
    const entry = this.lookup(name);
    if (!entry) throw new StepError('VARIABLE_DOES_NOT_EXIST', `Variable "${name}" does not exist`);
    return entry.literal ? entry.value : this.resolveNested(name, entry.value, 1, budget);
  }

  private lookup(name: string): Entry | undefined {
    return this.locals.get(name) ?? this.builtins.get(name) ?? this.group.get(name) ?? this.base.get(name);
  }

  private resolveNested(name: string, value: string, depth: number, budget: Budget): string {
    if (!hasTemplate(value)) return value;
    if (depth > MAX_NESTING) {
      throw new StepError('VARIABLE_NESTING_LIMIT_EXCEEDED', `Variable "${name}" references other variables more than ${MAX_NESTING} levels deep`);
    }
    return this.renderAt(value, depth, budget);
  }

  private renderAt(template: string, depth: number, budget: Budget): string {
    if (!hasTemplate(template)) return template;
    // Parsing and analysing take time the render limit does not see: a referenced variable starts
    // only while time is left, and no template has more tags than analysis can afford.
    const spent = budget.spent;
    if (spent !== null) throw new StepError('VALUE_COMPUTING_ERROR', `Cannot compute "${preview(template)}": ${spent}`);
    if (countTags(template) > TEMPLATE_LIMITS.tags) {
      throw new StepError('VALUE_COMPUTING_ERROR', `Invalid template "${preview(template)}": ${TAG_LIMIT}`);
    }
    let parsed;
    let names: string[];
    try {
      parsed = liquid.parse(template);
      names = liquid.globalVariablesSync(parsed);
    } catch (e) {
      throw new StepError('VALUE_COMPUTING_ERROR', `Invalid template "${preview(template)}": ${templateErrorMessage(e)}`);
    }
    const scope: Record<string, string> = {};
    for (const name of names) {
      const entry = this.lookup(name);
      if (!entry) throw new StepError('VARIABLE_DOES_NOT_EXIST', `Variable "${name}" does not exist`);
      scope[name] = entry.literal ? entry.value : this.resolveNested(name, entry.value, depth + 1, budget);
    }
    try {
      // What the referenced variables rendered is gone from this template's budget.
      return renderParsed(liquid, parsed, scope, budget);
    } catch (e) {
      if (e instanceof Error && e.name === 'UndefinedVariableError') {
        throw new StepError('VARIABLE_DOES_NOT_EXIST', templateErrorMessage(e));
      }
      throw new StepError('VALUE_COMPUTING_ERROR', `Cannot compute "${preview(template)}": ${templateErrorMessage(e)}`);
    }
  }
}

function rank(source: keyof typeof SOURCE_RANK): number {
  return SOURCE_RANK[source];
}

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

/** A template in a message: the start of a long one is enough to recognise it. */
function preview(template: string): string {
  return template.length > 120 ? `${template.slice(0, 120)}…` : template;
}

function randomLetters(n: number): string {
  const abc = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[randomInt(abc.length)];
  return s;
}

function randomDigits(n: number): string {
  let s = String(randomInt(1, 10));
  for (let i = 1; i < n; i++) s += String(randomInt(10));
  return s;
}

import { randomInt } from 'node:crypto';
import { Liquid, type FS } from 'liquidjs';
import type { TestPlan } from '../domain/index.js';
import { StepError } from './errors.js';

/** A variable value may reference others this many levels deep (BUGBUG-REFERENCE §6). */
export const MAX_NESTING = 3;

interface Entry {
  value: string;
  /** Already final (a built-in, or a value captured at run time): never rendered again. */
  literal: boolean;
}

/** `{% include %}` and friends would read files; templates here come from test authors. */
const NO_FILES: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new Error('file access is disabled')),
  readFileSync: () => {
    throw new Error('file access is disabled');
  },
  resolve: (_dir, file) => file,
};

const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  relativeReference: false,
  fs: NO_FILES,
  cache: 1000,
});

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
    const entry = this.lookup(name);
    if (!entry) throw new StepError('VARIABLE_DOES_NOT_EXIST', `Variable "${name}" does not exist`);
    return entry.literal ? entry.value : this.resolveNested(name, entry.value, 1);
  }

  /** Renders one string field of a step. */
  render(template: string): string {
    return this.renderAt(template, 0);
  }

  /** Every variable that resolves, for custom JavaScript's `variables` object. */
  snapshot(): Record<string, string> {
    const names = new Set([...this.base.keys(), ...this.group.keys(), ...this.builtins.keys(), ...this.locals.keys()]);
    const out: Record<string, string> = {};
    for (const name of names) {
      try {
        out[name] = this.value(name);
      } catch {
        // A broken variable only matters where it is used.
      }
    }
    return out;
  }

  private lookup(name: string): Entry | undefined {
    return this.locals.get(name) ?? this.builtins.get(name) ?? this.group.get(name) ?? this.base.get(name);
  }

  private resolveNested(name: string, value: string, depth: number): string {
    if (!hasTemplate(value)) return value;
    if (depth > MAX_NESTING) {
      throw new StepError(
        'VARIABLE_NESTING_LIMIT_EXCEEDED',
        `Variable "${name}" references other variables more than ${MAX_NESTING} levels deep`,
      );
    }
    return this.renderAt(value, depth);
  }

  private renderAt(template: string, depth: number): string {
    if (!hasTemplate(template)) return template;
    let parsed;
    let names: string[];
    try {
      parsed = liquid.parse(template);
      names = liquid.globalVariablesSync(parsed);
    } catch (e) {
      throw new StepError('VALUE_COMPUTING_ERROR', `Invalid template "${template}": ${liquidMessage(e)}`);
    }
    const scope: Record<string, string> = {};
    for (const name of names) {
      const entry = this.lookup(name);
      if (!entry) throw new StepError('VARIABLE_DOES_NOT_EXIST', `Variable "${name}" does not exist`);
      scope[name] = entry.literal ? entry.value : this.resolveNested(name, entry.value, depth + 1);
    }
    try {
      return String(liquid.renderSync(parsed, scope));
    } catch (e) {
      if (e instanceof Error && e.name === 'UndefinedVariableError') {
        throw new StepError('VARIABLE_DOES_NOT_EXIST', liquidMessage(e));
      }
      throw new StepError('VALUE_COMPUTING_ERROR', `Cannot compute "${template}": ${liquidMessage(e)}`);
    }
  }
}

function rank(source: keyof typeof SOURCE_RANK): number {
  return SOURCE_RANK[source];
}

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

function liquidMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
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

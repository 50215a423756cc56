import { randomInt } from 'node:crypto';
import { Context, Liquid, type FS } from 'liquidjs';
import type { TestPlan } from '../domain/index.js';
import { StepError } from './errors.js';

/** A variable value may reference others this many levels deep (docs/bugbug-compatibility.md §6). */
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

/**
 * Templates come from test authors and are rendered synchronously in the API's process: without
 * limits a 75-byte value of nested `{% for %}` loops stalls the whole server for seconds (issue
 * #10). Real values are short and render in microseconds; these are far above them and keep any
 * one rendering under about a tenth of a second (measured on the 2-core CI machine).
 */
export const TEMPLATE_LIMITS = {
  /** Characters of one template (LiquidJS `parseLimit`): room for long custom JavaScript. */
  parseChars: 16 * 1024,
  /**
   * `{{ }}` and `{% %}` tags of one template. Our own limit: LiquidJS's analysis of the variables a
   * template uses grows with the square of its tags (13,000 tags take a second), before any render
   * limit applies; 1,000 take a few ms.
   */
  tags: 1_000,
  /**
   * Templates (tags, outputs, text) one rendering may render, counted where LiquidJS checks its
   * render limit: work, not time, so a busy machine never fails an ordinary template, while a loop
   * stops within a few tens of ms (1,000 renders take ~0.5-1 ms here). Shared by the variables a rendering
   * references and by all variables of a snapshot, so many slow templates cannot add up. One
   * filter over a big array runs between two checks; the memory limit bounds it.
   */
  renders: 25_000,
  /**
   * CPU milliseconds after which a rendering stops whatever it counted: a backstop only. CPU time,
   * not wall-clock time: a rendering is synchronous, so the CPU this process spends meanwhile is
   * the rendering's, and a busy machine that deschedules it costs none.
   */
  backstopMs: 1_000,
  /**
   * Characters and array elements one rendering may allocate (LiquidJS `memoryLimit`; 0.5-2 MB).
   * It also bounds the slowest single filter, which the render limit cannot interrupt: a
   * `sort_natural` of the largest array it allows takes ~60 ms.
   */
  memoryUnits: 250_000,
} as const;

const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  relativeReference: false,
  fs: NO_FILES,
  cache: 1000,
  parseLimit: TEMPLATE_LIMITS.parseChars,
  memoryLimit: TEMPLATE_LIMITS.memoryUnits,
});

const RENDER_LIMIT = `rendering takes more than ${TEMPLATE_LIMITS.renders} template renders (the render limit)`;
const TIME_LIMIT = `rendering takes more than ${TEMPLATE_LIMITS.backstopMs} ms of CPU time (the time limit)`;

/** LiquidJS's messages for its limits, in words for the test author. */
const LIMIT_MESSAGES: [RegExp, string][] = [
  [/parse length limit exceeded/i, `the template is longer than ${TEMPLATE_LIMITS.parseChars} characters (the parse limit)`],
  [/template render limit exceeded/i, RENDER_LIMIT],
  [/template time limit exceeded/i, TIME_LIMIT],
  [/memory alloc limit exceeded/i, `rendering allocates more than ${TEMPLATE_LIMITS.memoryUnits} characters or array elements (the memory limit)`],
];

/** What one rendering, with all it references, may still render. */
class Budget {
  used = 0;
  private readonly startedCpu = cpuMs();

  /** Why nothing more may be rendered, or null while something may. */
  get spent(): string | null {
    if (this.used >= TEMPLATE_LIMITS.renders) return RENDER_LIMIT;
    return cpuMs() - this.startedCpu > TEMPLATE_LIMITS.backstopMs ? TIME_LIMIT : null;
  }

  /**
   * Stands in for LiquidJS's render limiter, which it calls before every template it renders with
   * the time: counting those calls turns its time limit into a limit on work.
   */
  limiter(): RenderLimiter {
    const check = (): void => {
      this.used += 1;
      const spent = this.spent;
      if (spent !== null) throw new Error(spent === RENDER_LIMIT ? 'template render limit exceeded' : 'template time limit exceeded');
    };
    return { check, use: () => undefined } as unknown as RenderLimiter;
  }
}

/** CPU time this process has used (user and system), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** LiquidJS's Limiter is not exported: its type, from the Context constructor that takes one. */
type RenderLimiter = NonNullable<NonNullable<ConstructorParameters<typeof Context>[3]>['renderLimit']>;

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
      throw new StepError(
        'VALUE_COMPUTING_ERROR',
        `Invalid template "${preview(template)}": it has more than ${TEMPLATE_LIMITS.tags} {{ }} and {% %} tags (the tag limit)`,
      );
    }
    let parsed;
    let names: string[];
    try {
      parsed = liquid.parse(template);
      names = liquid.globalVariablesSync(parsed);
    } catch (e) {
      throw new StepError('VALUE_COMPUTING_ERROR', `Invalid template "${preview(template)}": ${liquidMessage(e)}`);
    }
    const scope: Record<string, string> = {};
    for (const name of names) {
      const entry = this.lookup(name);
      if (!entry) throw new StepError('VARIABLE_DOES_NOT_EXIST', `Variable "${name}" does not exist`);
      scope[name] = entry.literal ? entry.value : this.resolveNested(name, entry.value, depth + 1, budget);
    }
    try {
      // What the referenced variables rendered is gone from this template's budget.
      return String(liquid.renderSync(parsed, new Context(scope, liquid.options, { sync: true }, { liquid, renderLimit: budget.limiter() })));
    } catch (e) {
      if (e instanceof Error && e.name === 'UndefinedVariableError') {
        throw new StepError('VARIABLE_DOES_NOT_EXIST', liquidMessage(e));
      }
      throw new StepError('VALUE_COMPUTING_ERROR', `Cannot compute "${preview(template)}": ${liquidMessage(e)}`);
    }
  }
}

function rank(source: keyof typeof SOURCE_RANK): number {
  return SOURCE_RANK[source];
}

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%');
}

/** How many tags may open in `s` (`{{` and `{%`), without a regular expression over a long text. */
function countTags(s: string): number {
  let n = 0;
  for (let i = s.indexOf('{'); i >= 0 && i < s.length - 1; i = s.indexOf('{', i + 1)) {
    const next = s.charCodeAt(i + 1);
    if (next === 123 /* { */ || next === 37 /* % */) n++;
  }
  return n;
}

function liquidMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const limit = LIMIT_MESSAGES.find(([pattern]) => pattern.test(msg));
  if (limit) return limit[1];
  return msg.split('\n')[0] ?? msg;
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

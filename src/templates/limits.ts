import type { Context } from 'liquidjs';

/**
 * Templates come from users (test authors, alert authors) and are rendered synchronously in the
 * API's process: without limits a 75-byte value of nested `{% for %}` loops stalls the whole server
 * for seconds (issue #10). Real templates are short and render in microseconds; these are far above
 * them and keep any one rendering under about a tenth of a second (measured on the 2-core CI machine).
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

export const RENDER_LIMIT = `rendering takes more than ${TEMPLATE_LIMITS.renders} template renders (the render limit)`;
export const TIME_LIMIT = `rendering takes more than ${TEMPLATE_LIMITS.backstopMs} ms of CPU time (the time limit)`;
export const TAG_LIMIT = `it has more than ${TEMPLATE_LIMITS.tags} {{ }} and {% %} tags (the tag limit)`;

/** LiquidJS's messages for its limits, in words for the template's author. */
export const LIMIT_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/parse length limit exceeded/i, `the template is longer than ${TEMPLATE_LIMITS.parseChars} characters (the parse limit)`],
  [/template render limit exceeded/i, RENDER_LIMIT],
  [/template time limit exceeded/i, TIME_LIMIT],
  [/memory alloc limit exceeded/i, `rendering allocates more than ${TEMPLATE_LIMITS.memoryUnits} characters or array elements (the memory limit)`],
];

/** LiquidJS's Limiter is not exported: its type, from the Context constructor that takes one. */
export type RenderLimiter = NonNullable<NonNullable<ConstructorParameters<typeof Context>[3]>['renderLimit']>;

/** What one rendering, with all it references, may still render. */
export class Budget {
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

/** How many tags may open in `s` (`{{` and `{%`), without a regular expression over a long text. */
export function countTags(s: string): number {
  let n = 0;
  for (let i = s.indexOf('{'); i >= 0 && i < s.length - 1; i = s.indexOf('{', i + 1)) {
    const next = s.charCodeAt(i + 1);
    if (next === 123 /* { */ || next === 37 /* % */) n++;
  }
  return n;
}

/** A LiquidJS error in words: a limit it hit as the limit's message, else its first line. */
export function templateErrorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const limit = LIMIT_MESSAGES.find(([pattern]) => pattern.test(msg));
  if (limit) return limit[1];
  return msg.split('\n')[0] ?? msg;
}

import { Context, Liquid, type FS, type LiquidOptions, type Template } from 'liquidjs';
import { Budget, TAG_LIMIT, TEMPLATE_LIMITS, countTags, templateErrorMessage } from './limits.js';

/** `{% include %}` and friends would read files; templates here come from users. */
export const NO_FILES: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new Error('file access is disabled')),
  readFileSync: () => {
    throw new Error('file access is disabled');
  },
  resolve: (_dir, file) => file,
};

/** What a caller may choose; the file system and the limits are not among them. */
export type BoundedLiquidOptions = Pick<LiquidOptions, 'outputEscape' | 'strictVariables'>;

/**
 * A Liquid engine for users' templates: strict (a typo is an error, not an empty string), no file
 * access, and LiquidJS's parse and memory limits. Render it through `renderParsed` or
 * `renderBounded`, which add the render limit.
 */
export function createBoundedLiquid(options: BoundedLiquidOptions = {}): Liquid {
  return new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    relativeReference: false,
    cache: 1000,
    ...options,
    fs: NO_FILES,
    parseLimit: TEMPLATE_LIMITS.parseChars,
    memoryLimit: TEMPLATE_LIMITS.memoryUnits,
  });
}

/** Renders a parsed template within `budget`; throws LiquidJS's errors (see templateErrorMessage). */
export function renderParsed(liquid: Liquid, parsed: Template[], scope: object, budget: Budget): string {
  return String(liquid.renderSync(parsed, new Context(scope, liquid.options, { sync: true }, { liquid, renderLimit: budget.limiter() })));
}

/** Why a template could not be rendered, in words for its author. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * Parses and renders one template against `scope`, within every limit: the tag limit before
 * parsing (LiquidJS's analysis of many tags is slow before any render limit applies), then parse,
 * memory and render limits. Throws a TemplateError whose message names the limit or the mistake.
 */
export function renderBounded(liquid: Liquid, template: string, scope: object, budget: Budget = new Budget()): string {
  if (countTags(template) > TEMPLATE_LIMITS.tags) throw new TemplateError(TAG_LIMIT);
  try {
    return renderParsed(liquid, liquid.parse(template), scope, budget);
  } catch (e) {
    throw new TemplateError(templateErrorMessage(e));
  }
}

export { Budget, LIMIT_MESSAGES, RENDER_LIMIT, TAG_LIMIT, TEMPLATE_LIMITS, TIME_LIMIT, countTags, templateErrorMessage, type RenderLimiter } from './limits.js';
export { NO_FILES, TemplateError, createBoundedLiquid, renderBounded, renderParsed, type BoundedLiquidOptions } from './bounded-liquid.js';

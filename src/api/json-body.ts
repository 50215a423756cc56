import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/** Request bodies: their size and nesting are bounded before anything walks them. */
export const BODY_LIMITS = {
  /** Bytes of a request body; the import route allows more (its files travel inside). */
  maxBytes: 1024 * 1024,
  importMaxBytes: 32 * 1024 * 1024,
  /** Nested arrays and objects in a JSON body. */
  maxDepth: 32,
} as const;

/** True when `text` nests arrays/objects deeper than `max`, found in one pass without parsing. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * `application/json` bodies as BugBug's clients send them: an empty body is `{}` (a client that
 * always sets the header, e.g. on `POST /stop/`), and a body nested deeper than the limit is a
 * 400 that names it. Otherwise Fastify's own parser (proto-poisoning checks included).
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, {});
    if (nestsDeeperThan(text, BODY_LIMITS.maxDepth)) return done(new ApiError('BODY_TOO_DEEP', { max: String(BODY_LIMITS.maxDepth) }), undefined);
    void parse(request, text, done);
  });
}

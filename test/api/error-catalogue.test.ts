import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_ERRORS, ApiError, type ApiErrorCode } from '../../src/api/errors.js';
import { openApiDocument } from '../../src/api/openapi.js';

/**
 * The error catalogue, its uses and the OpenAPI document kept in step (Fastify's errors.test.js
 * habit): every entry is used by the code, renders without a leftover placeholder, and its status
 * is documented for the operations that can answer it.
 */
const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [readFileSync(full, 'utf8')] : [];
  });
// The catalogue's own entries (`NAME: { status ...`) are not uses.
const code = sources(SRC)
  .join('\n')
  .replace(/^\s+[A-Z_]+: \{ status: \d+.*$/gm, '');
const codes = Object.keys(API_ERRORS) as ApiErrorCode[];
const operations = Object.entries(openApiDocument().paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method, op: op as { responses: Record<string, unknown>; security?: unknown[] } })),
);

describe('the API error catalogue', () => {
  it.each(codes)('%s is used by the code', (name) => {
    expect(code.includes(`'${name}'`) || code.includes(`API_ERRORS.${name}`)).toBe(true);
  });

  it.each(codes)('%s renders its message with every placeholder filled', (name) => {
    const placeholders = [...API_ERRORS[name].detail.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const error = new ApiError(name, Object.fromEntries(placeholders.map((p) => [p, 'X'])));
    expect(error.body.detail).not.toMatch(/[{}]/);
    expect(error.status).toBe(API_ERRORS[name].status);
  });

  it.each(codes.filter((c) => c !== 'INTERNAL_ERROR'))('%s: its status is documented in the OpenAPI document', (name) => {
    const status = String(API_ERRORS[name].status);
    expect(operations.filter(({ op }) => status in op.responses).length).toBeGreaterThan(0);
  });

  it('documents 400, 408, 413 and 415 on every POST, 429 on POST /testruns/, 401 on every operation that needs a token', () => {
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      if (method === 'post') for (const status of ['400', '408', '413', '415']) expect(op.responses, where).toHaveProperty(status);
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) expect(op.responses, where).toHaveProperty('401');
    }
    expect(openApiDocument().paths['/api/v2/testruns/']?.post).toMatchObject({ responses: { 429: { headers: { 'Retry-After': expect.any(Object) } } } });
  });
});

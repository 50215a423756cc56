import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { importBundle } from '../import-bundle.js';
import { FieldChecker, isPlainObject } from '../validate.js';

/**
 * `POST /import/` `{files: [{path, content}]}`: what `bugrun import` sends. 200 lists each object
 * created or updated; 400 lists `file:line:col: message` errors and nothing is written.
 */
export const importRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.post('/import/', async (request) => {
    const body = request.body;
    const checker = new FieldChecker();
    const files = isPlainObject(body) && Array.isArray(body.files) ? body.files : null;
    if (!files || files.length === 0) checker.add('files', 'A non-empty list of {path, content} is required.');
    const sources = (files ?? []).flatMap((f: unknown, i) => {
      if (isPlainObject(f) && typeof f.path === 'string' && typeof f.content === 'string') return [{ path: f.path, text: f.content }];
      checker.add('files', `Item ${i}: path and content must be strings.`);
      return [];
    });
    checker.throwIfAny();
    const result = await importBundle(store, request.projectId, sources);
    if (!result.ok) throw new ApiError('IMPORT_INVALID', {}, { errors: result.errors, warnings: result.warnings });
    return { objects: result.objects, warnings: result.warnings };
  });
};

import type { FastifyPluginAsync } from 'fastify';
import { bundlePathProblem } from '../../definitions/index.js';
import type { Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { BODY_LIMITS } from '../json-body.js';
import { importBundle, isYamlPath, type BundleFile } from '../../use-cases/index.js';
import { FieldChecker, isPlainObject } from '../validate.js';

/**
 * `POST /import/` `{files: [{path, content, encoding?}]}`: what `bugrun import` sends. YAML files
 * are BugBug documents; any other file (`encoding: "base64"` for binary) is kept for the bundle's
 * tests (uploadFile). 200 lists each object created or updated; 400 lists `file:line:col: message`
 * errors and nothing is written.
 */
export const importRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.post('/import/', { bodyLimit: BODY_LIMITS.importMaxBytes }, async (request) => {
    const body = request.body;
    const checker = new FieldChecker();
    const files = isPlainObject(body) && Array.isArray(body.files) ? body.files : null;
    if (!files || files.length === 0) checker.add('files', 'A non-empty list of {path, content} is required.');
    const sources: { path: string; text: string }[] = [];
    const others: BundleFile[] = [];
    (files ?? []).forEach((f: unknown, i) => {
      if (!isPlainObject(f) || typeof f.path !== 'string' || typeof f.content !== 'string') {
        return checker.add('files', `Item ${i}: path and content must be strings.`);
      }
      const problem = bundlePathProblem(f.path);
      if (problem) return checker.add('files', `Item ${i}: ${problem}.`);
      const base64 = f.encoding === 'base64';
      if (isYamlPath(f.path) && !base64) sources.push({ path: f.path, text: f.content });
      else others.push({ path: f.path, data: base64 ? Buffer.from(f.content, 'base64') : Buffer.from(f.content) });
    });
    if (checker.ok && sources.length === 0) checker.add('files', 'No YAML documents (.yaml/.yml) in the request.');
    checker.throwIfAny();
    const result = await importBundle(store, request.projectId, sources, others);
    if (!result.ok) throw new ApiError('IMPORT_INVALID', {}, { errors: result.errors, warnings: result.warnings });
    return { objects: result.objects, warnings: result.warnings };
  });
};

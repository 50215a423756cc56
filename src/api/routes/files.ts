import { extname } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import type { FileUrls } from '../file-urls.js';

const TYPES: Record<string, string> = {
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html; charset=utf-8',
  '.zip': 'application/zip',
};

/**
 * Stored files behind signed links. Captured pages are hostile input: a sandbox CSP keeps any
 * script in a DOM snapshot away from this origin (and the UI's token).
 */
export const filesRoutes: FastifyPluginAsync<{ store: Store; files: FileUrls }> = async (app, { store, files }) => {
  app.get<{ Params: { '*': string }; Querystring: { exp?: unknown; sig?: unknown } }>('/files/*', async (request, reply) => {
    const key = request.params['*'];
    const { exp, sig } = request.query;
    const signed = typeof exp === 'string' && typeof sig === 'string' && files.verify(key, exp, sig);
    // Expired, forged and missing are one answer: a link reveals nothing about what else exists.
    const blob = key && signed ? await store.blobs.open(key) : null;
    if (blob === null) throw new ApiError('NOT_FOUND');
    const name = key.split('/').pop() ?? 'file';
    return reply
      .type(TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream')
      .header('content-security-policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'")
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `inline; filename="${name.replace(/"/g, '')}"`)
      .header('content-length', blob.size)
      .send(blob.body);
  });
};

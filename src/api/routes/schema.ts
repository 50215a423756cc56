import type { FastifyPluginAsync } from 'fastify';
import { loadRawSchema } from '../../definitions/schema-load.js';
import { renderApiDocs } from '../api-docs.js';
import { openApiDocument } from '../openapi.js';

/**
 * Public descriptions of the API (no token, registered outside the authenticated prefixes): the
 * OpenAPI document, BugBug's YAML v1 JSON schema, and `/docs`, a page rendered from the document.
 */
export const schemaRoutes: FastifyPluginAsync = async (app) => {
  let docsHtml: string | null = null;
  for (const prefix of ['/api/v2', '/api/v1']) {
    app.get(`${prefix}/schema/`, async (_request, reply) => reply.type('application/json; charset=utf-8').send(openApiDocument()));
    app.get(`${prefix}/schema/yaml/v1/`, async (_request, reply) => reply.type('application/json; charset=utf-8').send(loadRawSchema()));
  }
  app.get('/docs', async (_request, reply) => {
    docsHtml ??= renderApiDocs(openApiDocument());
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
      .header('x-content-type-options', 'nosniff')
      .send(docsHtml);
  });
};

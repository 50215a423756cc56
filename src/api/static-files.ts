import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves a folder read-only under `prefix` (index.html for `/`), refusing paths that leave it. */
export function serveDirectory(app: FastifyInstance, prefix: string, dir: string): void {
  const root = normalize(dir);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    // The router has already decoded the path once; decoding it again would turn `%25` into a
    // stray `%` (and `%252e` into `.`).
    const rel = (request.params as { '*'?: string })['*'] || 'index.html';
    const file = normalize(join(root, rel.endsWith('/') ? `${rel}index.html` : rel));
    if (!file.startsWith(root + sep)) return reply.code(404).send({ detail: 'Not found.' });
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return reply.code(404).send({ detail: 'Not found.' });
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(createReadStream(file));
  };
  // `/demo` and `/demo/` (the folder's index) are not matched by the wildcard route.
  app.get(prefix, handler);
  app.get(`${prefix}/*`, handler);
}

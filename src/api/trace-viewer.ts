import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export const TRACE_VIEWER_PATH = '/trace-viewer';

/**
 * The trace viewer playwright-core ships (the one `npx playwright show-trace` serves), from the
 * installed package, so its version always reads the traces our runner writes and nothing comes
 * from the internet. Found through module resolution (it is a file path, not code we run here).
 */
export function traceViewerDir(): string {
  const pkg = createRequire(import.meta.url).resolve('playwright-core/package.json');
  return join(dirname(pkg), 'lib', 'vite', 'traceViewer');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

/** Names that stay the same across Playwright versions; the bundles' names carry their hash. */
const UNHASHED = /^(index|snapshot|uiMode)\.html$|^sw\.bundle\.js$|^manifest\.webmanifest$|^playwright-logo\.svg$/;

/**
 * Playwright's trace viewer at `/trace-viewer/` (public static files, no token):
 * `/trace-viewer/index.html?trace=<a run's signed trace link>`. Its service worker (scope
 * `/trace-viewer/`) fetches the zip from that link and unpacks it in the browser; a link that is
 * not signed, or expired, is a 404 and the viewer shows its error. Service workers need a secure
 * context: the viewer works over https, or over http on localhost / 127.0.0.1.
 */
export const traceViewerRoutes: FastifyPluginAsync = async (app) => {
  const root = normalize(traceViewerDir());
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const rel = (request.params as { '*'?: string })['*'] ?? '';
    // Its pages load their files relative to the folder: `/trace-viewer` must become `/trace-viewer/`.
    if (rel === '' && !request.url.split('?')[0]?.endsWith('/')) {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      return reply.redirect(`${TRACE_VIEWER_PATH}/index.html${query}`, 302);
    }
    const name = rel === '' ? 'index.html' : rel;
    const file = normalize(join(root, name));
    if (!file.startsWith(root + sep)) return reply.code(404).send({ detail: 'Not found.' });
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return reply.code(404).send({ detail: 'Not found.' });
    const base = file.slice(root.length + 1);
    return (
      reply
        .type(TYPES[extname(file)] ?? 'application/octet-stream')
        .header('x-content-type-options', 'nosniff')
        // Its address holds a signed file link: never hand it to another site.
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "frame-ancestors 'self'")
        .header('cache-control', UNHASHED.test(base) ? 'no-cache' : 'public, max-age=86400')
        .header('content-length', info.size)
        .send(createReadStream(file))
    );
  };
  app.get(TRACE_VIEWER_PATH, handler);
  app.get(`${TRACE_VIEWER_PATH}/*`, handler);
};

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { serveDirectory } from './static-files.js';

/**
 * src/web/ holds plain HTML/JS/CSS that tsc does not compile, so both src/ (tests) and dist/src/
 * (built) find it from the package root.
 */
export function webUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('Bugrun package root not found');
    dir = parent;
  }
  return join(dir, 'src', 'web');
}

/** The app's client-side routes: each answers index.html and the app renders the page. */
export const WEB_UI_PAGES = [
  '/',
  '/signin',
  '/runs',
  '/runs/:id',
  '/dashboard',
  '/tests',
  '/tests/:id',
  '/suites',
  '/suite-runs/:id',
  '/schedules',
  '/schedules/:id',
  '/alerts',
  '/alerts/:id',
] as const;

/**
 * Only our own scripts and styles run; data comes from the same origin's API. Images may come from
 * the public URL (screenshots), which need not be the origin the browser used.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The web UI at `/`: static files under `/ui/`, and index.html for every page of the app. */
export const webUiRoutes: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  serveDirectory(app, '/ui', dir);
  const index = join(dir, 'index.html');
  const page = async (reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .header('cache-control', 'no-cache')
      .send(await readFile(index));
  for (const path of WEB_UI_PAGES) app.get(path, async (_request, reply) => page(reply));
};

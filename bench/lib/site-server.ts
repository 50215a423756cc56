import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { siteDir } from './paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface SiteServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves bench/site/ on 127.0.0.1 (a random port). Files are read once and kept in memory so the
 * page server costs the same for the service and for the raw script.
 */
export async function startSiteServer(dir: string = siteDir()): Promise<SiteServer> {
  const cache = new Map<string, Buffer>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const rel = normalize(decodeURIComponent(path === '/' ? '/form.html' : path)).replace(/^[/\\]+/, '');
    if (rel.split(sep).includes('..')) {
      res.writeHead(403).end();
      return;
    }
    const file = join(dir, rel);
    const cached = cache.get(file);
    const send = (body: Buffer): void => {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    };
    if (cached) return send(cached);
    readFile(file).then(
      (body) => {
        cache.set(file, body);
        send(body);
      },
      () => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      },
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('site server has no port');
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}

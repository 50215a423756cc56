import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SITE_DIR = fileURLToPath(new URL('../fixtures/site/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

export interface FixtureServer {
  url: string;
  /** Resolves once a request waits at `/gate?name=<name>`: a run has reached that point. */
  arrived(name: string): Promise<void>;
  /** Answers the requests waiting at the gate, and any later ones at once. */
  open(name: string): void;
  /** Resolves when a request waiting at the gate was dropped unanswered (its browser context closed). */
  dropped(name: string): Promise<void>;
  /** The path and query of every request so far, in order. */
  requests(): string[];
  close(): Promise<void>;
}

interface Gate {
  open: boolean;
  waiting: ServerResponse[];
  arrived: Promise<void>;
  arrive: () => void;
  dropped: Promise<void>;
  drop: () => void;
}

/** A promise and the function that resolves it. */
function signal(): [Promise<void>, () => void] {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return [promise, resolve];
}

/**
 * Serves test/fixtures/site/ plus dynamic routes: /hang (never answers), /slow?ms=N (answers after
 * N ms), /gate?name=X (answers when the test opens gate X: a run held at a known point),
 * /count?name=X (how many times it was asked for X, 1 first: a test that passes the second time),
 * /echo-headers (the request headers as JSON). Hanging sockets are destroyed on close.
 */
export async function startFixtureServer(): Promise<FixtureServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const gates = new Map<string, Gate>();
  const counts = new Map<string, number>();
  const gate = (name: string): Gate => {
    let g = gates.get(name);
    if (!g) {
      const [arrived, arrive] = signal();
      const [dropped, drop] = signal();
      g = { open: false, waiting: [], arrived, arrive, dropped, drop };
      gates.set(name, g);
    }
    return g;
  };
  const pass = (res: ServerResponse, name: string) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Gate</title><p id="gate">passed ${name}</p>`);
  };

  const seen: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push(url.pathname + url.search);
    if (url.pathname === '/hang') return; // never respond
    if (url.pathname === '/slow') {
      const ms = Number(url.searchParams.get('ms') ?? '1000');
      const t = setTimeout(() => {
        timers.delete(t);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Slow</title><p id="slow">answered after ${ms} ms</p>`);
      }, ms);
      timers.add(t);
      return;
    }
    if (url.pathname === '/gate') {
      const name = url.searchParams.get('name') ?? '';
      const g = gate(name);
      if (g.open) return pass(res, name);
      g.waiting.push(res);
      res.once('close', () => {
        if (!res.writableEnded) g.drop();
      });
      g.arrive();
      return;
    }
    if (url.pathname === '/count') {
      const name = url.searchParams.get('name') ?? '';
      const n = (counts.get(name) ?? 0) + 1;
      counts.set(name, n);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Count</title><p id="count">${n}</p>`);
      return;
    }
    if (url.pathname === '/echo-headers') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.headers));
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^[/\\]+/, '');
    const file = join(SITE_DIR, rel);
    if (!file.startsWith(SITE_DIR) || rel.split(sep).includes('..')) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Not found</title><h1>Not found</h1>');
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fixture server has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    arrived: (name) => gate(name).arrived,
    dropped: (name) => gate(name).dropped,
    requests: () => [...seen],
    open(name) {
      const g = gate(name);
      g.open = true;
      for (const res of g.waiting.splice(0)) pass(res, name);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '../../src/alerts/index.js';

/** One request as the receiver saw it, and whether its X-Bugrun-Signature held. */
export interface Received {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature checked with `verifySignature` over the body (POST) or the `payload` query (GET); null: none sent. */
  signatureValid: boolean | null;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Resolves with the first request whose path starts with `pathPrefix`, arrived already or to come. */
  arrival(pathPrefix: string): Promise<Received>;
  received: Received[];
  /** Verifies signatures with this secret from now on (an alert's secret is known once it is created). */
  useSecret(secret: string): void;
  /** Drops the connections of the requests `/hang…` holds, so their senders stop waiting. */
  dropHanging(): void;
  close(): Promise<void>;
}

/**
 * A real webhook receiver on 127.0.0.1, the way a user's would check us: it verifies the signature
 * with `secret`. Paths: `/hang…` never answers, `/status/<code>…` answers that code (a 3xx with a
 * Location), `/fail-first/<n>…` answers 500 to the first n requests to that path then 200,
 * anything else 200.
 */
export async function startReceiver(secret: string | null = null, port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const hanging = new Set<Socket>();
  const waiting = new Set<{ prefix: string; resolve: (r: Received) => void }>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      const signed = req.method === 'GET' ? (new URL(path, 'http://x').searchParams.get('payload') ?? '') : body;
      const header = req.headers['x-bugrun-signature'];
      const signatureValid =
        typeof header === 'string' && secret !== null
          ? verifySignature(secret, header, signed, Math.floor(Date.now() / 1000))
          : header === undefined
            ? null
            : false;
      const r: Received = { method: req.method ?? '', path, headers: req.headers, body, signatureValid };
      received.push(r);
      for (const w of waiting) {
        if (!path.startsWith(w.prefix)) continue;
        waiting.delete(w);
        w.resolve(r);
      }
      if (path.startsWith('/hang')) return void hanging.add(req.socket);
      const status = /^\/status\/(\d{3})/.exec(path);
      const failFirst = /^\/fail-first\/(\d+)/.exec(path);
      seen.set(path, (seen.get(path) ?? 0) + 1);
      const code = status ? Number(status[1]) : failFirst && (seen.get(path) ?? 0) <= Number(failFirst[1]) ? 500 : 200;
      res.writeHead(code, code >= 300 && code < 400 ? { location: `/moved?token=redirect-secret` } : { 'content-type': 'text/plain' });
      res.end(code < 300 ? 'ok' : `echo ${path}`);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${bound}`,
    received,
    useSecret: (s) => void (secret = s),
    dropHanging: () => {
      for (const socket of hanging) socket.destroy();
      hanging.clear();
    },
    arrival: (prefix) => {
      const seen = received.find((r) => r.path.startsWith(prefix));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.add({ prefix, resolve }));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port nothing listens on: one the system just gave out and took back. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

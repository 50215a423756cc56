import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Keep-alive, so a poll every 10 ms measures the API, not TCP handshakes. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpResult {
  status: number;
  body: unknown;
  /** Round trip in ms (request written → body read). */
  ms: number;
}

/** One JSON request over real HTTP (never inject: latency figures must include the socket). */
export function httpJson(method: string, url: string, opts: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<HttpResult> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string | number> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Token ${opts.token}`;
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  const t0 = performance.now();
  return new Promise<HttpResult>((resolve, reject) => {
    const req = request(url, { method, headers, agent, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? (JSON.parse(text) as unknown) : null;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Drops idle keep-alive sockets so the process can exit. */
export function closeHttpAgent(): void {
  agent.destroy();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

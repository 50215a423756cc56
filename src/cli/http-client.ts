import type { ClientConfig } from '../config/client-config.js';

/** A failure the user can act on: printed as a `bugrun: <message>` line (one per line of the message), exit code 1. */
export class CliError extends Error {}

/** One request never waits longer than this; a run is awaited by polling, not by one request. */
const REQUEST_TIMEOUT_MS = 30_000;

const TOKEN_SOURCES: Record<NonNullable<ClientConfig['tokenSource']>, string> = {
  flag: '--token',
  env: 'BUGRUN_TOKEN',
  saved: 'the token saved with `bugrun config set-token`',
};

async function send(client: ClientConfig, method: string, path: string, body: unknown, accept: string): Promise<Response> {
  if (!client.token) throw new CliError('No API token: pass --token, set BUGRUN_TOKEN or run `bugrun config set-token <token>`');
  let res: Response;
  try {
    res = await fetch(`${client.url}${path}`, {
      method,
      headers: {
        authorization: `Token ${client.token}`,
        accept,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : causeOf(err);
    throw new CliError(`Cannot reach the Bugrun server at ${client.url} (${reason})`);
  }
  if (res.status === 401) {
    const source = client.tokenSource ? ` from ${TOKEN_SOURCES[client.tokenSource]}` : '';
    throw new CliError(`The server at ${client.url} rejected the API token${source} (401)`);
  }
  return res;
}

function causeOf(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) {
    const code = (err.cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.cause.message}` : err.cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A JSON request; 401 and network failures become a CliError, other statuses are returned. */
export async function apiRequest<T>(client: ClientConfig, method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const res = await send(client, method, path, body, 'application/json');
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, data: data as T };
}

/** The DRF error body as one line: `detail`, or `field: message; field: message`. */
export function describeApiError(status: number, data: unknown): string {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    if (typeof record.detail === 'string') return record.detail;
    const fields = Object.entries(record).map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`);
    if (fields.length > 0) return fields.join('; ');
  }
  const text = typeof data === 'string' ? data.trim().slice(0, 200) : '';
  return `HTTP ${status}${text ? `: ${text}` : ''}`;
}

/**
 * A JSON request that must succeed: a 404 becomes `notFound` (when given), any other non-2xx
 * answer the server's own message.
 */
export async function apiJson<T>(client: ClientConfig, method: string, path: string, opts: { body?: unknown; notFound?: string } = {}): Promise<T> {
  const { status, data } = await apiRequest<T>(client, method, path, opts.body);
  if (status >= 200 && status < 300) return data;
  if (status === 404 && opts.notFound) throw new CliError(opts.notFound);
  throw new CliError(`${method} ${path} failed: ${describeApiError(status, data)}`);
}

/**
 * A DRF 400 answer as one `field: message` line per message (`cron: Not a valid cron expression…`),
 * each printed as its own `bugrun: ...` line; empty when the body names no fields.
 */
export function fieldErrorLines(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  return Object.entries(data as Record<string, unknown>).flatMap(([field, messages]) => {
    const list = Array.isArray(messages) ? messages.map(String) : [typeof messages === 'string' ? messages : JSON.stringify(messages)];
    return list.map((m) => (field === 'detail' || field === 'non_field_errors' ? m : `${field}: ${m}`));
  });
}

/**
 * A request that creates or changes something: a 404 becomes `notFound` (when given), a refusal
 * (400) one line per field and message, any other non-2xx answer the server's own message.
 */
export async function apiSubmit<T>(client: ClientConfig, method: string, path: string, body: unknown, opts: { notFound?: string } = {}): Promise<T> {
  const { status, data } = await apiRequest<T>(client, method, path, body);
  if (status >= 200 && status < 300) return data;
  if (status === 404 && opts.notFound) throw new CliError(opts.notFound);
  const lines = status === 400 ? fieldErrorLines(data) : [];
  if (lines.length > 0) throw new CliError(lines.join('\n'));
  throw new CliError(`${method} ${path} failed: ${describeApiError(status, data)}`);
}

/** A non-JSON download (the JUnit report). */
export async function apiText(client: ClientConfig, path: string, notFound: string): Promise<string> {
  const res = await send(client, 'GET', path, undefined, '*/*');
  const text = await res.text();
  if (res.status === 404) throw new CliError(notFound);
  if (!res.ok) throw new CliError(`GET ${path} failed: ${describeApiError(res.status, text)}`);
  return text;
}

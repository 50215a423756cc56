/**
 * One HTTP request of a delivery, and its failures in words. A webhook's URL and headers may hold
 * credentials (a token in the path or the query, an Authorization header) and attempts are shown to
 * users: an error names the failure and at most the host, never the URL, a header or a raw
 * library message (fetch's own messages quote the URL).
 */

export interface DeliveryAttempt {
  ok: boolean;
  /** The HTTP status the receiver answered (2xx or not), the SMTP reply that refused an email, or null when none came. */
  responseCode: number | null;
  /** Why the attempt failed, safe to show; null when it succeeded. */
  error: string | null;
}

export interface HttpRequest {
  url: URL;
  method: 'POST' | 'GET';
  headers: Headers;
  body: string | null;
  timeoutMs: number;
}

/** A user's URL as one we may request, or why not (without repeating it). */
export function parseTargetUrl(raw: string | undefined): URL | string {
  if (raw === undefined || raw === '') return 'the alert has no URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the URL is not a valid URL';
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : `the URL's scheme ${url.protocol} is not http: or https:`;
}

export function failed(error: string, responseCode: number | null = null): DeliveryAttempt {
  return { ok: false, responseCode, error };
}

/**
 * Sends the request; any 2xx is success. Redirects are not followed (`redirect: 'manual'`): one
 * would carry the body, and its signature, wherever the receiver points, so it counts as failure.
 */
export async function sendHttp(req: HttpRequest): Promise<DeliveryAttempt> {
  const url = new URL(req.url);
  // fetch refuses URLs with credentials: they become Basic authentication, as browsers did.
  if ((url.username !== '' || url.password !== '') && !req.headers.has('authorization')) {
    const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
    req.headers.set('authorization', `Basic ${basic}`);
  }
  url.username = '';
  url.password = '';
  let res: Response;
  try {
    res = await fetch(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    return failed(fetchFailure(e, url, req.timeoutMs));
  }
  // The answer's body is not read: it is not shown (it may echo the request), and the socket is freed.
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { ok: true, responseCode: res.status, error: null };
  if (res.status >= 300 && res.status < 400) return failed(`${url.host} answered ${res.status}, a redirect (redirects are not followed)`, res.status);
  return failed(`${url.host} answered HTTP ${res.status}`, res.status);
}

const NETWORK_WORDS: Record<string, (host: string) => string> = {
  ECONNREFUSED: (host) => `connection refused by ${host}`,
  ENOTFOUND: (host) => `DNS lookup of ${host} failed (no such host)`,
  EAI_AGAIN: (host) => `DNS lookup of ${host} failed (temporary DNS failure)`,
  ECONNRESET: (host) => `${host} closed the connection`,
  UND_ERR_SOCKET: (host) => `${host} closed the connection`,
  UND_ERR_CONNECT_TIMEOUT: (host) => `timed out connecting to ${host}`,
  EHOSTUNREACH: (host) => `${host} is unreachable`,
  ENETUNREACH: (host) => `${host} is unreachable (no route to its network)`,
};

/** fetch's failure in words: the error's code (the cause's, for network errors), never its message. */
function fetchFailure(e: unknown, url: URL, timeoutMs: number): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `timed out: no answer from ${url.host} within ${timeoutMs / 1000} s`;
  const code = errorCode(e instanceof Error ? e.cause : undefined) ?? errorCode(e);
  const host = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? url.hostname : url.host;
  if (code === undefined) return `the request to ${url.host} failed`;
  const words = NETWORK_WORDS[code];
  if (words) return words(host);
  if (/CERT|TLS|SSL/.test(code)) return `the TLS certificate of ${host} was rejected (${code})`;
  return `the request to ${host} failed (${code})`;
}

/** An error's code when it is one (`ECONNREFUSED`), not free text. */
function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  const code = e.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

import type { AlertAction, AlertPayload } from '../domain/index.js';
import { renderBodyTemplate } from './body-template.js';
import { EmailError, type EmailSender } from './email.js';
import { failed, parseTargetUrl, sendHttp, type DeliveryAttempt } from './http-request.js';
import { defaultWebhookBody, emailMessage, slackMessage, teamsMessage } from './messages.js';
import { signatureHeader } from './signature.js';

export interface DeliveryRequest {
  action: AlertAction;
  payload: AlertPayload;
  /** Sent as X-Bugrun-Delivery, the same on every attempt: receivers drop repeats by it. */
  deliveryId: string;
  /** The alert's signing secret (webhooks); null: requests are not signed. */
  secret: string | null;
  /** The process's SMTP sender; null when BUGRUN_SMTP_URL is not set. */
  email: EmailSender | null;
  /** How long a receiver may take to answer; default 10 s. */
  timeoutMs?: number;
}

export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

/** Headers a receiver trusts as Bugrun's own: a user's header never overrides one of them. */
const OWN_HEADER = /^x-bugrun-/i;
/** Headers the HTTP client sets from the request itself; fetch refuses some of them outright. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

/** One attempt to deliver an alert; never throws: every failure is an attempt that failed. */
export async function deliver(request: DeliveryRequest): Promise<DeliveryAttempt> {
  try {
    switch (request.action.type) {
      case 'webhook':
        return await deliverWebhook(request);
      case 'slack':
        return await postJson(request, JSON.stringify(slackMessage(request.payload)));
      case 'teams':
        return await postJson(request, JSON.stringify(teamsMessage(request.payload)));
      case 'email':
        return await deliverEmail(request);
      default:
        return failed('unknown action type');
    }
  } catch {
    // A thrown error's message may quote the URL or a header: only that it happened is told.
    return failed('the delivery failed unexpectedly');
  }
}

function baseHeaders(json: boolean): Headers {
  const headers = new Headers({ 'user-agent': 'Bugrun-Alerts/1' });
  if (json) headers.set('content-type', 'application/json');
  return headers;
}

/** Slack and Teams: their message as JSON, unsigned (their URL is the credential). */
async function postJson(request: DeliveryRequest, body: string): Promise<DeliveryAttempt> {
  const url = parseTargetUrl(request.action.url);
  if (typeof url === 'string') return failed(url);
  return sendHttp({ url, method: 'POST', headers: baseHeaders(true), body, timeoutMs: request.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS });
}

/**
 * A webhook: the rendered body template or the default payload, signed over the exact JSON text.
 * GET carries that text in the `payload` query parameter instead of a body.
 */
async function deliverWebhook(request: DeliveryRequest): Promise<DeliveryAttempt> {
  const { action, payload } = request;
  const url = parseTargetUrl(action.url);
  if (typeof url === 'string') return failed(url);
  let json: string;
  if (action.body !== undefined && action.body !== null && action.body !== '') {
    const rendered = renderBodyTemplate(action.body, payload);
    if (!rendered.ok) return failed(rendered.error);
    json = rendered.body;
  } else {
    json = JSON.stringify(defaultWebhookBody(payload));
  }
  const method = action.method ?? 'POST';
  const headers = baseHeaders(method === 'POST');
  for (const [name, value] of Object.entries(action.headers ?? {})) {
    if (OWN_HEADER.test(name) || TRANSPORT_HEADERS.has(name.toLowerCase())) continue;
    try {
      headers.set(name, value);
    } catch {
      // The value is not repeated: it may be a credential.
      return failed(
        /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(name) ? `the header ${name} has a value HTTP does not allow` : 'a header name is not valid HTTP',
      );
    }
  }
  if (request.secret !== null) headers.set('x-bugrun-signature', signatureHeader(request.secret, json, Math.floor(Date.now() / 1000)));
  headers.set('x-bugrun-event', `${payload.target}.${payload.event}`);
  headers.set('x-bugrun-delivery', request.deliveryId);
  if (method === 'GET') url.searchParams.set('payload', json);
  return sendHttp({ url, method, headers, body: method === 'GET' ? null : json, timeoutMs: request.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS });
}

async function deliverEmail(request: DeliveryRequest): Promise<DeliveryAttempt> {
  if (request.email === null) return failed('email is not configured (BUGRUN_SMTP_URL)');
  const to = (request.action.to ?? []).filter((address) => address.trim() !== '');
  if (to.length === 0) return failed('the alert has no recipients');
  const message = { to, ...emailMessage(request.payload) };
  try {
    await request.email.send(message);
    return { ok: true, responseCode: null, error: null };
  } catch (e) {
    if (e instanceof EmailError) return failed(e.message, e.responseCode);
    return failed('sending the email failed');
  }
}

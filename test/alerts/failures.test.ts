import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type DeliveryAttempt, type DeliveryRequest } from '../../src/alerts/index.js';
import type { AlertAction } from '../../src/domain/index.js';
import { testPayload } from './payload.js';
import { closedPort, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

/**
 * Failed attempts against real servers. Attempts are shown to users, and a webhook's URL (path and
 * query) and headers often hold its credentials: an error names the failure and at most the host.
 */
const PATH_SECRET = 'path-credential-4711';
const QUERY_SECRET = 'query-credential-0815';
const HEADER_SECRET = 'header-credential-1234';
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

function attempt(type: AlertAction['type'], url: string, timeoutMs?: number): Promise<DeliveryAttempt> {
  const request: DeliveryRequest = {
    action: { type, url, headers: { Authorization: `Bearer ${HEADER_SECRET}`, 'X-Api-Key': HEADER_SECRET } },
    payload: testPayload(),
    deliveryId: 'dlv-f',
    secret: 'whsec_test',
    email: null,
    timeoutMs,
  };
  return deliver(request);
}

function expectNoCredentials(error: string | null): void {
  expect(error).not.toBeNull();
  for (const secret of [PATH_SECRET, QUERY_SECRET, HEADER_SECRET, 'token=', '?', '/']) expect(error).not.toContain(secret);
}

describe('failed attempts', () => {
  it.each(['webhook', 'slack', 'teams'] as const)('%s: a non-2xx answer fails with its status, not the URL', async (type) => {
    const result = await attempt(type, `${receiver.origin}/status/500/${PATH_SECRET}?token=${QUERY_SECRET}`);
    expect(result.ok).toBe(false);
    expect(result.responseCode).toBe(500);
    expect(result.error).toBe(`${receiver.origin.slice('http://'.length)} answered HTTP 500`);
    expectNoCredentials(result.error);
  });

  it('a 2xx other than 200 is success (Teams workflows answer 202)', async () => {
    expect(await attempt('teams', `${receiver.origin}/status/202`)).toEqual({ ok: true, responseCode: 202, error: null });
  });

  it('a redirect is not followed and fails the attempt', async () => {
    const result = await attempt('webhook', `${receiver.origin}/status/302/${PATH_SECRET}?token=${QUERY_SECRET}`);
    expect(result).toMatchObject({ ok: false, responseCode: 302 });
    expect(result.error).toMatch(/redirect/);
    expectNoCredentials(result.error);
    // The receiver redirects to /moved, which would answer 200: nothing went there.
    expect(receiver.received.some((r) => r.path.startsWith('/moved'))).toBe(false);
  });

  it('a refused connection fails naming only the host', async () => {
    const port = await closedPort();
    const result = await attempt('webhook', `http://127.0.0.1:${port}/${PATH_SECRET}?token=${QUERY_SECRET}`);
    expect(result).toEqual({ ok: false, responseCode: null, error: `connection refused by 127.0.0.1:${port}` });
  });

  it('a host that does not resolve fails as a DNS failure', async () => {
    const result = await attempt('slack', `https://no-such-host.invalid/${PATH_SECRET}?token=${QUERY_SECRET}`);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^DNS lookup of no-such-host\.invalid failed/);
    expectNoCredentials(result.error);
  });

  it('a receiver that never answers fails the attempt after timeoutMs, as timed out', async () => {
    const arrived = receiver.arrival('/hang/');
    const result = await attempt('webhook', `${receiver.origin}/hang/${PATH_SECRET}?token=${QUERY_SECRET}`, 300);
    // The request did reach it: this is no answer, not no connection.
    expect((await arrived).path).toMatch(/^\/hang\//);
    expect(result.ok).toBe(false);
    expect(result.responseCode).toBeNull();
    expect(result.error).toMatch(/timed out: no answer from 127\.0\.0\.1:\d+ within 0\.3 s/);
    expectNoCredentials(result.error);
  });

  it('an unusable URL or header fails without repeating it', async () => {
    expect((await attempt('webhook', `not a url ${QUERY_SECRET}`)).error).toBe('the URL is not a valid URL');
    expect((await attempt('slack', `ftp://host/${PATH_SECRET}`)).error).toBe("the URL's scheme ftp: is not http: or https:");
    const bad = await deliver({
      action: { type: 'webhook', url: `${receiver.origin}/hook`, headers: { 'X-Token': `${HEADER_SECRET}\nInjected: 1` } },
      payload: testPayload(),
      deliveryId: 'dlv-h',
      secret: null,
      email: null,
    });
    expect(bad).toEqual({ ok: false, responseCode: null, error: 'the header X-Token has a value HTTP does not allow' });
  });

  it('email without an SMTP sender fails, naming the setting', async () => {
    const result = await deliver({ action: { type: 'email', to: ['a@example.com'] }, payload: testPayload(), deliveryId: 'd', secret: null, email: null });
    expect(result).toEqual({ ok: false, responseCode: null, error: 'email is not configured (BUGRUN_SMTP_URL)' });
  });
});

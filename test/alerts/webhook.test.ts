import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, newWebhookSecret, type DeliveryRequest } from '../../src/alerts/index.js';
import type { AlertAction } from '../../src/domain/index.js';
import { suitePayload, testPayload } from './payload.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

/** Webhooks against a real receiver that checks the signature the way a user's would. */
const SECRET = newWebhookSecret();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver(SECRET);
});
afterAll(() => receiver.close());

function request(action: Partial<AlertAction>, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return {
    action: { type: 'webhook', url: `${receiver.origin}/hook`, ...action },
    payload: testPayload(),
    deliveryId: 'dlv-1',
    secret: SECRET,
    email: null,
    ...overrides,
  };
}

describe('webhook delivery', () => {
  it('POSTs the default payload as JSON, signed, with the event and delivery id', async () => {
    const [attempt, got] = await Promise.all([deliver(request({ url: `${receiver.origin}/post` })), receiver.arrival('/post')]);
    expect(attempt).toEqual({ ok: true, responseCode: 200, error: null });
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/post');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Bugrun-Alerts/1');
    expect(got.headers['x-bugrun-event']).toBe('test.finished');
    expect(got.headers['x-bugrun-delivery']).toBe('dlv-1');
    expect(got.headers['x-bugrun-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(got.signatureValid).toBe(true);
    expect(JSON.parse(got.body)).toEqual({
      event: 'finished',
      target: 'test',
      testRunId: testPayload().testRunId,
      suiteRunId: null,
      testId: testPayload().testId,
      suiteId: null,
      name: 'Sign in',
      status: 'failed',
      previousStatus: 'passed',
      errorCode: 'ELEMENT_DOES_NOT_EXIST',
      errorMessage: 'Element "#login" was not found',
      triggeredBy: 'scheduler',
      profileId: testPayload().profileId,
      profileName: 'Staging',
      scheduleId: testPayload().scheduleId,
      scheduleName: 'Nightly',
      queued: testPayload().queued,
      started: testPayload().started,
      ended: testPayload().ended,
      duration: '00:00:30.500000',
      webappUrl: testPayload().webappUrl,
      project: { id: testPayload().projectId, name: 'Shop' },
    });
  });

  it("a suite run's payload has its suite ids and null test ids; the event names the target", async () => {
    const [attempt, got] = await Promise.all([deliver(request({ url: `${receiver.origin}/suite` }, { payload: suitePayload() })), receiver.arrival('/suite')]);
    expect(attempt.ok).toBe(true);
    expect(got.headers['x-bugrun-event']).toBe('suite.started');
    const body = JSON.parse(got.body) as Record<string, unknown>;
    expect(body).toMatchObject({ target: 'suite', testRunId: null, testId: null, suiteRunId: suitePayload().suiteRunId, suiteId: suitePayload().suiteId });
    expect(body).toMatchObject({ status: 'running', ended: null, duration: null, name: 'Checkout' });
  });

  it('GET sends no body and the same signed JSON in the payload query parameter, keeping the URL query', async () => {
    const [attempt, got] = await Promise.all([deliver(request({ method: 'GET', url: `${receiver.origin}/get?key=k1` })), receiver.arrival('/get')]);
    expect(attempt).toEqual({ ok: true, responseCode: 200, error: null });
    expect(got.method).toBe('GET');
    expect(got.body).toBe('');
    expect(got.headers['content-type']).toBeUndefined();
    const query = new URL(got.path, 'http://x').searchParams;
    expect(query.get('key')).toBe('k1');
    expect(JSON.parse(query.get('payload') ?? '')).toMatchObject({ event: 'finished', name: 'Sign in', testRunId: testPayload().testRunId });
    expect(got.signatureValid).toBe(true);
  });

  it("sends the user's headers, which cannot override the X-Bugrun-* ones", async () => {
    const headers = {
      Authorization: 'Bearer tok-123',
      'X-Custom': 'yes',
      'X-Bugrun-Signature': 't=1,v1=forged',
      'x-bugrun-event': 'forged',
      'X-Bugrun-Extra': 'x',
    };
    const [attempt, got] = await Promise.all([deliver(request({ headers, url: `${receiver.origin}/headers` })), receiver.arrival('/headers')]);
    expect(attempt.ok).toBe(true);
    expect(got.headers.authorization).toBe('Bearer tok-123');
    expect(got.headers['x-custom']).toBe('yes');
    expect(got.headers['x-bugrun-event']).toBe('test.finished');
    expect(got.headers['x-bugrun-extra']).toBeUndefined();
    expect(got.signatureValid).toBe(true);
  });

  it('without a secret sends no signature; credentials in the URL become Basic authentication', async () => {
    const url = `${receiver.origin.replace('http://', 'http://hook-user:p%40ss@')}/basic`;
    const [attempt, got] = await Promise.all([deliver(request({ url }, { secret: null })), receiver.arrival('/basic')]);
    expect(attempt.ok).toBe(true);
    expect(got.headers['x-bugrun-signature']).toBeUndefined();
    expect(got.signatureValid).toBeNull();
    expect(got.headers.authorization).toBe(`Basic ${Buffer.from('hook-user:p@ss').toString('base64')}`);
  });

  it('a body template renders the body that is sent and signed, with JSON-escaped values', async () => {
    const body = '{"text": "{{ testName }} {{ status }}", "code": {{ errorCode | json }}, "suite": {{ suiteName | json }}, "by": "{{ triggeredBy }}"}';
    const name = 'He said "hi"\n\\ {{x}}';
    const [attempt, got] = await Promise.all([
      deliver(request({ body, url: `${receiver.origin}/template` }, { payload: testPayload({ name }) })),
      receiver.arrival('/template'),
    ]);
    expect(attempt.ok).toBe(true);
    expect(got.signatureValid).toBe(true);
    expect(JSON.parse(got.body)).toEqual({ text: `${name} failed`, code: 'ELEMENT_DOES_NOT_EXIST', suite: null, by: 'scheduler' });
  });

  it('a body template that does not render JSON fails the attempt before any request', async () => {
    const before = receiver.received.length;
    const attempt = await deliver(request({ body: '{"text": {{ name }}}' }));
    expect(attempt).toEqual({ ok: false, responseCode: null, error: expect.stringMatching(/^the body template does not render JSON/) });
    expect(receiver.received.length).toBe(before);
  });
});

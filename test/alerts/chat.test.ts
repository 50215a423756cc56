import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../src/alerts/index.js';
import type { AlertPayload } from '../../src/domain/index.js';
import { suitePayload, testPayload } from './payload.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

/** Slack and Teams incoming webhooks, posted to a real receiver standing in for them. */
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
}

async function post(type: 'slack' | 'teams', path: string, payload: AlertPayload): Promise<Record<string, unknown>> {
  const [attempt, got] = await Promise.all([
    deliver({ action: { type, url: `${receiver.origin}${path}` }, payload, deliveryId: 'd', secret: 'whsec_unused', email: null }),
    receiver.arrival(path),
  ]);
  expect(attempt).toEqual({ ok: true, responseCode: 200, error: null });
  expect(got.method).toBe('POST');
  expect(got.headers['content-type']).toBe('application/json');
  expect(got.headers['user-agent']).toBe('Bugrun-Alerts/1');
  // Their URL is the credential: no signature, nothing of ours beyond the message.
  expect(Object.keys(got.headers).filter((h) => h.startsWith('x-bugrun-'))).toEqual([]);
  return JSON.parse(got.body) as Record<string, unknown>;
}

describe('Slack', () => {
  it('a failed test: text fallback, a header with the status, the name linked to the run, the error', async () => {
    const p = testPayload({ name: 'Sign <in> & out', errorMessage: 'Element "#login" was not found' });
    const msg = await post('slack', '/slack/failed', p);
    expect(msg.text).toBe('❌ Test failed: Sign &lt;in&gt; &amp; out');
    const blocks = msg.blocks as Block[];
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '❌ Test failed', emoji: true } });
    expect(blocks[1]?.text).toEqual({ type: 'mrkdwn', text: `*<${p.webappUrl}|Sign &lt;in&gt; &amp; out>*` });
    expect(blocks[1]?.fields?.map((f) => f.text)).toEqual([
      '*Status*\nfailed',
      '*Previous status*\npassed',
      '*Triggered by*\nscheduler',
      '*Profile*\nStaging',
      '*Schedule*\nNightly',
      '*Duration*\n00:00:30.500000',
      '*Project*\nShop',
    ]);
    expect(blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Error*\nELEMENT_DOES_NOT_EXIST: Element "#login" was not found' } });
  });

  it('a started suite: no error block, only the facts it has', async () => {
    const msg = await post('slack', '/slack/started', suitePayload({ profileName: null, scheduleName: null }));
    expect(msg.text).toBe('▶️ Suite started: Checkout');
    const blocks = msg.blocks as Block[];
    expect(blocks).toHaveLength(2);
    expect(blocks[1]?.fields?.map((f) => f.text)).toEqual(['*Status*\nrunning', '*Triggered by*\napi', '*Project*\nShop']);
  });
});

describe('Teams', () => {
  it('an Adaptive Card with the outcome, the name, the facts, the error and a button to the run', async () => {
    const p = testPayload();
    const msg = await post('teams', '/teams/failed', p);
    expect(msg.type).toBe('message');
    const attachments = msg.attachments as { contentType: string; content: Record<string, unknown> }[];
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = attachments[0]?.content ?? {};
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body).toEqual([
      { type: 'TextBlock', text: '❌ Test failed', weight: 'Bolder', color: 'Attention', wrap: true },
      { type: 'TextBlock', text: 'Sign in', size: 'Large', weight: 'Bolder', wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Status', value: 'failed' },
          { title: 'Previous status', value: 'passed' },
          { title: 'Triggered by', value: 'scheduler' },
          { title: 'Profile', value: 'Staging' },
          { title: 'Schedule', value: 'Nightly' },
          { title: 'Duration', value: '00:00:30.500000' },
          { title: 'Project', value: 'Shop' },
        ],
      },
      { type: 'TextBlock', text: 'ELEMENT_DOES_NOT_EXIST: Element "#login" was not found', color: 'Attention', wrap: true },
    ]);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the run', url: p.webappUrl }]);
  });

  it('a passed run is shown as good, without an error block', async () => {
    const msg = await post('teams', '/teams/passed', testPayload({ status: 'passed', errorCode: null, errorMessage: null }));
    const card = (msg.attachments as { content: { body: { type: string; color?: string }[] } }[])[0]?.content;
    expect(card?.body[0]).toMatchObject({ text: '✅ Test passed', color: 'Good' });
    expect(card?.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet']);
  });
});

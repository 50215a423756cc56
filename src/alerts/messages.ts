import type { AlertPayload, RunStatus } from '../domain/index.js';

/**
 * What an alert says about a run, in each channel's format. Values come from users (test names,
 * error messages): each format escapes them its own way, and long ones are clipped to the limits
 * Slack and Teams enforce (a message over them is rejected whole).
 */

/** The documented default JSON payload of a webhook (docs: alerts). */
export function defaultWebhookBody(p: AlertPayload): Record<string, unknown> {
  return {
    event: p.event,
    target: p.target,
    testRunId: p.testRunId,
    suiteRunId: p.suiteRunId,
    testId: p.testId,
    suiteId: p.suiteId,
    name: p.name,
    status: p.status,
    previousStatus: p.previousStatus,
    errorCode: p.errorCode,
    errorMessage: p.errorMessage,
    triggeredBy: p.triggeredBy,
    profileId: p.profileId,
    profileName: p.profileName,
    scheduleId: p.scheduleId,
    scheduleName: p.scheduleName,
    queued: p.queued,
    started: p.started,
    ended: p.ended,
    duration: p.duration,
    webappUrl: p.webappUrl,
    project: { id: p.projectId, name: p.projectName },
  };
}

const EMOJI: Partial<Record<RunStatus, string>> = { passed: '✅', failed: '❌', error: '⚠️', stopped: '⏹️', skipped: '⏭️', running: '▶️' };

/** `started`, or the status a finished run ended with. */
function outcome(p: AlertPayload): string {
  return p.event === 'started' ? 'started' : p.status;
}

/** "Test failed", "Suite started". */
function headline(p: AlertPayload): string {
  return `${EMOJI[p.event === 'started' ? 'running' : p.status] ?? ''} ${p.target === 'test' ? 'Test' : 'Suite'} ${outcome(p)}`.trim();
}

/** The run's details worth a glance, without the empty ones. */
function facts(p: AlertPayload): [string, string][] {
  const all: [string, string | null][] = [
    ['Status', p.status],
    ['Previous status', p.previousStatus],
    ['Triggered by', p.triggeredBy],
    ['Profile', p.profileName],
    ['Schedule', p.scheduleName],
    ['Duration', p.duration],
    ['Project', p.projectName],
  ];
  return all.filter((f): f is [string, string] => f[1] !== null && f[1] !== '');
}

function errorLine(p: AlertPayload): string | null {
  if (p.errorCode === null && p.errorMessage === null) return null;
  return [p.errorCode, p.errorMessage].filter((s) => s !== null && s !== '').join(': ');
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Slack's mrkdwn gives `&`, `<` and `>` meaning (links, mentions); escaped, a name is only text. */
function mrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the message itself. */
export function slackMessage(p: AlertPayload): Record<string, unknown> {
  // A `|` would end a link's URL early; the web UI's URLs have none, but a name may.
  const link = `<${p.webappUrl.replace(/[|<>]/g, encodeURIComponent)}|${mrkdwn(clip(p.name, 500)).replace(/\|/g, '¦')}>`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline(p), 150), emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${link}*` },
      fields: facts(p).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${mrkdwn(clip(v, 500))}` })),
    },
  ];
  const error = errorLine(p);
  if (error !== null) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Error*\n${mrkdwn(clip(error, 2500))}` } });
  return { text: mrkdwn(clip(`${headline(p)}: ${p.name}`, 1000)), blocks };
}

/** A Microsoft Teams incoming-webhook (or Workflows) message with one Adaptive Card. */
export function teamsMessage(p: AlertPayload): Record<string, unknown> {
  const color = p.event === 'started' ? 'Default' : p.status === 'passed' ? 'Good' : 'Attention';
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: headline(p), weight: 'Bolder', color, wrap: true },
    { type: 'TextBlock', text: clip(p.name, 1000), size: 'Large', weight: 'Bolder', wrap: true },
    { type: 'FactSet', facts: facts(p).map(([title, value]) => ({ title, value: clip(value, 500) })) },
  ];
  const error = errorLine(p);
  if (error !== null) body.push({ type: 'TextBlock', text: clip(error, 2500), color: 'Attention', wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open the run', url: p.webappUrl }],
        },
      },
    ],
  };
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An email about the run: a subject to sort by, a plain text part and the same as simple HTML. */
export function emailMessage(p: AlertPayload): EmailMessage {
  const what = p.target === 'test' ? 'test run' : 'suite run';
  // A subject is one header line: line breaks in a name must not start another header.
  const subject = `[Bugrun] ${outcome(p)}: ${clip(p.name, 200)} (${what} ${p.runId.slice(0, 8)})`.replace(/[\r\n]+/g, ' ');
  const error = errorLine(p);
  const rows = facts(p);
  const text = [
    `${headline(p)}: ${p.name}`,
    '',
    ...(error === null ? [] : [`Error: ${error}`, '']),
    ...rows.map(([k, v]) => `${k}: ${v}`),
    '',
    `Open the run: ${p.webappUrl}`,
  ].join('\n');
  const htmlBody = [
    `<h2>${html(headline(p))}: <a href="${html(p.webappUrl)}">${html(p.name)}</a></h2>`,
    error === null ? '' : `<p><strong>Error:</strong> ${html(error).replace(/\n/g, '<br>')}</p>`,
    `<table>${rows.map(([k, v]) => `<tr><th align="left">${html(k)}</th><td>${html(v)}</td></tr>`).join('')}</table>`,
    `<p><a href="${html(p.webappUrl)}">Open the run</a></p>`,
  ].join('\n');
  return { subject, text, html: htmlBody };
}

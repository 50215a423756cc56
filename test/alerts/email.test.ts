import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailSender, deliver, type DeliveryRequest, type EmailSender } from '../../src/alerts/index.js';
import { testPayload } from './payload.js';
import { closedPort } from '../helpers/webhook-receiver.js';
import { startSmtp, type Smtp } from '../helpers/smtp-server.js';

/** Email alerts through nodemailer to a real SMTP server (smtp-server) on 127.0.0.1. */

function emailRequest(email: EmailSender, to = ['dev@example.com', 'qa@example.com']): DeliveryRequest {
  const payload = testPayload({ name: 'Sign in <b>now</b>' });
  return { action: { type: 'email', to }, payload, deliveryId: 'dlv-e', secret: null, email };
}

describe('email delivery', () => {
  let smtp: Smtp;
  let sender: EmailSender;

  beforeAll(async () => {
    smtp = await startSmtp();
    sender = createEmailSender(`smtp://127.0.0.1:${smtp.port}`, 'Bugrun <alerts@bugrun.test>');
  });
  afterAll(async () => {
    sender.close();
    await smtp.close();
  });

  it('sends one message to the recipients: subject with outcome, name and run; body with the name and the link', async () => {
    const [attempt, mail] = await Promise.all([deliver(emailRequest(sender)), smtp.nextMail()]);
    expect(attempt).toEqual({ ok: true, responseCode: null, error: null });
    expect(mail.from).toBe('alerts@bugrun.test');
    expect(mail.to).toEqual(['dev@example.com', 'qa@example.com']);
    expect(mail.raw).toMatch(/^Subject: \[Bugrun\] failed: Sign in <b>now<\/b> \(test run 3f1c2d4e\)\r?$/m);
    const url = testPayload().webappUrl;
    const [text, html] = mail.raw.split(/Content-Type: text\/html/);
    expect(text).toContain('Test failed: Sign in <b>now</b>');
    expect(text).toContain('Error: ELEMENT_DOES_NOT_EXIST: Element "#login" was not found');
    expect(text).toContain(`Open the run: ${url}`);
    // HTML: the name escaped, so a test name cannot add markup; the link to the run.
    expect(html).toContain(`<a href="${url}">Sign in &lt;b&gt;now&lt;/b&gt;</a>`);
    expect(html).not.toContain('<b>now</b>');
  });

  it('an alert without recipients fails without sending', async () => {
    const before = smtp.mails.length;
    expect(await deliver(emailRequest(sender, []))).toEqual({ ok: false, responseCode: null, error: 'the alert has no recipients' });
    expect(smtp.mails.length).toBe(before);
  });
});

describe('SMTP failures', () => {
  it('logs in with the credentials of the URL; wrong ones fail with the reply code, never the password', async () => {
    const logins: string[] = [];
    const smtp = await startSmtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        logins.push(`${auth.username}:${auth.password}`);
        if (auth.username === 'bugrun' && auth.password === 'right p@ss') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
    });
    const wrong = createEmailSender(`smtp://bugrun:wrong-p%40ss-999@127.0.0.1:${smtp.port}`, 'alerts@bugrun.test');
    const right = createEmailSender(`smtp://bugrun:right%20p%40ss@127.0.0.1:${smtp.port}`, 'alerts@bugrun.test');
    try {
      const failed = await deliver(emailRequest(wrong));
      expect(failed).toMatchObject({ ok: false, responseCode: 535 });
      expect(failed.error).toMatch(/refused the login/);
      for (const secret of ['wrong-p', 'p%40ss', 'p@ss', 'bugrun:']) expect(failed.error).not.toContain(secret);
      expect(smtp.mails).toEqual([]);

      const [sent] = await Promise.all([deliver(emailRequest(right)), smtp.nextMail()]);
      expect(sent.ok).toBe(true);
      expect(logins).toEqual(['bugrun:wrong-p@ss-999', 'bugrun:right p@ss']);
    } finally {
      wrong.close();
      right.close();
      await smtp.close();
    }
  });

  it('an SMTP URL that is not one is refused at once, without repeating it', () => {
    for (const url of ['not a url pw-secret', 'http://user:pw-secret@host', 'smtp://']) {
      expect(() => createEmailSender(url, 'alerts@bugrun.test')).toThrow(/^BUGRUN_SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL with a host/);
      expect(() => createEmailSender(url, 'alerts@bugrun.test')).not.toThrow(/pw-secret/);
    }
  });

  it('a refused connection names the host only', async () => {
    const port = await closedPort();
    const sender = createEmailSender(`smtp://user:pw-secret@127.0.0.1:${port}`, 'alerts@bugrun.test');
    try {
      expect(await deliver(emailRequest(sender))).toEqual({ ok: false, responseCode: null, error: `connection refused by 127.0.0.1:${port}` });
    } finally {
      sender.close();
    }
  });
});

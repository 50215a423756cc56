import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends alert emails; one per process, closed when the process stops. */
export interface EmailSender {
  /** Resolves once the SMTP server accepted the message; rejects with an EmailError. */
  send(message: OutgoingEmail): Promise<void>;
  close(): void;
}

/** Why an email was not sent, in words safe to show: no credentials, no server text. */
export class EmailError extends Error {
  override name = 'EmailError';
  constructor(
    message: string,
    /** The SMTP reply code that refused it, if one did. */
    readonly responseCode: number | null = null,
  ) {
    super(message);
  }
}

/** nodemailer's error codes in words; its messages and the server's replies are not repeated. */
const SMTP_WORDS: Record<string, (host: string) => string> = {
  EAUTH: (host) => `the SMTP server ${host} refused the login (check the credentials in BUGRUN_SMTP_URL)`,
  ENOAUTH: (host) => `the SMTP server ${host} needs a login and BUGRUN_SMTP_URL has none`,
  ECONNECTION: (host) => `the SMTP server ${host} closed the connection unexpectedly`,
  ESOCKET: (host) => `the connection to the SMTP server ${host} failed`,
  ETIMEDOUT: (host) => `the SMTP server ${host} did not answer in time`,
  EDNS: (host) => `DNS lookup of the SMTP server ${host} failed`,
  ETLS: (host) => `TLS with the SMTP server ${host} failed`,
  EENVELOPE: (host) => `the SMTP server ${host} refused the sender or the recipients`,
  EMESSAGE: (host) => `the SMTP server ${host} refused the message`,
  EPROTOCOL: (host) => `the SMTP server ${host} answered something unexpected`,
};

/**
 * An EmailSender over SMTP: `smtp://user:pass@host:587` (STARTTLS when offered) or
 * `smtps://user:pass@host:465` (TLS from the start). Timeouts bound a server that never answers;
 * nodemailer's defaults wait minutes. Throws if the URL is not one.
 */
export function createEmailSender(smtpUrl: string, from: string): EmailSender {
  const host = smtpHost(smtpUrl);
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(message) {
      try {
        await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      } catch (e) {
        throw smtpFailure(e, host);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * The host of an SMTP URL. Anything else is a configuration mistake, told at start-up (nodemailer
 * would try localhost instead); the URL is not repeated, it holds the password.
 */
function smtpHost(smtpUrl: string): string {
  let url: URL | null = null;
  try {
    url = new URL(smtpUrl);
  } catch {
    // Reported below.
  }
  if (url === null || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new Error('BUGRUN_SMTP_URL must be an smtp:// or smtps:// URL with a host (smtps://user:password@host:465)');
  }
  return url.host;
}

function smtpFailure(e: unknown, host: string): EmailError {
  const fields = typeof e === 'object' && e !== null ? (e as { code?: unknown; originalCode?: unknown; responseCode?: unknown }) : {};
  const code = typeof fields.code === 'string' ? fields.code : null;
  const reply = typeof fields.responseCode === 'number' ? fields.responseCode : null;
  // nodemailer files a socket's error under ESOCKET and keeps the system's code beside it.
  const words =
    fields.originalCode === 'ECONNREFUSED' || code === 'ECONNREFUSED'
      ? `connection refused by ${host}`
      : (SMTP_WORDS[code ?? '']?.(host) ?? `sending to the SMTP server ${host} failed`);
  return new EmailError(reply === null ? words : `${words}: SMTP ${reply}`, reply);
}

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it is sent. */
export interface Mail {
  from: string;
  to: string[];
  /** The message as sent, quoted-printable decoded. */
  raw: string;
}

export interface Smtp {
  port: number;
  mails: Mail[];
  /** Resolves with the next message the server accepts. */
  nextMail(): Promise<Mail>;
  close(): Promise<void>;
}

/** Undoes quoted-printable (soft line breaks, =XX bytes) so the test reads what a mail client shows. */
function unQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
}

export async function startSmtp(options: SMTPServerOptions = {}): Promise<Smtp> {
  const mails: Mail[] = [];
  const waiting: ((m: Mail) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        const mail: Mail = {
          from: envelope.mailFrom === false ? '' : envelope.mailFrom.address,
          to: envelope.rcptTo.map((r) => r.address),
          raw: unQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
        };
        mails.push(mail);
        waiting.shift()?.(mail);
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    nextMail: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A real SMTP server (smtp-server) started by a test, so the app's emails go over SMTP exactly as in
// production and the test reads what a holder would receive.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './process.js';

export interface ReceivedMail {
  to: string[];
  /** The message as sent. */
  raw: string;
  /** Headers and body with quoted-printable soft line breaks and escapes undone (what a reader sees). */
  text: string;
}

/** Undoes quoted-printable: soft line breaks and =XX escapes (UTF-8). */
export function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw,
          text: decodeQuotedPrintable(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    /** Waits (on the condition, not on a time budget) for the first mail `matches` accepts. */
    waitForMail(matches: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
      return waitFor('the email', () => received.find(matches), { intervalMs: 100 });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;

/** The token of the first Coverwise link in an email (`…#token=cwl_…`). */
export function linkTokenIn(mail: ReceivedMail): string {
  const match = /#token=(cwl_[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`no link in the email:\n${mail.text}`);
  return match[1]!;
}

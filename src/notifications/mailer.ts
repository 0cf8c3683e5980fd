// Sends the queued holder emails: over SMTP (nodemailer) when SMTP_URL is set, otherwise as `.eml`
// files in the outbox folder, so a fresh install shows what it would have sent without a mail server.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type PgBoss from 'pg-boss';
import { type EmailMessage, HOLDER_EMAIL_QUEUE } from './outbox.js';

export interface Mailer {
  /** Sends one message; `jobId` makes the Message-ID (and the file name), so a retried job is recognisable. */
  send(message: EmailMessage, jobId: string): Promise<void>;
  close(): void;
}

const JOB_ID = /^[0-9a-f-]{36}$/;

export function createMailer(options: { smtpUrl: string | null; from: string; outboxDir: string }): Mailer {
  const transport = options.smtpUrl
    ? nodemailer.createTransport(options.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message, jobId) {
      if (!JOB_ID.test(jobId)) throw new Error(`unexpected job id ${jobId}`);
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${jobId}@coverwise>`,
        headers: { 'X-Coverwise-Reference': message.reference },
      });
      if (!options.smtpUrl) {
        fs.mkdirSync(options.outboxDir, { recursive: true });
        const file = path.join(options.outboxDir, `${jobId}.eml`);
        await fs.promises.writeFile(file, (info as { message: Buffer }).message);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Runs the email worker in this process (when it runs job workers). */
export async function startEmailWorker(
  boss: PgBoss,
  mailer: Mailer,
  logger: FastifyBaseLogger,
  pollingIntervalSeconds = 2,
): Promise<void> {
  await boss.work<EmailMessage>(HOLDER_EMAIL_QUEUE, { pollingIntervalSeconds }, async (jobs) => {
    for (const job of jobs) {
      await mailer.send(job.data, job.id);
      logger.info({ job: HOLDER_EMAIL_QUEUE, jobId: job.id, reference: job.data.reference }, 'email sent');
    }
  });
}

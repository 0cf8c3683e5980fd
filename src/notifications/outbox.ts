// Holder emails go through an outbox: the job that sends one is queued in pg-boss inside the SAME
// transaction as the change it reports, so a rolled-back change queues no email and a committed
// change always has its email queued. A worker sends queued emails afterwards (mailer.ts).
import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import { type Clock, systemClock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { inTransaction } from '../platform/jobs/in-transaction.js';
import { insertNotification } from './notification.repository.js';

export const HOLDER_EMAIL_QUEUE = 'holder-email';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** What the email is about, for logs and threading (e.g. `gap_claim:<id>`). */
  reference: string;
  /** The contract the email is about, so the holder's notification centre lists it. */
  contractId?: string;
  /**
   * What the notification centre keeps in place of `text`: an email carrying a secret (a sign-in
   * link) is recorded without it.
   */
  keptText?: string;
}

export interface Outbox {
  /** Queues an email in `trx`; answers the job id, or null when this process runs without a job queue. */
  queue(trx: Kysely<Database>, message: EmailMessage): Promise<string | null>;
  /** Connects the outbox to the started job queue (app.ts, after pg-boss starts). */
  attach(boss: PgBoss): Promise<void>;
}

export function createOutbox(options: { clock?: Clock } = {}): Outbox {
  const clock = options.clock ?? systemClock;
  let boss: PgBoss | null = null;
  return {
    async attach(started) {
      await started.createQueue(HOLDER_EMAIL_QUEUE, {
        name: HOLDER_EMAIL_QUEUE,
        retryLimit: 10,
        retryDelay: 60,
        retryBackoff: true,
      });
      boss = started;
    },
    async queue(trx, message) {
      // The notification centre's copy, in the same transaction as the change and its email.
      await insertNotification(trx, {
        recipient: message.to,
        contractId: message.contractId ?? null,
        subject: message.subject,
        body: message.keptText ?? message.text,
        reference: message.reference,
        createdAt: clock.now(),
      });
      // Only the test harness builds the app without pg-boss (BuildOptions.startJobs = false); every
      // server process starts it, so in production an email is always queued with its change.
      if (!boss) return null;
      const { keptText: _kept, ...job } = message;
      return boss.send(HOLDER_EMAIL_QUEUE, job, { db: inTransaction(trx) });
    },
  };
}

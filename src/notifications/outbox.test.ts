import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { waitFor } from '../../test/support/process.js';
import { type BuiltApp, buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { createMailer } from './mailer.js';
import { createOutbox } from './outbox.js';

// Holder emails against a real SMTP server started here (smtp-server), not a mock transport: a change
// queues its email in its own transaction, a rolled-back change queues none, and the worker delivers.

interface ReceivedMail {
  to: string[];
  raw: string;
}

async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Waits (on the condition, not on a time budget) until `probe` finds the email. */
function eventually<T>(probe: () => T | undefined): Promise<T> {
  return waitFor('the email', probe, { intervalMs: 100 });
}

describe('mailer without SMTP_URL', () => {
  it('writes each message as an .eml file in the outbox folder', async () => {
    const outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-outbox-'));
    const mailer = createMailer({ smtpUrl: null, from: 'Coverwise <claims@coverwise.invalid>', outboxDir });
    const jobId = '0b9c1d8e-2f3a-4b5c-8d7e-6f5a4b3c2d1e';
    await mailer.send({ to: 'ana@example.com', subject: 'Hello', text: 'Body', reference: 'test:1' }, jobId);
    const eml = fs.readFileSync(path.join(outboxDir, `${jobId}.eml`), 'utf8');
    expect(eml).toContain('To: ana@example.com');
    expect(eml).toContain('Subject: Hello');
    expect(eml).toContain(`Message-ID: <${jobId}@coverwise>`);
  });
});

describeEachEngine('holder email outbox', (engine) => {
  const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let built: BuiltApp;
  let databaseUrl: string | null;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    databaseUrl = await engine.createMigratedDatabaseUrl();
    const config = loadConfig({
      COVERWISE_DATA_DIR: 'memory://',
      COVERWISE_DEMO: '1',
      COVERWISE_WEB_DIR: 'none',
      LOG_LEVEL: 'silent',
      COVERWISE_DOCUMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cw-documents-')),
      SMTP_URL: smtp.url,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    // Jobs on: pg-boss queues and works the email jobs in this process.
    built = await buildApp(
      { ...config, dataDir: 'memory://' },
      { clock: new FakeClock('2026-11-25T15:00:00Z') },
    );
  });
  afterAll(async () => {
    await built?.close();
    await smtp?.close();
    await engine.dropDatabase(databaseUrl);
  });

  const jobsWithReference = async (reference: string) => {
    const result = await sql<{ n: number }>`
      select count(*)::int as n from pgboss.job where name = 'holder-email' and data->>'reference' = ${reference}`.execute(
      built.database.db,
    );
    return result.rows[0]!.n;
  };

  it('queues no email for a rolled-back change and delivers the committed one by SMTP', async () => {
    const outbox = createOutbox();
    await outbox.attach(built.jobs!.boss);
    const message = (reference: string) => ({
      to: 'holder@example.com',
      subject: `About ${reference}`,
      text: 'Your claim moved.',
      reference,
    });
    await expect(
      built.database.db.transaction().execute(async (trx) => {
        await outbox.queue(trx, message('rolled-back'));
        throw new Error('the change failed after its email was queued');
      }),
    ).rejects.toThrow('the change failed');
    await built.database.db.transaction().execute(async (trx) => {
      await outbox.queue(trx, message('committed'));
    });
    expect(await jobsWithReference('rolled-back')).toBe(0);
    expect(await jobsWithReference('committed')).toBe(1);
    const mail = await eventually(() =>
      smtp.received.find((m) => m.raw.includes('Subject: About committed')),
    );
    expect(mail.to).toEqual(['holder@example.com']);
    expect(smtp.received.some((m) => m.raw.includes('rolled-back'))).toBe(false);
  });

  it('emails the holder when a GAP claim starts, from the same transaction as the claim', async () => {
    const response = await built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(response.statusCode).toBe(201);
    const claim = response.json();
    expect(await jobsWithReference(`gap_claim:${claim.id}`)).toBe(1);
    const mail = await eventually(() =>
      smtp.received.find((m) => m.raw.includes(`GAP claim ${claim.claimNumber}: we have started your claim`)),
    );
    expect(mail.to).toEqual(['sofia.5@example.com']);
    expect(mail.raw).toContain('GAP addendum');
  });
});

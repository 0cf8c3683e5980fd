// The notification centre's record of the emails sent to holders: one row per queued email, written in
// the transaction that queues it (so a rolled-back change leaves neither).
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

export interface HolderNotification {
  id: string;
  subject: string;
  body: string;
  reference: string;
  contractId: string | null;
  sentAt: Date;
}

export async function insertNotification(
  db: Kysely<Database>,
  values: {
    recipient: string;
    contractId: string | null;
    subject: string;
    body: string;
    reference: string;
    createdAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('holder_notifications')
    .values({
      recipient: values.recipient.trim().toLowerCase(),
      contract_id: values.contractId,
      subject: values.subject,
      body: values.body,
      reference: values.reference,
      created_at: values.createdAt,
    })
    .execute();
}

/** The newest emails sent to `recipient` or about one of `contractIds`, newest first. */
export async function listNotifications(
  db: Kysely<Database>,
  filter: { recipient: string; contractIds: readonly string[]; limit: number },
): Promise<HolderNotification[]> {
  const rows = await db
    .selectFrom('holder_notifications')
    .select(['id', 'subject', 'body', 'reference', 'contract_id', 'created_at'])
    .where((eb) =>
      filter.contractIds.length > 0
        ? eb.or([
            eb('recipient', '=', filter.recipient.toLowerCase()),
            eb('contract_id', 'in', [...filter.contractIds]),
          ])
        : eb('recipient', '=', filter.recipient.toLowerCase()),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject,
    body: row.body,
    reference: row.reference,
    contractId: row.contract_id,
    sentAt: row.created_at,
  }));
}

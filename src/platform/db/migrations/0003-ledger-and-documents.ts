// The payments ledger (append-only money movements: refunds, fees, claim payments and their
// reversals) and the documents table (every uploaded file's record: who it belongs to, its review).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('payout', 'receipt')`))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents >= 0`))
    .addColumn('payee_kind', 'text', (c) =>
      c.notNull().check(sql`payee_kind in ('holder', 'lienholder', 'repair_facility', 'administrator')`),
    )
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('reference', 'text')
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'uuid', (c) => c.notNull())
    .addColumn('reverses_entry_id', 'uuid', (c) => c.references('ledger_entries.id'))
    .addColumn('memo', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('ledger_entries_contract_idx')
    .on('ledger_entries')
    .columns(['contract_id', 'occurred_at'])
    .execute();
  // At most one original entry of a kind per source (one refund per cancellation, one payment per
  // claim): a second one is refused by the database even if two processes race past the service.
  await sql`
    create unique index ledger_entries_one_per_source on ledger_entries (source_type, source_id, kind)
    where reverses_entry_id is null`.execute(db);
  await sql`create unique index ledger_entries_one_reversal on ledger_entries (reverses_entry_id)
    where reverses_entry_id is not null`.execute(db);
  await sql`
    create trigger ledger_entries_append_only before update or delete on ledger_entries
    for each row execute function coverwise_reject_change()`.execute(db);
  await sql`
    create trigger ledger_entries_no_truncate before truncate on ledger_entries
    for each statement execute function coverwise_reject_change()`.execute(db);

  await db.schema
    .createTable('documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    .addColumn('document_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('received', 'pending_review', 'accepted', 'rejected', 'superseded')`),
    )
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('review_due_on', 'date')
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('reviewed_by', 'text')
    .addColumn('review_reason', 'text')
    .addColumn('supersedes_id', 'uuid', (c) => c.references('documents.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('row_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('documents_owner_idx')
    .on('documents')
    .columns(['owner_type', 'owner_id'])
    .execute();
  await db.schema.createIndex('documents_sha256_idx').on('documents').column('sha256').execute();
  await sql`create index documents_review_queue_idx on documents (review_due_on, received_at)
    where status = 'pending_review'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}

// GAP claims (a total loss or theft under a GAP addendum) and the escalation mark on document
// reviews that pass their due date (docs/domain.md "GAP claims", "Business days").
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence gap_claim_number_seq`.execute(db);
  await db.schema
    .createTable('gap_claims')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('claim_number', 'text', (c) => c.notNull().unique())
    .addColumn('contract_id', 'uuid', (c) => c.notNull().references('contracts.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('awaiting_documents', 'under_review', 'ready_for_calculation', 'approved', 'denied', 'paid')`,
        ),
    )
    .addColumn('loss_type', 'text', (c) =>
      c.notNull().check(sql`loss_type in ('total_loss', 'theft', 'theft_recovered')`),
    )
    .addColumn('date_of_loss', 'date', (c) => c.notNull())
    // The document types the claim needs, fixed when it starts (from the contract's catalog version).
    .addColumn('required_documents', 'jsonb', (c) => c.notNull())
    .addColumn('calculation', 'jsonb')
    .addColumn('benefit_cents', 'bigint', (c) => c.check(sql`benefit_cents >= 0`))
    .addColumn('calculated_at', 'timestamptz')
    .addColumn('calculated_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('payment_entry_id', 'uuid', (c) => c.references('ledger_entries.id'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('row_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // One open GAP claim per contract, even when two starts race past the service's check.
  await sql`create unique index gap_claims_one_open_per_contract on gap_claims (contract_id)
    where status not in ('denied', 'paid')`.execute(db);
  await sql`create index gap_claims_status_idx on gap_claims (status, opened_at)`.execute(db);

  await sql`alter table documents add column escalated_at timestamptz`.execute(db);
  await sql`create index documents_review_overdue_idx on documents (review_due_on)
    where status = 'pending_review' and escalated_at is null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}

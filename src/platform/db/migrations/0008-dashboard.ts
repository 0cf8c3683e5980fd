// Indexes of the staff dashboard (issue 10): its charts are aggregate queries over the live tables, so
// the big ones read narrow covering indexes instead of the contracts heap.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Portfolio by tier and state, and written premium per plan: an index-only scan of one narrow index.
  await sql`create index contracts_dashboard_idx
    on contracts (status, plan_code, purchase_state) include (price_cents)`.execute(db);
  // Reviews due today / overdue and SLA adherence by week of the due date.
  await sql`create index documents_review_due_idx
    on documents (review_due_on) include (status, reviewed_at)`.execute(db);
  // Cancellations and refunds by month.
  await sql`create index cancellations_cancel_on_idx on cancellations (cancel_on) include (refund_cents)`.execute(
    db,
  );
  // Paid claims by plan: ledger entries by kind.
  await sql`create index ledger_entries_kind_idx
    on ledger_entries (kind) include (contract_id, direction, amount_cents)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('This migration cannot be rolled back.');
}

// GAP benefits are paid through payment runs (issue 16, "Payment runs": shop authorizations, refunds and
// benefits are payables of a run): an approved GAP claim becomes a payable to the lienholder, so a run
// item and its settlement may name a GAP claim as their source.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table payment_run_items drop constraint payment_run_items_source_type_check`.execute(db);
  await sql`
    alter table payment_run_items add constraint payment_run_items_source_type_check check (source_type in
      ('repair_claim', 'rental_claim', 'trip_interruption_claim', 'roadside_request', 'cancellation', 'gap_claim'))`.execute(
    db,
  );
  // The open GAP payables are read by status: approved claims not yet settled.
  await sql`create index gap_claims_approved_idx on gap_claims (decided_at) where status = 'approved'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index gap_claims_approved_idx`.execute(db);
  await sql`alter table payment_run_items drop constraint payment_run_items_source_type_check`.execute(db);
  await sql`
    alter table payment_run_items add constraint payment_run_items_source_type_check check (source_type in
      ('repair_claim', 'rental_claim', 'trip_interruption_claim', 'roadside_request', 'cancellation'))`.execute(
    db,
  );
}

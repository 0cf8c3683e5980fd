// Maker–checker for GAP benefit payments. An adjuster may pay a benefit up to their approval limit on
// their own (users.approval_limit_cents, or the COVERWISE_APPROVAL_LIMIT_CENTS setting when null);
// a larger benefit is proposed by one adjuster and paid only when a second adjuster, whose own limit
// covers it, approves. The proposal sits on the claim; a recalculation withdraws it.
//
// Also: a repair-claim line denied for "other reason" carries the adjuster's note, which the shop reads.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users
      add column approval_limit_cents bigint check (approval_limit_cents >= 0)
  `.execute(db);
  await sql`
    alter table gap_claims
      add column payment_proposed_by_user_id uuid references users (id),
      add column payment_proposed_by text,
      add column payment_proposed_at timestamptz,
      add column payment_proposed_cents bigint,
      add constraint gap_claims_payment_proposal_whole check (
        (payment_proposed_by_user_id is null) = (payment_proposed_at is null)
        and (payment_proposed_at is null) = (payment_proposed_cents is null)
        and (payment_proposed_at is null) = (payment_proposed_by is null)
      )
  `.execute(db);
  await sql`alter table repair_claim_lines add column decision_note text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table repair_claim_lines drop column decision_note`.execute(db);
  await sql`
    alter table gap_claims
      drop constraint gap_claims_payment_proposal_whole,
      drop column payment_proposed_cents,
      drop column payment_proposed_at,
      drop column payment_proposed_by,
      drop column payment_proposed_by_user_id
  `.execute(db);
  await sql`alter table users drop column approval_limit_cents`.execute(db);
}

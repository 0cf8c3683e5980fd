// A GAP addendum pays once (DOMAIN.md "After a GAP benefit is paid"): when its benefit is paid the
// addendum ends with status `claimed` — not `cancelled`, as nothing is refunded. The contracts' status
// check takes the new value (the constraint 0002 created, named by PostgreSQL's default
// `<table>_<column>_check`), and the GAP addenda whose benefit was paid before this migration, still
// `active`, become `claimed`, each with its audit row (the system's, saying it is this backfill).
// From now on the payment that makes a GAP claim `paid` claims its addendum in the same transaction
// (src/gap-claims/gap-claims.service.ts). Going down, the claimed addenda are active again (audited too).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contracts drop constraint contracts_status_check`.execute(db);
  await sql`alter table contracts add constraint contracts_status_check
    check (status in ('active', 'cancelled', 'expired', 'void', 'claimed'))`.execute(db);
  // One statement: the contracts changed and their audit rows. A contract has at most one paid claim
  // (a paid addendum refuses a new claim), so each is updated and audited once.
  await sql`
    with claimed as (
      update contracts c
         set status = 'claimed', row_version = c.row_version + 1, updated_at = now()
        from gap_claims g
       where g.contract_id = c.id and g.status = 'paid' and c.product = 'gap' and c.status = 'active'
      returning c.id, g.id as gap_claim_id, g.claim_number
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'contract.claimed', 'contract', id::text,
           'Backfill of migration 0047-contract-status-claimed: GAP benefit paid on claim ' || claim_number,
           jsonb_build_object('from', 'active', 'to', 'claimed', 'gapClaimId', gap_claim_id,
                              'claimNumber', claim_number)
      from claimed`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    with unclaimed as (
      update contracts c
         set status = 'active', row_version = c.row_version + 1, updated_at = now()
       where c.status = 'claimed'
      returning c.id
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'contract.unclaimed', 'contract', id::text,
           'Rollback of migration 0047-contract-status-claimed: the status claimed no longer exists',
           jsonb_build_object('from', 'claimed', 'to', 'active')
      from unclaimed`.execute(db);
  await sql`alter table contracts drop constraint contracts_status_check`.execute(db);
  await sql`alter table contracts add constraint contracts_status_check
    check (status in ('active', 'cancelled', 'expired', 'void'))`.execute(db);
}
